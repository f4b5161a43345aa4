package encoder

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
)

func load(t testing.TB) *Encoder {
	t.Helper()
	e, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return e
}

// The fixtures were made with the TF.js release of the model and its
// JavaScript tokenizer.
func TestTokensMatchReference(t *testing.T) {
	raw, err := os.ReadFile("testdata/tokens.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Text string `json:"text"`
		IDs  []int  `json:"ids"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 50 {
		t.Fatalf("only %d token fixtures", len(cases))
	}
	e := load(t)
	for _, c := range cases {
		if got := e.Tokens(c.Text); !slices.Equal(got, c.IDs) {
			t.Errorf("Tokens(%q)\n got %v\nwant %v", c.Text, got, c.IDs)
		}
	}
}

func TestEncodeMatchesReference(t *testing.T) {
	texts, want := referenceEmbeddings(t)
	e := load(t)
	worstCos, worstDiff := 1.0, 0.0
	for i, text := range texts {
		got := e.Encode(text)
		ref := want[i*Dim : (i+1)*Dim]
		cos := dot(got, ref) / math.Sqrt(dot(got, got)*dot(ref, ref))
		var diff float64
		for j := range got {
			diff = max(diff, math.Abs(float64(got[j]-ref[j])))
		}
		if cos < 0.9995 {
			t.Errorf("Encode(%.40q): cosine %.6f with the reference, want ≥ 0.9995", text, cos)
		}
		if n := math.Sqrt(dot(got, got)); math.Abs(n-1) > 1e-5 {
			t.Errorf("Encode(%.40q): norm %.7f, want 1", text, n)
		}
		worstCos, worstDiff = min(worstCos, cos), max(worstDiff, diff)
	}
	t.Logf("%d texts: worst cosine %.7f, max abs difference %.2e", len(texts), worstCos, worstDiff)
}

func referenceEmbeddings(t *testing.T) ([]string, []float32) {
	t.Helper()
	raw, err := os.ReadFile("testdata/embeddings.json")
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	if err := json.Unmarshal(raw, &texts); err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile("testdata/embeddings.f32")
	if err != nil {
		t.Fatal(err)
	}
	if len(bin) != 4*Dim*len(texts) {
		t.Fatalf("embeddings.f32 holds %d bytes, want %d", len(bin), 4*Dim*len(texts))
	}
	vecs := make([]float32, len(bin)/4)
	for i := range vecs {
		vecs[i] = math.Float32frombits(binary.LittleEndian.Uint32(bin[4*i:]))
	}
	return texts, vecs
}

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func TestEncodeWithoutTokensIsZero(t *testing.T) {
	e := load(t)
	if ids := e.Tokens(""); len(ids) != 0 {
		t.Errorf("Tokens(\"\") = %v, want none", ids)
	}
	v := e.Encode("")
	if len(v) != e.Dim() || dot(v, v) != 0 {
		t.Errorf("Encode(\"\") = vector of length %d and squared norm %g, want %d zeros", len(v), dot(v, v), e.Dim())
	}
}

func TestMaxTokensClipsInput(t *testing.T) {
	e := load(t)
	long := strings.Repeat("My card payment was declined at the shop again today. ", 20)
	ids := e.Tokens(long)
	if len(ids) <= DefaultMaxTokens {
		t.Fatalf("test text has only %d tokens", len(ids))
	}
	full := e.Encode(long)

	s := e.scratch.Get().(*scratch)
	want := make([]float32, Dim)
	e.forward(s, ids[:DefaultMaxTokens], want)
	if !slices.Equal(full, want) {
		t.Error("Encode of a long text differs from the encoding of its first 128 tokens")
	}
	e.MaxTokens = 16
	short := e.Encode(long)
	e.forward(s, ids[:16], want)
	if !slices.Equal(short, want) {
		t.Error("with MaxTokens 16, Encode differs from the encoding of the first 16 tokens")
	}
	if slices.Equal(short, full) {
		t.Error("MaxTokens 16 gave the same vector as 128")
	}
}

func TestEncodeConcurrently(t *testing.T) {
	e := load(t)
	texts := []string{
		"How do I reset my wallet PIN?",
		"Why was I charged twice for the same transfer?",
		strings.Repeat("The transfer to my bank account is still pending. ", 8),
		"hi",
	}
	want := make([][]float32, len(texts))
	for i, text := range texts {
		want[i] = e.Encode(text)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		wg.Go(func() {
			for r := range 6 {
				i := (g + r) % len(texts)
				if !slices.Equal(e.Encode(texts[i]), want[i]) {
					errs <- texts[i]
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for text := range errs {
		t.Errorf("concurrent Encode(%.30q) differs from the sequential result", text)
	}
}

func TestLoadRejectsDamagedModel(t *testing.T) {
	for name, b := range map[string][]byte{
		"bad magic": append([]byte("NOTAMODL"), modelBytes[8:]...),
		"truncated": modelBytes[:len(modelBytes)/2],
		"trailing":  append(slices.Clone(modelBytes), 0),
	} {
		if _, err := decodeModel(b); err == nil {
			t.Errorf("%s: decodeModel accepted it", name)
		}
	}
}

func TestHalfToFloat(t *testing.T) {
	for _, c := range []struct {
		h    uint16
		want float32
	}{
		{0x0000, 0}, {0x3c00, 1}, {0xc000, -2}, {0x3555, 0.33325195}, {0x7bff, 65504},
		{0x0001, 5.9604645e-08}, {0x8400, -6.1035156e-05},
	} {
		if got := halfToFloat(c.h); got != c.want {
			t.Errorf("halfToFloat(%#04x) = %g, want %g", c.h, got, c.want)
		}
	}
	if !math.IsInf(float64(halfToFloat(0x7c00)), 1) || !math.IsNaN(float64(halfToFloat(0x7e00))) {
		t.Error("halfToFloat mishandles infinity or NaN")
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	e := load(b)
	for _, c := range []struct{ name, text string }{
		{"12words", "Why was my card payment declined when I have enough money?"},
		// 48 tokens: the longest question the FAQ matcher encodes.
		{"48tokens", "I tried to top up my wallet from my debit card this morning and the app showed an error, " +
			"but my bank statement says the money was taken twice, so now I am missing two payments and my " +
			"balance has not changed."},
		{"60words", "I tried to top up my wallet from my debit card this morning and the app showed an error, " +
			"but my bank statement says the money was taken twice, so now I am missing two payments and my " +
			"balance in the wallet has not changed at all; can you tell me when the money will come back " +
			"and whether I should contact my bank?"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.Encode(c.text)
			}
			b.ReportMetric(float64(len(e.Tokens(c.text))), "tokens")
		})
	}
}
