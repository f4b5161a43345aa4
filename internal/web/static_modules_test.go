package web

import (
	"path"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/channel/webchat"
	"github.com/huiying/huiying/internal/web/httpx"
)

// The console and the chat page are plain ES modules with no build step: a
// module that imports a file or a name that does not exist stops the whole
// page at load time, in the browser only. These tests read the embedded
// files the way the browser links them.

var (
	importRE   = regexp.MustCompile(`(?s)\bimport\s*\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]`)
	exportFnRE = regexp.MustCompile(`(?m)^export\s+(?:async\s+)?(?:function\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)`)
	exportsRE  = regexp.MustCompile(`(?m)^export\s*\{([^}]*)\}`)
	preloadRE  = regexp.MustCompile(`<link rel="modulepreload" href="/static/([^"]+)">`)
)

// moduleImports maps each imported module (its name in the embedded set)
// to the names imported from it.
func moduleImports(name, src string) map[string][]string {
	out := map[string][]string{}
	for _, m := range importRE.FindAllStringSubmatch(src, -1) {
		spec := m[2]
		if !strings.HasPrefix(spec, "./") && !strings.HasPrefix(spec, "../") {
			continue
		}
		target := path.Join(path.Dir(name), spec)
		for _, n := range strings.Split(m[1], ",") {
			n = strings.TrimSpace(n)
			if n == "" {
				continue
			}
			n, _, _ = strings.Cut(n, " as ")
			out[target] = append(out[target], strings.TrimSpace(n))
		}
	}
	return out
}

func moduleExports(src string) map[string]bool {
	out := map[string]bool{}
	for _, m := range exportFnRE.FindAllStringSubmatch(src, -1) {
		out[m[1]] = true
	}
	for _, m := range exportsRE.FindAllStringSubmatch(src, -1) {
		for _, n := range strings.Split(m[1], ",") {
			n = strings.TrimSpace(n)
			if _, as, ok := strings.Cut(n, " as "); ok {
				n = as
			}
			if n != "" {
				out[strings.TrimSpace(n)] = true
			}
		}
	}
	return out
}

// reachable follows the relative imports from entry; it fails the test on
// a file that is not embedded or a name its module does not export.
func reachable(t *testing.T, static httpx.Assets, entry string) []string {
	t.Helper()
	seen := map[string]bool{entry: true}
	queue := []string{entry}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		f, ok := static[name]
		if !ok {
			t.Errorf("%s is imported but not embedded", name)
			continue
		}
		for target, names := range moduleImports(name, string(f.Body)) {
			tf, ok := static[target]
			if !ok {
				t.Errorf("%s imports %s, which is not embedded", name, target)
				continue
			}
			exports := moduleExports(string(tf.Body))
			for _, n := range names {
				if !exports[n] {
					t.Errorf("%s imports %s from %s, which does not export it", name, n, target)
				}
			}
			if !seen[target] {
				seen[target] = true
				queue = append(queue, target)
			}
		}
	}
	var out []string
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// allStatic is every embedded asset the server serves: the console's and
// the web-chat channel's.
func allStatic() httpx.Assets {
	static := loadStatic()
	for name, f := range webchat.Assets() {
		static[name] = f
	}
	return static
}

func TestStaticModulesLink(t *testing.T) {
	static := allStatic()
	for _, entry := range []string{"console/app.js", "chat/chat.js"} {
		mods := reachable(t, static, entry)
		if len(mods) < 5 {
			t.Errorf("%s reaches only %v: the import reading is broken", entry, mods)
		}
	}
}

// The chat page preloads every module chat.js needs, so a phone fetches
// them at once instead of one import level after another.
func TestChatPagePreloadsItsModules(t *testing.T) {
	static := allStatic()
	page := string(static["chat/chat.html"].Body)
	preloaded := map[string]bool{}
	for _, m := range preloadRE.FindAllStringSubmatch(page, -1) {
		if _, ok := static[m[1]]; !ok {
			t.Errorf("chat.html preloads %s, which is not embedded", m[1])
		}
		preloaded[m[1]] = true
	}
	for _, name := range reachable(t, static, "chat/chat.js") {
		if name != "chat/chat.js" && !preloaded[name] {
			t.Errorf("chat.html does not preload %s, which chat.js imports", name)
		}
	}
}
