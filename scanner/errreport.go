package scanner

import (
	"fmt"

	"github.com/carveout/carveout/scanner/rules"
)

// singleFileUnread: a single-file target whose file could not be read is
// a target that cannot be read at all (exit 3), not a failing report.
func (e *evidence) singleFileUnread() error {
	if e.kind != "file" || !e.unreadableLicense {
		return nil
	}
	for _, f := range e.findings {
		if f.Rule == rules.UnreadableFile {
			return fmt.Errorf("%w %s: %s", ErrTarget, e.target, f.Message)
		}
	}
	return fmt.Errorf("%w %s: the file could not be read", ErrTarget, e.target)
}
