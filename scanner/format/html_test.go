package format

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestHTMLGolden(t *testing.T) {
	rs := caseReports(t)
	for _, c := range encCases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := (HTML{}).Encode(&buf, []*Report{rs[c.name]}, testOptions); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, c.name+".html", buf.Bytes())
			// Self-contained: nothing is loaded from anywhere.
			for _, re := range []string{`<script`, `<link`, `<img`, `<iframe`, `@import`, `url\(http`, `src=`} {
				if regexp.MustCompile(re).Match(buf.Bytes()) {
					t.Errorf("the page loads something (%s)", re)
				}
			}
			if bytes.Contains(buf.Bytes(), []byte("scanned <time")) {
				t.Error("a scan date without Options.Timestamp")
			}
		})
	}
}

func TestHTMLTimestampAndEscaping(t *testing.T) {
	r := &Report{Schema: "carveout.report/v1", Target: `<script>alert(1)</script>`, Summary: summaryFail(),
		Findings: []Finding{{Rule: "r", Severity: sevError, Message: `"><img src=x onerror=alert(1)>`, Evidence: []Evidence{{Path: "README.md", StartLine: 2, Source: "model-card"}}}}}
	o := testOptions
	o.Timestamp = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	if err := (HTML{}).Encode(&buf, []*Report{r}, o); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if !strings.Contains(s, `scanned <time datetime="2026-12-01T10:00:00Z">`) {
		t.Error("no scan date with Options.Timestamp")
	}
	if strings.Contains(s, "<script>") || strings.Contains(s, "<img") {
		t.Errorf("hostile text reached the page as markup")
	}
}

// chromium renders a page headless and returns its DOM after layout and a
// screenshot. The test skips without /usr/bin/chromium (CI installs
// Debian's chromium).
func chromium(t *testing.T, page []byte, width, height int) (dom string, shot image.Image) {
	t.Helper()
	const bin = "/usr/bin/chromium"
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("%s not found: the HTML report is not checked in a browser (apt-get install chromium)", bin)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(dir, "profile"), "--hide-scrollbars",
		"--window-size=" + itoa(width) + "," + itoa(height)}
	out, err := exec.Command(bin, append(args, "--dump-dom", "file://"+file)...).Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v", err)
	}
	png1 := filepath.Join(dir, "shot.png")
	if b, err := exec.Command(bin, append(args, "--screenshot="+png1, "file://"+file)...).CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot: %v\n%s", err, b)
	}
	f, err := os.Open(png1)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(out), img
}

// has reports whether img has a pixel close to the colour (r, g, b) in
// its top rows.
func has(img image.Image, rows int, r0, g0, b0 int) bool {
	bb := img.Bounds()
	for y := bb.Min.Y; y < bb.Min.Y+rows && y < bb.Max.Y; y++ {
		for x := bb.Min.X; x < bb.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if abs(int(r>>8)-r0) < 8 && abs(int(g>>8)-g0) < 8 && abs(int(b>>8)-b0) < 8 {
				return true
			}
		}
	}
	return false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestHTMLInChromium(t *testing.T) {
	rs := caseReports(t)
	for _, c := range []struct {
		name       string
		w, h       int
		r, g, b    int // the decision box's background
		statusText string
	}{
		{"bigco-waived", 1200, 900, 0xfd, 0xec, 0xea, "FAIL"},
		{"apache", 390, 844, 0xe8, 0xf5, 0xec, "PASS"}, // a phone
	} {
		t.Run(c.name, func(t *testing.T) {
			r := rs[c.name]
			var buf bytes.Buffer
			if err := (HTML{}).Encode(&buf, []*Report{r}, testOptions); err != nil {
				t.Fatal(err)
			}
			dom, shot := chromium(t, buf.Bytes(), c.w, c.h)
			if !regexp.MustCompile(`<span class="status">` + c.statusText + `</span>`).MatchString(dom) {
				t.Errorf("rendered page has no %s decision", c.statusText)
			}
			nterms := 0
			for _, l := range r.Licenses {
				nterms += len(l.Terms)
			}
			if got := strings.Count(dom, `<tr class="term">`); got != nterms {
				t.Errorf("%d term rows in the rendered page, want %d", got, nterms)
			}
			if got := strings.Count(dom, "<li>") - strings.Count(dom, `<ul class="waived"><li>`); got < len(r.Obligations) {
				t.Errorf("%d list items, want the %d obligations", got, len(r.Obligations))
			}
			if len(r.Lineage) > 0 && strings.Count(dom, "<rect") != len(r.Lineage)+1 {
				t.Errorf("lineage picture has %d boxes, want %d", strings.Count(dom, "<rect"), len(r.Lineage)+1)
			}
			if !has(shot, 400, c.r, c.g, c.b) {
				t.Errorf("the decision box's colour #%02x%02x%02x is not on the first screen", c.r, c.g, c.b)
			}
			if b := shot.Bounds(); b.Dx() != c.w {
				t.Errorf("screenshot %dx%d, want width %d", b.Dx(), b.Dy(), c.w)
			}
		})
	}
}

// TestHTMLPrints: Chromium prints the page to PDF (the print stylesheet).
func TestHTMLPrints(t *testing.T) {
	const bin = "/usr/bin/chromium"
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("%s not found: printing not checked", bin)
	}
	rs := caseReports(t)
	var buf bytes.Buffer
	if err := (HTML{}).Encode(&buf, []*Report{rs["bigco-waived"], rs["custom-strict"]}, testOptions); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file, pdf := filepath.Join(dir, "r.html"), filepath.Join(dir, "r.pdf")
	os.WriteFile(file, buf.Bytes(), 0o644)
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--no-pdf-header-footer", "--print-to-pdf="+pdf, "file://"+file)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	b, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	pages := regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(b, -1)
	// Two targets, each starting on a new page.
	if !bytes.HasPrefix(b, []byte("%PDF")) || len(pages) < 2 {
		t.Errorf("PDF of %d bytes, %d pages", len(b), len(pages))
	}
}
