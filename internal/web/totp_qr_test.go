package web_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/app/apptest"
)

// Enrollment answers the otpauth:// URL as a QR code a phone can scan: a
// PNG whose modules form a valid QR symbol (finder patterns, a format
// word that passes its BCH check, error correction M) holding, in byte
// mode, exactly as many bytes as the URL has. No QR decoder is among the
// project's dependencies, so the test reads the symbol's header itself.
func TestTOTPEnrollmentQRCode(t *testing.T) {
	s := apptest.Start(t, "sqlite")
	mei := s.CreateAgent(t, "mei@example.com", "Mei", "agent")
	sess := s.Login(t, mei.Email, mei.Password)
	st, body := s.DoSession(t, "POST", "/api/v1/me/totp", sess, sess.CSRFToken, nil)
	var e struct {
		OTPAuthURL string `json:"otpauth_url"`
		QRPNG      string `json:"qr_png"`
	}
	if st != http.StatusOK || json.Unmarshal(body, &e) != nil {
		t.Fatalf("begin enrollment: %d %s", st, body)
	}
	const prefix = "data:image/png;base64,"
	if !strings.HasPrefix(e.QRPNG, prefix) {
		t.Fatalf("qr_png is not a PNG data URL: %.40q", e.QRPNG)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(e.QRPNG, prefix))
	if err != nil {
		t.Fatalf("qr_png base64: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("qr_png is not a PNG: %v", err)
	}
	g := sampleQR(t, img)
	n := len(g)
	if (n-17)%4 != 0 || n < 21 {
		t.Fatalf("symbol is %d modules wide, not a QR size", n)
	}
	for _, c := range [][2]int{{0, 0}, {n - 7, 0}, {0, n - 7}} {
		if !finderAt(g, c[0], c[1]) {
			t.Fatalf("no finder pattern at %v in a %d-module symbol", c, n)
		}
	}
	level, mask := formatInfo(t, g)
	if level != 0 { // 00 is M
		t.Errorf("error correction level bits %02b, want 00 (M)", level)
	}
	// The data starts in the bottom-right corner, read upwards two columns
	// at a time: a 4-bit mode, then the byte count (8 bits up to version 9,
	// 16 from 10).
	bits := 0
	read := func(k int) int {
		v := 0
		for range k {
			y, x := n-1-bits/2, n-1-bits%2
			v = v<<1 | b2i(g[y][x] != masked(mask, y, x))
			bits++
		}
		return v
	}
	if m := read(4); m != 0b0100 {
		t.Fatalf("mode %04b, want 0100 (byte)", m)
	}
	countBits := 8
	if (n-17)/4 >= 10 {
		countBits = 16
	}
	if got := read(countBits); got != len(e.OTPAuthURL) {
		t.Fatalf("QR code holds %d bytes, the otpauth URL has %d", got, len(e.OTPAuthURL))
	}
}

// sampleQR reads the module grid of a QR image with a quiet zone: the
// top-left finder's first dark row gives the offset and, 7 modules wide,
// the module size.
func sampleQR(t *testing.T, img image.Image) [][]bool {
	t.Helper()
	b := img.Bounds()
	dark := func(x, y int) bool {
		r, g, bl, _ := img.At(x, y).RGBA()
		return r+g+bl < 3*0x8000
	}
	off := -1
	for d := b.Min.X; d < b.Max.X && off < 0; d++ {
		if dark(d, d) {
			off = d
		}
	}
	if off < 0 {
		t.Fatal("the QR image has no dark pixel on its diagonal")
	}
	run := 0
	for x := off; x < b.Max.X && dark(x, off); x++ {
		run++
	}
	if run%7 != 0 {
		t.Fatalf("finder row is %d pixels, not 7 modules", run)
	}
	m := run / 7
	n := (b.Dx() - 2*off) / m
	g := make([][]bool, n)
	for y := range n {
		g[y] = make([]bool, n)
		for x := range n {
			g[y][x] = dark(off+x*m+m/2, off+y*m+m/2)
		}
	}
	return g
}

func finderAt(g [][]bool, x0, y0 int) bool {
	for y := range 7 {
		for x := range 7 {
			ring := max(abs(x-3), abs(y-3))
			if want := ring != 2; g[y0+y][x0+x] != want {
				return false
			}
		}
	}
	return true
}

// formatInfo reads the 15-bit format word beside the top-left finder,
// checks it against its copy and its BCH(15,5) code, and answers the error
// correction level and mask.
func formatInfo(t *testing.T, g [][]bool) (level, mask int) {
	t.Helper()
	n := len(g)
	var a, c int
	add := func(v *int, x, y int) { *v = *v<<1 | b2i(g[y][x]) }
	for x := range 6 {
		add(&a, x, 8)
	}
	add(&a, 7, 8)
	add(&a, 8, 8)
	add(&a, 8, 7)
	for y := 5; y >= 0; y-- {
		add(&a, 8, y)
	}
	for y := n - 1; y >= n-7; y-- {
		add(&c, 8, y)
	}
	for x := n - 8; x < n; x++ {
		add(&c, x, 8)
	}
	if a != c {
		t.Fatalf("the two format words differ: %015b and %015b", a, c)
	}
	w := a ^ 0b101010000010010
	data := w >> 10
	rem := data << 10
	for i := 14; i >= 10; i-- {
		if rem&(1<<i) != 0 {
			rem ^= 0b10100110111 << (i - 10)
		}
	}
	if w != data<<10|rem {
		t.Fatalf("format word %015b fails its BCH check", w)
	}
	return data >> 3, data & 7
}

// masked is the data mask of the standard at row i, column j.
func masked(mask, i, j int) bool {
	switch mask {
	case 0:
		return (i+j)%2 == 0
	case 1:
		return i%2 == 0
	case 2:
		return j%3 == 0
	case 3:
		return (i+j)%3 == 0
	case 4:
		return (i/2+j/3)%2 == 0
	case 5:
		return (i*j)%2+(i*j)%3 == 0
	case 6:
		return ((i*j)%2+(i*j)%3)%2 == 0
	default:
		return ((i+j)%2+(i*j)%3)%2 == 0
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func abs(v int) int { return max(v, -v) }
