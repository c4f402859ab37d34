package scanner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/scanner/rules"
)

// DatasetInfo is what a DatasetResolver says about a training data set.
type DatasetInfo struct {
	// Licenses are the declared license values (Hub card data).
	Licenses []string
	// Source says where they come from ("hub-api").
	Source string
}

// DatasetResolver looks training data sets up (the Hub's dataset API).
// It returns an error wrapping ErrUnresolved for a data set it does not
// know.
type DatasetResolver interface {
	ResolveDataset(ctx context.Context, id string) (*DatasetInfo, error)
}

// maxDatasets bounds the data sets looked up per target; the others are
// reported with a note, never left out.
const maxDatasets = 64

// datasetLineage is the training-data stage: every data set the card
// names, with its declared licenses; a non-commercial or unknown license,
// or one that could not be looked up, is a warning for the reviewer.
func datasetLineage(ctx context.Context, e *evidence, opts Options) ([]Dataset, []Finding) {
	if e.card == nil || len(e.card.Datasets) == 0 {
		return nil, nil
	}
	var out []Dataset
	var fs []Finding
	seen := map[string]bool{}
	ev := Evidence{Path: e.cardPath, StartLine: e.card.Line("datasets"), EndLine: e.card.Line("datasets"), Source: SourceModelCard, Detail: "datasets"}
	for _, id := range e.card.Datasets {
		if seen[id] {
			continue
		}
		seen[id] = true
		d := Dataset{ID: id, Licenses: []string{}, Category: string(licenses.Unknown)}
		switch {
		case opts.Datasets == nil:
			d.Note = "not looked up (offline or no dataset resolver)"
		case len(out) >= maxDatasets:
			d.Note = fmt.Sprintf("not looked up: the card names more than %d data sets", maxDatasets)
		default:
			info, err := opts.Datasets.ResolveDataset(ctx, id)
			switch {
			case err != nil && errors.Is(err, ErrUnresolved):
				d.Note = "not found: " + err.Error()
			case err != nil:
				d.Note = "lookup failed: " + err.Error()
			default:
				d.Licenses = append(d.Licenses, info.Licenses...)
				d.Source = info.Source
				d.Category = datasetCategory(info.Licenses)
				if len(info.Licenses) == 0 {
					d.Note = "the data set declares no license"
				}
			}
		}
		out = append(out, d)
		var why string
		switch {
		case d.Note != "":
			why = d.Note
		case d.Category == string(licenses.NonCommercial):
			why = "non-commercial license " + strings.Join(d.Licenses, ", ")
		case d.Category == string(licenses.Unknown):
			why = "license " + strings.Join(d.Licenses, ", ") + " is not identified"
		}
		if why != "" {
			e := ev
			e.Detail = id
			fs = append(fs, newFinding("", rules.DatasetLicense, rules.Get(rules.DatasetLicense).Severity,
				fmt.Sprintf("training data set %s: %s; the model may carry the data set's terms (review them)", id, why), e))
		}
	}
	return out, fs
}

// datasetCategory is the most restrictive category of the declared
// values (the later in licenses.Categories); an unidentified value is
// unknown.
func datasetCategory(vals []string) string {
	worst := -1
	for _, v := range vals {
		c := licenses.Unknown
		if id, ok := licenses.FromID(v); ok {
			c = id.Category
		}
		if c == licenses.UsagePolicy {
			continue
		}
		worst = max(worst, slices.Index(licenses.Categories, c))
	}
	if worst < 0 {
		return string(licenses.Unknown)
	}
	return string(licenses.Categories[worst])
}
