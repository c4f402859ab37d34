package licenses

import (
	"slices"
	"strings"

	"github.com/github/go-spdx/v2/spdxexp"
	"github.com/github/go-spdx/v2/spdxexp/spdxlicenses"
)

// IsExpression reports whether a declared license value is a compound
// SPDX expression ("MIT OR Apache-2.0", "Apache-2.0 WITH LLVM-exception",
// "(MIT AND BSD-3-Clause)") rather than a single id.
func IsExpression(v string) bool {
	return strings.ContainsAny(v, "()") || hasOperator(v, "or") || hasOperator(v, "and") || hasOperator(v, "with")
}

// FromExpression identifies every operand of an SPDX license expression
// in the order written: "MIT OR Apache-2.0" is MIT and Apache-2.0; a
// "WITH" operand is one identification whose id names the exception
// ("Apache-2.0 WITH LLVM-exception"); "GPL-2.0+" is GPL-2.0-or-later. The
// expression is split on its operators (it may name catalog licenses:
// "llama3 OR apache-2.0"), and read with go-spdx's parser where it holds
// SPDX ids only. An operand carveout does not know is an Identification
// with ID "unknown" (Name: the operand as written), never dropped: an
// unknown license is not allowed. Kind is MatchDeclared.
func FromExpression(expr string) []Identification {
	var out []Identification
	for _, op := range expressionOperands(expr) {
		out = append(out, fromOperand(op))
	}
	return out
}

// ExpressionOperands returns the operands of a license expression in the
// order written ("Apache-2.0 WITH LLVM-exception" is one operand); a value
// that is no expression is its only operand.
func ExpressionOperands(expr string) []string { return expressionOperands(expr) }

// expressionOperands returns the operands of an expression in order.
func expressionOperands(expr string) []string {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return nil
	}
	if !IsExpression(expr) {
		return []string{expr} // a single id or name, spaces and all
	}
	// Not SPDX ids only: split on the operators and parentheses.
	fields := strings.Fields(strings.NewReplacer("(", " ", ")", " ").Replace(expr))
	var ops []string
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		switch strings.ToLower(f) {
		case "or", "and":
			continue
		case "with":
			if len(ops) > 0 && i+1 < len(fields) {
				ops[len(ops)-1] += " WITH " + fields[i+1]
				i++
			}
			continue
		}
		ops = append(ops, f)
	}
	if len(ops) == 0 {
		return []string{expr}
	}
	// An expression of SPDX ids only is go-spdx's to read: where it
	// finds other operands than the split (it reads "GPL-2.0+" as
	// written), its operands win, in the split's order where they meet.
	if set, err := spdxexp.ExtractLicenses(expr); err == nil && len(set) > 0 && len(set) != len(dedupe(ops)) {
		return set
	}
	return ops
}

func dedupe(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, s) }) {
			out = append(out, s)
		}
	}
	return out
}

// hasOperator reports whether op (lower-case ASCII: or, and, with) is a
// word of v in any case.
func hasOperator(v, op string) bool {
	for f := range strings.FieldsSeq(v) {
		if strings.EqualFold(f, op) {
			return true
		}
	}
	return false
}

// fromOperand identifies one operand: an id, "id+" or "id WITH exception".
func fromOperand(op string) Identification {
	base, exc, with := strings.Cut(op, " WITH ")
	if !with {
		if i := strings.Index(strings.ToLower(op), " with "); i >= 0 {
			base, exc, with = op[:i], op[i+6:], true
		}
	}
	base, exc = strings.TrimSpace(base), strings.TrimSpace(exc)
	if strings.HasSuffix(base, "+") {
		if c, ok := CanonicalSPDX(base); ok && !strings.HasSuffix(c, "+") {
			base = c
		} else if e, ok := SPDXLicense(strings.TrimSuffix(base, "+") + "-or-later"); ok {
			base = e.ID
		}
	}
	if c, ok := CanonicalSPDX(base); ok && c != base {
		if b, e, ok := strings.Cut(c, " WITH "); ok && !with {
			base, exc, with = b, e, true // a deprecated "GPL-2.0-with-…-exception" id
		} else if !strings.Contains(c, " ") {
			base = c
		}
	}
	id, ok := FromID(base)
	if !ok {
		return Identification{ID: UnknownID, Name: op, Category: Unknown, Kind: MatchDeclared}
	}
	id.Kind = MatchDeclared
	if with {
		ok, canon := spdxlicenses.IsException(exc)
		if !ok {
			return Identification{ID: UnknownID, Name: op, Category: Unknown, Kind: MatchDeclared}
		}
		id = withException(id, canon)
	}
	return id
}

// withException is id with an SPDX exception (an additional permission)
// added: its id and SPDX id become "ID WITH exception".
func withException(id Identification, exc string) Identification {
	id.ID += " WITH " + exc
	if id.SPDXID != "" {
		id.SPDXID += " WITH " + exc
	}
	id.Name += " with " + exc
	return id
}
