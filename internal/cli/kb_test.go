package cli_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/app"
	"github.com/huiying/huiying/internal/cli"
	"github.com/huiying/huiying/internal/config"
	"github.com/huiying/huiying/internal/kb"
)

// openApp opens (and migrates) the SQLite app in dataDir; bootstrap adds
// the first-start data, including the demo knowledge base.
func openApp(t *testing.T, dataDir string, bootstrap bool) *app.App {
	t.Helper()
	ctx := context.Background()
	a, err := app.Open(ctx, config.Config{DataDir: dataDir, LogLevel: "warn"}, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if bootstrap {
		if err := a.Bootstrap(ctx); err != nil {
			a.Close()
			t.Fatal(err)
		}
	}
	return a
}

// articles lists dataDir's articles without their timestamps, which an
// import sets anew.
func articles(t *testing.T, dataDir string) []kb.Article {
	t.Helper()
	a := openApp(t, dataDir, false)
	defer a.Close()
	as, err := a.KB.List(context.Background(), "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	for i := range as {
		as[i].CreatedAt, as[i].UpdatedAt = time.Time{}, time.Time{}
	}
	return as
}

func runCLI(args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	err = cli.Run(context.Background(), cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut}, args)
	return out.String(), errOut.String(), err
}

func readTree(t *testing.T, root string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestKBExportImportRoundTrip: export, import into an empty database and
// export again: the articles and the files are the same, drafts and
// values that need quoting included.
func TestKBExportImportRoundTrip(t *testing.T) {
	src, dst, tmp := t.TempDir(), t.TempDir(), t.TempDir()
	a := openApp(t, src, true)
	_, err := a.KB.Upsert(context.Background(), kb.Article{ID: "tricky", Locale: "zh-CN", Category: "fees", Status: kb.StatusDraft,
		Title: `"引号" # 不是注释`, Body: "---\n正文\n\n# 标题", Questions: []string{"- dash", "'single'", "#hash", "a: b"}})
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := articles(t, src)
	demo, _ := kb.Demo()
	if len(want) != len(demo)+1 {
		t.Fatalf("source has %d articles, want %d", len(want), len(demo)+1)
	}

	out1 := filepath.Join(tmp, "export1")
	stdout, stderr, err := runCLI("kb", "export", "--data", src, "--out", out1)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	total := len(want)
	if !strings.Contains(stderr, "exported 1/") || !strings.Contains(stderr, "exported "+itoa(total)+"/"+itoa(total)) ||
		!strings.Contains(stdout, "exported "+itoa(total)+" articles") {
		t.Errorf("export output: stdout %q, stderr tail %q", stdout, tail(stderr))
	}
	files := readTree(t, out1)
	if len(files) != total || files["zh-CN/tricky.md"] == "" || files["en/"+demo[0].ID+".md"] == "" {
		t.Fatalf("exported %d files: %v", len(files), keys(files))
	}
	// Published demo articles export as the bundled files read.
	if got, err := kb.ParseArticle("x", []byte(files["en/"+demo[0].ID+".md"])); err != nil || !reflect.DeepEqual(got, demo[0]) {
		t.Errorf("exported demo article parses to %+v, %v", got, err)
	}

	stdout, stderr, err = runCLI("kb", "import", out1, "--data", dst)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "imported "+itoa(total)+"/"+itoa(total)) || !strings.Contains(stdout, itoa(total)+" new, 0 updated") {
		t.Errorf("import output: stdout %q, stderr tail %q", stdout, tail(stderr))
	}
	if got := articles(t, dst); !reflect.DeepEqual(got, want) {
		t.Fatalf("imported articles differ from the originals")
	}
	out2 := filepath.Join(tmp, "export2")
	if _, stderr, err := runCLI("kb", "export", "--data", dst, "--out", out2); err != nil {
		t.Fatalf("export 2: %v\n%s", err, stderr)
	}
	if !reflect.DeepEqual(readTree(t, out2), files) {
		t.Error("the second export differs from the first")
	}

	// Importing again updates in place; one file alone works too.
	stdout, _, err = runCLI("kb", "import", filepath.Join(out1, "zh-CN", "tricky.md"), "--data", dst)
	if err != nil || !strings.Contains(stdout, "imported 1 articles") || !strings.Contains(stdout, "0 new, 1 updated") {
		t.Errorf("single-file import: %q, %v", stdout, err)
	}
}

// TestKBImportMalformedImportsNothing: one bad file names itself and
// nothing is written.
func TestKBImportMalformedImportsNothing(t *testing.T) {
	src, dst, tmp := t.TempDir(), t.TempDir(), t.TempDir()
	openApp(t, src, true).Close()
	out := filepath.Join(tmp, "kb")
	if _, stderr, err := runCLI("kb", "export", "--data", src, "--out", out); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	bad := filepath.Join(out, "en", "zzz-broken.md")
	if err := os.WriteFile(bad, []byte("---\nid: zzz-broken\nlocale: en\ncategory: nope\ntitle: T\nquestions:\n  - q\n---\nbody\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runCLI("kb", "import", out, "--data", dst)
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "unknown category") ||
		!strings.Contains(err.Error(), "nothing imported") {
		t.Fatalf("import with a bad file: err = %v (stderr %q)", err, stderr)
	}
	if strings.Contains(stderr, "imported 1/") {
		t.Errorf("progress was printed for a failed import: %q", tail(stderr))
	}
	if got := articles(t, dst); len(got) != 0 {
		t.Fatalf("%d articles were imported from a folder with a bad file", len(got))
	}

	// A file in the wrong locale folder is also refused, by name.
	if err := os.Remove(bad); err != nil {
		t.Fatal(err)
	}
	moved := filepath.Join(out, "zh-CN", "moved.md")
	b, _ := os.ReadFile(filepath.Join(out, "en", "backup-mnemonic.md"))
	if err := os.WriteFile(moved, bytes.Replace(b, []byte("id: backup-mnemonic"), []byte("id: moved"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI("kb", "import", out, "--data", dst); err == nil || !strings.Contains(err.Error(), moved) {
		t.Fatalf("import with a misplaced file: %v", err)
	}
	if got := articles(t, dst); len(got) != 0 {
		t.Fatalf("%d articles were imported", len(got))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func tail(s string) string {
	if len(s) > 200 {
		return s[len(s)-200:]
	}
	return s
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
