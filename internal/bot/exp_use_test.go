package bot

import (
	"encoding/binary"
	"math"
	"os"
	"testing"
)

// fileEmbedder serves embeddings read from EMB (see addEmbeddings) to
// the matcher as TrainWith uses it.
type fileEmbedder struct {
	n      int
	byText map[string][]float32
}

func (f *fileEmbedder) Encode(s string) []float32 { return f.byText[s] }
func (f *fileEmbedder) Dim() int                  { return f.n }
func (f *fileEmbedder) Reads(s string) bool {
	_, ok := f.byText[s]
	return ok
}

// expEmbedder is the sentence encoder (EMB=encoder) or the EMB file as
// an Embedder, or nil without EMB.
func expEmbedder(t *testing.T, data []Labeled) Embedder {
	switch os.Getenv("EMB") {
	case "":
		return nil
	case "encoder":
		emb, err := DefaultEmbedder()
		if err != nil {
			t.Fatal(err)
		}
		return emb
	}
	n, byText := readEmbeddings(t, data)
	return &fileEmbedder{n, byText}
}

// readEmbeddings returns the sentence vector of every Banking77 question:
// from the sentence encoder (EMB=encoder) or read from the EMB file.
func readEmbeddings(t *testing.T, data []Labeled) (int, map[string][]float32) {
	if os.Getenv("EMB") == "encoder" {
		emb := expEmbedder(t, data)
		texts := make([]string, len(data))
		for i, l := range data {
			texts[i] = l.Text
		}
		byText := map[string][]float32{}
		for i, v := range encodeAll(emb, texts) {
			byText[texts[i]] = v
		}
		return emb.Dim(), byText
	}
	raw, err := os.ReadFile(os.Getenv("EMB"))
	if err != nil {
		t.Fatal(err)
	}
	n := int(envF("EMBDIM", 512))
	if len(raw) != len(data)*n*4 {
		t.Fatalf("embeddings: %d bytes for %d rows", len(raw), len(data))
	}
	byText := map[string][]float32{}
	for i, l := range data {
		v := make([]float32, n)
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[(i*n+j)*4:]))
		}
		byText[l.Text] = v
	}
	return n, byText
}

// addEmbeddings takes sentence embeddings (EMB=encoder, or EMB=a file of
// float32 rows, one per Banking77 row in file order, EMBDIM wide) and
// either appends them to every example's features (EAPP=weight) or makes
// them the second view (EMBV2=1, scorers prefixed "2").
func addEmbeddings(t *testing.T, d *expData, data, tr, te []Labeled) {
	if os.Getenv("EMB") == "" || os.Getenv("BOT_EXP") != "" {
		return
	}
	n, byText := readEmbeddings(t, data)
	w := float32(envF("EAPP", 0))
	sc := float32(envF("ESCALE", 1))
	dense := func(s string, off int, scale float32) []feat {
		v, ok := byText[s]
		if !ok {
			t.Fatalf("no embedding for %q", s)
		}
		f := make([]feat, n)
		for j := range v {
			f[j] = feat{int32(off + j), v[j] * scale}
		}
		return f
	}
	var texts []string
	for _, a := range Articles(tr) {
		texts = append(texts, a.Examples...)
	}
	if w != 0 {
		off := d.vec.dim()
		for i := range d.ex {
			d.ex[i].x = append(d.ex[i].x, dense(texts[i], off, w)...)
		}
		for i := range d.te {
			d.te[i].x = append(d.te[i].x, dense(te[i].Text, off, w)...)
		}
		d.dim1 = off + n
	}
	if envF("EMBV2", 0) != 0 {
		d.dim2 = n
		d.ex2, d.te2 = nil, nil
		for i := range d.ex {
			d.ex2 = append(d.ex2, example{dense(texts[i], 0, sc), d.ex[i].y})
		}
		for i := range d.te {
			d.te2 = append(d.te2, example{dense(te[i].Text, 0, sc), d.te[i].y})
		}
	}
}
