package transfer

import (
	"bytes"
	"errors"
	"image"
	"image/draw"
	_ "image/gif" // decoders for image.Decode
	_ "image/jpeg"
	_ "image/png"
	"strings"

	"github.com/makiuchi-d/gozxing"
	zxmulti "github.com/makiuchi-d/gozxing/multi/qrcode"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

// maxImagePixels refuses images whose decoded size would be unreasonable
// (a PNG can claim any size in a few bytes): 40 megapixels is a large
// phone photo.
const maxImagePixels = 40 << 20

// imageKind names the image formats Read decodes QR codes from.
func imageKind(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "PNG"
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return "JPEG"
	case bytes.HasPrefix(data, []byte("GIF8")):
		return "GIF"
	}
	return ""
}

// DecodeQRImage finds the QR codes in a PNG, JPEG or GIF image (a
// screenshot, a photo of a screen or of a printed card) and returns their
// texts, distinct, in the order found. It tries gozxing's multi-code reader
// with two binarizers, then its single-code reader, then the image at other
// scales, and stops at the first scale that gives any code. Errors wrap
// ErrFormat and never hold what a code says.
func DecodeQRImage(data []byte) ([]string, error) {
	kind := imageKind(data)
	if kind == "" {
		return nil, formatErr(QRImage, "not a PNG, JPEG or GIF image")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, formatErr(QRImage, "the %s image cannot be read (damaged or truncated?)", kind)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxImagePixels {
		return nil, formatErr(QRImage, "the %s image is %d×%d pixels: too large", kind, cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, formatErr(QRImage, "the %s image cannot be decoded (damaged or truncated?)", kind)
	}
	gray := toGray(img)
	scales := []int{1}
	long := max(gray.Bounds().Dx(), gray.Bounds().Dy())
	if long > 1600 {
		scales = append(scales, -2, -4) // shrink: noise and blur average out
	}
	if long < 800 {
		scales = append(scales, 2, 3) // enlarge: small codes with thin modules
	}
	for _, s := range scales {
		if texts := decodeQRGray(resize(gray, s)); len(texts) > 0 {
			return texts, nil
		}
	}
	return nil, formatErr(QRImage, "no QR code found in the %s image (crop it to the code, or take a sharper picture)", kind)
}

func decodeQRGray(img *image.Gray) []string {
	var texts []string
	seen := map[string]bool{}
	add := func(r *gozxing.Result) {
		if t := r.GetText(); t != "" && !seen[t] {
			seen[t] = true
			texts = append(texts, t)
		}
	}
	src := gozxing.NewLuminanceSourceFromImage(img)
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	for _, bin := range []func(gozxing.LuminanceSource) gozxing.Binarizer{gozxing.NewHybridBinarizer, gozxing.NewGlobalHistgramBinarizer} {
		bmp, err := gozxing.NewBinaryBitmap(bin(src))
		if err != nil {
			continue
		}
		if rs, err := zxmulti.NewQRCodeMultiReader().DecodeMultiple(bmp, hints); err == nil {
			for _, r := range rs {
				add(r)
			}
		}
		if len(texts) == 0 {
			if r, err := zxqr.NewQRCodeReader().Decode(bmp, hints); err == nil {
				add(r)
			}
		}
		if len(texts) > 0 {
			return texts
		}
	}
	return texts
}

func toGray(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok && g.Bounds().Min == (image.Point{}) {
		return g
	}
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(g, g.Bounds(), img, b.Min, draw.Src)
	return g
}

// resize scales by s (s > 1: enlarge s times, nearest neighbour; s < -1:
// shrink -s times, averaging blocks; 1: as is).
func resize(g *image.Gray, s int) *image.Gray {
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	switch {
	case s > 1:
		out := image.NewGray(image.Rect(0, 0, w*s, h*s))
		for y := 0; y < h*s; y++ {
			for x := 0; x < w*s; x++ {
				out.Pix[y*out.Stride+x] = g.Pix[(y/s)*g.Stride+x/s]
			}
		}
		return out
	case s < -1:
		f := -s
		out := image.NewGray(image.Rect(0, 0, w/f, h/f))
		for y := 0; y < h/f; y++ {
			for x := 0; x < w/f; x++ {
				sum := 0
				for dy := 0; dy < f; dy++ {
					for dx := 0; dx < f; dx++ {
						sum += int(g.Pix[(y*f+dy)*g.Stride+x*f+dx])
					}
				}
				out.Pix[y*out.Stride+x] = uint8(sum / (f * f))
			}
		}
		return out
	}
	return g
}

// readImage decodes the QR codes of an image and reads their texts as a
// text export (otpauth:// and otpauth-migration:// lines).
func readImage(c *collector, data []byte) (int, error) {
	texts, err := DecodeQRImage(data)
	if err != nil {
		return 0, err
	}
	var lines []string
	for _, t := range texts {
		t = strings.TrimSpace(t)
		if hasSchemePrefix(t, otpauthScheme) || hasSchemePrefix(t, migrationScheme) {
			lines = append(lines, t)
		}
	}
	if len(lines) == 0 {
		return len(texts), formatErr(QRImage, "the image has %d QR code(s), but none is an otpauth:// or otpauth-migration:// code", len(texts))
	}
	err = readText(c, []byte(strings.Join(lines, "\n")))
	var fe *FormatError
	if errors.As(err, &fe) && fe.Format == Unknown {
		fe.Format = QRImage
	}
	return len(lines), err
}
