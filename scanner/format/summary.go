package format

import (
	"fmt"
	"io"
	"strings"

	"github.com/carveout/carveout/internal/textcols"
	"github.com/carveout/carveout/scanner/report"
)

// SummaryRow is one target in the summary a table prints after several
// targets.
type SummaryRow struct {
	Target   string
	Licenses []string
	Status   string
	Errors   int
}

// Summarize is the summary row of a report: its target, license ids and
// status.
func Summarize(r *report.Report) SummaryRow {
	row := SummaryRow{Target: r.Target, Status: r.Summary.Status, Errors: r.Summary.Findings["error"]}
	for _, l := range r.Licenses {
		row.Licenses = append(row.Licenses, l.ID)
	}
	return row
}

// WriteSummary prints one line per target: model, licenses, status, and
// the counts of targets that pass, fail and could not be read.
func WriteSummary(w io.Writer, rows []SummaryRow, o Options) error {
	p := &printer{w: w, color: o.Color, width: o.Width}
	p.line("SUMMARY (%d targets)", len(rows))
	tw := p.table()
	tw.Rows("MODEL", "LICENSES", "ERRORS", "STATUS")
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.Status]++
		lics := strings.Join(r.Licenses, ", ")
		if lics == "" {
			lics = "-"
		}
		status := textcols.Colored(red, strings.ToUpper(r.Status))
		if r.Status == "pass" {
			status = textcols.Colored(green, "PASS")
		}
		tw.Row(textcols.Plain(clean(r.Target)), textcols.Plain(clean(clip(lics, 60))), textcols.Plain(fmt.Sprint(r.Errors)), status)
	}
	p.flush(tw)
	p.line("%d pass, %d fail, %d could not be read", counts["pass"], counts["fail"], counts["error"])
	return p.err
}
