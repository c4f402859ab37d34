package terms

import (
	"math"
	"strconv"
	"strings"

	"github.com/carveout/carveout/internal/lazy"
)

// numPat matches a number as written in license text: "700", "100,000,000",
// "1.5", "1.000.000", optionally followed by a scale word ("million", "M").
// The scale group is optional; numberValue interprets it.
const numPat = `(\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3}){2,}|\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred)(?:\s*(billion|million|thousand|bn|mn|mm|m|b|k)\b)?`

var numRe = lazy.Regexp(`(?i)\b` + numPat)

var wordNumbers = map[string]float64{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "twenty": 20, "fifty": 50,
	"hundred": 100,
}

// numberValue turns the two groups of numPat into an integer. It returns
// false when the number cannot be read or is out of range.
func numberValue(digits, scale string) (int64, bool) {
	digits = strings.ToLower(strings.TrimSpace(digits))
	var f float64
	if w, ok := wordNumbers[digits]; ok {
		f = w
	} else {
		d := digits
		switch {
		case strings.Count(d, ",") > 0:
			d = strings.ReplaceAll(d, ",", "")
		case strings.Count(d, ".") > 1:
			d = strings.ReplaceAll(d, ".", "")
		}
		v, err := strconv.ParseFloat(d, 64)
		if err != nil {
			return 0, false
		}
		f = v
	}
	switch strings.ToLower(scale) {
	case "billion", "bn", "b":
		f *= 1e9
	case "million", "mn", "mm", "m":
		f *= 1e6
	case "thousand", "k":
		f *= 1e3
	}
	if f <= 0 || f > 1e15 || math.IsNaN(f) {
		return 0, false
	}
	return int64(math.Round(f)), true
}

// ParseCount reads a count such as "700 million", "100,000,000", "50M" or
// "1.5 billion". It reports false when s does not start with a number.
func ParseCount(s string) (int64, bool) {
	m := numRe().FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	return numberValue(m[1], m[2])
}

// currency symbols and codes, longest first where prefixes overlap.
const curPrefixPat = `(us\$|u\.s\.\s?\$|hk\$|c\$|ca\$|a\$|au\$|s\$|nz\$|r\$|\$|usd|eur|€|gbp|£|rmb|cny|¥|￥|jpy|inr|₹|chf|cad|aud|sgd|hkd|krw|₩|brl)`
const curSuffixPat = `(us dollars?|u\.s\. dollars?|dollars?|usd|euros?|eur|gbp|pounds?(?: sterling)?|rmb|cny|yuan|renminbi|jpy|yen|inr|rupees?|chf|swiss francs?|cad|aud|sgd|hkd|krw|won)\b`

// moneyRe matches "USD $1,000,000", "US$1M", "$1 million", "RMB 1 billion",
// "€10 million", "10 million euros".
var moneyRe = mustGuard(`(?i)(?:` + curPrefixPat + `\s*(?:` + curPrefixPat + `\s*)?` + numPat + `(?:\s+` + curSuffixPat + `)?|\b` + numPat + `\s*` + curSuffixPat + `)`)

// Money is an amount in an ISO 4217 currency.
type Money struct {
	Value    int64
	Currency string
}

// currencyCode maps a symbol or word to ISO 4217. context is the lower-cased
// sentence, used to tell the yen sign's two currencies apart.
func currencyCode(tok, context string) string {
	t := strings.ToLower(strings.TrimSpace(tok))
	t = strings.ReplaceAll(t, " ", "")
	switch {
	case t == "":
		return ""
	case t == "us$" || strings.HasPrefix(t, "u.s.") || t == "$" || t == "usd" || strings.Contains(t, "dollar"):
		if strings.Contains(t, "dollar") {
			switch {
			case strings.Contains(context, "canadian dollar"):
				return "CAD"
			case strings.Contains(context, "australian dollar"):
				return "AUD"
			case strings.Contains(context, "singapore dollar"):
				return "SGD"
			case strings.Contains(context, "hong kong dollar"):
				return "HKD"
			}
		}
		return "USD"
	case t == "hk$" || t == "hkd":
		return "HKD"
	case t == "c$" || t == "ca$" || t == "cad":
		return "CAD"
	case t == "a$" || t == "au$" || t == "aud":
		return "AUD"
	case t == "s$" || t == "sgd":
		return "SGD"
	case t == "nz$":
		return "NZD"
	case t == "r$" || t == "brl":
		return "BRL"
	case t == "eur" || t == "€" || strings.HasPrefix(t, "euro"):
		return "EUR"
	case t == "gbp" || t == "£" || strings.HasPrefix(t, "pound"):
		return "GBP"
	case t == "rmb" || t == "cny" || t == "yuan" || t == "renminbi" || t == "￥":
		return "CNY"
	case t == "¥":
		if strings.Contains(context, "yen") || strings.Contains(context, "japan") {
			return "JPY"
		}
		return "CNY"
	case t == "jpy" || t == "yen":
		return "JPY"
	case t == "inr" || t == "₹" || strings.HasPrefix(t, "rupee"):
		return "INR"
	case t == "chf" || strings.HasPrefix(t, "swissfranc"):
		return "CHF"
	case t == "krw" || t == "₩" || t == "won":
		return "KRW"
	}
	return strings.ToUpper(t)
}

// moneyMatch is one amount found in a sentence with its byte span.
type moneyMatch struct {
	Money
	start, end int
}

// findMoney returns the amounts in s.
func findMoney(s string) []moneyMatch {
	return moneyIn(s, moneyRe.FindAllStringSubmatchIndex(s, -1))
}

// findMoneyT is findMoney(s.text), finding the amounts as the sentence's
// guards do (anchored at their starts).
func findMoneyT(s *sentence) []moneyMatch {
	return moneyIn(s.text, moneyRe.findAllSubmatchIndexT(s))
}

// moneyIn reads the amounts of moneyRe's matches ms (submatch indices) in s.
func moneyIn(s string, ms [][]int) []moneyMatch {
	lower := strings.ToLower(s)
	var out []moneyMatch
	for _, m := range ms {
		g := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return s[m[2*i]:m[2*i+1]]
		}
		var cur, digits, scale string
		if m[2] >= 0 { // prefix form
			cur = g(1)
			if g(2) != "" && cur == "$" {
				cur = g(2)
			}
			digits, scale = g(3), g(4)
			if sfx := g(5); sfx != "" && currencyCode(sfx, lower) != "USD" {
				cur = sfx
			}
		} else {
			digits, scale, cur = g(6), g(7), g(8)
		}
		v, ok := numberValue(digits, scale)
		if !ok {
			continue
		}
		out = append(out, moneyMatch{Money{v, currencyCode(cur, lower)}, m[0], m[1]})
	}
	return out
}

// ParseMoney reads the first amount in s ("USD $1,000,000", "€10 million").
func ParseMoney(s string) (Money, bool) {
	ms := findMoney(s)
	if len(ms) == 0 {
		return Money{}, false
	}
	return ms[0].Money, true
}
