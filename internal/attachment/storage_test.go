package attachment

import "testing"

func TestFileName(t *testing.T) {
	const text = "text/plain; charset=utf-8"
	for _, tc := range []struct{ name, ct, want string }{
		{"photo.png", "image/png", "photo.png"},
		{"Photo.PNG", "image/png", "Photo.PNG"},
		{"a.jpeg", "image/jpeg", "a.jpeg"},
		{"a.jpg", "image/jpeg", "a.jpg"},
		{"setup.exe", "image/png", "setup.png"},
		{"invoice.pdf.exe", "application/pdf", "invoice.pdf.pdf"},
		{"page.html", text, "page.txt"},
		{"report.csv", text, "report.csv"},
		{"wallet.json", text, "wallet.json"},
		{"logo.svg", text, "logo.txt"},
		{"screenshot", "image/webp", "screenshot.webp"},
		{".png", "image/gif", "file.gif"},
		{"x.gif", "application/octet-stream", "x.gif"}, // not an accepted type: left alone
	} {
		if got := FileName(tc.name, tc.ct); got != tc.want {
			t.Errorf("FileName(%q, %q) = %q, want %q", tc.name, tc.ct, got, tc.want)
		}
	}
}
