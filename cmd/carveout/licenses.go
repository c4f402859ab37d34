package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/carveout/carveout/internal/textcols"

	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/licenses/terms"
)

type licensesOptions struct {
	category string
	family   string
	format   string
}

func newLicensesCmd(app *App) *cobra.Command {
	o := &licensesOptions{}
	cmd := &cobra.Command{
		Use:   "licenses",
		Short: "List the license catalog",
		Long: `List the licenses carveout knows: model licenses and their acceptable-use
policies (Llama, Gemma, Qwen, RAIL, Stability, ...) plus the SPDX licenses
models commonly use. Filter by --category and --family.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLicenses(app, o)
		},
	}
	cmd.Flags().StringVar(&o.category, "category", "", "only this category: "+categoryNames())
	cmd.Flags().StringVar(&o.family, "family", "", "only this family (llama, gemma, qwen, openrail, ...)")
	cmd.Flags().StringVarP(&o.format, "format", "f", "table", "output format: table or json")
	var cats []string
	for _, c := range licenses.Categories {
		cats = append(cats, string(c))
	}
	completeValues(cmd, "category", cats...)
	completeValues(cmd, "format", "table", "json")
	return cmd
}

func categoryNames() string {
	var s []string
	for _, c := range licenses.Categories {
		s = append(s, string(c))
	}
	return strings.Join(s, ", ")
}

func runLicenses(app *App, o *licensesOptions) error {
	if o.category != "" {
		ok := false
		for _, c := range licenses.Categories {
			ok = ok || string(c) == o.category
		}
		if !ok {
			return usagef("--category %q: want one of %s", o.category, categoryNames())
		}
	}
	var list []*licenses.License
	for _, l := range licenses.Catalog() {
		if o.category != "" && string(l.Category) != o.category {
			continue
		}
		if o.family != "" && !strings.EqualFold(l.Family, o.family) {
			continue
		}
		list = append(list, l)
	}
	switch o.format {
	case "json":
		enc := json.NewEncoder(app.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if list == nil {
			list = []*licenses.License{}
		}
		return enc.Encode(struct {
			Schema   string              `json:"schema"`
			Licenses []*licenses.License `json:"licenses"`
		}{"carveout.licenses/v1", list})
	case "table":
		tw := &textcols.Table{}
		tw.Rows("ID", "FAMILY", "CATEGORY", "OSI", "HF ID", "SPDX", "NAME")
		for _, l := range list {
			tw.Rows(l.ID, l.Family, string(l.Category), yesNo(l.OSI), dash(l.HFID), dash(l.SPDXID), l.Name)
		}
		return tw.Write(app.Stdout, app.width(), false)
	}
	return usagef("--format %q: want table or json", o.format)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func newExplainCmd(app *App) *cobra.Command {
	var asJSON bool
	var formatName string
	cmd := &cobra.Command{
		Use:   "explain ID",
		Short: "Explain a license: its terms, obligations and sources",
		Long: `Explain a license of the catalog: identity (ids on the Hub, SPDX and ScanCode),
category, the documents it incorporates, and its terms with their parameters.
ID may be a catalog id, a Hugging Face license id, an SPDX id or an alias.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON {
				formatName = "json"
			}
			return runExplain(app, args[0], formatName)
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return licenseIDs(), cobra.ShellCompDirectiveNoFileComp
		},
	}
	cmd.Flags().StringVarP(&formatName, "format", "f", "table", "output format: table or json")
	cmd.Flags().BoolVar(&asJSON, "json", false, "the same as --format json")
	completeValues(cmd, "format", "table", "json")
	return cmd
}

// licenseIDs lists the catalog ids (for completion and suggestions).
func licenseIDs() []string {
	var ids []string
	for _, l := range licenses.Catalog() {
		ids = append(ids, l.ID)
	}
	return ids
}

// nearestID suggests the catalog id nearest to what was typed ("llama 3.2"
// → llama3.2): ids compared without case, spaces, dashes and dots first,
// then by edit distance.
func nearestID(typed string) string {
	squash := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' || r == '_' || r == '.' {
				return -1
			}
			return unicode.ToLower(r)
		}, s)
	}
	t := squash(typed)
	best, bestD := "", 1<<30
	for _, id := range licenseIDs() {
		d := editDistance(t, squash(id))
		if d < bestD || d == bestD && id < best {
			best, bestD = id, d
		}
	}
	if bestD > max(2, len(t)/3) {
		return ""
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

func runExplain(app *App, id, formatName string) error {
	if formatName != "table" && formatName != "json" {
		return usagef("--format %q: want table or json", formatName)
	}
	l, ok := licenses.Lookup(id)
	if !ok {
		ident, ok2 := licenses.FromID(id)
		if !ok2 {
			if near := nearestID(id); near != "" {
				return usagef("explain: %q is not a license carveout knows; did you mean %s? (see 'carveout licenses')", id, near)
			}
			return usagef("explain: %q is not a license carveout knows (see 'carveout licenses')", id)
		}
		l = &licenses.License{ID: ident.ID, Name: ident.Name, Category: ident.Category, OSI: ident.OSI, SPDXID: ident.SPDXID, HFID: ident.HFID}
	}
	if formatName == "json" {
		enc := json.NewEncoder(app.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(l)
	}
	w := app.Stdout
	fmt.Fprintf(w, "%s — %s\n", l.ID, l.Name)
	tw := &textcols.Table{Indent: "  "}
	row := func(k, v string) {
		if v != "" {
			tw.Rows(k, v)
		}
	}
	row("family", l.Family)
	row("version", l.Version)
	row("date", l.Date)
	row("licensor", l.Licensor)
	row("category", string(l.Category))
	row("osi approved", yesNo(l.OSI))
	row("hugging face id", l.HFID)
	row("spdx id", l.SPDXID)
	row("scancode key", l.ScanCode)
	row("source", l.URL)
	row("incorporates", strings.Join(l.Incorporates, ", "))
	row("also known as", strings.Join(l.Aliases, ", "))
	if err := tw.Write(w, app.width(), false); err != nil {
		return err
	}
	if len(l.Terms) == 0 {
		fmt.Fprintln(w, "\nterms: none beyond the usual conditions of its category")
	} else {
		fmt.Fprintln(w, "\nterms:")
		tw = &textcols.Table{Indent: "  "}
		for _, t := range l.Terms {
			tw.Rows(string(t.Kind), terms.Describe(t))
			if t.Text != "" {
				tw.Rows("", "  "+t.Text)
			}
		}
		if err := tw.Write(w, app.width(), false); err != nil {
			return err
		}
	}
	if obl := obligationsOf(l); len(obl) > 0 {
		fmt.Fprintln(w, "\nobligations when you redistribute or build products with it:")
		for _, o := range obl {
			textcols.Wrap(w, o, "  [ ] ", "      ", app.width())
		}
	}
	if l.Notes != "" {
		fmt.Fprintln(w)
		textcols.Wrap(w, l.Notes, "notes: ", "  ", app.width())
	}
	return nil
}
