package scanner

import "github.com/carveout/carveout/scanner/report"

// The scanner builds the report's own types (package report, the JSON
// contract); these names let the stages below read without the package
// prefix on every line. There is one definition of each: in report.
type (
	Report     = report.Report
	SourceInfo = report.SourceInfo
	Declared   = report.Declared
	Match      = report.Match
	License    = report.License
	Closest    = report.Closest
	Term       = report.Term
	File       = report.File
	Link       = report.Link
	Dataset    = report.Dataset
	Obligation = report.Obligation
	Violation  = report.Violation
	Finding    = report.Finding
	Summary    = report.Summary
	Evidence   = report.Evidence
	Severity   = report.Severity
)

// Severities and evidence sources, from the report package.
const (
	SeverityError   = report.SeverityError
	SeverityWarning = report.SeverityWarning
	SeverityInfo    = report.SeverityInfo

	SourceModelCard   = report.SourceModelCard
	SourceCardText    = report.SourceCardText
	SourceLicenseFile = report.SourceLicenseFile
	SourceConfig      = report.SourceConfig
	SourceWeights     = report.SourceWeights
	SourceHub         = report.SourceHub
	SourceGitHub      = report.SourceGitHub
	SourceLineage     = report.SourceLineage
)

// Schema is the version of the JSON report.
const Schema = report.Schema
