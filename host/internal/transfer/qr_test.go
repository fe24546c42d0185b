package transfer

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

// decodeQR reads a QR code from an image with a decoder independent of the
// encoder, as a phone would.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the QR code does not decode: %v", err)
	}
	return res.GetText()
}

var qrURIs = []string{
	"otpauth://totp/GitHub:alice@example.com?secret=PLB6BB7PH736WH7TISIT7J6AAZN5HJKD&issuer=GitHub&algorithm=SHA1&digits=6&period=30",
	"otpauth://hotp/Air%20Canada:Benjamin?secret=3Z2VNLFLTMWUPPQTJ56Z5LI44KYQJIQT&issuer=Air%20Canada&algorithm=SHA512&digits=8&counter=10300",
	"otpauth://totp/%C3%9Cml%C3%A4ut:j%C3%BCrgen?secret=VVPSSVWDSMSGL3EUITWS5NIKJNYV3MBC&issuer=%C3%9Cml%C3%A4ut",
	"otpauth://totp/x?secret=" + strings.Repeat("ABCDEFGH", 40), // a long secret: a large code
}

func TestQRPNGDecodes(t *testing.T) {
	for _, uri := range qrURIs {
		for _, size := range []int{0, 300, 1000} {
			data, err := QRPNG(uri, size)
			if err != nil {
				t.Fatalf("QRPNG(size %d): %v", size, err)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if size != 0 && (img.Bounds().Dx() > size || img.Bounds().Dx() < size/2) {
				t.Errorf("asked for %d px, got %d", size, img.Bounds().Dx())
			}
			if got := decodeQR(t, img); got != uri {
				t.Errorf("size %d: decoded %q, want %q", size, got, uri)
			}
			// The quiet zone: the border is white.
			if r, _, _, _ := img.At(0, 0).RGBA(); r != 0xffff {
				t.Errorf("size %d: the corner is not white", size)
			}
		}
	}
}

func TestQRPNGErrors(t *testing.T) {
	if _, err := QRPNG(qrURIs[0], 20); !errors.Is(err, ErrQR) {
		t.Errorf("a 20-pixel code: error %v, want ErrQR", err)
	}
	long := "otpauth://totp/x?secret=" + strings.Repeat("SECRETSECRET", 400)
	_, err := QRPNG(long, 0)
	if !errors.Is(err, ErrQR) {
		t.Fatalf("a 4.8 kB URI: error %v, want ErrQR", err)
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Errorf("the error quotes the URI: %v", err)
	}
	if err := QRTerminal(long, &bytes.Buffer{}); !errors.Is(err, ErrQR) || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("QRTerminal: error %v, want ErrQR without the URI", err)
	}
}

// terminalToImage turns QRTerminal's output back into modules (4 px each):
// "█" both dark, "▀" top, "▄" bottom, " " neither.
func terminalToImage(t *testing.T, out string) image.Image {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	width := 0
	var rows [][]bool
	for i, line := range lines {
		if !strings.HasPrefix(line, ansiColors) || !strings.HasSuffix(line, ansiReset) {
			t.Fatalf("line %d does not set both colours and reset them: %q", i, line)
		}
		body := []rune(strings.TrimSuffix(strings.TrimPrefix(line, ansiColors), ansiReset))
		if width == 0 {
			width = len(body)
		} else if len(body) != width {
			t.Fatalf("line %d is %d wide, want %d", i, len(body), width)
		}
		top, bottom := make([]bool, width), make([]bool, width)
		for x, r := range body {
			switch r {
			case '█':
				top[x], bottom[x] = true, true
			case '▀':
				top[x] = true
			case '▄':
				bottom[x] = true
			case ' ':
			default:
				t.Fatalf("line %d has an unexpected character %q", i, r)
			}
		}
		rows = append(rows, top, bottom)
	}
	for _, edge := range [][]bool{rows[0], rows[1], rows[len(rows)-1]} {
		for _, dark := range edge {
			if dark {
				t.Fatal("no quiet zone at the top or bottom")
			}
		}
	}
	const scale = 4
	img := image.NewGray(image.Rect(0, 0, width*scale, len(rows)*scale))
	for y := range img.Bounds().Dy() {
		for x := range img.Bounds().Dx() {
			c := color.Gray{Y: 255}
			if rows[y/scale][x/scale] {
				c.Y = 0
			}
			img.SetGray(x, y, c)
		}
	}
	return img
}

func TestQRTerminalDecodes(t *testing.T) {
	for _, uri := range qrURIs[:3] {
		var buf bytes.Buffer
		if err := QRTerminal(uri, &buf); err != nil {
			t.Fatal(err)
		}
		if got := decodeQR(t, terminalToImage(t, buf.String())); got != uri {
			t.Errorf("decoded %q, want %q", got, uri)
		}
	}
}
