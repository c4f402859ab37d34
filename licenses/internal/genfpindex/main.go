// Command genfpindex generates licenses/fingerprints/index.bin: the
// inverted index (shingle → references holding it) of the fingerprint
// files genfp and genspdxfp write, so that carveout reads it in place at
// start-up instead of sorting its 660,000 postings in every process.
//
// It reads only the fingerprint files (hashes), never a license text, and
// numbers the references in the order of its arguments, then of each
// file's "L" lines: the order the licenses package loads them in.
//
//	go run ./internal/genfpindex -out fingerprints/index.bin fingerprints/fingerprints.bin fingerprints/spdx.bin
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/carveout/carveout/licenses/internal/shingle"
)

func main() {
	out := flag.String("out", "fingerprints/index.bin", "output file")
	flag.Parse()
	files := make([][]byte, flag.NArg())
	for i, p := range flag.Args() {
		b, err := os.ReadFile(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "genfpindex:", err)
			os.Exit(1)
		}
		files[i] = b
	}
	b, err := shingle.IndexFile(files)
	if err == nil {
		err = os.WriteFile(*out, b, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genfpindex:", err)
		os.Exit(1)
	}
}
