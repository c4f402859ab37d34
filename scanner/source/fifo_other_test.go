//go:build !unix

package source_test

import "errors"

func mkfifo(name string) error { return errors.New("no fifos") }
