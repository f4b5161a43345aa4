package bot

import (
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/huiying/huiying/internal/gloss"
)

var testDictionary = sync.OnceValues(gloss.Load)

func sensesFixture(t *testing.T) (*gloss.Dictionary, Embedder) {
	t.Helper()
	d, err := testDictionary()
	if err != nil {
		t.Fatal(err)
	}
	emb, err := DefaultEmbedder()
	if err != nil {
		t.Fatal(err)
	}
	return d, emb
}

// TestSensesSynonymsClose: through their English definitions, a Chinese
// word lies closer to its synonym than to a word of another meaning,
// though it shares characters with neither or both.
func TestSensesSynonymsClose(t *testing.T) {
	d, emb := sensesFixture(t)
	vec := func(w string) []float32 { return rawEncoder(emb).Encode(d.Gloss(w)) }
	cos := func(a, b string) float64 {
		u, v := vec(a), vec(b)
		var s float64
		for j := range u {
			s += float64(u[j] * v[j])
		}
		return s
	}
	for _, c := range [][3]string{
		{"还款", "还钱", "开通"},
		{"怎么", "如何", "多少"},
		{"开通", "开启", "关闭"},
		{"转账", "汇款", "余额"},
		{"被盗", "失窃", "到账"},
	} {
		if same, other := cos(c[0], c[1]), cos(c[0], c[2]); same <= other {
			t.Errorf("cos(%s, %s) = %.3f, not above cos(%s, %s) = %.3f", c[0], c[1], same, c[0], c[2], other)
		}
	}
}

func TestSensesGroups(t *testing.T) {
	d, emb := sensesFixture(t)
	texts := []string{
		"花呗怎么还款", "借呗如何还钱", "为什么不能开通", "怎样关闭花呗", "额度是多少",
		"转账多久到账", "汇款失败了", "余额不足怎么办", "钱包被盗了", "资产失窃",
		"手续费太高", "利息怎么算", "账单什么时候出", "逾期会怎样", "提前还清可以吗",
		"密码忘记了", "手机丢了", "验证码收不到", "充值没到账", "提现要多久",
	}
	s := newSenses(d, emb, texts, 4)
	if s == nil {
		t.Fatal("newSenses = nil for a vocabulary of 20 questions")
	}
	if s.k < 2 || s.k > 4 {
		t.Fatalf("%d groups, want 2 to 4", s.k)
	}
	// A training word's group is the nearest centre to its vector.
	for _, w := range []string{"还款", "开通", "余额"} {
		k := s.of(w).group
		if k < 0 || int(k) >= s.k {
			t.Fatalf("of(%s) = %d", w, k)
		}
		if got := s.nearest(rawEncoder(emb).Encode(d.Gloss(w)), 1)[0]; got != k {
			t.Errorf("of(%s) = %d, nearest centre %d", w, k, got)
		}
	}
	// A new word is placed on first sight and remembered.
	if k := s.of("退款").group; k < 0 {
		t.Errorf("of(退款) = %d, want a group", k)
	}
	if _, ok := s.words["退款"]; !ok {
		t.Error("the new word was not remembered")
	}
	// Centres are unit vectors.
	for c := range s.k {
		var n float64
		for _, v := range s.centroids[c*s.dim : (c+1)*s.dim] {
			n += float64(v) * float64(v)
		}
		if math.Abs(n-1) > 1e-3 {
			t.Errorf("centre %d has norm² %.4f", c, n)
		}
	}
	if newSenses(d, emb, []string{"花呗"}, 4) != nil {
		t.Error("newSenses formed groups from one word")
	}
}

// TestSensesFeatures: the words only one side has are named by group:
// "sb" when the other side's unshared words have the same group (a
// synonym swapped in), "so" when they do not, and "sx" pairs up the
// groups swapped between the sides.
func TestSensesFeatures(t *testing.T) {
	d, _ := sensesFixture(t)
	s := &senses{dict: d, words: map[string]sense{"花呗": {group: 0}, "怎么": {group: 1}, "如何": {group: 1}, "还款": {group: 2}, "开通": {group: 3}, "吗": {group: -1}}}
	for _, c := range []struct {
		a, b string
		want []string
	}{
		{"花呗怎么还款", "花呗如何还款", []string{"sb:1"}},
		{"花呗怎么还款", "花呗如何开通", []string{"sb:1", "so:2", "so:3", "sx:1|2", "sx:1|3", "sx:2|3"}},
		{"花呗怎么还款", "花呗怎么还款", nil},
		{"花呗怎么还款吗", "花呗怎么还款", nil}, // 吗 has no group
	} {
		if got := s.features(c.a, c.b); !slices.Equal(got, c.want) {
			t.Errorf("features(%s, %s) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
}
