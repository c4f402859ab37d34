package terms

import "strings"

// Commercial-use gates, distribution bans, modification notices and
// termination at will.

var (
	// "users who wish to use the models for commercial purposes must
	// register", "Registered users are free to use this model for
	// commercial activities", "commercial use requires a separate
	// commercial license".
	gateFwdRe = mustGuard(`\bcommercial (?:use|uses|usage|purposes?|activit(?:y|ies)|applications?|deployment)\b[^.;]{0,200}?\b(?:must (?:first )?(?:register|obtain|apply|request|contact)|registration|regist(?:er|ered)\b|requires? (?:a |an )?(?:separate |additional |specific )?(?:commercial )?licen[cs]e|(?:separate|additional) (?:commercial )?licen[cs]e|commercial licen[cs]e agreement|written (?:permission|authori[sz]ation|consent))`)
	gateRevRe = mustGuard(`\b(?:regist(?:er|ered|ration)|obtain (?:a |the )?(?:separate )?commercial licen[cs]e)\b[^.;]{0,200}?\bcommercial (?:use|uses|usage|purposes?|activit(?:y|ies))\b`)
	// "For production use with an X subscription", "production use
	// requires a paid subscription".
	gateProdRe = mustGuard(`\bfor production (?:use|uses|purposes) (?:with|through|via|under|requires?) (?:an? |the )?[^.;]{0,60}?\b(?:subscription|enterprise|commercial licen[cs]e|separate licen[cs]e)`)
)

func extractGate(c *collector, s *sentence) {
	if !s.has("commercial") && !s.has("production") {
		return
	}
	if gateProdRe.matchL(s) {
		c.add(Term{Kind: CommercialUseGate, Scope: "production use", Effect: "subscription or separate license required", Text: s.text}, lines(s))
		return
	}
	if !gateFwdRe.matchL(s) && !gateRevRe.matchL(s) {
		return
	}
	effect := "separate commercial license required"
	if s.has("regist") {
		effect = "registration required"
	}
	c.add(Term{Kind: CommercialUseGate, Scope: "commercial use", Effect: effect, Text: s.text}, lines(s))
}

var (
	// "you may not distribute the models", "you may not share, publish,
	// distribute or lend the Materials".
	distNegRe = mustGuard(`\b(?:may not|shall not|must not|cannot|can not|will not|are not (?:permitted|allowed) to|no right to)\s+(?:\w+,?\s+){0,6}?(?:distribute|redistribute|share|publish|lend|sublicense)\b[^.;]{0,60}?\b(models?|materials|weights|source code|object code|data|software|derivatives?)\b`)
	// A conditional permission is not a ban ("may not distribute ...
	// unless you include this license").
	distCondRe = mustGuard(`\b(?:unless|except|without (?:including|providing|retaining|a copy)|provided that|other than|in accordance with|subject to|as permitted|only (?:if|under|in)|for (?:any )?commercial|in violation)\b|\bfor (?:any |the )?(?:[\w-]+ ){0,3}?(?:purposes?|uses?|activit(?:y|ies))\b|\b(?:military|illegal|unlawful)\b`)
)

// saleRe: the right to sell is withheld ("does not include the right to
// Sell the Software", "you may not sell the model").
var saleRe = mustGuard(`\b(?:does not|do not|shall not|will not)\s+(?:include|grant|extend to|convey|give)\b[^.;]{0,60}?\bright to sell\b|\bno right to sell\b|\b(?:may not|shall not|must not|cannot)\s+(?:\w+,?\s+){0,3}?sell\b`)

func extractDistribution(c *collector, s *sentence) {
	if s.has("sell") && saleRe.matchL(s) {
		c.add(Term{Kind: DistributionRestriction, Categories: []string{"sale"}, Text: s.text}, lines(s))
	}
	if !s.has("distribut") && !s.has("share") && !s.has("publish") && !s.has("lend") && !s.has("sublicens") {
		return
	}
	ms := distNegRe.findAllSubmatchL(s)
	if ms == nil || distCondRe.matchL(s) {
		return
	}
	var cats []string
	for _, m := range ms {
		cat := strings.ReplaceAll(strings.TrimSuffix(m[1], "s"), " ", "-")
		switch cat {
		case "model", "weight":
			cat = "models"
		case "material":
			cat = "materials"
		case "derivative":
			cat = "derivatives"
		}
		if !containsString(cats, cat) {
			cats = append(cats, cat)
		}
	}
	c.add(Term{Kind: DistributionRestriction, Categories: cats, Text: s.text}, lines(s))
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

var (
	modNoticeRe = mustGuard(`\bnotices? (?:stating|indicating|saying) that (?:you|it|the files?|they) (?:have |has )?(?:been )?(?:changed|modified)\b|\bmodified files?\b[^.;]{0,60}?\b(?:carry|bear|include|contain)\b[^.;]{0,40}?\bnotices?\b|\bnotices? of (?:your |any )?(?:changes|modifications)\b`)
	// "We may terminate this License at any time upon notice": no breach
	// needed.
	termWillRe  = mustGuard(`\b(?:may|can|reserves? the right to)\s+(?:\w+\s+){0,2}?terminate\b[^.;]{0,80}?\b(?:at any time|for any reason|without cause|with or without cause|in (?:its|our) (?:sole )?discretion|at will)\b`)
	termCauseRe = mustGuard(`\bbreach|\bviolat|\bfail(?:s|ed|ure)? to comply|\bnon-?compliance|\binfring|\bif you\b|\bcommence\b|\blitigation\b`)
)

// shareAlikeRe: adaptations must carry the same license.
var shareAlikeRe = mustGuard(`\b(?:adapt(?:ed material|ations?)|derivatives?|derivative works?|modified versions?|the entire work|the work as a whole|modifications)\b[^.;]{0,120}?\b(?:must|shall)\b[^.;]{0,60}?\bunder (?:the same|this|an? (?:identical|compatible|similar))\b[^.;]{0,30}?\b(?:licen[cs]e|terms)\b|\bmust license the entire work\b|\badapter'?s licen[cs]e you apply must be\b`)

func extractModTermination(c *collector, s *sentence) {
	if (s.has("under") || s.has("licen")) && shareAlikeRe.matchL(s) {
		c.add(Term{Kind: ShareAlike, Text: s.text}, lines(s))
	}
	if s.has("notice") && modNoticeRe.matchL(s) {
		c.add(Term{Kind: ModificationNotice, Text: s.text}, lines(s))
	}
	if s.has("terminat") && termWillRe.matchL(s) && !termCauseRe.matchL(s) {
		c.add(Term{Kind: TerminationAtWill, Text: s.text}, lines(s))
	}
}
