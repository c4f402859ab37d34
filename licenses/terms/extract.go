package terms

import (
	"sort"
	"strings"

	"github.com/carveout/carveout/internal/lazy"
)

// maxText is about how long Term.Text may be.
const maxText = 300

// Extract reads structured terms from license text. It works on sentences
// and clause patterns, not on known license names, so it applies to texts it
// has never seen. Line numbers in Evidence are 1-based lines of text.
// Output is deduplicated (one term per kind and parameters, evidence merged)
// and ordered by first evidence line, then kind.
func Extract(text string) []Term {
	arena := gramArenas.Get().(*gramArena)
	defer arena.release()
	ss := splitSentences(text, arena)
	c := &collector{index: map[string]int{}}
	for i := range ss {
		s := &ss[i]
		extractUsers(c, s)
		extractRevenue(c, s)
		extractTerritory(c, ss, i)
		extractOutputs(c, s)
		extractNaming(c, s)
		extractAttribution(c, s)
		extractNotice(c, s)
		extractPassThrough(c, s)
		extractPolicy(c, ss, i)
		extractHosting(c, s)
		extractSimple(c, s)
		extractGate(c, s)
		extractDistribution(c, s)
		extractModTermination(c, s)
	}
	extractFieldOfUse(c, ss)
	extractNonCommercial(c, ss)
	return c.result()
}

// collector deduplicates terms and merges their evidence.
type collector struct {
	terms []Term
	index map[string]int
}

func termKey(t *Term) string { return Key(*t) }

func (c *collector) add(t Term, ev ...Lines) {
	t.Origin = "text"
	t.Text = cut(t.Text, maxText)
	k := termKey(&t)
	if i, ok := c.index[k]; ok {
		o := &c.terms[i]
		o.Evidence = append(o.Evidence, ev...)
		if o.Effect == "" && t.Effect != "" {
			o.Effect, o.Text = t.Effect, t.Text
		}
		if o.Measured == "" {
			o.Measured = t.Measured
		}
		if o.Period == "" {
			o.Period = t.Period
		}
		return
	}
	t.Evidence = append([]Lines(nil), ev...)
	c.index[k] = len(c.terms)
	c.terms = append(c.terms, t)
}

func (c *collector) result() []Term {
	for i := range c.terms {
		c.terms[i].Evidence = mergeLines(c.terms[i].Evidence)
	}
	sort.SliceStable(c.terms, func(i, j int) bool {
		a, b := &c.terms[i], &c.terms[j]
		fa, fb := firstLine(a), firstLine(b)
		if fa != fb {
			return fa < fb
		}
		if Rank(a.Kind) != Rank(b.Kind) {
			return Rank(a.Kind) < Rank(b.Kind)
		}
		return termKey(a) < termKey(b)
	})
	if len(c.terms) == 0 {
		return nil
	}
	return c.terms
}

func firstLine(t *Term) int {
	if len(t.Evidence) == 0 {
		return 0
	}
	return t.Evidence[0].Start
}

// mergeLines sorts ranges and merges those that overlap or touch.
func mergeLines(ls []Lines) []Lines {
	if len(ls) == 0 {
		return ls
	}
	sort.Slice(ls, func(i, j int) bool {
		if ls[i].Start != ls[j].Start {
			return ls[i].Start < ls[j].Start
		}
		return ls[i].End < ls[j].End
	})
	out := []Lines{ls[0]}
	for _, l := range ls[1:] {
		last := &out[len(out)-1]
		if l.Start <= last.End+1 {
			if l.End > last.End {
				last.End = l.End
			}
			continue
		}
		out = append(out, l)
	}
	return out
}

func lines(s *sentence) Lines { return Lines{Start: s.start, End: s.end} }

// ---------------------------------------------------------------------------
// Thresholds

const cmpPat = `(?:more than|greater than|higher than|larger than|in excess of|exceeds?|exceeding|exceeded|over|above|at least|surpass(?:es|ing)?|reach(?:es|ing)?|>=?|fewer than|less than|up to|no more than|not exceed|maximum of|cap of|limit of)`
const metricPat = `((?:monthly|daily|weekly|annual|yearly)\s+(?:active\s+)?(?:end\s+)?(?:users|visitors|visits|subscribers)|active\s+(?:end\s+)?users|mau|dau|end\s+users|users|visits(?:\s+per\s+month|\s+a\s+month|\s+monthly)?|visitors|subscribers)`

var (
	// bindingRe: a sentence that reads like a recital ("we hope you enjoy
	// it") but states what a threshold requires ("…, which requires our
	// written permission") still binds.
	bindingRe  = mustGuard(`\b(?:requires?|required|permission|separate (?:license|licence|agreement)|must (?:obtain|request|get))\b`)
	userFwdRe  = mustGuard(`\b` + cmpPat + `\s+(?:a\s+total\s+of\s+|approximately\s+)?` + numPat + `(?:\s+or\s+more)?\s*-?\s*(?:of\s+)?(?:registered\s+)?` + metricPat + `\b`)
	userRevRe  = mustGuard(`\b` + metricPat + `\b[^.;]{0,80}?\b` + cmpPat + `\s+` + numPat + `(?:\s+(?:monthly\s+)?(?:active\s+)?(?:users|visits|visitors))?`)
	userPlusRe = mustGuard(`\b` + numPat + `\s*\+\s*` + metricPat + `\b`)
	userCapRe  = mustGuard(`\b` + numPat + `[\s-]*(?:monthly\s+active\s+)?(?:user|mau|dau|visit)s?\s*(?:cap|limit|threshold|ceiling)\b`)
)

func metricOf(m, lower string) string {
	m = strings.ToLower(m)
	switch {
	case strings.Contains(m, "daily") || m == "dau":
		return "daily_active_users"
	case strings.Contains(m, "weekly"):
		return "weekly_active_users"
	case strings.Contains(m, "visit"):
		if strings.Contains(m, "month") || strings.Contains(lower, "per month") || strings.Contains(lower, "monthly") || strings.Contains(lower, "a month") {
			return "monthly_visits"
		}
		return "visits"
	case strings.Contains(m, "monthly") || m == "mau":
		return "monthly_active_users"
	case strings.Contains(m, "active"):
		if strings.Contains(lower, "month") {
			return "monthly_active_users"
		}
		return "active_users"
	case strings.Contains(m, "subscriber"):
		return "subscribers"
	}
	if strings.Contains(lower, "monthly active") || strings.Contains(lower, " mau") {
		return "monthly_active_users"
	}
	return "users"
}

func measuredOf(lower string) string {
	var parts []string
	switch {
	case strings.Contains(lower, "preceding calendar month"):
		parts = append(parts, "preceding calendar month")
	case strings.Contains(lower, "preceding month"), strings.Contains(lower, "previous month"), strings.Contains(lower, "prior month"):
		parts = append(parts, "preceding month")
	case strings.Contains(lower, "any calendar month"), strings.Contains(lower, "in any month"):
		parts = append(parts, "any calendar month")
	case strings.Contains(lower, "preceding 12 months"), strings.Contains(lower, "preceding twelve months"), strings.Contains(lower, "trailing 12 months"):
		parts = append(parts, "preceding 12 months")
	}
	if strings.Contains(lower, "release date") || strings.Contains(lower, "effective date") {
		parts = append(parts, "on the release date")
	} else if strings.Contains(lower, "at any time") {
		parts = append(parts, "at any time")
	}
	return strings.Join(parts, ", ")
}

var (
	effTerminateRe = mustGuard(`\bterminat|\bshall cease\b|\bwill cease\b|\bno longer (?:be )?(?:licensed|valid|apply|granted)|automatically end`)
	effLicenseRe   = mustGuard(`request a licen|obtain a (?:separate |commercial |new )?licen|separate (?:commercial )?(?:licen|agreement)|commercial licen|enterprise licen|must (?:contact|apply|request|obtain|seek)|shall (?:contact|apply|request|obtain|seek)|written (?:permission|consent|authori[sz]ation)|express authori[sz]ation|prior (?:written )?(?:permission|approval|consent)|not (?:authorized|permitted) to exercise|cannot exercise`)
)

func effectOf(lower string) string {
	switch {
	case effTerminateRe.MatchString(lower):
		return "license terminates"
	case effLicenseRe.MatchString(lower):
		return "separate license required"
	}
	return ""
}

func extractUsers(c *collector, s *sentence) {
	l := s.lower
	if !s.has("user") && !s.has("visit") && !s.has("mau") && !s.has("dau") && !s.has("subscriber") || recitalRe.matchL(s) && !bindingRe.matchL(s) {
		return
	}
	type hit struct {
		digits, scale, metric string
	}
	var hits []hit
	for _, m := range userFwdRe.findAllSubmatchL(s) {
		hits = append(hits, hit{m[1], m[2], m[3]})
	}
	if len(hits) == 0 {
		for _, m := range userRevRe.findAllSubmatchL(s) {
			hits = append(hits, hit{m[2], m[3], m[1]})
		}
	}
	if len(hits) == 0 {
		for _, m := range userCapRe.findAllSubmatchL(s) {
			hits = append(hits, hit{m[1], m[2], m[0]})
		}
	}
	if len(hits) == 0 {
		// "300M+ MAU", "100k+ daily active users".
		for _, m := range userPlusRe.findAllSubmatchL(s) {
			hits = append(hits, hit{m[1], m[2], m[3]})
		}
	}
	for _, h := range hits {
		v, ok := numberValue(h.digits, h.scale)
		if !ok || v < 10 {
			continue
		}
		c.add(Term{
			Kind:     UserThreshold,
			Metric:   metricOf(h.metric, l),
			Value:    v,
			Measured: measuredOf(l),
			Effect:   effectOf(l),
			Text:     s.text,
		}, lines(s))
	}
}

var (
	revenueWordRe = mustGuard(`\b(?:revenues?|turnover|gross (?:income|receipts|sales)|annual (?:income|sales)|sales|annual recurring|arr|earnings|income)\b`)
	liabilityRe   = mustGuard(`\bliab|\bdamages\b|\bindemn|\bfees? paid\b|\bfine\b|\bpenalt`)
)

var (
	annualRe  = mustGuard(`\bannual|\bper (?:year|annum)\b|\byearly\b|\bfiscal year|\bfinancial year|\bcalendar year|\b(?:12|twelve)[- ]months?\b|\beach year\b|\ba year\b`)
	monthlyRe = mustGuard(`\bper month\b|\bmonthly\b|\ba month\b`)
	peopleRe  = mustGuard(`located|domiciled|resid|based|established|place of business|citizen|headquarter|incorporated in|organized in`)
	defRe     = mustGuard(`^"?[^"]{0,80}"?\s+(?:means|shall mean|refers to)\b`)
)

func periodOf(lower string) string {
	switch {
	case annualRe.MatchString(lower):
		return "annual"
	case strings.Contains(lower, "quarter"):
		return "quarterly"
	case monthlyRe.MatchString(lower):
		return "monthly"
	}
	return ""
}

func extractRevenue(c *collector, s *sentence) {
	l := s.lower
	// The literal checks come first: finding the revenue words is costly
	// and most sentences that mention one ("warranty" holds "arr") name no
	// money.
	if !revenueWordRe.possibleL(s) || !moneyRe.possibleT(s) {
		return
	}
	rw := revenueWordRe.findAllIndexL(s)
	if len(rw) == 0 || liabilityRe.matchL(s) || recitalRe.matchL(s) && !bindingRe.matchL(s) {
		return // (findMoney would find nothing; a recital is not the clause)
	}
	if len(l) != len(s.text) {
		// lowerFold changed lengths; use plain lower-casing for offsets.
		l = strings.ToLower(s.text)
		rw = revenueWordRe.FindAllStringIndex(l, -1)
	}
	for _, m := range findMoneyT(s) {
		near := false
		for _, r := range rw {
			if (r[0] >= m.end && r[0]-m.end <= 200) || (m.start >= r[1] && m.start-r[1] <= 200) {
				near = true
				break
			}
		}
		if !near || m.Value < 1000 {
			continue
		}
		c.add(Term{
			Kind:     RevenueThreshold,
			Value:    m.Value,
			Currency: m.Currency,
			Period:   periodOf(l),
			Effect:   effectOf(l),
			Text:     s.text,
		}, lines(s))
	}
}

// ---------------------------------------------------------------------------
// Territory

type region struct {
	re    filtered
	codes []string
}

func ci(words string) filtered { return newFiltered(`(?i)\b(?:` + words + `)\b`) }
func cs(words string) filtered { return newFiltered(`\b(?:` + words + `)\b`) }

var regions = []region{
	{ci(`european union|member states? of the eu|eu member states?`), []string{"EU"}},
	{cs(`EU`), []string{"EU"}},
	{ci(`european economic area`), []string{"EU", "IS", "LI", "NO"}},
	{cs(`EEA`), []string{"EU", "IS", "LI", "NO"}},
	{ci(`united kingdom|great britain|england`), []string{"GB"}},
	{cs(`UK|U\.K`), []string{"GB"}},
	{ci(`united states(?: of america)?`), []string{"US"}},
	{cs(`USA|U\.S\.A|U\.S`), []string{"US"}},
	{ci(`china`), []string{"CN"}},
	{cs(`PRC`), []string{"CN"}},
	{ci(`hong kong`), []string{"HK"}},
	{ci(`macau|macao`), []string{"MO"}},
	{ci(`taiwan`), []string{"TW"}},
	{ci(`russia|russian federation`), []string{"RU"}},
	{ci(`belarus`), []string{"BY"}},
	{ci(`iran`), []string{"IR"}},
	{ci(`north korea|democratic people's republic of korea`), []string{"KP"}},
	{ci(`south korea|republic of korea`), []string{"KR"}},
	{ci(`cuba`), []string{"CU"}},
	{ci(`syria`), []string{"SY"}},
	{ci(`venezuela`), []string{"VE"}},
	{ci(`india`), []string{"IN"}},
	{ci(`japan`), []string{"JP"}},
	{ci(`canada`), []string{"CA"}},
	{ci(`brazil`), []string{"BR"}},
	{ci(`australia`), []string{"AU"}},
	{ci(`singapore`), []string{"SG"}},
	{ci(`switzerland`), []string{"CH"}},
	{ci(`norway`), []string{"NO"}},
	{ci(`germany`), []string{"DE"}},
	{ci(`france`), []string{"FR"}},
	{ci(`italy`), []string{"IT"}},
	{ci(`spain`), []string{"ES"}},
	{ci(`netherlands`), []string{"NL"}},
	{ci(`ireland`), []string{"IE"}},
	{ci(`ukraine`), []string{"UA"}},
	{ci(`israel`), []string{"IL"}},
	{ci(`turkey|t[üu]rkiye`), []string{"TR"}},
	{ci(`saudi arabia`), []string{"SA"}},
	{ci(`united arab emirates`), []string{"AE"}},
	{cs(`UAE`), []string{"AE"}},
	{ci(`mexico`), []string{"MX"}},
	{ci(`vietnam|viet nam`), []string{"VN"}},
	{ci(`south africa`), []string{"ZA"}},
	{ci(`new zealand`), []string{"NZ"}},
}

var (
	withheldRe  = mustGuard(`\bworldwide,?\s+(?:but\s+)?(?:excluding|except(?:\s+for)?|other than|save for|with the exception of)\b|\bnot (?:being |be )?granted\b|\b(?:does not apply|shall not apply|is void|is not valid|not valid|is not effective) (?:in|within)\b|\bnone of\b[^.;]{0,80}?\b(?:is|are|shall be|will be|is being|are being) (?:granted|licensed|available|extended)\b|\bnot licensed\b|\bno (?:rights?|licen[cs]es?)(?: \w+){0,3} (?:is|are|shall be|will be)?\s*granted|\b(?:is|are|shall be|will be) not (?:permitted|allowed|available|authori[sz]ed|licensed)\b|\bnot (?:available|permitted|allowed|authori[sz]ed) (?:in|to|for|within)\b|\b(?:may|shall|must|will|can) not (?:be )?(?:use|used|access|accessed|deploy|deployed|distribute|distributed|offer|offered|provide|provided|download|downloaded)\b|\bcannot (?:be )?(?:use|used|access|deploy|distribute|offer|provide|download)|\bprohibited (?:in|from|for)\b|\bexcluded\b|\bdoes not (?:extend|apply) to\b|\bwithheld\b|\b(?:restricted|barred) from\b`)
	lawClauseRe = mustGuard(`\bgoverned by\b|\blaws? of\b|\bcourts? (?:of|in|located)\b|\bjurisdiction\b|\barbitrat|\bvenue\b|\bconflicts? of law`)
	scopeRe     = mustGuard(`with respect to (?:any |all |the )?((?:[a-z0-9-]+ ){0,3}?models?)\b`)
	exemptRe    = mustGuard(`(?i)\b(?:does|shall|will) not apply to ([^.;]{3,160})`)
)

var adjectiveRe = lazy.Regexp(`(?i)^\.?\s*(?:or local |and local |and foreign )?(?:export|laws?|legal|trade|government|governmental|department|copyright|federal|dollars?|patents?|courts?|regulations?|regulatory|sanctions|jurisdiction|persons? (?:who|that)|entity list|office)\b`)

// lower must be strings.ToLower(text) and g its bigrams.
func regionsIn(text, lower string, g *grams) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range regions {
		found := false
		for _, m := range r.re.findGrams(text, lower, g) {
			// "U.S. export laws", "EU law": the region is an adjective.
			if !adjectiveRe().MatchString(text[m[1]:]) {
				found = true
				break
			}
		}
		if found {
			for _, c := range r.codes {
				if !seen[c] {
					seen[c] = true
					out = append(out, c)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func extractTerritory(c *collector, ss []sentence, i int) {
	s := &ss[i]
	l := s.lower
	// Without a withholding clause there is nothing to find; its literals
	// are checked first, since looking for every region costs more.
	if !withheldRe.possibleL(s) {
		return
	}
	regs := regionsIn(s.text, s.plain, s.pgrams)
	if len(regs) == 0 || lawClauseRe.matchL(s) {
		return
	}
	loc := withheldRe.findIndexL(s)
	if loc == nil {
		return
	}
	// A "does not apply to" clause naming a region is an exemption only
	// when it speaks about people located somewhere, not a carve-back.
	if (strings.HasPrefix(l[loc[0]:], "does not extend to") || strings.HasPrefix(l[loc[0]:], "does not apply to")) && !peopleRe.matchL(s) {
		return
	}
	t := Term{Kind: TerritoryExclusion, Regions: regs, Text: s.text}
	if m := scopeRe.findSubmatchL(s); m != nil {
		t.Scope = strings.TrimSpace(m[1])
	} else if s.has("multimodal") {
		t.Scope = "multimodal models"
	}
	ev := []Lines{lines(s)}
	for j := i; j < len(ss) && j <= i+1; j++ {
		if j > i && len(regionsIn(ss[j].text, ss[j].plain, ss[j].pgrams)) > 0 {
			break
		}
		if m := exemptRe.findSubmatchT(&ss[j]); m != nil && (j > i || m[0] != "") {
			ex := strings.TrimSpace(m[1])
			if j == i && loc[0] >= 0 && strings.Contains(strings.ToLower(m[0]), "does not apply to") && strings.HasPrefix(l[loc[0]:], "does not") {
				continue
			}
			t.Exempt = cut(ex, 120)
			if j > i {
				ev = append(ev, lines(&ss[j]))
			}
			break
		}
	}
	c.add(t, ev...)
}

// ---------------------------------------------------------------------------
// Outputs, naming, attribution, notice

var (
	outputsRe  = mustGuard(`\b(?:not|never|cannot|prohibited from|refrain from)\b[^.;]{0,120}?\b(?:outputs?|results|generated (?:data|content)|generations)\b[^.;]{0,160}?\b(?:train|improve|develop|distill|create|build|fine-?tune|enhance|pre-?train)[^.;]{0,160}?\b(?:models?|llms?|ai|systems?)\b`)
	outputs2Re = mustGuard(`\b(?:outputs?|results|generated (?:data|content))\b[^.;]{0,120}?\b(?:may|shall|must|will|can) not be used\b[^.;]{0,80}?\b(?:train|improve|develop|distill|create|build|fine-?tune)[^.;]{0,120}?\b(?:models?|llms?|ai|systems?)\b`)
)

func extractOutputs(c *collector, s *sentence) {
	if !s.has("output") && !s.has("result") && !s.has("generat") {
		return
	}
	if outputsRe.matchL(s) || outputs2Re.matchL(s) {
		c.add(Term{Kind: OutputsRestriction, Categories: []string{"train-other-models"}, Text: s.text}, lines(s))
	}
}

var (
	naming1Re = mustGuard(`(?i)\b(?:include|add|put|place|prefix|prepend|insert|use)\s+(?:the\s+(?:word|name|term|string)\s+)?"([^"]{1,60})"[^.;"]{0,40}?\b(?:at|to|in)\s+the\s+(?:beginning|start|front|head)\s+of\b[^.;"]{0,60}?\bnames?\b`)
	naming2Re = mustGuard(`(?i)\bnames?\b[^.;"]{0,80}?\b(?:begin|start|be prefixed|commence)s?\s+with\s+(?:the\s+(?:word|name|term)\s+)?"([^"]{1,60})"`)
	naming4Re = mustGuard(`(?i)\bname[sd]?\b[^.;"]{0,80}?\b(?:the\s+)?prefix\s+"([^"]{1,60})"|\bprefix\s+"([^"]{1,60})"[^.;"]{0,80}?\bnames?\b`)
	naming5Re = mustGuard(`(?i)\bname[sd]?\b[^.;"]{0,60}?"([^"]{1,60})"\s*(?:followed by|as (?:a|the|its) prefix)`)
	naming3Re = mustGuard(`(?i)\bnames?\b[^.;"]{0,80}?\b(?:include|contain)s?\s+(?:the\s+(?:word|name|term)\s+)?"([^"]{1,60})"\s+(?:at|as)\s+(?:the\s+)?(?:beginning|start|prefix)`)
)

func extractNaming(c *collector, s *sentence) {
	if !s.has("name") {
		return
	}
	for _, re := range []*guard{naming1Re, naming2Re, naming3Re, naming4Re, naming5Re} {
		for _, m := range re.findAllSubmatchT(s) {
			p := strings.TrimSpace(strings.Join(m[1:], ""))
			if p == "" {
				continue
			}
			c.add(Term{Kind: NamingRequirement, Prefix: p, Text: s.text}, lines(s))
		}
	}
}

var (
	attrDisplayRe = mustGuard(`(?i)\b(?:display|show|state|mark|label|indicate|include|present|feature)(?:s|ed|n)?\b`)
	// optionalRe: a wish is not a duty ("you are encouraged, but not
	// required, to display ...").
	optionalRe  = mustGuard(`\b(?:encouraged|not required|optional(?:ly)?|appreciated?|welcome to|invited to|we (?:kindly )?ask|we would like|if you wish|at your (?:option|discretion))\b`)
	attrBuiltRe = mustGuard(`(?i)"((?:built|powered|made|created|developed|improved|trained|enhanced|fine-tuned)\s+(?:with|by|using|on|from)\s+[^"]{1,60})"`)
	attrStmtRe  = mustGuard(`(?i)\bprominently\s+(?:display|show|state|mark)s?\s+(?:the\s+(?:following\s+)?(?:statement|text|phrase|words|notice)\s*:?\s*)?"([^"]{2,100})"`)
)

func extractAttribution(c *collector, s *sentence) {
	if !strings.Contains(s.text, `"`) || !attrDisplayRe.matchT(s) || optionalRe.matchL(s) {
		return
	}
	seen := map[string]bool{}
	for _, m := range attrBuiltRe.findAllSubmatchT(s) {
		st := strings.TrimSpace(m[1])
		seen[st] = true
		c.add(Term{Kind: AttributionRequirement, Statement: st, Text: s.text}, lines(s))
	}
	for _, m := range attrStmtRe.findAllSubmatchT(s) {
		st := strings.TrimSpace(m[1])
		if seen[st] {
			continue
		}
		c.add(Term{Kind: AttributionRequirement, Statement: st, Text: s.text}, lines(s))
	}
}

var (
	noticeFileRe = mustGuard(`(?i)"?\bnotice"?\s+(?:text\s+)?file\b|\bnotice\.(?:txt|md)\b`)
	noticeDutyRe = mustGuard(`(?i)\b(?:must|shall|are required to|is required to|agree to)\b|\bretain\b|\baccompanied by\b`)
	noticeTextRe = mustGuard(`(?i)\b(?:notices?|statement|text|copies|file)\b[^":]{0,80}:\s*"([^"]{5,400})"?`)
)

// Qualifiers of a NOTICE duty: it binds only when the work ships a NOTICE
// file (Apache-2.0 §4(d)), and not distribution through a hosted service
// (Gemma §3.1).
const (
	NoticeIfShipped    = "only if the work includes a NOTICE file"
	NoticeHostedExempt = "distribution through a hosted service"
)

var (
	noticeIfRe     = mustGuard(`\bif the (?:work|model|materials?)\b[^.;]{0,20}?\b(?:includes?|contains?|is distributed with) an? "?notice"?`)
	noticeHostedRe = mustGuard(`\b(?:other than|except|excluding) (?:through|via|by way of) an? hosted service\b`)
)

func extractNotice(c *collector, s *sentence) {
	if !s.has("notice") || !noticeFileRe.matchT(s) || !noticeDutyRe.matchT(s) || optionalRe.matchL(s) {
		return
	}
	t := Term{Kind: NoticeRequirement, Text: s.text}
	if noticeIfRe.matchL(s) {
		t.Scope = NoticeIfShipped
	}
	if noticeHostedRe.matchL(s) {
		t.Exempt = NoticeHostedExempt
	}
	if m := noticeTextRe.findSubmatchT(s); m != nil {
		t.Notice = strings.TrimSpace(m[1])
	}
	c.add(t, lines(s))
}

// ---------------------------------------------------------------------------
// Pass-through, policies, hosting, updates, remote restriction, copies

var passRe = mustGuard(`restrictions?[^.;]{0,200}?\b(?:included|include|incorporated)\b[^.;]{0,40}?\bas (?:an? )?enforceable provisions?` +
	`|\binclude\b[^.;]{0,200}?\brestrictions?\b[^.;]{0,120}?\benforceable provisions?` +
	`|\benforceable provisions?\b[^.;]{0,120}?\brestrictions?` +
	`|\bsame (?:use-based |use |usage )?restrictions\b` +
	`|\bpass (?:on|through|along)\b[^.;]{0,160}?\b(?:restrictions?|polic(?:y|ies)|terms|conditions)` +
	`|\b(?:restrictions?|polic(?:y|ies))\b[^.;]{0,120}?\bpass(?:ed)? (?:on|through|along)\b` +
	`|\bpass(?:es|ed)?\b[^.;]{0,60}?\b(?:restrictions?|polic(?:y|ies)|terms|conditions)\s+(?:on|along|down|through)\s+to\b` +
	`|\bflow[- ]?down\b` +
	`|\b(?:require|ensure|procure|oblige|bind)\b[^.;]{0,120}?\b(?:third part(?:y|ies)|recipients?|downstream|licensees|sublicensees|end users|subsequent users|users)\b[^.;]{0,120}?\b(?:comply|abide|be bound|adhere|agree)\b[^.;]{0,80}?\b(?:restrictions?|polic(?:y|ies)|section|paragraph|terms|attachment)` +
	`|\blicen[cs]e\b[^.;]{0,80}?\bdoes not (?:contradict|conflict with)\b[^.;]{0,60}?\brestrictions?` +
	`|\bsubsequent users\b[^.;]{0,160}?\bsubject to\b[^.;]{0,60}?\brestrictions?`)

func extractPassThrough(c *collector, s *sentence) {
	if !s.has("restrict") && !s.has("polic") && !s.has("flow") {
		return
	}
	if passRe.matchL(s) {
		c.add(Term{Kind: PassThrough, Text: s.text}, lines(s))
	}
}

var (
	policyNameRe = mustGuard(`\b((?:[A-Z][\w'.-]*\s+){0,3}?(?i:(?:acceptable|prohibited|responsible|fair|permitted|allowed)[ -]use\s+polic(?:y|ies)|usage\s+polic(?:y|ies)|use\s+polic(?:y|ies)))\b|\bAUP\b`)
	policyBindRe = mustGuard(`incorporat|\bcomply with\b|\bcompliance with\b|\badhere to\b|\babide by\b|\bconditioned (?:up)?on\b|\bin accordance with\b|\bsubject to\b|\bset forth in\b|\bbound by\b|\bconsistent with\b`)
	urlRe        = mustGuard(`(?i)\bhttps?://[^\s"'<>()\[\]]+|(?:^|[^@\w.])(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|ai|dev|org|net|io|ae|cn|co|tech|app)(?:/[^\s"'<>()\[\]]*)?`)
	thisPolicyRe = mustGuard(`\bthis (?:acceptable |prohibited |responsible |fair |usage |use )*(?:use )?polic`)
)

func cleanURL(u string) string {
	u = strings.TrimLeftFunc(u, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
	return strings.TrimRight(u, ".,;:)]}\"'")
}

// findURL returns the first URL or bare domain in s, or "".
func findURL(s string) string {
	return cleanURL(urlRe.FindString(s))
}

// policyURLs remembers, per policy name, a URL given in a definition
// sentence elsewhere in the text.
func policyURL(ss []sentence, name string) string {
	ln := strings.ToLower(name)
	if ln == "" {
		return ""
	}
	for i := range ss {
		l := ss[i].lower
		if !strings.Contains(l, ln) {
			continue
		}
		if !strings.Contains(l, " means ") && !strings.Contains(l, "available at") && !strings.Contains(l, "hosted at") && !strings.Contains(l, "found at") && !strings.Contains(l, "located at") {
			continue
		}
		if u := findURL(ss[i].text); u != "" {
			return u
		}
	}
	// Otherwise a URL that looks like a policy address given next to the
	// same name elsewhere.
	for i := range ss {
		if !strings.Contains(ss[i].lower, ln) {
			continue
		}
		if u := findURL(ss[i].text); u != "" && (strings.Contains(strings.ToLower(u), "polic") || strings.Contains(strings.ToLower(u), "aup")) {
			return u
		}
	}
	return ""
}

func extractPolicy(c *collector, ss []sentence, i int) {
	s := &ss[i]
	if !s.has("polic") && !s.has("aup") {
		return
	}
	// The binding words first: they are cheaper to look for than a
	// policy's name.
	if !policyBindRe.matchL(s) {
		return
	}
	nm := policyNameRe.findSubmatchT(s)
	if nm == nil {
		return
	}
	// A policy talking about itself ("you agree to this Policy") is not an
	// incorporation into a license.
	if thisPolicyRe.matchL(s) && !s.has("incorporat") {
		return
	}
	// Definitions alone do not incorporate anything.
	if defRe.matchL(s) {
		return
	}
	name := strings.TrimSpace(nm[1])
	if name == "" {
		name = "Acceptable Use Policy"
	}
	name = strings.TrimPrefix(strings.TrimPrefix(name, "the "), "The ")
	policy := ""
	if u := findURL(s.text); u != "" {
		policy = u
	} else if u := policyURL(ss, canonicalPolicyName(name)); u != "" {
		policy = u
	} else {
		policy = name
	}
	c.add(Term{Kind: IncorporatedPolicy, Policy: policy, Text: s.text}, lines(s))
}

// canonicalPolicyName drops leading owner words ("FAIR Acceptable Use
// Policy" -> "Acceptable Use Policy") for looking up definitions.
func canonicalPolicyName(n string) string {
	l := strings.ToLower(n)
	for _, k := range []string{"acceptable use polic", "prohibited use polic", "responsible use polic", "usage polic", "use polic"} {
		if i := strings.Index(l, k); i >= 0 {
			return n[i:]
		}
	}
	return n
}

// carveBackRe is a sentence saying something is NOT within a restricted
// category ("shall not be considered Hosting Use").
var carveBackRe = mustGuard(`\bnot (?:be )?(?:considered|deemed|treated as|regarded as)\b|\bdoes not (?:include|constitute)\b|\bshall not constitute\b`)

var (
	hostNegRe = mustGuard(`\b(?:not licensed|not permitted|not allowed|may not|shall not|must not|cannot|can not|will not|prohibited|no right)\b[^.;]{0,240}?\b(?:hosting use|hosted (?:service|solution|offering|api)|as a (?:hosted |managed |cloud |web )?service|(?:via|through) (?:an? |your |our )?(?:public )?apis?\b|software[- ]as[- ]a[- ]service|saas|managed services?|shared instances)`)
	hostReqRe = mustGuard(`\b(?:hosting use|hosted (?:service|solution|offering)|as a (?:hosted |managed |cloud )?service|software[- ]as[- ]a[- ]service|saas)\b[^.;]{0,200}?\b(?:requires?|must (?:apply|obtain|request)|separate licen|permission|not (?:licensed|permitted))`)
)

func extractHosting(c *collector, s *sentence) {
	if !s.has("host") && !s.has("service") && !s.has("api") && !s.has("saas") {
		return
	}
	if s.has(" means ") && !s.has(" not ") || carveBackRe.matchL(s) {
		return
	}
	if hostNegRe.matchL(s) || hostReqRe.matchL(s) {
		c.add(Term{Kind: HostingRestriction, Text: s.text}, lines(s))
	}
}

var (
	updateRe = mustGuard(`\b(?:may|can|will|reserves? the right to)\s+(?:\w+\s+){0,2}?(?:update|modify|amend|change|revise|supplement)\b[^.;]{0,160}?\b(?:from time to time|at any time|periodically|in (?:its|our) (?:sole )?discretion)` +
		`|\bmay be (?:updated|modified|amended|changed|revised)\b[^.;]{0,60}?\b(?:from time to time|at any time|periodically)` +
		`|\b(?:from time to time|at any time)\b[^.;]{0,40}?\b(?:update|modify|amend|revise)s?\b[^.;]{0,40}?\b(?:this|these|the)\b`)
	remoteRe = mustGuard(`\b(?:restrict|disable|limit|suspend|terminate|revoke)\b[^.;]{0,20}?\(?\s*remotely\b|\bremotely\s+(?:restrict|disable|limit|suspend|deactivate)|\bremote (?:kill|disable|deactivat|restrict)`)
	copyRe   = mustGuard(`\ba (?:full |complete )?copy of (?:this|the|these) (?:agreement|licen[cs]e|terms)\b[^.;]{0,40}?\b(?:must|shall|is to|will|has to) (?:be )?(?:included|provided|given|supplied|distributed|delivered|accompan\w*)|\b(?:provide|give|include|make available|furnish|deliver|accompan\w*|supply)\b[^.;]{0,100}?\ba (?:full |complete )?copy of (?:this|the|these) (?:agreement|licen[cs]e|terms)`)
)

// updateObjectRe: what the licensor may update is the terms, not the
// model ("Google may update Gemma from time to time" is about the model).
var updateObjectRe = mustGuard(`\b(?:update|updated|modify|modified|amend|amended|change|changed|revise|revised|supplement|supplemented)\s+(?:\w+\s+){0,5}?(?:agreement|licen[cs]e|terms|polic(?:y|ies)|conditions|eula|aup)\b|\b(?:agreement|licen[cs]e|terms|polic(?:y|ies)|conditions|aup)\b[^.;]{0,60}?\b(?:updated|modified|amended|changed|revised|supplemented)\b`)

func extractSimple(c *collector, s *sentence) {
	if !s.has("warrant") && updateRe.matchL(s) && updateObjectRe.matchL(s) {
		c.add(Term{Kind: LicensorMayUpdate, Text: s.text}, lines(s))
	}
	if s.has("remote") && remoteRe.matchL(s) {
		c.add(Term{Kind: RemoteRestriction, Text: s.text}, lines(s))
	}
	if s.has("copy of") && copyRe.matchL(s) {
		c.add(Term{Kind: CopyOfLicenseRequired, Text: s.text}, lines(s))
	}
}
