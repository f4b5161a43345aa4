//go:build ignore

// Command convert turns CC-CEDICT (the "cedict_ts.u8" text release) into
// the word list the gloss package embeds: one line per simplified-Chinese
// headword, "word<TAB>definition; definition; definition", sorted by word,
// gzip-compressed. Definitions lose their references to other entries
// ("见 X|Y[pin1 yin1]"), their parentheses and a leading "to "; entries
// that only point elsewhere ("variant of", "see", "used in", "abbr. for",
// surnames, classifiers) are left out. A word keeps its first two
// definitions of each reading, four at most.
//
//	go run internal/gloss/convert/main.go -in cedict_ts.u8 -out internal/gloss/data/cedict-gloss.tsv.gz
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"sort"
	"strings"
)

// A word keeps its first perReading definitions of each reading, at most
// perWord in all: "还" is both "still" (hai2) and "pay back" (huan2).
const (
	perReading = 2
	perWord    = 4
)

var (
	reRef   = regexp.MustCompile(`\S*\|\S*\[[^\]]*\]|\S+\[[^\]]*\]`)
	reParen = regexp.MustCompile(`\([^)]*\)`)
	skipped = []string{"variant of", "see ", "used in", "abbr.", "surname", "cl:", "old variant"}
)

func main() {
	in := flag.String("in", "", "CC-CEDICT text file (cedict_ts.u8)")
	out := flag.String("out", "", "output file (.tsv.gz)")
	flag.Parse()
	if *in == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: convert -in cedict_ts.u8 -out cedict-gloss.tsv.gz")
		os.Exit(2)
	}
	if err := run(*in, *out); err != nil {
		slog.Error("convert", "err", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return fmt.Errorf("open %s: %w", in, err)
	}
	defer f.Close()
	defs, err := parse(f)
	if err != nil {
		return err
	}
	words := make([]string, 0, len(defs))
	for w := range defs {
		words = append(words, w)
	}
	sort.Strings(words)
	o, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	zw, _ := gzip.NewWriterLevel(o, gzip.BestCompression)
	bw := bufio.NewWriter(zw)
	for _, w := range words {
		fmt.Fprintf(bw, "%s\t%s\n", w, strings.Join(defs[w], "; "))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := o.Close(); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	slog.Info("wrote", "file", out, "words", len(words))
	return nil
}

// parse reads CC-CEDICT lines: "TRAD SIMP [pin1 yin1] /def/def/".
func parse(r io.Reader) (map[string][]string, error) {
	defs := map[string][]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, " ", 3)
		if len(parts) < 3 {
			continue
		}
		word := parts[1]
		i := strings.Index(parts[2], "/")
		if i < 0 || strings.ContainsAny(word, "\t\n") {
			continue
		}
		n := 0
		for _, d := range strings.Split(strings.Trim(parts[2][i:], "/"), "/") {
			if len(defs[word]) == perWord || n == perReading {
				break
			}
			if d = clean(d); d != "" {
				defs[word] = append(defs[word], d)
				n++
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return defs, nil
}

// clean returns a definition ready to be read as English, or "" for one
// that only points elsewhere.
func clean(d string) string {
	d = reRef.ReplaceAllString(d, "")
	d = strings.Join(strings.Fields(reParen.ReplaceAllString(d, "")), " ")
	low := strings.ToLower(d)
	for _, s := range skipped {
		if strings.HasPrefix(low, s) || s == "variant of" && strings.Contains(low, s) {
			return ""
		}
	}
	d = strings.ReplaceAll(strings.TrimPrefix(d, "to "), "; to ", "; ")
	return strings.Trim(d, " ;,")
}
