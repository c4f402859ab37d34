package profile

import (
	_ "embed"
	"strings"
	"sync"
)

//go:embed data/iso3166.tsv
var iso3166Data string

//go:embed data/iso4217.txt
var iso4217Data string

//go:embed data/regions.txt
var regionsData string

type codeTables struct {
	countries  map[string]string   // alpha-2 -> English name
	currencies map[string]bool     // ISO 4217
	regions    map[string][]string // "EU" -> member states
}

var tables = sync.OnceValue(func() *codeTables {
	t := &codeTables{countries: map[string]string{}, currencies: map[string]bool{}, regions: map[string][]string{}}
	for _, line := range strings.Split(iso3166Data, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		code, name, _ := strings.Cut(line, "\t")
		t.countries[code] = name
	}
	for _, line := range strings.Split(iso4217Data, "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, c := range strings.Fields(line) {
			t.currencies[c] = true
		}
	}
	for _, line := range strings.Split(regionsData, "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) > 1 {
			t.regions[f[0]] = f[1:]
		}
	}
	return t
})

// IsCountry reports whether code is an ISO 3166-1 alpha-2 code (upper case).
func IsCountry(code string) bool {
	_, ok := tables().countries[code]
	return ok
}

// CountryName returns the usual English name of an ISO 3166-1 alpha-2 code.
func CountryName(code string) string { return tables().countries[code] }

// IsCurrency reports whether code is an ISO 4217 code in use (upper case).
func IsCurrency(code string) bool { return tables().currencies[code] }

// RegionMembers returns the member states of a region a license may name
// ("EU", "EEA"), or nil when region is not one.
func RegionMembers(region string) []string {
	return tables().regions[strings.ToUpper(region)]
}

// InEU reports whether the country is a member state of the European Union.
func InEU(country string) bool { return inRegion(country, "EU") }

// inRegion reports whether country is region itself or one of its members.
func inRegion(country, region string) bool {
	country, region = strings.ToUpper(country), strings.ToUpper(region)
	if country == region {
		return true
	}
	for _, m := range RegionMembers(region) {
		if m == country {
			return true
		}
	}
	return false
}

// countryHints are codes people commonly write instead of the ISO one.
var countryHints = map[string]string{"UK": "GB", "EL": "GR", "EU": "the member states, e.g. DE, FR"}
