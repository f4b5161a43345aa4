package bot

// Experiments, skipped unless their variable is set; docs/bot.md lists the
// results. All measure on stratified 10% splits of Banking77 (SEEDS, a
// comma-separated list of split seeds, default "42,7").
//
// TestExperiment (BOT_EXP=name) measures the matcher as TrainWith builds
// it, with knobs ENS, EP, RATE, L2, DECAY, BAL, CPW, GW, GC, CAL, STEM,
// SKIP, TRI, SVM, MLP (0 leaves the scorer out of the blend), C (the
// SVM's cost), EMB (encoder: add the sentence encoder's vector; a file:
// precomputed vectors, see exp_use_test.go) and EW (its weight) in the
// environment.

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func envF(k string, d float64) float64 {
	if v := os.Getenv(k); v != "" {
		f, _ := strconv.ParseFloat(v, 64)
		return f
	}
	return d
}

func TestExperiment(t *testing.T) {
	if os.Getenv("BOT_EXP") == "" {
		t.Skip()
	}
	data := loadBanking77(t)
	defaultEnsemble = int(envF("ENS", float64(defaultEnsemble)))
	lrDecay = envF("DECAY", lrDecay)
	classBalance = envF("BAL", 0) != 0
	if v := envF("CPW", 1); v == 0 {
		charPerWord = false
	}
	wordStem = envF("STEM", 0) != 0
	wordSkip = envF("SKIP", 0) != 0
	wordTri = envF("TRI", 0) != 0
	blendSVM = envF("SVM", 1) != 0
	blendMLP = envF("MLP", 1) != 0
	svmCost = envF("C", svmCost)
	groupWeight[grpWord>>grpShift] = envF("GW", 1)
	groupWeight[grpChar>>grpShift] = envF("GC", 1)
	for _, s := range strings.Split(envS("SEEDS", "42,7"), ",") {
		seed, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		tr, te := StratifiedSplit(data, 0.1, seed)
		start := time.Now()
		m := TrainWith(Articles(tr), Options{Calibrate: envF("CAL", 1) != 0, Epochs: int(envF("EP", 0)), Rate: envF("RATE", 0), L2: envF("L2", 0),
			Embedder: expEmbedder(t, data), EmbedWeight: envF("EW", 0)})
		el := time.Since(start)
		r := Evaluate(m, te)
		t.Logf("%s seed %d: acc %.4f cov %.4f p50 %.3f p99 %.3f blend %.3v ece %.4f train %s", os.Getenv("BOT_EXP"), seed, r.Accuracy, r.CoverageAt, r.P50ms, r.P99ms, m.blend, r.ECE, el.Round(time.Millisecond))
	}
}

// TestExperimentDemoKB (BOT_DEMO=1) times Train on the demo knowledge base
// (titles and questions of internal/kb/demo, both locales, one article per
// id) and checks that every title finds its own article.
func TestExperimentDemoKB(t *testing.T) {
	if os.Getenv("BOT_DEMO") == "" {
		t.Skip()
	}
	blendMLP = envF("MLP", b2f(blendMLP)) != 0
	files, err := filepath.Glob("../kb/demo/*/*.md")
	if err != nil || len(files) == 0 {
		t.Skip("no demo knowledge base")
	}
	pos := map[string]int{}
	var arts []Article
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var id string
		var ex []string
		for _, l := range strings.Split(string(b), "\n") {
			switch {
			case strings.HasPrefix(l, "id: "):
				id = strings.TrimSpace(l[4:])
			case strings.HasPrefix(l, "title: "):
				ex = append(ex, strings.TrimSpace(l[7:]))
			case strings.HasPrefix(l, "  - "):
				ex = append(ex, strings.TrimSpace(l[4:]))
			}
		}
		i, ok := pos[id]
		if !ok {
			i = len(arts)
			pos[id] = i
			arts = append(arts, Article{ID: id})
		}
		arts[i].Examples = append(arts[i].Examples, ex...)
	}
	n := 0
	for _, a := range arts {
		n += len(a.Examples)
	}
	start := time.Now()
	m := Train(arts)
	t.Logf("demo KB: %d articles, %d examples, trained in %s", len(arts), n, time.Since(start).Round(time.Millisecond))
	for _, a := range arts {
		if c := m.Match(a.Examples[0], 1); c[0].ArticleID != a.ID {
			t.Errorf("%q matched %s, want %s", a.Examples[0], c[0].ArticleID, a.ID)
		}
	}
}
