package bot

// TestExperiment (run with BOT_EXP=name and knobs ENS, EP, RATE, L2, DECAY,
// BAL, CPW, GW, GC, CAL in the environment) measures one variant of the
// matcher on the seed-42 10% split of Banking77; docs/bot.md lists results.

import (
	"os"
	"strconv"
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
	tr, te := StratifiedSplit(data, 0.1, 42)
	defaultEnsemble = int(envF("ENS", float64(defaultEnsemble)))
	lrDecay = envF("DECAY", lrDecay)
	classBalance = envF("BAL", 0) != 0
	if v := envF("CPW", 1); v == 0 {
		charPerWord = false
	}
	groupWeight[grpWord>>grpShift] = envF("GW", 1)
	groupWeight[grpChar>>grpShift] = envF("GC", 1)
	start := time.Now()
	m := TrainWith(Articles(tr), Options{Calibrate: envF("CAL", 1) != 0, Epochs: int(envF("EP", 0)), Rate: envF("RATE", 0), L2: envF("L2", 0)})
	el := time.Since(start)
	r := Evaluate(m, te)
	t.Logf("%s: acc %.4f cov %.4f p50 %.3f p99 %.3f T %.3f ece %.4f train %s", os.Getenv("BOT_EXP"), r.Accuracy, r.CoverageAt, r.P50ms, r.P99ms, r.Temperature, r.ECE, el.Round(time.Millisecond))
}
