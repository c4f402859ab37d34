// Package licenses is carveout's knowledge of licenses: the catalog of model
// and SPDX licenses (embedded data files, one per license), identification of
// license texts and short references, and the terms each license carries.
//
// It does no I/O beyond its embedded data.
package licenses

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/carveout/carveout/licenses/terms"
	"go.yaml.in/yaml/v3"
)

// Category classifies a license by what it lets you do.
type Category string

// Categories, from most to least open.
const (
	Permissive       Category = "permissive"
	Copyleft         Category = "copyleft"
	OpenNonOSI       Category = "open-non-osi"
	CustomRestricted Category = "custom-restricted"
	NonCommercial    Category = "non-commercial"
	UsagePolicy      Category = "usage-policy"
	Unknown          Category = "unknown"
)

// Categories lists every category.
var Categories = []Category{Permissive, Copyleft, OpenNonOSI, CustomRestricted, NonCommercial, UsagePolicy, Unknown}

// License is one catalog entry: facts about a license, never its text.
type License struct {
	ID       string   `yaml:"id" json:"id"`
	Name     string   `yaml:"name" json:"name"`
	Family   string   `yaml:"family" json:"family"`
	Version  string   `yaml:"version,omitempty" json:"version,omitempty"`
	Date     string   `yaml:"date,omitempty" json:"date,omitempty"` // YYYY-MM-DD of the version, where the text gives one
	Licensor string   `yaml:"licensor,omitempty" json:"licensor,omitempty"`
	HFID     string   `yaml:"hf_id,omitempty" json:"hf_id,omitempty"`
	SPDXID   string   `yaml:"spdx_id,omitempty" json:"spdx_id,omitempty"` // SPDX id or LicenseRef-carveout-<id>
	ScanCode string   `yaml:"scancode_key,omitempty" json:"scancode_key,omitempty"`
	URL      string   `yaml:"url,omitempty" json:"url,omitempty"`
	Category Category `yaml:"category" json:"category"`
	OSI      bool     `yaml:"osi_approved" json:"osi_approved"`
	// Aliases are other names the license goes by in model cards
	// (license_name values, ScanCode keys, old HF ids); matched
	// case-insensitively.
	Aliases []string `yaml:"aliases,omitempty" json:"aliases,omitempty"`
	// Incorporates lists the catalog ids of documents incorporated by
	// reference (its acceptable-use policy).
	Incorporates []string `yaml:"incorporates,omitempty" json:"incorporates,omitempty"`
	// ReferenceText names the corpus file the fingerprint generator reads
	// for this license (provenance only; nothing at run time reads it).
	ReferenceText string `yaml:"reference_text,omitempty" json:"-"`
	// References are short phrases that name this license in prose
	// ("Llama 3.1 Community License"); a text containing one is a
	// reference match.
	References []string `yaml:"references,omitempty" json:"references,omitempty"`
	// Terms are the catalog's facts about the license's terms.
	Terms []terms.Term `yaml:"terms,omitempty" json:"terms,omitempty"`
	Notes string       `yaml:"notes,omitempty" json:"notes,omitempty"`
}

//go:embed data/*.yaml
var dataFS embed.FS

type catalog struct {
	list  []*License
	byKey map[string]*License
	err   error
}

// catalogTable (catalog_gen.go, written from data/*.yaml by
// TestCatalogTable with -update) is the catalog decoded at generate time,
// so that a process does not decode YAML to start. Were it empty (a
// hand-reset file), the data files would be decoded at run time;
// TestCatalogTable fails when the two differ.
var loadCatalog = sync.OnceValue(func() *catalog {
	if catalogTable != nil {
		return indexCatalog(catalogTable)
	}
	list, err := decodeCatalog(dataFS)
	if err != nil {
		return &catalog{err: err}
	}
	return indexCatalog(list)
})

// decodeCatalog reads every data file, sorted by id.
func decodeCatalog(fsys fs.FS) ([]*License, error) {
	var list []*License
	paths, err := fs.Glob(fsys, "data/*.yaml")
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		var l License
		dec := yaml.NewDecoder(strings.NewReader(string(b)))
		dec.KnownFields(true)
		if err := dec.Decode(&l); err != nil {
			return nil, fmt.Errorf("licenses: %s: %v", p, err)
		}
		if l.ID == "" {
			return nil, fmt.Errorf("licenses: %s: no id", p)
		}
		list = append(list, &l)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list, nil
}

// indexCatalog indexes a sorted list by its keys.
func indexCatalog(list []*License) *catalog {
	c := &catalog{list: list, byKey: map[string]*License{}}
	// Ids win over HF ids, which win over SPDX ids, which win over aliases.
	for _, pass := range []func(*License) []string{
		func(l *License) []string { return []string{l.ID} },
		func(l *License) []string { return []string{l.HFID} },
		func(l *License) []string { return []string{l.SPDXID} },
		func(l *License) []string { return l.Aliases },
	} {
		for _, l := range c.list {
			for _, k := range pass(l) {
				k = normKey(k)
				if k == "" {
					continue
				}
				if _, ok := c.byKey[k]; !ok {
					c.byKey[k] = l
				}
			}
		}
	}
	return c
}

func normKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Catalog returns every catalog entry, sorted by id. It panics if the
// embedded data is invalid (a test validates it).
func Catalog() []*License {
	c := loadCatalog()
	if c.err != nil {
		panic(c.err)
	}
	return c.list
}

// Lookup finds a catalog entry by id, Hugging Face id, SPDX id or alias,
// case-insensitively.
func Lookup(key string) (*License, bool) {
	c := loadCatalog()
	if c.err != nil {
		panic(c.err)
	}
	l, ok := c.byKey[normKey(key)]
	return l, ok
}
