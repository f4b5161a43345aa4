package encoder

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// The model file (model/use-lite-en.bin) is written by convert/main.go.
// All integers and floats are little-endian:
//
//	magic    8 bytes  "USELITE1"
//	version  uint32   1
//	count    uint32   number of tensors, then for each:
//	  nameLen uint8, name (ASCII)
//	  dtype   uint8   1 = IEEE float16, 2 = float32
//	  rank    uint8, then rank × uint32 dimensions
//	  data    product(dims) values, row-major
//	pieces   uint32   vocabulary size, then for each id in order:
//	  len uint8, piece (UTF-8), score float64
//
// Matrices are stored as float16 and vectors as float32; both are widened
// to float32 on load.
const (
	fileMagic   = "USELITE1"
	fileVersion = 1

	dtypeF16 = 1
	dtypeF32 = 2
)

// modelFile is the decoded content of a model file.
type modelFile struct {
	tensors map[string]tensor
	pieces  []string
	scores  []float64
}

type tensor struct {
	shape []int
	data  []float32
}

// reader walks the file, remembering the first error so decoding code
// reads straight through.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || r.off+n > len(r.b) {
		r.err = fmt.Errorf("model file truncated at byte %d", r.off)
		return nil
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s
}

func (r *reader) u8() int {
	b := r.take(1)
	if b == nil {
		return 0
	}
	return int(b[0])
}

func (r *reader) u32() int {
	b := r.take(4)
	if b == nil {
		return 0
	}
	return int(binary.LittleEndian.Uint32(b))
}

func (r *reader) f64() float64 {
	b := r.take(8)
	if b == nil {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

func decodeModel(b []byte) (*modelFile, error) {
	r := &reader{b: b}
	if string(r.take(len(fileMagic))) != fileMagic {
		return nil, errors.New("not a sentence encoder model file: bad magic")
	}
	if v := r.u32(); v != fileVersion {
		return nil, fmt.Errorf("model file version %d, want %d", v, fileVersion)
	}
	m := &modelFile{tensors: map[string]tensor{}}
	var f16 *[1 << 16]float32
	for n := r.u32(); n > 0 && r.err == nil; n-- {
		name := string(r.take(r.u8()))
		dtype := r.u8()
		shape := make([]int, r.u8())
		count := 1
		for i := range shape {
			shape[i] = r.u32()
			count *= shape[i]
		}
		if count > len(b) {
			return nil, fmt.Errorf("model tensor %s: shape %v larger than the file", name, shape)
		}
		data := make([]float32, count)
		switch dtype {
		case dtypeF16:
			if f16 == nil {
				f16 = halfTable()
			}
			raw := r.take(2 * count)
			for i := range data {
				if raw == nil {
					break
				}
				data[i] = f16[binary.LittleEndian.Uint16(raw[2*i:])]
			}
		case dtypeF32:
			raw := r.take(4 * count)
			for i := range data {
				if raw == nil {
					break
				}
				data[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
			}
		default:
			return nil, fmt.Errorf("model tensor %s: unknown dtype %d", name, dtype)
		}
		m.tensors[name] = tensor{shape: shape, data: data}
	}
	n := r.u32()
	if n > len(b) {
		return nil, fmt.Errorf("model vocabulary size %d larger than the file", n)
	}
	m.pieces = make([]string, 0, n)
	m.scores = make([]float64, 0, n)
	for ; n > 0 && r.err == nil; n-- {
		m.pieces = append(m.pieces, string(r.take(r.u8())))
		m.scores = append(m.scores, r.f64())
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.off != len(b) {
		return nil, fmt.Errorf("model file has %d unexpected trailing bytes", len(b)-r.off)
	}
	return m, nil
}

// get returns the tensor called name after checking its shape.
func (m *modelFile) get(name string, shape ...int) ([]float32, error) {
	t, ok := m.tensors[name]
	if !ok {
		return nil, fmt.Errorf("model tensor %s missing", name)
	}
	if len(t.shape) != len(shape) {
		return nil, fmt.Errorf("model tensor %s: shape %v, want %v", name, t.shape, shape)
	}
	for i := range shape {
		if t.shape[i] != shape[i] {
			return nil, fmt.Errorf("model tensor %s: shape %v, want %v", name, t.shape, shape)
		}
	}
	return t.data, nil
}

// halfTable maps every float16 bit pattern to its float32 value.
func halfTable() *[1 << 16]float32 {
	var t [1 << 16]float32
	for h := range t {
		t[h] = halfToFloat(uint16(h))
	}
	return &t
}

func halfToFloat(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f: // Inf, NaN
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp == 0: // zero, subnormal: mant × 2^-24
		v := float32(mant) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	default:
		return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
	}
}
