package entry

import (
	"bytes"
	"strings"
)

// recoveryHeader starts the recovery-codes block (see the package doc).
const recoveryHeader = "recovery-codes:"

func isRecoveryHeader(text []byte) bool {
	return strings.EqualFold(strings.TrimSpace(string(text)), recoveryHeader)
}

func isIndentedCode(text []byte) bool {
	return len(text) > 0 && (text[0] == ' ' || text[0] == '\t') && len(bytes.TrimSpace(text)) > 0
}

// recoveryBlock finds the first recovery-codes block: lines[start] is the
// header, lines[start+1:end] its codes. ok is false if there is none.
func recoveryBlock(lines []line) (start, end int, ok bool) {
	for i, l := range lines {
		if !isRecoveryHeader(l.text) {
			continue
		}
		j := i + 1
		for j < len(lines) && isIndentedCode(lines[j].text) {
			j++
		}
		return i, j, true
	}
	return 0, 0, false
}

// recoveryLines marks the code lines of every recovery-codes block, which
// Parse and SetURI skip: a code is never the key, even one that happens to
// look like a URI or a field.
func recoveryLines(lines []line) []bool {
	mask := make([]bool, len(lines))
	for i := 0; i < len(lines); i++ {
		if !isRecoveryHeader(lines[i].text) {
			continue
		}
		for i+1 < len(lines) && isIndentedCode(lines[i+1].text) {
			i++
			mask[i] = true
		}
	}
	return mask
}

// RecoveryCodes returns the codes of the entry's recovery-codes block, in
// order, or nil if it has none.
func RecoveryCodes(content []byte) []string {
	lines := splitLines(content)
	start, end, ok := recoveryBlock(lines)
	if !ok {
		return nil
	}
	var codes []string
	for _, l := range lines[start+1 : end] {
		codes = append(codes, string(bytes.TrimSpace(l.text)))
	}
	return codes
}

// cleanCodes trims codes, splits any that span lines, and drops empty ones,
// so that every code survives a write and a read unchanged.
func cleanCodes(codes []string) []string {
	var out []string
	for _, c := range codes {
		for _, part := range strings.FieldsFunc(c, func(r rune) bool { return r == '\n' || r == '\r' }) {
			if p := strings.TrimSpace(part); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// SetRecoveryCodes returns the entry with its recovery-codes block set to
// codes: an existing block is replaced where it stands (only the first, if
// a hand edit left several), else the block is appended at the end. No
// codes removes the block. Everything else is kept byte for byte.
func SetRecoveryCodes(content []byte, codes []string) []byte {
	codes = cleanCodes(codes)
	nl := newline(content)
	var block []line
	if len(codes) > 0 {
		block = append(block, line{text: []byte(recoveryHeader), end: nl})
		for _, c := range codes {
			block = append(block, line{text: []byte("  " + c), end: nl})
		}
	}

	lines := splitLines(content)
	if start, end, ok := recoveryBlock(lines); ok {
		// Keep the old block's last line end: an entry that did not end
		// in a newline still does not.
		if len(block) > 0 && end == len(lines) {
			block[len(block)-1].end = lines[end-1].end
		}
		out := append(append(append([]line{}, lines[:start]...), block...), lines[end:]...)
		return joinLines(out)
	}
	if len(block) == 0 {
		return bytes.Clone(content)
	}
	out := bytes.Clone(content)
	if len(out) > 0 && !bytes.HasSuffix(out, []byte("\n")) {
		out = append(out, nl...)
	}
	return append(out, joinLines(block)...)
}
