package httpx

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// Asset is one embedded file with its ETag.
type Asset struct {
	Body []byte
	ETag string
}

// Assets are embedded static files by name: the console's, the chat's.
type Assets map[string]Asset

// LoadAssets reads every file under dir of fsys, named by its path below
// dir ("chat/chat.js" for dir "static").
func LoadAssets(fsys fs.FS, dir string) Assets {
	out := Assets{}
	_ = fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[strings.TrimPrefix(p, dir+"/")] = Asset{Body: b, ETag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		return nil
	})
	return out
}

// Serve answers with the named file. Assets are revalidated with their
// ETag on every load, so a new binary never serves stale scripts. An HTML
// page gets a strict Content-Security-Policy; framable says whether any
// site may frame it (the chat page, which the widget frames on the wallet
// operator's site) or none (the console: clickjacking).
func (a Assets) Serve(w http.ResponseWriter, r *http.Request, name string, framable bool) {
	f, ok := a[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("ETag", f.ETag)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	if strings.HasSuffix(name, ".html") {
		frame := "'none'"
		if framable {
			frame = "*"
		} else {
			h.Set("X-Frame-Options", "DENY")
		}
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "+
			"script-src 'self'; connect-src 'self'; frame-ancestors "+frame)
		h.Set("Referrer-Policy", "same-origin")
	}
	http.ServeContent(w, r, path.Base(name), time.Time{}, bytes.NewReader(f.Body))
}
