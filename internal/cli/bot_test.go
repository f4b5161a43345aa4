package cli_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/cli"
)

// writeFile writes body to name in a temporary directory and returns the path.
func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBotEval(t *testing.T) {
	topics := map[string][]string{
		"card_lost":   {"I lost my card", "my card is lost", "card went missing", "cannot find my card", "lost card what now"},
		"top_up":      {"how do I top up", "add money to my account", "top up with bank transfer", "put money in", "top up limit"},
		"exchange":    {"what exchange rate do you use", "currency exchange fee", "convert dollars to euros", "exchange rate today", "fx rate"},
		"refund":      {"I want a refund", "refund my purchase", "how long does a refund take", "refund not received", "get my money back from a shop"},
		"pin_blocked": {"my pin is blocked", "unblock my pin", "entered the wrong pin too many times", "pin locked", "pin does not work"},
	}
	var train, test strings.Builder
	train.WriteString("text,category\n")
	test.WriteString("text,category\n")
	for cat, qs := range topics {
		for i, q := range qs {
			b := &train
			if i == 0 {
				b = &test
			}
			fmt.Fprintf(b, "%q,%s\n", q, cat)
		}
	}
	trainPath := writeFile(t, "train.csv", train.String())
	testPath := writeFile(t, "test.csv", test.String())
	out, stderr, err := runCLI("bot", "eval", "--train", trainPath, "--test", testPath)
	if err != nil {
		t.Fatalf("bot eval: %v\n%s", err, stderr)
	}
	var rep map[string]float64
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("bot eval printed %q: %v", out, err)
	}
	for _, k := range []string{"n", "accuracy", "top3", "baseline_accuracy", "coverage_at_95", "p50_ms", "p99_ms"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("bot eval output lacks %q: %s", k, out)
		}
	}
	if rep["n"] != 5 || rep["accuracy"] < 0 || rep["top3"] < rep["accuracy"] || rep["top3"] > 1 ||
		rep["baseline_accuracy"] < 0 || rep["baseline_accuracy"] > 1 || rep["coverage_at_95"] > 1 || rep["p99_ms"] < rep["p50_ms"] {
		t.Errorf("bot eval report %v", rep)
	}
	if !strings.Contains(stderr, "training on 20 questions in 5 articles, testing on 5") {
		t.Errorf("bot eval progress: %s", stderr)
	}
}

// TestBotEvalBadInput: each mistake gets an error that names what to fix.
func TestBotEvalBadInput(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.csv")
	header := writeFile(t, "header.csv", "text,category\n")
	small := writeFile(t, "small.csv", "text,category\nhello,greet\n")
	for _, c := range []struct {
		args  []string
		usage bool
		want  string
	}{
		{[]string{"bot", "eval"}, true, ""},
		{[]string{"bot", "eval", "--train", missing, "--test", missing}, false, "missing.csv"},
		{[]string{"bot", "eval", "--train", header, "--split", "0.1"}, false, "no training examples"},
		{[]string{"bot", "eval", "--train", small, "--test", header}, false, "no test examples"},
		{[]string{"bot", "eval", "--train", small, "--split", "0.1"}, false, "holds out nothing"},
		{[]string{"bot", "eval", "--train", small, "--split", "2"}, true, ""},
		{[]string{"bot", "eval-pairs", "--train", small, "--split", "0.5"}, true, ""},
	} {
		out, stderr, err := runCLI(c.args...)
		switch {
		case err == nil:
			t.Errorf("%v: no error (printed %q)", c.args, out)
		case c.usage && !errors.Is(err, cli.ErrUsage):
			t.Errorf("%v: %v, want the usage error", c.args, err)
		case c.usage && !strings.Contains(stderr, "Usage"):
			t.Errorf("%v: usage not printed: %s", c.args, stderr)
		case !c.usage && !strings.Contains(err.Error(), c.want):
			t.Errorf("%v: %v, want it to say %q", c.args, err, c.want)
		}
		if out != "" {
			t.Errorf("%v printed a result %q", c.args, out)
		}
	}
}
