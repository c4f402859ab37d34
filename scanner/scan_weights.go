package scanner

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/scanner/rules"
	"github.com/carveout/carveout/scanner/weights"
)

// readWeights reads the bounded header of every GGUF and safetensors file
// and turns its license metadata into evidence.
func (s *scan) readWeights() {
	if s.opts.SkipWeights {
		return
	}
	for _, f := range s.files {
		kind, format := classify(f.Path)
		if kind != KindWeights || (format != "gguf" && format != "safetensors") {
			continue
		}
		p := f.Path
		rr := weights.RangeFunc(func(ctx context.Context, off, n int64) ([]byte, error) {
			return s.src.ReadRange(ctx, p, off, n)
		})
		var h *weights.Header
		var err error
		if format == "gguf" {
			h, err = weights.ReadGGUF(s.ctx, rr, f.Size)
		} else {
			h, err = weights.ReadSafetensors(s.ctx, rr, f.Size)
		}
		if err != nil {
			// Metadata after the problem was not read: never compliant.
			msg := fmt.Sprintf("%s: %v; license metadata after that point in its header was not read", p, err)
			if h == nil || len(h.Metadata) == 0 {
				msg = fmt.Sprintf("%s: %v; license metadata in its header was not read", p, err)
			}
			s.finding(rules.MalformedWeightsHeader, msg, Evidence{Path: p, Source: SourceWeights})
			if h == nil {
				continue
			}
		}
		md := licenseMetadata(h)
		s.setFile(p, format, h.BytesRead, md)
		s.weightLicense(p, h)
	}
}

// licenseMetadata keeps the license- and lineage-related keys of a header.
func licenseMetadata(h *weights.Header) map[string]string {
	out := map[string]string{}
	for k, v := range h.Metadata {
		lk := strings.ToLower(k)
		if strings.Contains(lk, "license") || strings.Contains(lk, "licence") || strings.HasPrefix(lk, "general.base_model") ||
			lk == "general.name" || lk == "general.organization" || lk == "general.author" || lk == "general.source.url" || lk == "general.repo_url" ||
			lk == "base_model" || lk == "modelspec.license" || lk == "modelspec.title" || lk == "modelspec.author" {
			if len(v) > 512 {
				v = v[:512] + "…"
			}
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (s *scan) setFile(p, format string, read int64, md map[string]string) {
	for i := range s.rep.Files {
		if s.rep.Files[i].Path == p {
			s.rep.Files[i].Format = format
			s.rep.Files[i].Read = read
			s.rep.Files[i].Metadata = md
			return
		}
	}
}

// weightLicense records the license a weight header declares and its
// base models, and flags disagreement with the card.
func (s *scan) weightLicense(p string, h *weights.Header) {
	id, name, link := h.License()
	if id == "" {
		for k, v := range h.Metadata {
			if strings.Contains(strings.ToLower(k), "license") && !strings.Contains(strings.ToLower(k), "link") && !strings.Contains(strings.ToLower(k), "name") {
				id = v
				break
			}
		}
	}
	ev := Evidence{Path: p, Source: SourceWeights}
	if id != "" || name != "" {
		ev.Detail = strings.TrimSpace(fmt.Sprintf("license=%s name=%s link=%s", id, name, link))
		ident, ok := licenses.FromID(id)
		if !ok && name != "" {
			ident, ok = licenses.FromID(name)
		}
		if !ok {
			s.finding(rules.UnidentifiedWeightsLicense, fmt.Sprintf("%s: header declares license %q (name %q), which carveout does not know", p, id, name), ev)
		} else {
			ident.Kind = licenses.MatchMetadata
			s.addIdentification(ident, ev)
			if len(s.declared) > 0 && !declaresID(s.declared, ident.ID) {
				s.licenseFinding(ident.ID, rules.WeightsLicenseMismatch, fmt.Sprintf("%s: header declares %s but the model card declares %s", p, ident.ID, strings.Join(idsOf(s.declared), ", ")), ev, Evidence{Path: s.cardPath, StartLine: s.card.Line("license"), EndLine: s.card.Line("license"), Source: SourceModelCard})
			}
		}
	}
	for _, b := range h.BaseModels() {
		ref := b.Name
		if b.RepoURL != "" {
			ref = b.RepoURL
		} else if b.Organization != "" && b.Name != "" {
			ref = b.Organization + "/" + b.Name
		}
		if ref == "" {
			continue
		}
		s.bases = append(s.bases, baseRef{id: normalizeModelRef(ref), ev: Evidence{Path: p, Source: SourceWeights, Detail: fmt.Sprintf("general.base_model.%d", b.Index)}})
	}
}

func declaresID(ids []licenses.Identification, id string) bool {
	for _, d := range ids {
		if d.ID == id {
			return true
		}
	}
	return false
}

// normalizeModelRef turns a Hub URL into org/name.
func normalizeModelRef(ref string) string {
	r := strings.TrimSpace(ref)
	for _, pre := range []string{"https://huggingface.co/", "http://huggingface.co/", "hf.co/", "https://hf.co/"} {
		if strings.HasPrefix(strings.ToLower(r), pre) {
			r = r[len(pre):]
			break
		}
	}
	parts := strings.Split(strings.Trim(r, "/"), "/")
	if len(parts) >= 2 && !strings.Contains(ref, " ") {
		return parts[0] + "/" + parts[1]
	}
	return r
}

// serviceMetadata records what a hosting service says and compares it.
func (s *scan) serviceMetadata() {
	md := s.md
	for _, b := range md.BaseModels {
		s.bases = append(s.bases, baseRef{id: b.ID, relation: b.Relation, ev: Evidence{Path: md.URL, Source: serviceSource(md.Service), Detail: "baseModels"}})
	}
	if md.Service != "github" || len(md.License) == 0 {
		return
	}
	var ours []string
	for id, l := range s.lics {
		if l.Match.Kind == string(licenses.MatchText) {
			ours = append(ours, id)
		}
	}
	sort.Strings(ours)
	for _, gh := range md.License {
		if gh == "" || strings.EqualFold(gh, "NOASSERTION") || strings.EqualFold(gh, "other") {
			continue
		}
		if _, ok := s.lics[gh]; !ok {
			s.finding(rules.ServiceLicenseDiffers, fmt.Sprintf("GitHub reports the repository license as %s; carveout identified %s", gh, strings.Join(ours, ", ")), Evidence{Path: md.LicensePath, Source: SourceGitHub})
		}
	}
}

func serviceSource(svc string) string {
	if svc == "github" {
		return SourceGitHub
	}
	return SourceHub
}
