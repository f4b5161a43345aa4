package encoder

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestParallelHalvesMatchSerial checks that running each layer's halves on
// two goroutines gives bit for bit the result of running them in turn.
func TestParallelHalvesMatchSerial(t *testing.T) {
	e := load(t)
	texts := []string{
		"hi",
		"Why was my card payment declined when I have enough money?",
		strings.Repeat("The transfer to my bank account is still pending. ", 8),
	}
	for _, text := range texts {
		e.parallelFrom = DefaultMaxTokens + 1
		serial := e.Encode(text)
		e.parallelFrom = 1
		parallel := e.Encode(text)
		if !slices.Equal(serial, parallel) {
			t.Errorf("Encode(%.30q): the parallel halves differ from the serial ones", text)
		}
		if slices.Equal(serial, make([]float32, Dim)) {
			t.Errorf("Encode(%.30q) is the zero vector", text)
		}
	}
}

// BenchmarkEncodeHalves times a question clipped to each token count with
// the halves run in turn and on two goroutines, the measurement behind
// parallelTokens.
func BenchmarkEncodeHalves(b *testing.B) {
	e := load(b)
	text := "I tried to top up my wallet from my debit card this morning and the app showed an error, " +
		"but my bank statement says the money was taken twice, so now I am missing two payments and my " +
		"balance has not changed."
	for _, n := range []int{8, 12, 16, 24, 32, 48} {
		e.MaxTokens = n
		for _, mode := range []struct {
			name string
			from int
		}{{"serial", DefaultMaxTokens + 1}, {"parallel", 1}} {
			e.parallelFrom = mode.from
			b.Run(fmt.Sprintf("%dtokens/%s", n, mode.name), func(b *testing.B) {
				for b.Loop() {
					e.Encode(text)
				}
			})
		}
	}
}
