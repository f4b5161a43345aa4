package bot

import (
	"encoding/json"
	"os"
	"strconv"
	"testing"
)

func TestQuickEval(t *testing.T) {
	if os.Getenv("BOT_QUICK") == "" {
		t.Skip()
	}
	data, err := ReadCSV("../../../shared/data/banking77/train.csv")
	if err != nil {
		t.Fatal(err)
	}
	tr, te := StratifiedSplit(data, 0.1, 42)
	m := TrainWith(Articles(tr), Options{Calibrate: os.Getenv("CAL") != "", Epochs: atoiEnv("EP"), Rate: atofEnv("RATE"), L2: atofEnv("L2")})
	r := Evaluate(m, te)
	b, _ := json.Marshal(r)
	t.Log(string(b))
}

func atoiEnv(k string) int { i, _ := strconv.Atoi(os.Getenv(k)); return i }
func atofEnv(k string) float64 { f, _ := strconv.ParseFloat(os.Getenv(k), 64); return f }
