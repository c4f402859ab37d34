package terms

import (
	"os"
	"path/filepath"
	"testing"
)

// resetGuards forgets every guard's condition and compiled regexp, as in a
// new process.
func resetGuards() {
	for _, g := range allGuards {
		*g = guard{expr: g.expr}
	}
}

// BenchmarkExtractCold is the first Extract of a process: one license text
// (the corpus MIT text, else an example sentence) with every guard reset,
// so that it counts deriving conditions and compiling the regexps the text
// can match.
func BenchmarkExtractCold(b *testing.B) {
	text := "Permission is hereby granted, free of charge, to any person obtaining a copy of this software."
	if bs, err := os.ReadFile(filepath.Join(corpusDir, "mit.txt")); err == nil {
		text = string(bs)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resetGuards()
		Extract(text)
	}
	b.StopTimer()
	resetGuards()
}

// BenchmarkExtractColdCorpus is BenchmarkExtractCold over every corpus
// text in one "process" (guards reset once per iteration).
func BenchmarkExtractColdCorpus(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.txt"))
	if len(files) == 0 {
		b.Skipf("reference corpus not found at %s: skipping", corpusDir)
	}
	var texts []string
	for _, p := range files {
		bs, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, string(bs))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resetGuards()
		for _, t := range texts {
			Extract(t)
		}
	}
	b.StopTimer()
	resetGuards()
}
