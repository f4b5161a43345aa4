package bot

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestExperimentPairEmbed (PEMB=1; EMBD, EMBEP, EMBRATE) measures the
// Siamese embedding model alone: AUC on 10% AFQMC splits.
func TestExperimentPairEmbed(t *testing.T) {
	if os.Getenv("PEMB") == "" {
		t.Skip()
	}
	data, err := ReadPairs("../../../shared/data/afqmc/train.json")
	if err != nil {
		t.Skip(err)
	}
	for _, s := range strings.Split(envS("SEEDS", "42,7"), ",") {
		tr, te := SplitPairs(data, 0.1, uint64(num(s)))
		start := time.Now()
		pe := fitPairEmbed(tr, int(envF("EMBD", 32)), int(envF("EMBEP", 5)), envF("EMBRATE", 0.05), 1, nil)
		u, v := make([]float32, pe.d), make([]float32, pe.d)
		ps := make([]float64, len(te))
		ys := make([]bool, len(te))
		for i, p := range te {
			ps[i] = pe.score(pe.tokens(p.A), pe.tokens(p.B), u, v)
			ys[i] = p.Same
		}
		t.Logf("seed %s: embed auc %.4f train %s", s, aucOf(ps, ys), time.Since(start).Round(time.Millisecond))
	}
}

func aucOf(ps []float64, ys []bool) float64 {
	var pos, neg, wins float64
	for i := range ps {
		for j := range ps {
			if ys[i] && !ys[j] {
				switch {
				case ps[i] > ps[j]:
					wins++
				case ps[i] == ps[j]:
					wins += 0.5
				}
			}
		}
		if ys[i] {
			pos++
		} else {
			neg++
		}
	}
	return wins / (pos * neg)
}
