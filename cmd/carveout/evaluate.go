package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/licenses/profile"
	"github.com/carveout/carveout/scanner"
	"github.com/carveout/carveout/scanner/source"
)

// evaluation holds the parsed profile and policy of a scan.
type evaluation struct {
	profile *profile.Profile
	policy  *profile.Policy
	rates   profile.Rates
}

// loadEvaluation reads --profile (or $CARVEOUT_PROFILE) and --policy.
// Invalid files are usage errors naming the file and line.
func loadEvaluation(app *App, o *scanOptions) (*evaluation, error) {
	e := &evaluation{}
	name := o.profile
	if name == "" {
		name = app.Getenv("CARVEOUT_PROFILE")
	}
	if name != "" {
		b, err := readSmall(name)
		if err != nil {
			return nil, usagef("profile: %v", err)
		}
		p, err := profile.ParseProfile(name, b)
		if err != nil {
			return nil, usageErr(err)
		}
		e.profile = p
	}
	if o.policy != "" {
		b, err := readSmall(o.policy)
		if err != nil {
			return nil, usagef("policy: %v", err)
		}
		p, err := profile.ParsePolicy(o.policy, b)
		if err != nil {
			return nil, usageErr(err)
		}
		e.policy = p
	}
	pol, err := o.cfg.policyOf(e.policy)
	if err != nil {
		return nil, err
	}
	e.policy = pol
	if e.policy != nil && o.failOnSet {
		// --fail-on given (flag, CARVEOUT_FAIL_ON or config) replaces the
		// policy's fail_on: never makes a report-only run green.
		if o.failOn == "never" || o.failOn == "none" {
			e.policy.FailOn = profile.FailOn{FindingSeverity: profile.SeverityNever}
		} else {
			e.policy.FailOn.FindingSeverity = profile.Severity(o.failOn)
		}
	}
	if o.rates != "" {
		b, err := readSmall(o.rates)
		if err != nil {
			return nil, usagef("rates: %v", err)
		}
		r, err := profile.ParseRates(o.rates, b)
		if err != nil {
			return nil, usageErr(err)
		}
		e.rates = r
	}
	return e, nil
}

// apply evaluates a report against the profile and policy.
func (e *evaluation) apply(r *scanner.Report, failOn scanner.Severity, now time.Time) error {
	scanner.Evaluate(r, scanner.Evaluation{Profile: e.profile, Rates: e.rates, Policy: e.policy, FailOn: failOn, Now: now})
	return nil
}

// derivativeName is the name a derivative will be published under, from
// the profile.
func (e *evaluation) derivativeName() string {
	if e.profile == nil {
		return ""
	}
	return e.profile.DerivativeName
}

// resolver builds the lineage resolver: the built-in table first (no
// network), then the Hub unless offline.
func (e *env) resolver(ctx context.Context) scanner.Resolver {
	rs := scanner.Resolvers{scanner.TableResolver{}}
	if !e.offline {
		if c, err := source.NewHubClient(e.hub); err == nil {
			rs = append(rs, hubResolver{c: c})
		}
	}
	return rs
}

// hubResolver looks base models up on the Hugging Face Hub.
type hubResolver struct{ c *source.HubClient }

func (h hubResolver) Resolve(ctx context.Context, id string) (*scanner.BaseInfo, error) {
	md, err := h.c.ModelInfo(ctx, id)
	if err != nil {
		if errors.Is(err, source.ErrNotFound) {
			return nil, fmt.Errorf("%w: %w", scanner.ErrUnresolved, err)
		}
		return nil, err
	}
	return &scanner.BaseInfo{Licenses: md.License, LicenseName: md.LicenseName, BaseModels: md.BaseModels, Source: "hub-api"}, nil
}

// hubDatasets looks training data sets up on the Hugging Face Hub.
type hubDatasets struct{ c *source.HubClient }

func (h hubDatasets) ResolveDataset(ctx context.Context, id string) (*scanner.DatasetInfo, error) {
	info, err := h.c.DatasetInfo(ctx, id)
	if err != nil {
		if errors.Is(err, source.ErrNotFound) {
			return nil, fmt.Errorf("%w: %w", scanner.ErrUnresolved, err)
		}
		return nil, err
	}
	vals := info.License
	if len(vals) == 1 && vals[0] == "other" && info.LicenseName != "" {
		vals = []string{"other (" + info.LicenseName + ")"}
	}
	return &scanner.DatasetInfo{Licenses: vals, Source: "hub-api"}, nil
}

// datasets is the training-data resolver of a scan: the Hub, or nil
// offline (data sets are then reported unresolved).
func (e *env) datasets() scanner.DatasetResolver {
	if e.offline {
		return nil
	}
	c, err := source.NewHubClient(e.hub)
	if err != nil {
		return nil
	}
	return hubDatasets{c: c}
}

// obligationsOf lists a catalog license's obligations for explain.
func obligationsOf(l *licenses.License) []string {
	var out []string
	for _, o := range profile.Obligations(l.ID, "", l.Terms, nil) {
		out = append(out, o.Action)
	}
	return out
}

// maxConfigBytes caps profile, policy and rates files.
const maxConfigBytes = 1 << 20

// readSmall reads a configuration file of at most maxConfigBytes.
func readSmall(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(b) > maxConfigBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes; not a profile, policy or rates file", name, maxConfigBytes)
	}
	return b, nil
}
