// Package encoder turns an English text into a 512-dimensional sentence
// embedding with the Universal Sentence Encoder lite (Google, Apache-2.0),
// run in pure Go from a model file embedded in the binary.
//
// The network is a two-layer Transformer over SentencePiece tokens: token
// embeddings (doubled) plus a sinusoidal timing signal, then per layer a
// pre-layer-norm self-attention block and a pre-layer-norm feed-forward
// block, each added to a residual stream. The first layer widens the stream
// from 256 to 512. The outputs are averaged over tokens, passed through a
// tanh dense layer and scaled to unit length.
package encoder

import (
	_ "embed"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/huiying/huiying/internal/linalg"
)

//go:embed model/use-lite-en.bin
var modelBytes []byte

const (
	// Dim is the length of an embedding.
	Dim = 512
	// DefaultMaxTokens is the model's own limit: tokens past it are ignored.
	DefaultMaxTokens = 128

	embedWidth     = 256
	modelWidth     = 512
	ffnWidth       = 1536
	attentionHeads = 4
	timingChannels = embedWidth / 2
	maxHeadWidth   = modelWidth / attentionHeads
)

// Encoder computes sentence embeddings. It is safe for concurrent use.
type Encoder struct {
	// MaxTokens caps how many leading tokens of a text are encoded; fewer
	// tokens means less work for long texts. Values outside
	// 1..DefaultMaxTokens mean DefaultMaxTokens. Set it before first use.
	MaxTokens int

	tok        *tokenizer
	embeddings []float32 // vocabulary × 256
	timing     []float32 // DefaultMaxTokens × 256: each position's timing signal
	layers     [2]layer
	tanhW      *linalg.Packed
	tanhB      []float32
	scratch    sync.Pool // *scratch
	// parallelFrom is the token count from which each layer's halves run
	// on two goroutines: below it the hand-off costs more than it saves.
	parallelFrom int
}

// parallelTokens is the default parallelFrom, measured on a two-core
// AVX-512 machine.
const parallelTokens = 24

// layer holds one Transformer layer's weights, the matrices split into
// halves (see half).
type layer struct {
	width               int // input width: 256 for the first layer, 512 after
	attnScale, attnBias []float32
	outB                []float32 // attention output bias; in the first layer plus the residual bias
	ffnScale, ffnBias   []float32
	conv2B              []float32
	halves              [2]half
}

// scratch is the per-call working memory, sized for the longest input.
type scratch struct {
	x0, x, h, pooled []float32
	halves           [2]halfScratch
}

// Load decodes the embedded model.
func Load() (*Encoder, error) {
	m, err := decodeModel(modelBytes)
	if err != nil {
		return nil, fmt.Errorf("load sentence encoder: %w", err)
	}
	e := &Encoder{MaxTokens: DefaultMaxTokens, tok: newTokenizer(m.pieces, m.scores)}
	g := &getter{m: m}
	e.embeddings = g.get("embeddings", 8002, embedWidth)
	e.timing = timingSignal(g.get("timing.inv_timescales", timingChannels))
	for i := range e.layers {
		e.layers[i] = loadLayer(g, i)
	}
	tanhW := g.get("tanh.w", modelWidth, Dim)
	e.tanhB = g.get("tanh.b", Dim)
	if g.err != nil {
		return nil, fmt.Errorf("load sentence encoder: %w", g.err)
	}
	e.tanhW = linalg.Pack(tanhW, modelWidth, Dim)
	e.parallelFrom = parallelTokens
	if len(m.pieces)*embedWidth > len(e.embeddings) {
		return nil, fmt.Errorf("load sentence encoder: %d vocabulary pieces but %d embeddings",
			len(m.pieces), len(e.embeddings)/embedWidth)
	}
	e.scratch.New = func() any {
		const t = DefaultMaxTokens
		return &scratch{
			x0:     make([]float32, t*embedWidth),
			x:      make([]float32, t*modelWidth),
			h:      make([]float32, t*modelWidth),
			pooled: make([]float32, modelWidth),
			halves: [2]halfScratch{newHalfScratch(t), newHalfScratch(t)},
		}
	}
	return e, nil
}

// getter fetches tensors, keeping the first error.
type getter struct {
	m   *modelFile
	err error
}

func (g *getter) get(name string, shape ...int) []float32 {
	if g.err != nil {
		return nil
	}
	v, err := g.m.get(name, shape...)
	g.err = err
	return v
}

// Dim returns the length of an embedding, 512.
func (e *Encoder) Dim() int { return Dim }

// Tokens returns the vocabulary ids of text, all of them: Encode reads at
// most MaxTokens.
func (e *Encoder) Tokens(text string) []int { return e.tok.encode(text) }

// Encode returns the unit-length embedding of text. A text with no tokens
// (empty after normalisation) gets the zero vector, which has cosine 0
// with everything.
func (e *Encoder) Encode(text string) []float32 {
	out := make([]float32, Dim)
	ids := e.tok.encode(text)
	limit := e.MaxTokens
	if limit < 1 || limit > DefaultMaxTokens {
		limit = DefaultMaxTokens
	}
	if len(ids) > limit {
		ids = ids[:limit]
	}
	if len(ids) == 0 {
		return out
	}
	s := e.scratch.Get().(*scratch)
	defer e.scratch.Put(s)
	e.forward(s, ids, out)
	return out
}

func (e *Encoder) forward(s *scratch, ids []int, out []float32) {
	t := len(ids)
	x0 := s.x0[:t*embedWidth]
	e.embed(x0, ids)
	x := s.x[:t*modelWidth]
	l0, l1 := &e.layers[0], &e.layers[1]
	par := t >= e.parallelFrom && runtime.GOMAXPROCS(0) > 1
	l0.selfAttention(s, x, x0, t, par)
	l0.feedForward(s, x, t, par)
	l1.selfAttention(s, x, x, t, par)
	pooled := s.pooled
	l1.pooledFeedForward(s, pooled, x, t, par)
	copy(out, e.tanhB)
	linalg.MatMulAddPacked(out, pooled, e.tanhW, 1)
	var sq float64
	for j, v := range out {
		v = float32(math.Tanh(float64(v)))
		out[j] = v
		sq += float64(v) * float64(v)
	}
	r := float32(1 / math.Sqrt(max(sq, 1e-12)))
	for j := range out {
		out[j] *= r
	}
}

// embed writes the first layer's input: each token's embedding, doubled
// (the released graph adds the embeddings to their sum with the timing
// signal), plus the timing signal.
func (e *Encoder) embed(x0 []float32, ids []int) {
	for i, id := range ids {
		row := x0[i*embedWidth : (i+1)*embedWidth]
		emb := e.embeddings[id*embedWidth : (id+1)*embedWidth]
		sig := e.timing[i*embedWidth : (i+1)*embedWidth]
		for j, v := range emb {
			row[j] = 2*v + sig[j]
		}
	}
}

// timingSignal returns, for every position pos below DefaultMaxTokens,
// sin(pos·inv) over the first half of the channels and cos(pos·inv) over
// the second, computed once rather than for every text.
func timingSignal(invTimescales []float32) []float32 {
	if len(invTimescales) != timingChannels {
		return nil
	}
	sig := make([]float32, DefaultMaxTokens*embedWidth)
	for pos := range DefaultMaxTokens {
		row := sig[pos*embedWidth : (pos+1)*embedWidth]
		for j, inv := range invTimescales {
			angle := float64(float32(pos) * inv)
			row[j] = float32(math.Sin(angle))
			row[j+timingChannels] = float32(math.Cos(angle))
		}
	}
	return sig
}
