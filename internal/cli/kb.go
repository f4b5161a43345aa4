package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/huiying/huiying/internal/app"
	"github.com/huiying/huiying/internal/kb"
)

// kbExport writes every article to OUT/<locale>/<id>.md in the format
// kb.ParseArticle reads, so "kb import OUT" restores them exactly.
func kbExport(ctx context.Context, env Env, args []string) error {
	var out string
	cfg, err := parse(env, "kb export", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "folder to write <locale>/<id>.md files to (required; created if missing)")
	})
	if err != nil {
		return err
	}
	if out == "" {
		fmt.Fprintln(env.Stderr, "huiying kb export: --out FOLDER is required")
		return ErrUsage
	}
	a, err := app.Open(ctx, cfg, newLogger(cfg, env.Stderr), env.Stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	as, err := a.KB.List(ctx, "", "", "")
	if err != nil {
		return err
	}
	for i, ar := range as {
		dir := filepath.Join(out, ar.Locale)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("kb export: %w", err)
		}
		p := filepath.Join(dir, ar.ID+".md")
		if err := os.WriteFile(p, kb.Format(ar), 0o644); err != nil {
			return fmt.Errorf("kb export: %w", err)
		}
		fmt.Fprintf(env.Stderr, "exported %d/%d\n", i+1, len(as))
	}
	fmt.Fprintf(env.Stdout, "exported %d articles to %s\n", len(as), out)
	return nil
}

// kbImport reads a folder of <locale>/<id>.md files (as kb export writes
// them) or one .md file, validates every file, and only then stores them
// all in one transaction: a bad file imports nothing.
func kbImport(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(env.Stderr, "huiying kb import: usage: huiying kb import PATH [flags] (PATH: a folder of <locale>/<id>.md files, or one .md file)")
		return ErrUsage
	}
	src := args[0]
	cfg, err := parse(env, "kb import", args[1:], nil)
	if err != nil {
		return err
	}
	as, err := readArticles(src)
	if err != nil {
		return err
	}
	if len(as) == 0 {
		return fmt.Errorf("kb import: no .md files in %s", src)
	}
	a, err := app.Open(ctx, cfg, newLogger(cfg, env.Stderr), env.Stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	existing, err := a.KB.List(ctx, "", "", "")
	if err != nil {
		return err
	}
	had := map[[2]string]bool{}
	for _, e := range existing {
		had[[2]string{e.ID, e.Locale}] = true
	}
	updated := 0
	for _, ar := range as {
		if had[[2]string{ar.ID, ar.Locale}] {
			updated++
		}
	}
	err = a.KB.UpsertAll(ctx, as, func(done int) {
		fmt.Fprintf(env.Stderr, "imported %d/%d\n", done, len(as))
	})
	if err != nil {
		return fmt.Errorf("kb import: nothing imported: %w", err)
	}
	fmt.Fprintf(env.Stdout, "imported %d articles from %s (%d new, %d updated)\n", len(as), src, len(as)-updated, updated)
	return nil
}

// readArticles parses and validates the .md files at src (a file or a
// folder, searched recursively). Every bad file is named in the error.
func readArticles(src string) ([]kb.Article, error) {
	st, err := os.Stat(src)
	if err != nil {
		return nil, fmt.Errorf("kb import: %w", err)
	}
	var files []string
	if st.IsDir() {
		err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), ".md") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("kb import: %w", err)
		}
		sort.Strings(files)
	} else {
		files = []string{src}
	}
	var out []kb.Article
	var errs []error
	from := map[[2]string]string{}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("kb: %s: %w", p, err))
			continue
		}
		ar, err := kb.ParseArticle(p, b)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ar.Normalize()
		if err := ar.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("kb: %s: %w", p, err))
			continue
		}
		if dir := filepath.Base(filepath.Dir(p)); st.IsDir() && kb.KnownLocale(dir) && dir != ar.Locale {
			errs = append(errs, fmt.Errorf("kb: %s: locale %q does not match folder %q", p, ar.Locale, dir))
			continue
		}
		k := [2]string{ar.ID, ar.Locale}
		if prev, ok := from[k]; ok {
			errs = append(errs, fmt.Errorf("kb: %s: article %s/%s is also in %s", p, ar.Locale, ar.ID, prev))
			continue
		}
		from[k] = p
		out = append(out, ar)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("kb import: nothing imported, %d bad file(s):\n%w", len(errs), errors.Join(errs...))
	}
	return out, nil
}
