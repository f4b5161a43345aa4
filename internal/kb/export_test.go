package kb

// testSegmenter is shared by every test of the package, in both test
// packages, as one is by a server: the Chinese dictionary takes seconds to
// load (much longer under the race detector).
var testSegmenter = NewSegmenter()

// TestSegmenter gives the external tests the shared Segmenter.
var TestSegmenter = testSegmenter
