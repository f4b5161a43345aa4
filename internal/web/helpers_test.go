package web_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/huiying/huiying/internal/app/apptest"
)

// Helpers that upload files and read WebSocket frames, shared by the
// tests of this package.

func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for x := range 8 {
		for y := range 8 {
			img.Set(x, y, color.RGBA{uint8(x * 30), uint8(y * 30), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// upload posts a multipart form with a "file" part and optional fields.
func upload(t *testing.T, s *apptest.Server, path, token, filename string, content []byte, fields map[string]string) (int, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", s.URL+path, &b)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return s.DoRequest(t, req, token)
}

// wsPump reads every frame of a socket into C, so a test can wait for a
// frame with a timeout (a Read whose context ends closes the socket). C is
// closed when reading fails; err then says why.
type wsPump struct {
	C   chan []byte
	err error
}

// closed waits for the socket to close and returns the close status.
func (p *wsPump) closed(t *testing.T) websocket.StatusCode {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-p.C:
			if !ok {
				return websocket.CloseStatus(p.err)
			}
		case <-deadline:
			t.Fatal("the socket is still open after 10 s")
		}
	}
}
