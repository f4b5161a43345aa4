// Package attachment stores uploaded files behind a small interface (a
// folder on disk by default) and decides which uploads are accepted, by the
// content sniffed from their bytes rather than the name a client sends.
package attachment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/huiying/huiying/internal/apperr"
)

// Storage keeps attachment bytes by key.
type Storage interface {
	// Put stores r under key and returns the number of bytes and their SHA-256.
	// It fails with apperr.TooLarge past limit bytes and leaves nothing behind.
	Put(ctx context.Context, key string, r io.Reader, limit int64) (int64, string, error)
	Open(ctx context.Context, key string) (io.ReadSeekCloser, error)
	Delete(ctx context.Context, key string) error
}

// Dir is a Storage in a folder.
type Dir struct{ Root string }

func (d Dir) path(key string) (string, error) {
	if key == "" || strings.ContainsAny(key, `/\.`) {
		return "", fmt.Errorf("attachment key %q is not a plain name", key)
	}
	return filepath.Join(d.Root, key[len(key)-2:], key), nil
}

// Put writes to a temporary file, syncs it and renames it into place, so a
// crash never leaves a half-written attachment under its key.
func (d Dir) Put(ctx context.Context, key string, r io.Reader, limit int64) (int64, string, error) {
	p, err := d.path(key)
	if err != nil {
		return 0, "", err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return 0, "", fmt.Errorf("attachment folder: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return 0, "", fmt.Errorf("attachment temp file: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(r, limit+1))
	if err != nil {
		return 0, "", fmt.Errorf("write attachment: %w", err)
	}
	if n > limit {
		return 0, "", apperr.New(apperr.TooLarge, "the file is larger than the %d byte limit", limit)
	}
	if err := f.Sync(); err != nil {
		return 0, "", fmt.Errorf("sync attachment: %w", err)
	}
	if err := f.Close(); err != nil {
		return 0, "", fmt.Errorf("close attachment: %w", err)
	}
	if err := os.Rename(f.Name(), p); err != nil {
		return 0, "", fmt.Errorf("store attachment: %w", err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// Open opens the stored file.
func (d Dir) Open(ctx context.Context, key string) (io.ReadSeekCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, apperr.New(apperr.NotFound, "attachment %q not found", key)
	}
	if err != nil {
		return nil, fmt.Errorf("open attachment: %w", err)
	}
	return f, nil
}

// Delete removes the stored file; a missing file is not an error.
func (d Dir) Delete(ctx context.Context, key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("delete attachment: %w", err)
	}
	return nil
}

// allowed are the content types accepted, as sniffed from the bytes.
var allowed = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
	"application/pdf": true, "text/plain; charset=utf-8": true,
}

// Sniff returns the content type of the file's first bytes, or an error a
// user can act on when that type is not accepted.
func Sniff(head []byte) (string, error) {
	ct := http.DetectContentType(head)
	if !allowed[ct] {
		return "", apperr.New(apperr.Unsupported, "files of type %s are not accepted; send an image (PNG, JPEG, GIF, WebP), a PDF or plain text", ct)
	}
	return ct, nil
}

// extensions are the file name endings that fit each accepted type; the
// first is the one given to a file whose name does not fit.
var extensions = map[string][]string{
	"image/png": {".png"}, "image/jpeg": {".jpg", ".jpeg"}, "image/gif": {".gif"}, "image/webp": {".webp"},
	"application/pdf": {".pdf"}, "text/plain; charset=utf-8": {".txt", ".csv", ".log", ".json"},
}

// FileName returns name with an extension that fits the sniffed content
// type ct: "photo.JPG" stays, "invoice.html" sent as text becomes
// "invoice.txt", "setup.exe" that is a PNG becomes "setup.png". The name is
// what a browser saves the download as, so it must not promise a type the
// bytes are not (a saved .html or .exe would be opened as one).
func FileName(name, ct string) string {
	exts, ok := extensions[ct]
	if !ok {
		return name
	}
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range exts {
		if ext == e {
			return name
		}
	}
	stem := strings.TrimSuffix(name, filepath.Ext(name))
	if stem == "" {
		stem = "file"
	}
	return stem + exts[0]
}

// MaxTextBytes bounds a text upload, whatever the upload limit: a text
// file is read whole through the secret guard before it is stored, which
// costs 0.4–0.8 s of CPU per MiB (see docs/security.md).
const MaxTextBytes = 1 << 20

// IsText reports whether ct is text, whose content the caller must read
// through the secret guard before storing it.
func IsText(ct string) bool { return strings.HasPrefix(ct, "text/") }

// IsImage reports whether ct may be shown inline.
func IsImage(ct string) bool { return strings.HasPrefix(ct, "image/") }
