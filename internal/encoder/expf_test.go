package encoder

import (
	"math"
	"testing"
)

func TestExpf(t *testing.T) {
	worst := 0.0
	for x := float32(-87); x <= 10; x += 0.0007 {
		got, want := float64(expf(x)), math.Exp(float64(x))
		rel := math.Abs(got-want) / want
		worst = max(worst, rel)
		if rel > 4e-7 {
			t.Fatalf("expf(%g) = %g, want %g (relative error %.2g)", x, got, want, rel)
		}
	}
	t.Logf("worst relative error %.2g", worst)
	if expf(-200) != 0 || expf(0) != 1 || !math.IsInf(float64(expf(100)), 1) {
		t.Errorf("expf(-200), expf(0), expf(100) = %g, %g, %g; want 0, 1, +Inf", expf(-200), expf(0), expf(100))
	}
}
