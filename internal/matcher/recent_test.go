package matcher

import "testing"

// Train hands back the model of one of its last two trainings for the
// same articles and options, and trains anew for anything else.
func TestTrainRemembersRecentModels(t *testing.T) {
	a := []Article{{ID: "pin", Examples: []string{"reset my pin", "change pin code", "forgot my pin"}},
		{ID: "card", Examples: []string{"card not arrived", "where is my card", "card delivery time"}}}
	b := []Article{{ID: "pin", Examples: []string{"reset my pin", "change pin code", "forgot my pin", "new pin"}},
		{ID: "card", Examples: []string{"card not arrived", "where is my card", "card delivery time"}}}
	c := []Article{{ID: "card", Examples: []string{"card not arrived", "where is my card", "card delivery time"}},
		{ID: "pin", Examples: []string{"reset my pin", "change pin code", "forgot my pin"}}}
	ma := Train(a, Options{})
	if Train(a, Options{}) != ma {
		t.Fatal("the same articles were trained again")
	}
	mb := Train(b, Options{})
	if mb == ma {
		t.Fatal("one more example question got the old model")
	}
	if Train(a, Options{}) != ma {
		t.Fatal("the model of the training before last was forgotten")
	}
	mc := Train(c, Options{}) // the same questions in another order: other class numbers
	if mc == ma || mc == mb {
		t.Fatal("articles in another order got a remembered model")
	}
	if Train(b, Options{}) != mb {
		t.Fatal("the model of the training before last was forgotten")
	}
	if Train(a, Options{}) == ma { // a was trained first of the three: forgotten
		t.Fatal("three trainings later the oldest model is still remembered")
	}
	if Train(b, Options{Epochs: 3}) == mb {
		t.Fatal("the same articles with other options got the remembered model")
	}
	if digest(a, Options{}) == digest([]Article{{ID: "pin", Examples: []string{"reset my pinchange pin code", "forgot my pin"}}, a[1]}, Options{}) {
		t.Fatal("digest ignores where one question ends and the next begins")
	}
}
