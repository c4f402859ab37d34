package format

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/carveout/carveout/scanner/report"
)

// The report types the encoders read: encoders depend on the report
// package (the JSON contract) only.
type (
	Report   = report.Report
	License  = report.License
	Term     = report.Term
	Evidence = report.Evidence
	Finding  = report.Finding
	Severity = report.Severity
)

// Severities of findings.
const (
	sevError   = report.SeverityError
	sevWarning = report.SeverityWarning
	sevInfo    = report.SeverityInfo
)

// Repo says where the scanned files live on a forge, so encoders can link
// to their lines (GitHub: GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA).
type Repo struct {
	ServerURL  string // https://github.com
	Repository string // OWNER/NAME
	Ref        string // commit sha (or branch)
}

// Link returns the URL of path (relative to the repository root) at lines
// start-end, or "" when r is nil or incomplete.
func (r *Repo) Link(path string, start, end int) string {
	if r == nil || r.ServerURL == "" || r.Repository == "" || r.Ref == "" || path == "" {
		return ""
	}
	u := strings.TrimRight(r.ServerURL, "/") + "/" + r.Repository + "/blob/" + r.Ref + "/" + escapePath(path)
	switch {
	case start <= 0:
	case end <= start:
		u += "#L" + strconv.Itoa(start)
	default:
		u += "#L" + strconv.Itoa(start) + "-L" + strconv.Itoa(end)
	}
	return u
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// version is carveout's version from the build information: the module
// version of an installed binary, else the VCS revision, else "dev".
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "dev-" + rev
}

// toolVersion is o.Version, else the build's version.
func (o Options) toolVersion() string {
	if o.Version != "" {
		return o.Version
	}
	return version()
}

// timestamp is o.Timestamp in RFC 3339 (UTC), "" when not asked for.
func (o Options) timestamp() string {
	if o.Timestamp.IsZero() {
		return ""
	}
	return o.Timestamp.UTC().Format(time.RFC3339)
}

// root is the path prefix of r's files within their repository.
func (o Options) root(r *Report) string {
	if o.Root == nil {
		return ""
	}
	p := strings.Trim(o.Root(r.Target), "/")
	if p == "" || p == "." {
		return ""
	}
	return p + "/"
}

// hashOf is a short stable hash of parts.
func hashOf(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:])
}

// fileEvidence: evidence that is a place in a file of the target (not an
// API field or a base model).
func fileEvidence(e Evidence) bool {
	switch e.Source {
	case report.SourceHub, report.SourceGitHub, report.SourceLineage:
		return false
	}
	return e.Path != ""
}
