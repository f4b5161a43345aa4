package helpcenter

import (
	"encoding/json"
	"os"
	"testing"
)

// The cases live in testdata/markdown.json because the browser's renderer
// (chat/markdown.js) is held to the same ones, in internal/web/uitest.
func TestRenderMarkdown(t *testing.T) {
	b, err := os.ReadFile("testdata/markdown.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct{ In, Want string }
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatalf("testdata/markdown.json: %v", err)
	}
	if len(cases) < 10 {
		t.Fatalf("only %d cases read", len(cases))
	}
	for _, c := range cases {
		if got := string(renderMarkdown(c.In)); got != c.Want {
			t.Errorf("renderMarkdown(%q)\n got %q\nwant %q", c.In, got, c.Want)
		}
	}
}
