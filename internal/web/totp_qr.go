package web

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/boombuler/barcode/qr"
)

// The enrollment QR code: error correction M (15%) keeps a ~110-character
// otpauth:// URL at version 6 (41 modules), which a phone camera reads from
// a screen at 6 pixels a module; the 4-module quiet zone is what the
// standard asks for, and scanners fail without it on a dark page.
const (
	qrModulePixels = 6
	qrQuietModules = 4
)

// qrPNG renders text as a black-on-white QR code in byte mode, as a PNG.
// It uses github.com/boombuler/barcode, which the TOTP library already
// brings in, so enrollment adds no dependency.
func qrPNG(text string) ([]byte, error) {
	code, err := qr.Encode(text, qr.M, qr.Unicode)
	if err != nil {
		return nil, fmt.Errorf("encode the QR code of a %d-byte text: %w", len(text), err)
	}
	n := code.Bounds().Dx()
	side := (n + 2*qrQuietModules) * qrModulePixels
	img := image.NewPaletted(image.Rect(0, 0, side, side), color.Palette{color.White, color.Black})
	for y := range n {
		for x := range n {
			if code.At(x, y) != color.Black {
				continue
			}
			x0, y0 := (x+qrQuietModules)*qrModulePixels, (y+qrQuietModules)*qrModulePixels
			for dy := range qrModulePixels {
				for dx := range qrModulePixels {
					img.SetColorIndex(x0+dx, y0+dy, 1)
				}
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("write the QR code as PNG: %w", err)
	}
	return b.Bytes(), nil
}

// qrDataURL is qrPNG as a data: URL, which the console's Content-Security-
// Policy allows for images and which keeps the secret out of any URL that
// could be logged or cached.
func qrDataURL(text string) (string, error) {
	p, err := qrPNG(text)
	if err != nil {
		return "", err
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(p), nil
}
