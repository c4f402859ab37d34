package terms

import (
	"fmt"
	"strconv"
	"strings"
)

// Describe renders a term's parameters in a few words ("monthly_active_users
// > 700,000,000; separate license required").
func Describe(t Term) string {
	var parts []string
	switch t.Kind {
	case UserThreshold:
		parts = append(parts, fmt.Sprintf("%s > %s", orDefault(t.Metric, "users"), Thousands(t.Value)))
	case RevenueThreshold:
		parts = append(parts, fmt.Sprintf("revenue > %s %s", Thousands(t.Value), t.Currency))
		if t.Period != "" {
			parts = append(parts, t.Period)
		}
	case TerritoryExclusion:
		parts = append(parts, "regions "+strings.Join(t.Regions, ","))
		if t.Scope != "" {
			parts = append(parts, "scope: "+t.Scope)
		}
		if t.Exempt != "" {
			parts = append(parts, "exempt: "+t.Exempt)
		}
	case NonCommercial:
		parts = append(parts, "allowed: "+orDefault(strings.Join(t.Allowed, ","), "non-commercial"))
	case FieldOfUse, OutputsRestriction:
		parts = append(parts, strings.Join(t.Categories, ","))
	case NamingRequirement:
		parts = append(parts, fmt.Sprintf("name must start with %q", t.Prefix))
	case AttributionRequirement:
		parts = append(parts, fmt.Sprintf("display %q", t.Statement))
	case NoticeRequirement:
		if t.Notice != "" {
			parts = append(parts, fmt.Sprintf("NOTICE: %q", clip(t.Notice, 60)))
		} else {
			parts = append(parts, "ship a NOTICE file")
		}
	case IncorporatedPolicy:
		parts = append(parts, orDefault(t.Policy, "policy"))
	}
	if t.Effect != "" {
		parts = append(parts, t.Effect)
	}
	if len(parts) == 0 {
		return clip(t.Text, 70)
	}
	return strings.Join(parts, "; ")
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func clip(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// Thousands formats n with thousands separators: 820,000,000.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
