package matcher

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/huiying/huiying/internal/lex"
)

// Feature namespaces, mixed into the hash so that a word and a character
// n-gram with the same text do not collide on purpose.
const (
	nsWord   = 0x9e3779b97f4a7c15
	nsBigram = 0xc2b2ae3d27d4eb4f
	nsChar   = 0x165667b19e3779f9
	nsHan    = 0x27d4eb2f165667c5
	nsSense  = 0x94d049bb133111eb
)

// Feature groups, kept in the bits above the hash; each group of a vector
// is L2-normalised on its own so that the many character n-grams do not
// drown the few words.
const (
	grpWord  = 0 << hashBits
	grpChar  = 1 << hashBits
	grpHan   = 2 << hashBits
	grpSense = 3 << hashBits
	grpShift = hashBits
	numGroup = 4
)

// Character n-grams, charMin to charMax long, are taken within each word
// padded with spaces ("char_wb"): as accurate as n-grams across words on a
// Banking77 split, with fewer features and half the Match latency.
const charMin, charMax = 3, 5

// hashBits is the size of the hashed feature space (2^20).
const hashBits = 20

func hashStr(ns uint64, s string) uint32 {
	h := uint64(14695981039346656037) ^ ns
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 32
	return uint32(h) & (1<<hashBits - 1)
}

// normalize lower-cases s and maps every run of characters that are not
// letters or digits to one space; Han characters are kept as they are.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	space := true
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
			space = false
		} else if r == '\'' {
			continue // "don't" -> "dont"
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// rawCounts adds the hashed feature counts of text to counts: lower-cased
// word unigrams and bigrams and character 3-5-grams of each word padded
// with spaces for alphabetic text; for Han text character 1-2-grams and,
// in the word group, its words as the one segmenter cuts them, stop words
// left out (on the AFQMC FAQ sets +1 point of accuracy and +3.7 of top-3
// over the characters alone), and in the sense group the English words of
// their first two dictionary definitions. English words keep their form: the shared
// stemmer and stop words lost accuracy on Banking77 (see docs/bot.md,
// "One reading of words").
func rawCounts(text string, counts map[uint32]float64) {
	n := normalize(text)
	// Split Han characters into their own tokens.
	var words []string
	var han []rune
	for _, w := range strings.Fields(n) {
		start := -1
		for i, r := range w {
			if lex.IsHan(r) {
				if start >= 0 {
					words = append(words, w[start:i])
					start = -1
				}
				han = append(han, r)
				continue
			}
			if start < 0 {
				start = i
			}
		}
		if start >= 0 {
			words = append(words, w[start:])
		}
		han = append(han, ' ') // a boundary between runs of Han text
	}
	if lex.HasHan(text) {
		for _, w := range lex.Words(text) {
			if r, _ := utf8.DecodeRuneInString(w); lex.IsHan(r) && !lex.IsStop(w) {
				counts[hashStr(nsWord, w)|grpWord]++
				senses(w, counts)
			}
		}
	}
	for i, w := range words {
		counts[hashStr(nsWord, w)|grpWord]++
		if i+1 < len(words) {
			counts[hashStr(nsBigram, w+" "+words[i+1])|grpWord]++
		}
	}
	for _, w := range words {
		s := []rune(" " + w + " ")
		for n := charMin; n <= charMax; n++ {
			for i := 0; i+n <= len(s); i++ {
				counts[hashStr(nsChar, string(s[i:i+n]))|grpChar]++
			}
		}
	}
	for i, r := range han {
		if r == ' ' {
			continue
		}
		counts[hashStr(nsHan, string(r))|grpHan]++
		if i+1 < len(han) && han[i+1] != ' ' {
			counts[hashStr(nsHan, string(han[i:i+2]))|grpHan]++
		}
	}
}

// feat is one non-zero entry of a sparse vector.
type feat struct {
	idx int32
	val float32
}

// vectorizer maps text to a sparse, L2-normalised TF-IDF vector over the
// features seen in training (unseen features carry no weight anyway).
type vectorizer struct {
	index map[uint32]int32 // hashed feature -> dense column
	idf   []float32
}

func newVectorizer(texts []string) *vectorizer {
	df := map[uint32]int{}
	counts := map[uint32]float64{}
	for _, t := range texts {
		clear(counts)
		rawCounts(t, counts)
		for h := range counts {
			df[h]++
		}
	}
	keys := make([]uint32, 0, len(df))
	for h := range df {
		keys = append(keys, h)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	v := &vectorizer{index: make(map[uint32]int32, len(keys)), idf: make([]float32, len(keys))}
	n := float64(len(texts))
	for i, h := range keys {
		v.index[h] = int32(i)
		v.idf[i] = float32(math.Log((n+1)/(float64(df[h])+1)) + 1)
	}
	return v
}

func (v *vectorizer) dim() int { return len(v.idf) }

// vector returns the sparse vector of text, sorted by column.
func (v *vectorizer) vector(text string) []feat {
	counts := make(map[uint32]float64, 64)
	rawCounts(text, counts)
	type entry struct {
		idx int32
		x   float64
		g   uint8
	}
	es := make([]entry, 0, len(counts))
	for h, c := range counts {
		if j, ok := v.index[h]; ok {
			es = append(es, entry{j, (1 + math.Log(c)) * float64(v.idf[j]), uint8(h >> grpShift)})
		}
	}
	// Sorted before summing, so that the norms do not depend on the map's
	// iteration order (floating-point sums are not associative).
	sort.Slice(es, func(a, b int) bool { return es[a].idx < es[b].idx })
	var norm [numGroup]float64
	for _, e := range es {
		norm[e.g] += e.x * e.x
	}
	var inv [numGroup]float64
	for g, n := range norm {
		if n > 0 {
			inv[g] = 1 / math.Sqrt(n)
		}
	}
	out := make([]feat, len(es))
	for i, e := range es {
		out[i] = feat{e.idx, float32(e.x) * float32(inv[e.g])}
	}
	return out
}

// senses adds the English words of a Chinese word's first dictionary
// definitions (its sense), so that words of one meaning written with
// different characters (为何 / 为什么: "why") share features.
func senses(w string, counts map[uint32]float64) {
	g := lex.Dictionary().Gloss(w)
	defs := strings.Split(g, ";")
	if len(defs) > senseDefs {
		defs = defs[:senseDefs]
	}
	for _, d := range defs {
		if i := strings.IndexByte(d, '('); i >= 0 {
			d = d[:i]
		}
		for _, e := range strings.FieldsFunc(strings.ToLower(d), func(r rune) bool { return !unicode.IsLetter(r) }) {
			if len(e) > 2 && !lex.IsStop(e) {
				counts[hashStr(nsSense, e)|grpSense]++
			}
		}
	}
}

// senseDefs is how many of a word's definitions give it senses: two
// scored 0.244 accuracy on the AFQMC FAQ set (seed 42, without the
// encoder), one 0.240, none 0.233.
const senseDefs = 2
