package encoder

import (
	"strings"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"
)

// The tokenizer reproduces the SentencePiece-style unigram segmentation the
// model was released with, including its quirks, so token ids match the
// reference exactly:
//   - input is NFKC-normalised, every ASCII space becomes "▁" and one "▁"
//     is put in front;
//   - text is handled as UTF-16 code units, so a character outside the
//     Basic Multilingual Plane (an emoji) is two units;
//   - the best segmentation maximises the sum of piece scores; a unit no
//     piece starts with becomes the unknown id 0 with score 0, and runs of
//     unknown ids collapse to one;
//   - ties go to the later start position, and a position whose best score
//     so far is exactly 0 takes any candidate.

const (
	separator = "▁"
	// reservedPieces are control symbols (unknown, <s>, </s>, three extra
	// ids) that never match text.
	reservedPieces = 6
	unknownID      = 0
)

type tokenizer struct {
	// children maps node<<16 | unit to the child node; node 0 is the root.
	children map[uint32]int32
	id       []int32 // piece id ending at each node, or -1
	score    []float64
	unitLen  []int32 // length in UTF-16 units of each piece, by id
}

func newTokenizer(pieces []string, scores []float64) *tokenizer {
	t := &tokenizer{
		children: make(map[uint32]int32, 4*len(pieces)),
		id:       []int32{-1},
		score:    []float64{0},
		unitLen:  make([]int32, len(pieces)),
	}
	for i, p := range pieces {
		units := utf16.Encode([]rune(p))
		t.unitLen[i] = int32(len(units))
		if i < reservedPieces || len(units) == 0 {
			continue
		}
		node := int32(0)
		for _, u := range units {
			key := uint32(node)<<16 | uint32(u)
			next, ok := t.children[key]
			if !ok {
				next = int32(len(t.id))
				t.children[key] = next
				t.id = append(t.id, -1)
				t.score = append(t.score, 0)
			}
			node = next
		}
		// A piece listed twice keeps its last id and score.
		t.id[node] = int32(i)
		t.score[node] = scores[i]
	}
	return t
}

// encode returns the piece ids of text; empty text has none.
func (t *tokenizer) encode(text string) []int {
	s := norm.NFKC.String(text)
	if s == "" {
		return nil
	}
	s = separator + strings.ReplaceAll(s, " ", separator)
	units := utf16.Encode([]rune(s))
	n := len(units)

	best := make([]float64, n+1)
	words := make([]int32, n+1)
	relax := func(end int, score float64, id int32) {
		if best[end] == 0 || score >= best[end] {
			best[end] = score
			words[end] = id
		}
	}
	// Visiting start positions in order relaxes each end position's
	// candidates in order of their start, as the reference does.
	for start := 0; start < n; start++ {
		node, matched := int32(0), false
		for end := start; end < n; end++ {
			next, ok := t.children[uint32(node)<<16|uint32(units[end])]
			if !ok {
				break
			}
			node = next
			if id := t.id[node]; id >= 0 {
				matched = true
				relax(end+1, t.score[node]+best[start], id)
			}
		}
		if !matched {
			relax(start+1, best[start], unknownID)
		}
	}

	var ids []int
	for end := n; end > 0; {
		id := words[end]
		if id != unknownID || len(ids) == 0 || ids[len(ids)-1] != unknownID {
			ids = append(ids, int(id))
		}
		end -= max(int(t.unitLen[id]), 1)
	}
	for i, j := 0, len(ids)-1; i < j; i, j = i+1, j-1 {
		ids[i], ids[j] = ids[j], ids[i]
	}
	return ids
}
