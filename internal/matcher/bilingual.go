package matcher

import (
	"github.com/huiying/huiying/internal/gloss"
	"github.com/huiying/huiying/internal/lex"
)

// bilingual is the live matcher's embedder. English questions go to the
// sentence encoder as they are; Chinese ones (any Han character) as their
// word-by-word English reading: cut into words by the one segmenter
// (lex.Words) and read through the dictionary (gloss.Dictionary.Read:
// "我的助记词应该怎么备份才安全" → "I of help record word ought to how? backup …").
// The reading is rough English, but the encoder places it near questions
// that mean the same, and both languages share its columns, so an
// article's English and Chinese examples teach the model one meaning
// together (on the demo knowledge base +10 points of held-out accuracy in
// each language; see docs/bot.md).
type bilingual struct {
	en   *memo
	dict *gloss.Dictionary
}

// english returns what the encoder reads for text.
func (b bilingual) english(text string) string {
	if lex.HasHan(text) {
		return b.dict.Read(lex.Words(text))
	}
	return text
}

func (b bilingual) Dim() int { return b.en.Dim() }

func (b bilingual) Reads(text string) bool { return b.en.Reads(b.english(text)) }

func (b bilingual) Encode(text string) []float32 { return b.en.Encode(b.english(text)) }

// encodeMemo remembers training questions' vectors (see memo).
func (b bilingual) encodeMemo(text string) []float32 { return b.en.encodeMemo(b.english(text)) }
