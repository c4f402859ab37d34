package licenses

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/carveout/carveout/licenses/internal/shingle"
)

var spdxTextsFlag = flag.String("spdx-texts", "", "unpacked npm spdx-license-list package (holding spdx-full.json) for TestIdentifySPDXList")

// spdxTexts reads the SPDX list's texts (the source of spdx.bin), skipping
// the test when they are not at hand (-spdx-texts, or
// CARVEOUT_SPDX_TEXTS).
func spdxTexts(tb testing.TB) map[string]string {
	tb.Helper()
	dir := *spdxTextsFlag
	if dir == "" {
		dir = os.Getenv("CARVEOUT_SPDX_TEXTS")
	}
	if dir == "" {
		tb.Skip("SPDX texts not given: unpack `npm pack spdx-license-list` and pass -spdx-texts=DIR (or CARVEOUT_SPDX_TEXTS=DIR)")
	}
	b, err := os.ReadFile(filepath.Join(dir, "spdx-full.json"))
	if err != nil {
		tb.Skipf("SPDX texts: %v", err)
	}
	var full map[string]struct {
		Text string `json:"licenseText"`
	}
	if err := json.Unmarshal(b, &full); err != nil {
		tb.Fatal(err)
	}
	out := map[string]string{}
	for id, l := range full {
		if e, ok := SPDXLicense(id); ok && !e.Deprecated && l.Text != "" {
			out[id] = l.Text
		}
	}
	return out
}

// TestIdentifySPDXList identifies every text of the SPDX list on its own:
// each must be its own id (exact) or an honest unknown, and none may be
// called OSI-approved unless SPDX says so.
func TestIdentifySPDXList(t *testing.T) {
	texts := spdxTexts(t)
	ids := make([]string, 0, len(texts))
	for id := range texts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	exact, modified, unknown, wrong, falseOSI := 0, 0, 0, 0, 0
	for _, want := range ids {
		got := Identify([]byte(texts[want]))
		if len(got) == 0 {
			unknown++
			t.Logf("%s: nothing identified", want)
			continue
		}
		g := got[0]
		_, wantOSI, _ := SPDX(want)
		if g.OSI && !wantOSI {
			falseOSI++
			t.Errorf("%s: reported as %s, OSI-approved", want, g.ID)
		}
		switch {
		case g.ID == UnknownID:
			unknown++
			t.Logf("%s: unknown (closest %+v)", want, g.Closest)
		case !strings.EqualFold(g.ID, want) && !strings.EqualFold(g.SPDXID, want) && !sameTextIDs(g.ID, want):
			wrong++
			t.Errorf("%s: identified as %s (modified %v, confidence %.3f)", want, g.ID, g.Modified, g.Confidence)
		case g.Modified:
			modified++
			t.Logf("%s: modified (changed %v)", want, g.Changed)
		default:
			exact++
		}
	}
	// How alike distinct licenses are: each text's similarity to the
	// closest reference of another license (the modified floor must sit
	// above most of these, so an unseen license is not lent the id of
	// one it shares boilerplate with).
	db := loadFingerprints()
	var near []float64
	for _, want := range ids {
		toks := tokenize(texts[want])
		set := shingleSet(toks)
		best := 0.0
		for r := range db.refs {
			if sameLicense(db.refs[r].id, want) || sameTextIDs(db.refs[r].id, want) {
				continue
			}
			n := 0
			for _, h := range db.sets(r).set {
				if inSet(set, h) {
					n++
				}
			}
			best = max(best, harmonic(float64(n)/float64(db.refs[r].size), float64(n)/float64(max(len(set), 1))))
		}
		near = append(near, best)
	}
	sort.Float64s(near)
	above := 0
	for _, f := range near {
		if f >= modifiedFloor {
			above++
		}
	}
	pct := func(p float64) float64 { return near[int(p*float64(len(near)-1))] }
	t.Logf("similarity to the closest other license: median %.3f, p75 %.3f, p90 %.3f, p95 %.3f; %d/%d at or above the modified floor %.2f",
		pct(0.5), pct(0.75), pct(0.9), pct(0.95), above, len(near), modifiedFloor)
	if exact*100 < len(ids)*95 {
		t.Errorf("only %d/%d SPDX texts exact", exact, len(ids))
	}
	t.Logf("SPDX list (%d texts): %d exact (%.1f%%), %d modified, %d unknown, %d wrong id, %d false OSI",
		len(ids), exact, 100*float64(exact)/float64(len(ids)), modified, unknown, wrong, falseOSI)
}

// licensecheckTestdata returns the testdata folder of the licensecheck
// module in the module cache, skipping when it is absent.
func licensecheckTestdata(tb testing.TB) string {
	tb.Helper()
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		tb.Skipf("go env GOMODCACHE: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "github.com", "google", "licensecheck@v0.3.1", "testdata")
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("licensecheck testdata not in the module cache (go mod download github.com/google/licensecheck): %v", err)
	}
	return dir
}

// lcCase is one licensecheck testdata file: its input and the distinct
// license ids of its expected matches (URL matches left out).
type lcCase struct {
	name string
	text []byte
	ids  []string
	url  bool // it has URL matches
}

func readLicensecheckCases(tb testing.TB) []lcCase {
	dir := licensecheckTestdata(tb)
	files, err := filepath.Glob(filepath.Join(dir, "*.t*"))
	if err != nil {
		tb.Fatal(err)
	}
	var cases []lcCase
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		// A header (see testdata/README) ends at the first blank line.
		i := bytes.Index(b, []byte("\n\n"))
		if i < 0 {
			tb.Fatalf("%s: no header", f)
		}
		c := lcCase{name: filepath.Base(f), text: b[i+2:]}
		seen := map[string]bool{}
		for _, l := range strings.Split(string(b[:i]), "\n") {
			fs := strings.Fields(l)
			if len(fs) < 2 || strings.HasPrefix(l, "#") {
				continue
			}
			if fs[len(fs)-1] == "URL" {
				c.url = true
				continue
			}
			if !seen[fs[0]] {
				seen[fs[0]] = true
				c.ids = append(c.ids, fs[0])
			}
		}
		cases = append(cases, c)
	}
	return cases
}

// lcSame reports whether an identified id is licensecheck's expected id:
// the same license, and the same -only / -or-later where licensecheck's
// id says which.
func lcSame(got, want string) bool {
	if !sameLicense(got, want) {
		return false
	}
	for _, suf := range []string{"-only", "-or-later"} {
		if strings.HasSuffix(want, suf) {
			return strings.HasSuffix(canonicalRefID(got), suf) || strings.HasSuffix(got, suf)
		}
	}
	return true
}

// TestLicensecheckTestdata runs licensecheck's own test files: every file
// that holds one license must be identified as that license, and no file
// that holds none may be reported as a license.
func TestLicensecheckTestdata(t *testing.T) {
	cases := readLicensecheckCases(t)
	single, singleOK, singleExact, none, noneOK, modifiedNone, falseOSI := 0, 0, 0, 0, 0, 0, 0
	for _, c := range cases {
		got := Identify(c.text)
		switch {
		case len(c.ids) == 0 && !c.url:
			none++
			ok := true
			for _, g := range got {
				if g.ID != UnknownID {
					ok = false
				}
				// A text that is no license may resemble one closely (a
				// clause added to MIT): it may be reported as that
				// license modified, never as the license itself nor as
				// OSI-approved.
				if g.ID != UnknownID && (!g.Modified || g.OSI) {
					t.Errorf("%s (no license): reported %s (modified %v, OSI %v)", c.name, g.ID, g.Modified, g.OSI)
				} else if g.ID != UnknownID {
					t.Logf("%s (no license): reported %s modified, category %s, changed %v", c.name, g.ID, g.Category, g.Changed)
					modifiedNone++
				}
			}
			if ok {
				noneOK++
			}
		case len(c.ids) == 1:
			single++
			want := c.ids[0]
			if len(got) > 0 && lcSame(got[0].ID, want) {
				singleOK++
				if !got[0].Modified {
					singleExact++
				}
			} else if len(got) > 0 && got[0].ID != UnknownID {
				t.Errorf("%s: got %s, want %s", c.name, idList(got), want)
			} else {
				// An honest unknown: licensecheck's patterns match some
				// short headers the pre-filter does not let through.
				t.Logf("%s: got %s, want %s", c.name, idList(got), want)
			}
			if len(got) > 0 && got[0].OSI {
				if e, ok := SPDXLicense(canonicalRefID(want)); !ok || !e.OSI {
					falseOSI++
					t.Errorf("%s: %s reported OSI-approved", c.name, got[0].ID)
				}
			}
		}
	}
	if singleOK*100 < single*95 {
		t.Errorf("only %d/%d single-license files right", singleOK, single)
	}
	t.Logf("licensecheck testdata: %d/%d single-license files right (%d exact), %d/%d no-license files reported as no license (%d reported as a modified license), %d false OSI",
		singleOK, single, singleExact, noneOK, none, modifiedNone, falseOSI)
}

// sameTextIDs reports whether the SPDX list gives ids a and b word for
// word the same text (one reference stands for both; the notice, not the
// text, tells them apart).
func sameTextIDs(a, b string) bool {
	db := loadFingerprints()
	for kept, others := range db.sameText {
		group := append([]string{kept}, others...)
		ina, inb := false, false
		for _, id := range group {
			ina = ina || strings.EqualFold(id, a) || strings.EqualFold(canonicalRefID(id), a)
			inb = inb || strings.EqualFold(id, b)
		}
		if ina && inb {
			return true
		}
	}
	return false
}

func tokenize(s string) []shingle.Token { return shingle.Tokenize([]byte(s)) }

func shingleSet(toks []shingle.Token) []uint32 { return shingle.Set(shingle.Shingles(toks)) }
