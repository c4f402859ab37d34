package format

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// SARIF writes SARIF 2.1.0 for code scanning: one run for all targets,
// one rule per finding rule of the registry and per applies:<term kind> and
// undetermined:<term kind> verdict, results at the lines that cause them,
// the other evidence as related locations, waivers as suppressions.
type SARIF struct{}

// readme is where the rules' help links point.
const readme = "https://github.com/carveout/carveout/blob/main/README.md"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
	// Invocations say when the scan ran, only with a timestamp.
	Invocations []sarifInvocation `json:"invocations,omitempty"`
	Properties  map[string]any    `json:"properties,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool   `json:"executionSuccessful"`
	StartTimeUTC        string `json:"startTimeUtc,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string         `json:"name"`
	Version        string         `json:"version"`
	InformationURI string         `json:"informationUri"`
	Rules          []sarifRule    `json:"rules"`
	Properties     map[string]any `json:"properties,omitempty"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      *sarifText     `json:"fullDescription,omitempty"`
	Help                 *sarifText     `json:"help,omitempty"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Suppressions        []sarifSupp       `json:"suppressions,omitempty"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifSupp struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

type sarifLocation struct {
	ID       *int          `json:"id,omitempty"`
	Physical sarifPhysical `json:"physicalLocation"`
	Message  *sarifText    `json:"message,omitempty"`
}

type sarifPhysical struct {
	Artifact sarifArtifact `json:"artifactLocation"`
	Region   *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
	EndLine   int `json:"endLine,omitempty"`
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s string) string {
	switch s {
	case string(sevError):
		return "error"
	case string(sevWarning):
		return "warning"
	}
	return "note"
}

// sarifRules lists the rules of the log: the registry's (finding rules,
// then the policy's license and verdict rules), then any other rule the
// reports name (sorted; none when the registry is complete).
func sarifRules(rs []*Report) ([]sarifRule, map[string]int) {
	all := registryRules()
	index := map[string]int{}
	for i, r := range all {
		index[r.ID] = i
	}
	var extra []string
	seen := func(id string) {
		if _, ok := index[id]; !ok {
			index[id] = -1
			extra = append(extra, id)
		}
	}
	for _, r := range rs {
		for _, f := range r.Findings {
			seen(f.Rule)
		}
		for _, v := range r.Violations {
			seen(v.Rule)
		}
	}
	sort.Strings(extra)
	for _, id := range extra {
		all = append(all, ruleInfo{ID: id, Severity: string(sevError), Title: id})
	}
	out := make([]sarifRule, len(all))
	for i, r := range all {
		index[r.ID] = i
		sr := sarifRule{ID: r.ID, Name: ruleName(r.ID), ShortDescription: sarifText{Text: r.Title},
			DefaultConfiguration: sarifConfig{Level: sarifLevel(r.Severity)}}
		if r.Help != "" {
			sr.Help = &sarifText{Text: r.Help}
			sr.FullDescription = &sarifText{Text: r.Help}
		}
		if r.Anchor != "" {
			sr.HelpURI = readme + "#" + r.Anchor
		}
		sr.Properties = map[string]any{"tags": []string{"license", "compliance"}}
		out[i] = sr
	}
	return out, index
}

// ruleName is a rule id in UpperCamelCase (SARIF's reportingDescriptor name).
func ruleName(id string) string {
	var b strings.Builder
	up := true
	for _, c := range id {
		if c == '-' || c == ':' || c == '.' || c == '_' {
			up = true
			continue
		}
		if up && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		b.WriteRune(c)
	}
	return b.String()
}

// Encode implements Encoder.
func (SARIF) Encode(w io.Writer, rs []*Report, o Options) error {
	rules, index := sarifRules(rs)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{Name: "carveout", Version: o.toolVersion(), InformationURI: "https://github.com/carveout/carveout", Rules: rules,
			Properties: map[string]any{"catalog": o.catalog()}}},
		Results: []sarifResult{},
	}
	if ts := o.timestamp(); ts != "" {
		run.Invocations = []sarifInvocation{{ExecutionSuccessful: true, StartTimeUTC: ts}}
	}
	for _, r := range rs {
		run.Results = append(run.Results, sarifResults(r, o, index)...)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}

type waiverKey struct{ rule, license string }

// sarifResults are the results of one report.
func sarifResults(r *Report, o Options, index map[string]int) []sarifResult {
	prefix := o.root(r)
	// Violations by rule and license: a waived one suppresses the result,
	// a failing one makes it an error.
	viol := map[waiverKey]*struct {
		waived bool
		reason string
		used   bool
	}{}
	for _, v := range r.Violations {
		k := waiverKey{v.Rule, v.License}
		x := viol[k]
		if x == nil {
			x = &struct {
				waived bool
				reason string
				used   bool
			}{waived: true}
			viol[k] = x
		}
		x.waived = x.waived && v.Waived
		if v.WaiverReason != "" {
			x.reason = v.WaiverReason
		}
	}
	var out []sarifResult
	add := func(rule, license, level, msg string, ev []Evidence, fallback string) {
		res := sarifResult{RuleID: rule, RuleIndex: index[rule], Level: level, Message: sarifText{Text: msg}}
		var files []Evidence
		for _, e := range ev {
			if fileEvidence(e) {
				files = append(files, e)
			}
		}
		primary := ""
		if len(files) > 0 {
			res.Locations = []sarifLocation{sarifLoc(prefix, files[0], nil)}
			primary = files[0].Path
			for i, e := range files[1:] {
				id := i + 1
				res.RelatedLocations = append(res.RelatedLocations, sarifLoc(prefix, e, &id))
			}
		} else if fallback != "" {
			// Code scanning needs a location: a finding about the
			// repository as a whole sits on its model card, without lines.
			res.Locations = []sarifLocation{sarifLoc(prefix, Evidence{Path: fallback}, nil)}
			primary = fallback
		}
		res.PartialFingerprints = map[string]string{"carveout/v1": hashOf(rule, license, prefix+primary)[:32]}
		if x := viol[waiverKey{rule, license}]; x != nil {
			x.used = true
			if x.waived {
				res.Suppressions = []sarifSupp{{Kind: "external", Status: "accepted", Justification: x.reason}}
			} else {
				res.Level = "error"
			}
		}
		res.Properties = map[string]any{"target": r.Target}
		if license != "" {
			res.Properties["license"] = license
		}
		out = append(out, res)
	}
	card := r.Declared.Path
	for _, f := range r.Findings {
		add(f.Rule, f.License, sarifLevel(string(f.Severity)), f.Message, f.Evidence, card)
	}
	for _, l := range r.Licenses {
		for _, t := range l.Terms {
			if t.Verdict == "" {
				continue
			}
			rule := t.Verdict + ":" + string(t.Kind)
			if viol[waiverKey{rule, l.ID}] == nil {
				continue // the policy does not fail on it: an obligation or a fact
			}
			msg := fmt.Sprintf("%s %s (%s): %s", l.ID, t.Kind, t.Description, t.Reason)
			add(rule, l.ID, "error", msg, append(append([]Evidence{}, t.Evidence...), l.Evidence...), card)
		}
	}
	// Policy violations that are neither findings nor terms
	// (license-denied, unknown-license...).
	for _, v := range r.Violations {
		x := viol[waiverKey{v.Rule, v.License}]
		if x.used {
			continue
		}
		x.used = true
		var ev []Evidence
		for _, l := range r.Licenses {
			if l.ID == v.License {
				ev = l.Evidence
				break
			}
		}
		if v.Path != "" && len(ev) == 0 {
			ev = []Evidence{{Path: v.Path}}
		}
		add(v.Rule, v.License, "error", v.Message, ev, card)
	}
	return out
}

func sarifLoc(prefix string, e Evidence, id *int) sarifLocation {
	l := sarifLocation{ID: id, Physical: sarifPhysical{Artifact: sarifArtifact{URI: escapePath(prefix + e.Path)}}}
	if e.StartLine > 0 {
		l.Physical.Region = &sarifRegion{StartLine: e.StartLine}
		if e.EndLine > e.StartLine {
			l.Physical.Region.EndLine = e.EndLine
		}
	}
	if id != nil {
		l.Message = &sarifText{Text: fmt.Sprintf("%s (%s)", Place(e), e.Source)}
	}
	return l
}
