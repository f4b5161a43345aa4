package matcher

import "testing"

// The zero Options are the defaults the app passes: they fill in to the
// same settings and get the same model back from Train.
func TestZeroOptionsAreTheDefaults(t *testing.T) {
	zero, def := Options{NoEncoder: true}.withDefaults(), DefaultOptions()
	def.NoEncoder = true
	if zero != def.withDefaults() {
		t.Errorf("zero options fill in to %+v, DefaultOptions to %+v", zero, def.withDefaults())
	}
	if zero.Epochs != 12 || zero.Rate != 0.1 || zero.L2 != 1e-6 || zero.Seed != 42 || zero.Ensemble != 1 || zero.SVMCost != 1 || zero.EmbedWeight != 3 || zero.Uncalibrated {
		t.Errorf("defaults %+v, want 12 epochs, rate 0.1, L2 1e-6, seed 42, one model, C 1, vector norm 3, calibrated", zero)
	}
	arts := []Article{{ID: "pin", Examples: []string{"reset my pin", "forgot my pin"}}, {ID: "card", Examples: []string{"card not arrived", "where is my card"}}}
	if Train(arts, Options{}) != Train(arts, DefaultOptions()) {
		t.Error("DefaultOptions trained another model than the zero options")
	}
	if (Options{}).withDefaults().Embedder == nil {
		t.Error("the default options have no sentence encoder")
	}
}
