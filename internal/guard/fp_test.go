package guard

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// sharedData is the shared data folder, seen from this package's folder.
const sharedData = "../../../shared/data"

func banking77(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(sharedData, "banking77", "train.csv"))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("no %s/banking77: skipping", sharedData)
	}
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
	f, err := os.Open(filepath.Join(sharedData, "afqmc", "train.json"))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("no %s/afqmc: skipping", sharedData)
	}
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

// TestFalsePositiveBanking77: English banking support messages hold no secret.
func TestFalsePositiveBanking77(t *testing.T) {
	texts := banking77(t)
	if len(texts) < 10000 {
		t.Fatalf("banking77: %d texts, want 10,003", len(texts))
	}
	falsePositives(t, "banking77/train.csv", texts)
}

// TestFalsePositiveAFQMC: Chinese financial customer questions hold no secret.
func TestFalsePositiveAFQMC(t *testing.T) {
	texts := afqmc(t)
	if len(texts) < 2*34000 {
		t.Fatalf("afqmc: %d sentences, want 2 × 34,334", len(texts))
	}
	falsePositives(t, "afqmc/train.json", texts)
}
