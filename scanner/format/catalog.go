package format

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/carveout/carveout/licenses"
)

// sbomLicense is a license as the SBOM encoders name it. The report
// carries carveout's ids; the licensor and the ScanCode key are catalog
// facts read here (the one place the encoders consult the catalog).
type sbomLicense struct {
	ID       string // carveout's id ("llama3.1", "Apache-2.0", "unknown")
	SPDX     string // an SPDX License List id, or ""
	Ref      string // the LicenseRef- id when the license is not on the SPDX list
	Name     string
	URL      string
	Licensor string
	ScanCode string
	// Closest is, for an unknown license, the known one it resembles most
	// ("" otherwise).
	Closest string
}

// sbomLicenseOf names a license for SBOMs: the SPDX id where the SPDX list
// has one, else LicenseRef-scancode-<key> where ScanCode has a key (so
// inventories join with ScanCode and ORT), else carveout's own
// LicenseRef-carveout-<id>. An unknown license keeps its place in the name
// (unknown never borrows an id).
func sbomLicenseOf(id, name, url, spdx string, seq int) sbomLicense {
	s := sbomLicense{ID: id, Name: name, URL: url}
	if l, ok := licenses.Lookup(id); ok {
		s.Licensor, s.ScanCode = l.Licensor, l.ScanCode
		if spdx == "" {
			spdx = l.SPDXID
		}
		if s.Name == "" {
			s.Name = l.Name
		}
		if s.URL == "" {
			s.URL = l.URL
		}
	} else if ident, ok := licenses.FromID(id); ok && spdx == "" {
		spdx = ident.SPDXID
		if s.Name == "" {
			s.Name = ident.Name
		}
	}
	switch {
	case id == string(licenses.Unknown) || id == "":
		s.Ref = "LicenseRef-carveout-unknown-" + strconv.Itoa(seq)
		if s.Name == "" {
			s.Name = "Unknown license"
		}
	case spdx != "" && !strings.HasPrefix(spdx, "LicenseRef-"):
		s.SPDX = spdx
	case s.ScanCode != "":
		s.Ref = "LicenseRef-scancode-" + idstring(s.ScanCode)
	case spdx != "":
		s.Ref = "LicenseRef-" + idstring(strings.TrimPrefix(spdx, "LicenseRef-"))
	default:
		s.Ref = "LicenseRef-carveout-" + idstring(id)
	}
	if s.Name == "" {
		s.Name = id
	}
	return s
}

// Expr is the id an SPDX license expression uses.
func (s sbomLicense) Expr() string {
	if s.SPDX != "" {
		return s.SPDX
	}
	return s.Ref
}

// idstring keeps what SPDX allows in an id ([A-Za-z0-9.-]); anything
// else becomes '-' ("openrail++" -> "openrail--").
func idstring(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '-'
	}, s)
}

// CatalogVersion identifies the embedded license catalog: a digest of its
// entries (any change to an entry changes it) and their number, e.g.
// "sha256:1f2e3d4c5b6a (85 licenses)".
func CatalogVersion() string { return catalogVersion() }

var catalogVersion = sync.OnceValue(func() string {
	all := licenses.Catalog()
	b, err := json.Marshal(all)
	if err != nil {
		return "unknown"
	}
	h := sha256.Sum256(b)
	return fmt.Sprintf("sha256:%x (%d licenses)", h[:6], len(all))
})

// catalog is o.Catalog, else the embedded catalog's version.
func (o Options) catalog() string {
	if o.Catalog != "" {
		return o.Catalog
	}
	return catalogVersion()
}

// declaredName is the card's license_name for a declared id carveout does
// not know ("" otherwise).
func declaredName(r *Report, id string) string {
	if id == string(licenses.Unknown) {
		return r.Declared.LicenseName
	}
	return ""
}
