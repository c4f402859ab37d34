package card

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carveout/carveout/internal/corpus"
)

// corpusDir is the shared reference corpus of real model cards, beside the
// project (not part of it).
const corpusDir = "../../../shared/corpus/modelcards"

type corpusRow struct {
	file, license, baseModel, category, notes string
}

// readCorpusIndex reads corpusDir/INDEX.tsv, or skips the test when the
// corpus is not there.
func readCorpusIndex(t testing.TB) []corpusRow {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpusDir, "INDEX.tsv"))
	if err != nil {
		corpus.Skipf(t, "model card corpus not found at %s (it lives outside the project, in ../shared/corpus, and is absent in a fresh clone): %v", corpusDir, err)
	}
	var rows []corpusRow
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var col map[string]int
	for sc.Scan() {
		f := strings.Split(strings.TrimRight(sc.Text(), "\r"), "\t")
		if col == nil {
			col = map[string]int{}
			for i, name := range f {
				col[name] = i
			}
			for _, need := range []string{"file", "declared_license", "base_model", "category"} {
				if _, ok := col[need]; !ok {
					t.Fatalf("INDEX.tsv has no %q column", need)
				}
			}
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(f) {
				return strings.TrimSpace(f[i])
			}
			return ""
		}
		if get("file") == "" {
			continue
		}
		rows = append(rows, corpusRow{file: get("file"), license: get("declared_license"), baseModel: get("base_model"), category: get("category"), notes: get("notes")})
	}
	if len(rows) == 0 {
		t.Fatal("INDEX.tsv lists no files")
	}
	return rows
}

// declared formats a card's license as INDEX.tsv writes it: "mit" for a
// string, "[llama2, other]" for a list.
func declared(c *Card) string {
	s := strings.Join(c.License, ", ")
	if c.LicenseList {
		return "[" + s + "]"
	}
	return s
}

// TestCorpus parses every file of the model card corpus and checks the
// declared license and base model against INDEX.tsv. Files of category
// "malformed" must yield a problem; the others must not.
func TestCorpus(t *testing.T) {
	rows := readCorpusIndex(t)
	indexed := map[string]bool{}
	agree := 0
	var disagree []string
	for _, r := range rows {
		indexed[r.file] = true
		t.Run(r.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, r.file))
			if err != nil {
				t.Fatalf("INDEX.tsv lists %s: %v", r.file, err)
			}
			var gotLicense, gotBase string
			var probs []Problem
			if strings.HasSuffix(r.file, ".json") {
				var cfg *Config
				cfg, probs = ParseConfig(r.file, data)
				var lic []string
				for _, v := range cfg.Licenses {
					lic = append(lic, v.Value)
				}
				gotLicense, gotBase = strings.Join(lic, ", "), cfg.BaseModelNameOrPath
			} else {
				var c *Card
				c, probs = Parse(r.file, data)
				gotLicense, gotBase = declared(c), strings.Join(c.BaseModel, ", ")
				if r.category == "malformed" && IsLFSPointer(data) && (c.LFS == nil || !hasRule(probs, RuleLFSPointer)) {
					t.Errorf("LFS pointer not reported as such: %+v", probs)
				}
			}
			ok := true
			if gotLicense != r.license {
				t.Errorf("license = %q, INDEX.tsv says %q", gotLicense, r.license)
				ok = false
			}
			if gotBase != r.baseModel {
				t.Errorf("base_model = %q, INDEX.tsv says %q", gotBase, r.baseModel)
				ok = false
			}
			if r.category == "malformed" && len(probs) == 0 {
				t.Errorf("category malformed (%s) but no problem reported", r.notes)
				ok = false
			}
			if r.category != "malformed" && len(probs) > 0 {
				t.Errorf("category %s but problems reported: %+v", r.category, probs)
				ok = false
			}
			if ok {
				agree++
			} else {
				disagree = append(disagree, r.file)
			}
		})
	}
	t.Logf("corpus: %d/%d files agree with INDEX.tsv", agree, len(rows))
	if len(disagree) > 0 {
		t.Logf("disagreements: %s", strings.Join(disagree, ", "))
	}
	// Every file of the corpus is parsed, indexed or not, without panics.
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || e.Name() == "INDEX.tsv" || indexed[e.Name()] {
			continue
		}
		t.Errorf("%s is in the corpus but not in INDEX.tsv", e.Name())
		data, err := os.ReadFile(filepath.Join(corpusDir, e.Name()))
		if err == nil {
			Parse(e.Name(), data)
			ParseConfig(e.Name(), data)
		}
	}
}

func hasRule(probs []Problem, rule string) bool {
	for _, p := range probs {
		if p.Rule == rule {
			return true
		}
	}
	return false
}

// TestCorpusDetails pins details of a few corpus cards that the INDEX does
// not record: gated prompt ranges, folded links, line numbers.
func TestCorpusDetails(t *testing.T) {
	readCorpusIndex(t)
	read := func(name string) *Card {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatal(err)
		}
		c, _ := Parse(name, data)
		return c
	}
	c := read("24-qwen1.5-moe-8x0.5b-chat.md")
	eq(t, "24 LicenseLink", c.LicenseLink, "https://huggingface.co/Qwen/Qwen1.5-0.5B-Chat/blob/main/LICENSE")
	eq(t, "24 LicenseName", c.LicenseName, "tongyi-qianwen-research")

	c = read("38-llama-3.2-1b-instruct-official.md")
	eq(t, "38 Line(license)", c.Line("license"), 19)
	eq(t, "38 ExtraGatedPromptLines", c.ExtraGatedPromptLines, LineRange{21, 197})
	if !strings.HasPrefix(c.ExtraGatedPrompt, "### LLAMA 3.2 COMMUNITY LICENSE AGREEMENT") {
		t.Errorf("38 ExtraGatedPrompt starts %.60q", c.ExtraGatedPrompt)
	}

	c = read("64-codellama-70b-python-leading-blank.md")
	eq(t, "64 FrontMatterLines", c.FrontMatterLines, LineRange{2, 9})
	eq(t, "64 Line(license)", c.Line("license"), 8)

	c = read("53-unsloth-llama-3.1-70b-instruct-bnb-4bit.md")
	eq(t, "53 BaseModelRelation", c.BaseModelRelation, "quantized")

	c = read("57-thebloke-llama-2-7b-chat-gguf.md")
	eq(t, "57 ModelCreator", c.ModelCreator, "Meta Llama 2")
	eq(t, "57 QuantizedBy", c.QuantizedBy, "TheBloke")

	c = read("03-sd-3-5-large-official-crlf.md")
	if strings.Contains(c.Body, "\r") {
		t.Error("03 Body keeps CR characters")
	}

	c = read("49-codecherrypop-unterminated-frontmatter.md")
	eq(t, "49 HasFrontMatter", c.HasFrontMatter, false)
}
