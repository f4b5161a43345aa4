package cli_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/cli"
	"github.com/huiying/huiying/internal/matcher"
)

// afqmcFAQ runs bot afqmc-faq on the fixture and reads back what it wrote.
func afqmcFAQ(t *testing.T, extra ...string) (train, test []matcher.Labeled, stderr string) {
	t.Helper()
	dir := t.TempDir()
	trainPath, testPath := filepath.Join(dir, "train.csv"), filepath.Join(dir, "test.csv")
	args := append([]string{"bot", "afqmc-faq", "--in", "testdata/afqmc_small.json", "--out-train", trainPath, "--out-test", testPath}, extra...)
	out, stderr, err := runCLI(args...)
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, stderr)
	}
	if out != "" {
		t.Errorf("bot afqmc-faq printed %q on stdout", out)
	}
	if train, err = matcher.ReadCSV(trainPath); err != nil {
		t.Fatal(err)
	}
	if test, err = matcher.ReadCSV(testPath); err != nil {
		t.Fatal(err)
	}
	return train, test, stderr
}

// TestBotAFQMCFAQ: positive pairs link phrasings into clusters (through a
// shared phrasing too); each cluster gives one entry and its other
// phrasings as questions; a sentence paired with itself is no cluster.
func TestBotAFQMCFAQ(t *testing.T) {
	train, test, stderr := afqmcFAQ(t, "--entries", "0")
	clusters := map[string][]string{}
	for _, r := range append(slices.Clone(train), test...) {
		clusters[r.Label] = append(clusters[r.Label], r.Text)
	}
	var got []string
	for _, c := range clusters {
		sort.Strings(c)
		got = append(got, strings.Join(c, "|"))
	}
	sort.Strings(got)
	want := []string{"借呗额度怎么提升|怎么提高借呗额度", "怎样还花呗|花呗如何还钱|花呗怎么还款", "花呗账单能分期还吗|蚂蚁花呗可以分期吗"}
	if !slices.Equal(got, want) {
		t.Errorf("clusters %q, want %q", got, want)
	}
	if len(train) != 3 || len(test) != 4 {
		t.Errorf("%d entries and %d questions, want 3 and 4", len(train), len(test))
	}
	seen := map[string]bool{}
	for _, r := range train {
		if seen[r.Label] {
			t.Errorf("cluster %s has two entries", r.Label)
		}
		seen[r.Label] = true
	}
	for _, r := range test {
		if !seen[r.Label] {
			t.Errorf("question %q asks for %s, which has no entry", r.Text, r.Label)
		}
	}
	if !strings.Contains(stderr, "read 8 pairs (5 positive); 3 clusters of two or more phrasings") ||
		!strings.Contains(stderr, "wrote 3 entries (0 distractors)") {
		t.Errorf("progress: %s", stderr)
	}

	// The seed decides; the same seed gives the same files.
	train2, test2, _ := afqmcFAQ(t, "--entries", "0")
	if !slices.Equal(train, train2) || !slices.Equal(test, test2) {
		t.Error("the same seed gave another set")
	}

	// --entries takes that many clusters; --distractors adds sentences of
	// negative pairs only, which no question asks for.
	train, test, _ = afqmcFAQ(t, "--entries", "2", "--distractors", "3", "--seed", "7")
	entries, other := 0, 0
	for _, r := range train {
		if strings.HasPrefix(r.Label, "other-") {
			other++
			if !slices.Contains([]string{"余额宝收益怎么算", "花呗能不能用信用卡还", "为什么花呗被关闭了", "花呗临时额度到期怎么办"}, r.Text) {
				t.Errorf("distractor %q is in a positive pair", r.Text)
			}
		} else {
			entries++
		}
	}
	if entries != 2 || other != 3 || len(test) < 2 {
		t.Errorf("%d entries, %d distractors, %d questions; want 2, 3 and at least 2", entries, other, len(test))
	}

	// The set is what bot eval reads.
	dir := t.TempDir()
	trainPath, testPath := filepath.Join(dir, "e.csv"), filepath.Join(dir, "q.csv")
	if _, stderr, err := runCLI("bot", "afqmc-faq", "--in", "testdata/afqmc_small.json", "--out-train", trainPath, "--out-test", testPath); err != nil {
		t.Fatalf("afqmc-faq: %v\n%s", err, stderr)
	}
	out, stderr, err := runCLI("bot", "eval", "--train", trainPath, "--test", testPath, "--encoder=false")
	if err != nil || !strings.Contains(out, `"n":4,`) || !strings.Contains(out, `"baseline_accuracy"`) {
		t.Errorf("bot eval on the set: %v, printed %q\n%s", err, out, stderr)
	}
}

func TestBotAFQMCFAQBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"sentence1":"a","sentence2":"b","label":"1"}`+"\n"+`{"sentence1":"a","sentence2":"b","label":"maybe"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "o.csv")
	for _, c := range []struct {
		args  []string
		usage bool
		want  string
	}{
		{[]string{"bot", "afqmc-faq", "--in", bad}, true, ""},
		{[]string{"bot", "afqmc-faq", "--in", bad, "--out-train", out, "--out-test", out, "--entries", "-1"}, true, ""},
		{[]string{"bot", "afqmc-faq", "--in", bad, "--out-train", out, "--out-test", out}, false, "line 2"},
		{[]string{"bot", "afqmc-faq", "--in", filepath.Join(dir, "missing.json"), "--out-train", out, "--out-test", out}, false, "missing.json"},
	} {
		_, stderr, err := runCLI(c.args...)
		switch {
		case err == nil:
			t.Errorf("%v: no error", c.args)
		case c.usage && (!errors.Is(err, cli.ErrUsage) || !strings.Contains(stderr, "Usage")):
			t.Errorf("%v: %v (%s), want the usage", c.args, err, stderr)
		case !c.usage && !strings.Contains(err.Error(), c.want):
			t.Errorf("%v: %v, want it to say %q", c.args, err, c.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed build wrote its output")
	}
}
