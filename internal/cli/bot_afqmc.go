package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/huiying/huiying/internal/matcher"
)

// botAFQMCFAQ turns AFQMC question pairs into a Chinese FAQ retrieval set
// for `bot eval`: the positive pairs link phrasings of one question into
// clusters; one phrasing of each cluster becomes a FAQ entry (a row
// text,category with the cluster as category), the others become the
// questions to answer.
func botAFQMCFAQ(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("huiying bot afqmc-faq", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	in := fs.String("in", "", "AFQMC JSON lines `file` ({\"sentence1\",\"sentence2\",\"label\"})")
	outTrain := fs.String("out-train", "", "`file` to write the FAQ entries to (CSV text,category)")
	outTest := fs.String("out-test", "", "`file` to write the test questions to (CSV text,category)")
	entries := fs.Int("entries", 1200, "how many clusters become FAQ entries, chosen with --seed (0: all)")
	distractors := fs.Int("distractors", 0, "how many sentences of negative pairs only to add as entries no question asks for")
	seed := fs.Uint64("seed", 42, "seed of the choice of clusters and of each cluster's entry")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: huiying bot afqmc-faq --in train.json --out-train ENTRIES.csv --out-test QUESTIONS.csv [--entries 1200] [--distractors 0] [--seed 42]\n\n"+
			"Builds a Chinese FAQ retrieval set from AFQMC pairs: phrasings linked by positive\n"+
			"pairs form a cluster; one phrasing per cluster is a FAQ entry, the others are test\n"+
			"questions. Measure the matcher on it with:\n"+
			"  huiying bot eval --train ENTRIES.csv --test QUESTIONS.csv")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return ErrUsage
	}
	if fs.NArg() > 0 || *in == "" || *outTrain == "" || *outTest == "" || *entries < 0 || *distractors < 0 {
		fs.Usage()
		return ErrUsage
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	set, err := afqmcFAQ(f, *entries, *distractors, *seed)
	if err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	fmt.Fprintf(env.Stderr, "bot afqmc-faq: read %d pairs (%d positive); %d clusters of two or more phrasings\n",
		set.pairs, set.positive, set.clusters)
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := writeLabeled(*outTrain, set.train); err != nil {
		return err
	}
	if err := writeLabeled(*outTest, set.test); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "bot afqmc-faq: wrote %d entries (%d distractors) to %s and %d questions to %s\n",
		len(set.train), set.distractors, *outTrain, len(set.test), *outTest)
	return nil
}

// faqSet is a FAQ retrieval set built from question pairs.
type faqSet struct {
	train, test                            []matcher.Labeled
	pairs, positive, clusters, distractors int
}

// afqmcFAQ reads AFQMC JSON lines from r and builds the set: entries
// clusters (all when 0) chosen with seed, one phrasing of each as its
// entry, and distractors sentences that occur in negative pairs only.
func afqmcFAQ(r io.Reader, entries, distractors int, seed uint64) (faqSet, error) {
	var set faqSet
	id := map[string]int{} // sentence → node, in order of first appearance
	var text []string
	var parent []int
	var linked []bool // in a positive pair
	node := func(s string) int {
		if i, ok := id[s]; ok {
			return i
		}
		id[s] = len(text)
		text = append(text, s)
		parent = append(parent, len(parent))
		linked = append(linked, false)
		return len(text) - 1
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var p struct {
			S1    string          `json:"sentence1"`
			S2    string          `json:"sentence2"`
			Label json.RawMessage `json:"label"`
		}
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return set, fmt.Errorf("line %d: %w", line, err)
		}
		s1, s2 := strings.TrimSpace(p.S1), strings.TrimSpace(p.S2)
		if s1 == "" || s2 == "" {
			return set, fmt.Errorf("line %d: sentence1 and sentence2 must both be set", line)
		}
		var same bool
		switch strings.Trim(string(p.Label), `"`) {
		case "1":
			same = true
		case "0":
		default:
			return set, fmt.Errorf("line %d: label %s, want \"0\" or \"1\"", line, p.Label)
		}
		set.pairs++
		a, b := node(s1), node(s2)
		if !same {
			continue
		}
		set.positive++
		linked[a], linked[b] = true, true
		if ra, rb := find(a), find(b); ra != rb {
			parent[max(ra, rb)] = min(ra, rb)
		}
	}
	if err := sc.Err(); err != nil {
		return set, err
	}
	// Clusters in order of their first phrasing, members in order of
	// appearance, so that the seed alone decides the choice.
	members := map[int][]int{}
	var roots []int
	for i := range text {
		if !linked[i] {
			continue
		}
		r := find(i)
		if members[r] == nil {
			roots = append(roots, r)
		}
		members[r] = append(members[r], i)
	}
	var clusters [][]int
	for _, r := range roots {
		if len(members[r]) >= 2 {
			clusters = append(clusters, members[r])
		}
	}
	set.clusters = len(clusters)
	rng := rand.New(rand.NewPCG(seed, 0xfa9))
	rng.Shuffle(len(clusters), func(i, j int) { clusters[i], clusters[j] = clusters[j], clusters[i] })
	if entries > 0 && entries < len(clusters) {
		clusters = clusters[:entries]
	}
	for n, c := range clusters {
		cat := fmt.Sprintf("faq-%04d", n+1)
		pick := rng.IntN(len(c))
		for k, i := range c {
			if k == pick {
				set.train = append(set.train, matcher.Labeled{Text: text[i], Label: cat})
			} else {
				set.test = append(set.test, matcher.Labeled{Text: text[i], Label: cat})
			}
		}
	}
	var loose []int
	for i := range text {
		if !linked[i] {
			loose = append(loose, i)
		}
	}
	rng.Shuffle(len(loose), func(i, j int) { loose[i], loose[j] = loose[j], loose[i] })
	for n, i := range loose[:min(distractors, len(loose))] {
		set.train = append(set.train, matcher.Labeled{Text: text[i], Label: fmt.Sprintf("other-%04d", n+1)})
		set.distractors++
	}
	return set, nil
}

// writeLabeled writes rows as a text,category CSV file with a header row.
func writeLabeled(path string, rows []matcher.Labeled) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"text", "category"})
	for _, r := range rows {
		w.Write([]string{r.Text, r.Label})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
