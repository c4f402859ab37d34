package terms

import (
	"sort"
	"strings"

	"github.com/carveout/carveout/internal/lazy"
)

// ---------------------------------------------------------------------------
// Field-of-use restrictions

// useTriggerRe finds the sentence that opens a list of banned uses (or is
// a ban on its own).
var useTriggerRe = mustGuard(`\bagrees? (?:that )?(?:you )?(?:will |shall )?not (?:to )?(?:use|utili[sz]e|deploy)\b` +
	`|\b(?:you|licensee|user|users)\b[^.;]{0,30}?\b(?:will|shall|must|may|can|agree to) not (?:\w+ ){0,2}?(?:use|utili[sz]e|deploy|permit|allow)\b[^.;]{0,200}?\b(?:to|for|in)\b` +
	`|\bnot (?:be )?used (?:for|to|in)\b|\b(?:do not|don't|never) (?:use|utili[sz]e|deploy)\b` +
	`|\buse[- ]based restrictions\b|\buse restrictions\b|\brestricted uses?\b|\bprohibited uses?\b|\bprohibited (?:activities|purposes)\b` +
	`|\battachment a\b|\bprohibits? (?:the )?(?:use|using)\b|\bnot (?:permitted|allowed) to use\b` +
	`|\b(?:following|these) (?:uses|purposes|applications|activities) (?:are|is) (?:prohibited|forbidden|not (?:permitted|allowed))\b`)

type useCategory struct {
	name string
	re   filtered
}

var useCategories = []useCategory{
	{"military", newFiltered(`\bmilitary\b|\bwarfare\b|\barmed forces\b|\bcombat\b`)},
	{"weapons", newFiltered(`\bweapons?\b|\bfirearms?\b|\bguns?\b|\bexplosives?\b|\bmissiles?\b|\bmunitions?\b|\bnuclear\b|\bbioweapon|\bchemical (?:or biological )?weapon`)},
	{"surveillance", newFiltered(`\bsurveil|\bespionage\b|\btracking (?:of )?individuals|\bmonitor(?:ing)? individuals`)},
	{"biometric", newFiltered(`\bbiometric|\bfacial recognition\b|\bface recognition\b`)},
	{"medical-advice", newFiltered(`\bmedical (?:advice|results|diagnos|decision|treatment)|\bdiagnos(?:e|is|tic)\b|\bclinical (?:decision|diagnos)`)},
	{"legal-advice", newFiltered(`\blegal advice\b`)},
	{"law-enforcement", newFiltered(`\blaw enforcement\b|\bpredictive policing\b|\bpredict(?:s|ing)? (?:if|whether|the likelihood)[^.;]{0,60}\bcrim|\bcriminal (?:justice|offen[cs]es)\b|\bimmigration\b`)},
	{"discrimination", newFiltered(`\bdiscriminat`)},
	{"illegal", newFiltered(`\bviolates? (?:any )?(?:applicable )?(?:national, federal, state, local or international )?laws?\b|\billegal\b|\bunlawful\b|\bin violation of (?:any )?(?:applicable )?law`)},
	{"harassment", newFiltered(`\bharass|\bbully|\bbullying\b|\bdefam|\bintimidat|\babuse\b`)},
	{"disinformation", newFiltered(`\bdisinformation\b|\bmisinformation\b|\bfalse information\b|\bverifiably false\b|\bdeceiv|\bdeceptive\b|\bfraud|\bmislead`)},
	{"critical-infrastructure", newFiltered(`\bcritical infrastructure\b|\bpower grids?\b|\bwater (?:supply|treatment)\b|\bair traffic\b|\bnuclear facilit`)},
	{"exploitation-of-minors", newFiltered(`\bminors?\b|\bchild(?:ren)?\b|\bcsam\b`)},
	{"malware", newFiltered(`\bmalware\b|\bmalicious code\b|\bcomputer viruses\b|\bransomware\b`)},
	{"personal-data", newFiltered(`\bpersonal(?:ly)? identifiable\b|\bpersonal (?:data|information)\b|\bprivate information\b`)},
	{"automated-decisions", newFiltered(`\bfully automated decision|\bautomated decision-making\b|\badversely impacts? (?:on )?individuals'? legal rights`)},
	{"impersonation", newFiltered(`\bimpersonat`)},
	{"sexual-content", newFiltered(`\bsexually explicit\b|\bpornograph|\bsexual (?:content|solicitation)`)},
	{"violence", newFiltered(`\bviolence\b|\bviolent\b|\bterroris|\bself-harm\b|\bsuicide\b`)},
	{"hate", newFiltered(`\bhate\b|\bhateful\b`)},
	{"spam", newFiltered(`\bspam\b`)},
}

func categoriesIn(s *sentence) []string {
	var out []string
	for _, c := range useCategories {
		if c.re.matchGrams(s.lower, s.lower, s.lgrams) {
			out = append(out, c.name)
		}
	}
	return out
}

// fieldWindow is how many sentences after a trigger may belong to its list.
const fieldWindow = 60

// windowEndRe marks a sentence that closes a list of banned uses.
var windowEndRe = lazy.Regexp(`^(?:\d+(?:\.\d+)*\.? )?(?:disclaimer|limitation of liability|governing law|term and termination|termination|miscellaneous|definitions|general|warranty|indemnif|grant of|intellectual property|section [ivx\d]+\b|other provisions|updates and runtime)`)

// complyRe is a sentence that commits the licensee to complying with law.
var complyRe = mustGuard(`\b(?:commits?|committed|agrees?|undertakes?|need|needs|must|shall|will)\s+(?:to\s+)?(?:\w+\s+){0,2}?(?:comply|complying|compliance)\b`)

// recitalRe is a sentence in which the licensor explains itself.
var recitalRe = mustGuard(`\bwe (?:have )?(?:added|included|introduced|believe|want|hope)\b|\breferring to\b|\b(?:agreement|license|licence) is intended to\b|\bin order to ensure\b`)

func extractFieldOfUse(c *collector, ss []sentence) {
	// Categories per sentence, computed at most once each.
	memo := make([][]string, len(ss))
	done := make([]bool, len(ss))
	catsOf := func(i int) []string {
		if !done[i] {
			memo[i], done[i] = categoriesIn(&ss[i]), true
		}
		return memo[i]
	}
	covered := -1
	for i := 0; i < len(ss); i++ {
		if i <= covered {
			continue
		}
		if !ss[i].has("not") && !ss[i].has("n't") && !ss[i].has("never") && !ss[i].has("restrict") && !ss[i].has("prohibit") && !ss[i].has("attachment a") {
			continue
		}
		if !useTriggerRe.matchL(&ss[i]) {
			continue
		}
		// A duty to pass the restrictions on, or a recital about why the
		// license has them ("we added use-based restrictions"), does not
		// open a list of bans: what follows it is other clauses.
		if recitalRe.matchL(&ss[i]) || (ss[i].has("restrict") || ss[i].has("polic")) && passRe.matchL(&ss[i]) {
			continue
		}
		// Non-commercial clauses are handled elsewhere; a sentence that only
		// bans commercial use is not a field-of-use list.
		cats := map[string]bool{}
		for _, k := range catsOf(i) {
			cats[k] = true
		}
		last := i
		end := i + fieldWindow
		if end > len(ss) {
			end = len(ss)
		}
		size := 0
		for j := i + 1; j < end; j++ {
			lj := ss[j].lower
			size += len(lj)
			if size > 20000 || windowEndRe().MatchString(lj) {
				break
			}
			if j > i+1 && ss[j].start > ss[j-1].end+3 {
				break // a large gap: the list is over
			}
			// A duty to comply with the law (DeepSeek's personal
			// information clause) is not a banned use.
			if !ss[j].has("not") && complyRe.matchL(&ss[j]) {
				continue
			}
			ks := catsOf(j)
			for _, k := range ks {
				cats[k] = true
			}
			if len(ks) > 0 {
				last = j
			}
		}
		if len(cats) == 0 {
			continue
		}
		names := make([]string, 0, len(cats))
		for k := range cats {
			names = append(names, k)
		}
		sort.Strings(names)
		ev := []Lines{{Start: ss[i].start, End: ss[last].end}}
		c.add(Term{Kind: FieldOfUse, Categories: names, Text: ss[i].text}, ev...)
		covered = last
	}
}

// ---------------------------------------------------------------------------
// Non-commercial

// ncGrantRe matches a grant or use clause limited to non-commercial,
// research, evaluation or personal purposes (lower-cased text, with
// "non-commercial" spellings folded to "noncommercial").
var ncGrantRe = mustGuard(`\bfor (?:your |their |its )?(?:own )?[a-z,/&\- ]{0,60}?\b(?:noncommercial|research|evaluation|personal|academic|non-production|testing)\b[a-z,/&\- ]{0,60}?\b(?:purposes?|uses?|activities|use cases?)\b(?: only\b|,? and (?:for )?no other purpose)` +
	`|\b(?:solely|exclusively|only|strictly)\s+for\s+(?:your |their |its )?(?:own )?[a-z,/&\- ]{0,40}?\b(?:noncommercial|research|evaluation|personal|academic)\b` +
	`|\b(?:only|solely|exclusively)\s+(?:use|access|copy|reproduce|run|deploy)\b[^.;]{0,160}?\bfor\s+(?:your |their )?[a-z,/&\- ]{0,60}?\b(?:noncommercial|research|evaluation|personal|academic)\b` +
	`|\bmay only (?:\w+[, ]+){0,8}?[^.;]{0,120}?\bfor (?:your )?(?:noncommercial|research|evaluation|personal|academic)\b` +
	`|\bfor purposes other than commercial\b|\bother than (?:for )?commercial (?:or production )?(?:use|purposes)\b` +
	`|\b(?:not|never|no)\b[^.;]{0,12}\b(?:be )?(?:use|used|using)\b[^.;]{0,140}?\b(?:for|in connection with|in) (?:any )?(?:commercial|revenue-generating|production)\b(?: or production)? (?:uses?|purposes?|activit|advantage|exploitation|environments?|settings?)` +
	`|\bnot for commercial (?:use|purposes)\b|\bno commercial use\b|\bcommercial use (?:is|are) (?:not permitted|prohibited|not allowed|not granted|excluded)` +
	`|\b(?:grants?|granted|licensed|license)\b[^.;]{0,300}?\bfor (?:your |their )?(?:own )?(?:noncommercial|non-production)\b` +
	`|\bnot (?:licensed|permitted|allowed|granted|authori[sz]ed) for (?:any )?commercial\b` +
	`|\bnoncommercial (?:use|uses|purposes?) only\b|\bresearch (?:use|purposes?) only\b|\blimited to (?:noncommercial|research)\b`)

// ncDefinitionRe is a definition sentence; a definition of "Non-Commercial"
// alone does not limit a grant.
var ncDefinitionRe = mustGuard(`^"?[^".]{0,80}"?\s+(?:means|shall mean|refers to|is defined as)\b`)

// commercialGrantRe is a grant of commercial rights; its presence means a
// non-commercial clause elsewhere is one option among others.
var commercialGrantRe = mustGuard(`\bgrants?\b[^.;]{0,400}?\bfor (?:any |a |your )?commercial (?:purposes?|uses?)\b` +
	`|\bfor commercial (?:use|purposes)[, ]+(?:solely |only )?(?:if|provided|subject to)\b` +
	`|\bcommercial use licen[cs]e\b|\bcommercially usable\b` +
	`|\b(?:may|can|are free to|permitted to) use [^.;]{0,60}?\bfor commercial (?:activities|purposes|use)\b[^.;]{0,30}?\bfree of charge\b` +
	`|\bregistered users (?:may|are free to|can) use\b[^.;]{0,60}?\bcommercial`)

func extractNonCommercial(c *collector, ss []sentence) {
	var hits []int
	for i := range ss {
		if commercialGrantRe.matchL(&ss[i]) {
			return
		}
		if !ss[i].has("commercial") && !ss[i].has("research") && !ss[i].has("evaluation") && !ss[i].has("personal") && !ss[i].has("academic") && !ss[i].has("production") {
			continue
		}
		if ncDefinitionRe.matchL(&ss[i]) {
			continue
		}
		if ncGrantRe.matchL(&ss[i]) {
			hits = append(hits, i)
		}
	}
	if len(hits) == 0 {
		return
	}
	allowed := map[string]bool{}
	var ev []Lines
	for _, i := range hits {
		l := ss[i].lower
		loc := ncGrantRe.findIndexL(&ss[i])
		end := loc[1] + 80
		if end > len(l) {
			end = len(l)
		}
		m := l[loc[0]:end]
		for _, w := range []string{"research", "evaluation", "personal", "noncommercial", "academic", "testing", "non-production"} {
			if strings.Contains(m, w) {
				allowed[w] = true
			}
		}
		ev = append(ev, lines(&ss[i]))
	}
	order := []string{"research", "evaluation", "personal", "academic", "testing", "non-production", "noncommercial"}
	var al []string
	for _, w := range order {
		if allowed[w] {
			if w == "noncommercial" {
				w = "non-commercial"
			}
			al = append(al, w)
		}
	}
	if len(al) == 0 {
		al = []string{"non-commercial"}
	}
	c.add(Term{Kind: NonCommercial, Allowed: al, Text: ss[hits[0]].text}, ev...)
}
