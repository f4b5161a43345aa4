package helpcenter

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"time"
)

// cssPath is where the pages load their stylesheet from, beside the other
// embedded assets under /static/.
const cssPath = "/static/help/help.css"

//go:embed static/help.css
var cssFile []byte

// asset is one embedded file with its ETag.
type asset struct {
	body []byte
	etag string
}

func newAsset(b []byte) asset {
	sum := sha256.Sum256(b)
	return asset{body: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
}

// serve answers with the file, revalidated with its ETag on every load,
// so a new binary never serves a stale stylesheet.
func (a asset) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("ETag", a.etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "help.css", time.Time{}, bytes.NewReader(a.body))
}
