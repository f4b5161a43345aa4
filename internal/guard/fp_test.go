package guard

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// sharedData is the shared data folder, seen from this package's folder.
const sharedData = "../../../shared/data"

// full runs the false-positive evaluations on the whole shared data sets
// (go test ./internal/guard -run FalsePositive -args -full) instead of the
// samples in testdata.
var full = flag.Bool("full", false, "evaluate on ../shared/data instead of the testdata samples")

// dataPath is the testdata sample, or with -full the shared data file.
func dataPath(sample, shared string) string {
	if *full {
		return filepath.Join(sharedData, shared)
	}
	return filepath.Join("testdata", sample)
}

func banking77(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(dataPath("banking77_sample.csv", "banking77/train.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for i, row := range rows {
		if i == 0 && row[0] == "text" {
			continue
		}
		texts = append(texts, row[0])
	}
	return texts
}

func afqmc(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(dataPath("afqmc_sample.jsonl", "afqmc/train.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var texts []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var rec struct{ Sentence1, Sentence2 string }
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		texts = append(texts, rec.Sentence1, rec.Sentence2)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return texts
}

// falsePositives scans every text and reports those with a finding.
func falsePositives(t *testing.T, name string, texts []string) (n int) {
	g := testGuard(t)
	for _, s := range texts {
		if fs := g.Scan(s); len(fs) > 0 {
			n++
			if n <= 10 {
				t.Logf("%s false positive: %q %v", name, s, fs)
			}
		}
	}
	rate := float64(n) / float64(len(texts))
	t.Logf("FALSE POSITIVES %s: %d / %d texts = %.4f%%", name, n, len(texts), 100*rate)
	if rate > 0.001 {
		t.Errorf("%s: false-positive rate %.4f%% > 0.1%%", name, 100*rate)
	}
	return n
}

// TestFalsePositiveBanking77: English banking support messages hold no
// secret. The sample (testdata/banking77_sample.csv) holds every row of the
// data with a digit or a 15-character token, the rows most like a key, and
// every 50th row; -full scans all 10,003.
func TestFalsePositiveBanking77(t *testing.T) {
	texts := banking77(t)
	want := 400
	if *full {
		want = 10000
	}
	if len(texts) < want {
		t.Fatalf("banking77: %d texts, want at least %d", len(texts), want)
	}
	falsePositives(t, "banking77", texts)
}

// TestFalsePositiveAFQMC: Chinese financial customer questions hold no
// secret. The sample (testdata/afqmc_sample.jsonl) holds every pair with a
// run of six Latin letters or digits and every 150th pair; -full scans all
// 34,334.
func TestFalsePositiveAFQMC(t *testing.T) {
	texts := afqmc(t)
	want := 2 * 250
	if *full {
		want = 2 * 34000
	}
	if len(texts) < want {
		t.Fatalf("afqmc: %d sentences, want at least %d", len(texts), want)
	}
	falsePositives(t, "afqmc", texts)
}
