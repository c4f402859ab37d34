package scanner

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/carveout/carveout/scanner/rules"
	"github.com/carveout/carveout/scanner/source"
)

type fakeDatasets map[string][]string

func (f fakeDatasets) ResolveDataset(_ context.Context, id string) (*DatasetInfo, error) {
	if id == "acme/broken" {
		return nil, errors.New("GET /api/datasets/acme/broken: HTTP 500")
	}
	v, ok := f[id]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnresolved, id)
	}
	return &DatasetInfo{Licenses: v, Source: "hub-api"}, nil
}

func TestDatasetLineage(t *testing.T) {
	res := fakeDatasets{"acme/open": {"cc-by-4.0"}, "acme/nc": {"cc-by-nc-4.0"}, "acme/mixed": {"mit", "cc-by-nc-sa-4.0"}, "acme/none": nil, "acme/odd": {"my-own-terms"}}
	for _, tc := range []struct {
		name     string
		datasets string
		resolver DatasetResolver
		want     string // id=category for each, then warned ids
		warned   string
	}{
		{"open", "[acme/open]", res, "acme/open=open-non-osi", ""},
		{"non-commercial", "[acme/nc]", res, "acme/nc=non-commercial", "acme/nc"},
		{"worst of several", "[acme/mixed]", res, "acme/mixed=non-commercial", "acme/mixed"},
		{"no license", "[acme/none]", res, "acme/none=unknown", "acme/none"},
		{"unidentified", "[acme/odd]", res, "acme/odd=unknown", "acme/odd"},
		{"not found", "[acme/absent]", res, "acme/absent=unknown", "acme/absent"},
		{"lookup error", "[acme/broken]", res, "acme/broken=unknown", "acme/broken"},
		{"offline", "[acme/open]", nil, "acme/open=unknown", "acme/open"},
		{"url and duplicates", "[https://huggingface.co/datasets/acme/open, acme/open]", res, "acme/open=open-non-osi", ""},
		{"one string", "acme/nc", res, "acme/nc=non-commercial", "acme/nc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			card := "---\nlicense: mit\ndatasets: " + tc.datasets + "\n---\n# m\n"
			src := source.NewMemory("mem", map[string][]byte{"README.md": []byte(card)}, nil)
			r, err := Scan(context.Background(), src, Options{Lineage: TableResolver{}, Datasets: tc.resolver})
			if err != nil {
				t.Fatal(err)
			}
			var got, warned []string
			for _, d := range r.Datasets {
				got = append(got, d.ID+"="+d.Category)
			}
			for _, f := range r.Findings {
				if f.Rule == rules.DatasetLicense {
					if f.Severity != SeverityWarning {
						t.Errorf("%s: severity %s", f.Message, f.Severity)
					}
					warned = append(warned, f.Evidence[0].Detail)
				}
			}
			if strings.Join(got, " ") != tc.want || strings.Join(warned, " ") != tc.warned {
				t.Errorf("datasets %q warned %q, want %q warned %q", got, warned, tc.want, tc.warned)
			}
		})
	}
	// A card without datasets has no datasets field.
	r, err := Scan(context.Background(), source.NewMemory("mem", map[string][]byte{"README.md": []byte("---\nlicense: mit\n---\n")}, nil), Options{Datasets: res})
	if err != nil || r.Datasets != nil {
		t.Errorf("no datasets: %v, %v", r.Datasets, err)
	}
}
