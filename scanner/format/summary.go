package format

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

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
	p := &printer{w: w, color: o.Color}
	p.line("SUMMARY (%d targets)", len(rows))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  MODEL\tLICENSES\tERRORS\tSTATUS")
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.Status]++
		lics := strings.Join(r.Licenses, ", ")
		if lics == "" {
			lics = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\n", clean(r.Target), clean(clip(lics, 60)), r.Errors, strings.ToUpper(r.Status))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	p.line("%d pass, %d fail, %d could not be read", counts["pass"], counts["fail"], counts["error"])
	return p.err
}
