package bot

import (
	"github.com/huiying/huiying/internal/gloss"
	"os"
	"strings"
	"testing"
	"time"
)

// TestExperimentPairs (PAIRS=name; knobs PTREES, NTREE, DEPTH, TRATE,
// SUBS, COLS, SPARSE, SEEDS, SENSES, SCROSS, SEMB, PSTATS, PBAGS) measures the pair model on 10% AFQMC splits.
func TestExperimentPairs(t *testing.T) {
	if os.Getenv("PAIRS") == "" {
		t.Skip()
	}
	data, err := ReadPairs("../../../shared/data/afqmc/train.json")
	if err != nil {
		t.Skip(err)
	}
	pairTrees = envF("PTREES", 1) != 0
	pairCVThreshold = envF("CVT", b2f(pairCVThreshold)) != 0
	pairSparse = int(envF("SPARSE", float64(pairSparse)))
	pairTreeOptions.trees = int(envF("NTREE", float64(pairTreeOptions.trees)))
	pairTreeOptions.depth = int(envF("DEPTH", float64(pairTreeOptions.depth)))
	pairTreeOptions.rate = envF("TRATE", pairTreeOptions.rate)
	pairTreeOptions.minChild = envF("MINCHILD", pairTreeOptions.minChild)
	pairTreeOptions.subsample = envF("SUBS", pairTreeOptions.subsample)
	pairTreeOptions.colsample = envF("COLS", pairTreeOptions.colsample)
	pairEmbedding = envF("EMB", b2f(pairEmbedding)) != 0
	senseCross = envF("SCROSS", b2f(senseCross)) != 0
	senseEmbed = envF("SEMB", b2f(senseEmbed)) != 0
	senseWords = envF("SWORDS", b2f(senseWords)) != 0
	senseReading = envF("SREAD", b2f(senseReading)) != 0
	pairTargetStats = envF("PSTATS", b2f(pairTargetStats)) != 0
	var opts Options
	if envF("SENSES", 1) != 0 {
		var err error
		if opts.Embedder, err = DefaultEmbedder(); err != nil {
			t.Fatal(err)
		}
		if opts.Dictionary, err = gloss.Load(); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range strings.Split(envS("SEEDS", "42,7"), ",") {
		seed := uint64(num(s))
		tr, te := SplitPairs(data, 0.1, seed)
		start := time.Now()
		opts.Epochs, opts.Rate, opts.L2 = int(envF("PEP", 0)), envF("PRATE", 0), envF("PL2", 0)
		opts.PairBags = int(envF("PBAGS", 0))
		m := TrainPairs(tr, opts)
		el := time.Since(start)
		r := EvaluatePairs(m, te)
		t.Logf("%s seed %d: acc %.4f majority %.4f oracle %.4f auc %.4f thr %.3f train %s", os.Getenv("PAIRS"), seed, r.Accuracy, r.Majority, r.BestAccuracy, r.AUC, m.threshold, el.Round(time.Millisecond))
	}
}
