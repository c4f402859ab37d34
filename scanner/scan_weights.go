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
	_, name, link := h.License()
	for _, d := range h.Licenses() {
		s.weightDeclaration(p, d, name, link)
	}
	for _, k := range h.Truncated {
		if weights.IsLicenseKey(k) {
			s.finding(rules.MalformedWeightsHeader, fmt.Sprintf("%s: the header's %s value is longer than %d bytes; only its start was read, and terms past it are not known", p, k, weights.MaxStringBytes), Evidence{Path: p, Source: SourceWeights, Detail: k})
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

// maxQuoted bounds a header value quoted in a finding.
const maxQuoted = 200

// cut is v cut to maxQuoted bytes.
func cut(v string) string {
	if len(v) <= maxQuoted {
		return v
	}
	return strings.ToValidUTF8(v[:maxQuoted], "") + "…"
}

// quoted is v in quotes, cut to maxQuoted bytes with its length said.
func quoted(v string) string {
	if len(v) <= maxQuoted {
		return fmt.Sprintf("%q", v)
	}
	cut := strings.ToValidUTF8(v[:maxQuoted], "")
	return fmt.Sprintf("%q… (%d bytes)", cut, len(v))
}

// weightDeclaration records one license a weight header declares: an id
// (or, for a long value, a license text) carveout identifies, or an
// error: an unknown license is never allowed.
func (s *scan) weightDeclaration(p string, d weights.Declaration, name, link string) {
	ev := Evidence{Path: p, Source: SourceWeights}
	ev.Detail = strings.TrimSpace(fmt.Sprintf("license=%s name=%s link=%s", cut(d.ID), cut(name), cut(link)))
	if d.Key != "general.license" && d.Key != "license" {
		ev.Detail += " key=" + d.Key
	}
	var found []licenses.Identification
	if ident, ok := licenses.FromID(d.ID); ok {
		found = append(found, ident)
	} else if ident, ok := licenses.FromID(name); ok && name != "" {
		found = append(found, ident)
	} else if len(d.ID) > maxQuoted && strings.ContainsAny(d.ID, " \n") {
		// A license text in the header: identified like a file.
		for _, id := range licenses.Identify([]byte(d.ID)) {
			if id.ID != string(licenses.Unknown) {
				found = append(found, id)
			}
		}
	}
	if len(found) == 0 {
		s.finding(rules.UnidentifiedWeightsLicense, fmt.Sprintf("%s: header %s declares license %s (name %s), which carveout does not know; treated as unknown, never as allowed", p, d.Key, quoted(d.ID), quoted(name)), ev)
		return
	}
	for _, ident := range found {
		ident.Kind = licenses.MatchMetadata
		s.addIdentification(ident, ev)
		if len(s.declared) > 0 && !declaresID(s.declared, ident.ID) {
			s.licenseFinding(ident.ID, rules.WeightsLicenseMismatch, fmt.Sprintf("%s: header declares %s but the model card declares %s", p, ident.ID, strings.Join(idsOf(s.declared), ", ")), ev, Evidence{Path: s.cardPath, StartLine: s.card.Line("license"), EndLine: s.card.Line("license"), Source: SourceModelCard})
		}
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
