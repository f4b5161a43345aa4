package kb

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed demo
var demoFS embed.FS

// Demo parses every bundled demo article under demo/<locale>/*.md. The
// locale in each file's front matter must match its folder. Articles are
// returned sorted by locale, then ID.
func Demo() ([]Article, error) {
	var out []Article
	err := fs.WalkDir(demoFS, "demo", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".md") {
			return nil
		}
		b, err := demoFS.ReadFile(p)
		if err != nil {
			return fmt.Errorf("kb: %s: %w", p, err)
		}
		a, err := ParseArticle(p, b)
		if err != nil {
			return err
		}
		if dir := path.Base(path.Dir(p)); dir != a.Locale {
			return fmt.Errorf("kb: %s: locale %q does not match folder %q", p, a.Locale, dir)
		}
		out = append(out, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Locale != out[j].Locale {
			return out[i].Locale < out[j].Locale
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}
