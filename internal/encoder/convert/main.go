//go:build ignore

// Command convert turns the TF.js release of the Universal Sentence Encoder
// lite (model.json, its weight shards and vocab.json) into the single model
// file the encoder package embeds. The format is described in
// internal/encoder/model_file.go; this program is its only writer.
//
//	go run internal/encoder/convert/main.go -in DIR -out internal/encoder/model/use-lite-en.bin
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
)

const (
	magic   = "USELITE1"
	version = 1

	dtypeF16 = 1
	dtypeF32 = 2
)

const (
	kt = "module_apply_default/Encoder_en/KonaTransformer/"
	ts = kt + "Encode/TransformerStack/"
)

// tensor maps a name in the model file to the graph constant it is taken
// from. Matrices are stored as float16; vectors (biases, layer-norm
// parameters, timescales) are tiny and stay float32.
type tensor struct {
	name  string
	graph string
	shape []int // shape in the model file; the graph's 1×1 conv kernels are squeezed
}

func tensors() []tensor {
	list := []tensor{
		{"embeddings", "module/Embeddings_en", []int{8002, 256}},
		{"timing.inv_timescales", ts + "Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1", []int{128}},
	}
	for l, d := range []int{256, 512} {
		p := fmt.Sprintf("l%d.", l)
		enc := fmt.Sprintf("%sEncode/Layer_%d/TransformerLayer/", kt, l)
		mod := fmt.Sprintf("module/Encoder_en/KonaTransformer/Encode/Layer_%d/TransformerLayer/", l)
		stack := fmt.Sprintf("%sLayer_%d/TransformerLayer/", ts, l)
		list = append(list,
			tensor{p + "attn.ln.scale", enc + "layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat", []int{d}},
			tensor{p + "attn.ln.bias", enc + "layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat", []int{d}},
			tensor{p + "attn.qkv.w", mod + "MultiheadAttention/qkv_transform_single/kernel/part_0", []int{d, 3 * d}},
			tensor{p + "attn.qkv.b", enc + "MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat", []int{3 * d}},
			tensor{p + "attn.out.w", mod + "MultiheadAttention/output_transform_single/kernel/part_0", []int{d, 512}},
			tensor{p + "attn.out.b", enc + "MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat", []int{512}},
			tensor{p + "ffn.ln.scale", enc + "FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat", []int{512}},
			tensor{p + "ffn.ln.bias", enc + "FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat", []int{512}},
			tensor{p + "ffn.conv1.w", stack + "FFN/conv1/Tensordot/Reshape_1", []int{512, 1536}},
			tensor{p + "ffn.conv1.b", enc + "FFN/conv1/bias/ConcatPartitions/concat", []int{1536}},
			tensor{p + "ffn.conv2.w", stack + "FFN/conv2/Tensordot/Reshape_1", []int{1536, 512}},
			tensor{p + "ffn.conv2.b", enc + "FFN/conv2/bias/ConcatPartitions/concat", []int{512}},
		)
		if l == 0 {
			list = append(list,
				tensor{p + "residual.w", enc + "dense/kernel/ConcatPartitions/concat", []int{256, 512}},
				tensor{p + "residual.b", enc + "dense/bias/ConcatPartitions/concat", []int{512}},
			)
		}
	}
	return append(list,
		tensor{"tanh.w", "module/Encoder_en/hidden_layers/tanh_layer_0/weights", []int{512, 512}},
		tensor{"tanh.b", "module/Encoder_en/hidden_layers/tanh_layer_0/bias", []int{512}},
	)
}

type weightSpec struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
	Dtype string `json:"dtype"`
}

type manifest struct {
	WeightsManifest []struct {
		Paths   []string     `json:"paths"`
		Weights []weightSpec `json:"weights"`
	} `json:"weightsManifest"`
}

func main() {
	in := flag.String("in", "", "folder holding model.json, its weight shards and vocab.json")
	out := flag.String("out", "internal/encoder/model/use-lite-en.bin", "model file to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		slog.Error("convert", "err", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	graph, err := readWeights(in)
	if err != nil {
		return err
	}
	vocab, err := readVocab(filepath.Join(in, "vocab.json"))
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	le := binary.LittleEndian
	w.WriteString(magic)
	binary.Write(w, le, uint32(version))
	list := tensors()
	binary.Write(w, le, uint32(len(list)))
	var worstRel float64
	for _, t := range list {
		vals, ok := graph[t.graph]
		if !ok {
			return fmt.Errorf("graph constant %s (for %s) not found", t.graph, t.name)
		}
		n := 1
		for _, d := range t.shape {
			n *= d
		}
		if n != len(vals) {
			return fmt.Errorf("%s: %d values, shape %v wants %d", t.name, len(vals), t.shape, n)
		}
		dtype := byte(dtypeF32)
		if len(t.shape) > 1 {
			dtype = dtypeF16
		}
		w.WriteByte(byte(len(t.name)))
		w.WriteString(t.name)
		w.WriteByte(dtype)
		w.WriteByte(byte(len(t.shape)))
		for _, d := range t.shape {
			binary.Write(w, le, uint32(d))
		}
		var maxAbs, errSq, sq float64
		for _, v := range vals {
			if dtype == dtypeF32 {
				binary.Write(w, le, math.Float32bits(v))
				continue
			}
			h := f32ToF16(v)
			binary.Write(w, le, h)
			d := float64(f16ToF32(h)) - float64(v)
			errSq += d * d
			sq += float64(v) * float64(v)
			maxAbs = math.Max(maxAbs, math.Abs(float64(v)))
		}
		if dtype == dtypeF16 {
			rel := math.Sqrt(errSq / sq)
			worstRel = math.Max(worstRel, rel)
			slog.Info("tensor", "name", t.name, "shape", t.shape, "max_abs", maxAbs, "rel_rms_err", rel)
		}
	}
	binary.Write(w, le, uint32(len(vocab)))
	for _, p := range vocab {
		if len(p.piece) > 255 {
			return fmt.Errorf("vocabulary piece %q longer than 255 bytes", p.piece)
		}
		w.WriteByte(byte(len(p.piece)))
		w.WriteString(p.piece)
		binary.Write(w, le, math.Float64bits(p.score))
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", out, err)
	}
	slog.Info("wrote", "file", out, "tensors", len(list), "pieces", len(vocab), "worst_rel_rms_err", worstRel)
	return nil
}

// readWeights returns every float32 graph constant by name. The shards are
// one byte stream holding the weights in manifest order.
func readWeights(dir string) (map[string][]float32, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "model.json"))
	if err != nil {
		return nil, fmt.Errorf("read model.json: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("parse model.json: %w", err)
	}
	out := map[string][]float32{}
	for _, g := range m.WeightsManifest {
		var data []byte
		for _, p := range g.Paths {
			b, err := os.ReadFile(filepath.Join(dir, p))
			if err != nil {
				return nil, fmt.Errorf("read weight shard: %w", err)
			}
			data = append(data, b...)
		}
		off := 0
		for _, s := range g.Weights {
			n := 1
			for _, d := range s.Shape {
				n *= d
			}
			if s.Dtype != "float32" && s.Dtype != "int32" {
				return nil, fmt.Errorf("weight %s: unsupported dtype %s", s.Name, s.Dtype)
			}
			if off+4*n > len(data) {
				return nil, fmt.Errorf("weight %s runs past the shards", s.Name)
			}
			if s.Dtype == "float32" {
				v := make([]float32, n)
				for i := range v {
					v[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[off+4*i:]))
				}
				out[s.Name] = v
			}
			off += 4 * n
		}
		if off != len(data) {
			return nil, fmt.Errorf("manifest covers %d of %d weight bytes", off, len(data))
		}
	}
	return out, nil
}

type piece struct {
	piece string
	score float64
}

// readVocab reads [[piece, score], …]. A few scores in the release are null;
// the reference tokenizer adds them as 0, so they are stored as 0.
func readVocab(path string) ([]piece, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read vocabulary: %w", err)
	}
	var rows [][2]any
	if err := json.Unmarshal(raw, &rows); err != nil {
		return nil, fmt.Errorf("parse vocabulary: %w", err)
	}
	out := make([]piece, len(rows))
	for i, r := range rows {
		s, ok := r[0].(string)
		if !ok {
			return nil, fmt.Errorf("vocabulary row %d: piece is not a string", i)
		}
		var score float64
		switch v := r[1].(type) {
		case float64:
			score = v
		case nil:
		default:
			return nil, fmt.Errorf("vocabulary row %d: score %v is not a number", i, v)
		}
		out[i] = piece{s, score}
	}
	return out, nil
}

// f32ToF16 rounds to the nearest IEEE 754 binary16 value, ties to even.
func f32ToF16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23) & 0xff
	mant := b & 0x7fffff
	switch {
	case exp == 0xff: // Inf or NaN
		if mant != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	case exp-127 > 15: // overflow
		return sign | 0x7c00
	case exp-127 >= -14: // normal
		e := uint32(exp-127+15) << 10
		m := mant >> 13
		r := mant & 0x1fff
		h := e | m
		if r > 0x1000 || (r == 0x1000 && m&1 == 1) {
			h++ // may carry into the exponent, which is still correct
		}
		return sign | uint16(h)
	case exp-127 >= -25: // subnormal
		m := mant | 0x800000
		shift := uint32(-14-(exp-127)) + 13
		h := m >> shift
		r := m & (1<<shift - 1)
		half := uint32(1) << (shift - 1)
		if r > half || (r == half && h&1 == 1) {
			h++
		}
		return sign | uint16(h)
	default:
		return sign
	}
}

func f16ToF32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp == 0:
		return math.Float32frombits(sign) + float32(mant)*float32(math.Ldexp(1, -24))*sign1(sign)
	default:
		return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
	}
}

func sign1(s uint32) float32 {
	if s != 0 {
		return -1
	}
	return 1
}
