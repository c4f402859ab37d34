package licenses

import "github.com/carveout/carveout/licenses/terms"

// MatchKind says how a license was found.
type MatchKind string

// Match kinds. The string values are part of the JSON report.
const (
	// MatchText: a license text was matched against a reference text.
	MatchText MatchKind = "text"
	// MatchReference: a short reference in prose names the license.
	MatchReference MatchKind = "reference"
	// MatchDeclared: a license id declared in metadata (model card).
	MatchDeclared MatchKind = "declared"
	// MatchMetadata: license metadata in weights or a hosting API.
	MatchMetadata MatchKind = "metadata"
)

// Identification is one license found in a text or declared by id.
type Identification struct {
	// ID is the canonical id: the SPDX id where SPDX has one, else the
	// catalog id; "unknown" when the text is not identified.
	ID       string
	Name     string
	Category Category
	OSI      bool
	// License is the catalog entry, nil for SPDX licenses outside the
	// catalog and for unknown texts.
	License *License
	SPDXID  string
	HFID    string

	Kind MatchKind
	// Confidence in [0,1]: how much of the reference text is present and
	// how much of the present text is in the reference.
	Confidence float64
	// Modified: the text differs from the reference (changed numbers,
	// added or removed clauses, truncated).
	Modified bool
	// Lines is the range of the scanned text the license covers.
	Lines terms.Lines
	// Changed lists the lines of the scanned text that are not in the
	// reference text.
	Changed []terms.Lines
	// Terms are read from the text actually present (and completed from
	// the catalog for an unmodified known text).
	Terms []terms.Term
}
