package transfer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"

	"github.com/boombuler/barcode/qr"
)

// ErrQR: the text cannot be drawn as a QR code (too long, or the image
// would be smaller than the code).
var ErrQR = errors.New("cannot draw QR code")

// quietZone is the white border the QR specification asks for, in modules.
const quietZone = 4

// qrModules encodes text at error-correction level M (15 %), a margin that
// survives a phone camera pointed at a screen or a printout.
func qrModules(text string) (size int, dark func(x, y int) bool, err error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		// The encoder's own error quotes the text, which holds a secret:
		// the only way it fails on a string is length.
		return 0, nil, fmt.Errorf("%w: %d bytes is too long for a QR code", ErrQR, len(text))
	}
	b := code.Bounds()
	n := b.Dx()
	dark = func(x, y int) bool {
		if x < 0 || y < 0 || x >= n || y >= n {
			return false
		}
		r, _, _, _ := code.At(b.Min.X+x, b.Min.Y+y).RGBA()
		return r < 0x8000
	}
	return n, dark, nil
}

// QRPNG draws uri as a black-on-white PNG about size pixels wide (a whole
// number of pixels per module, with the quiet zone; 0 means 8 pixels per
// module). The PNG holds the secret: write it only where the user asked.
func QRPNG(uri string, size int) ([]byte, error) {
	n, dark, err := qrModules(uri)
	if err != nil {
		return nil, err
	}
	total := n + 2*quietZone
	scale := 8
	if size != 0 {
		if size < total {
			return nil, fmt.Errorf("%w: %d pixels is too small, this code needs at least %d", ErrQR, size, total)
		}
		scale = size / total
	}
	side := total * scale
	img := image.NewPaletted(image.Rect(0, 0, side, side), color.Palette{color.White, color.Black})
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			if dark(x/scale-quietZone, y/scale-quietZone) {
				img.SetColorIndex(x, y, 1)
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Terminal colours: index 16 (#000000) and 231 (#ffffff) of the 256-colour
// cube, which terminal themes leave alone, unlike the 16 named colours.
// Both the foreground and the background are set, so the code reads the
// same on dark and light terminals.
const (
	ansiColors = "\x1b[38;5;16;48;5;231m"
	ansiReset  = "\x1b[0m"
)

// QRTerminal draws uri to w with Unicode half blocks, two modules a
// character row, black on white whatever the terminal's own colours, with
// the quiet zone. It holds the secret: the caller writes it to a terminal
// only when the user asked for it.
func QRTerminal(uri string, w io.Writer) error {
	n, dark, err := qrModules(uri)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for y := -quietZone; y < n+quietZone; y += 2 {
		bw.WriteString(ansiColors)
		for x := -quietZone; x < n+quietZone; x++ {
			top, bottom := dark(x, y), dark(x, y+1)
			switch {
			case top && bottom:
				bw.WriteString("█")
			case top:
				bw.WriteString("▀")
			case bottom:
				bw.WriteString("▄")
			default:
				bw.WriteByte(' ')
			}
		}
		bw.WriteString(ansiReset + "\n")
	}
	return bw.Flush()
}
