package transfer

import (
	"bytes"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/otpfill/otpfill/host/internal/otp"
)

// PaperEntry is one card of the paper kit.
type PaperEntry struct {
	Name  string // the entry's name in the store
	Store string // the store it was read from
	// Key is nil for an entry of recovery codes only: its card has the
	// codes, and no QR code or secret.
	Key           *otp.Key
	RecoveryCodes []string
}

// Recovery codes on the first card of an entry, and on each continuation
// card: more would not fit a 3×5-inch card legibly.
const (
	paperCodesFirst = 10
	paperCodesMore  = 30
)

type paperCard struct {
	Name, Store, Issuer, Account string
	Params                       string
	Secret                       string
	QR                           template.HTML // inline SVG built from numbers only
	Codes                        []string
	Continued                    bool // a continuation card: recovery codes only
	RecoveryOnly                 bool // the entry holds recovery codes and no key
	Part, Parts                  int
}

// PaperKit is a self-contained printable HTML page: a header saying how to
// keep it, then one card per entry sized as a 3×5-inch index card (the
// name, issuer and account, a QR code of the otpauth URI, the base32
// secret in groups of four, the recovery codes). It loads nothing: the CSS
// is inline and the QR codes are inline SVG. Printed as it opens, the
// cards flow on the printer's paper (A4 or Letter) with cut lines; opened
// with #index-cards (the link in its header), it prints one card a page
// on 5×3-inch index cards. Every text from an entry is HTML-escaped.
//
// The page holds every secret in the clear: write it only where the user
// asked, mode 0600.
func PaperKit(entries []PaperEntry, generated time.Time) ([]byte, error) {
	var cards []paperCard
	for _, e := range entries {
		if e.Key == nil {
			cards = append(cards, recoveryOnlyCards(e)...)
			continue
		}
		k := e.Key
		uri := k.URI()
		svg, err := qrSVG(uri)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name, err)
		}
		params := fmt.Sprintf("%s · %s · %d digits", strings.ToUpper(string(k.Type)), k.Algorithm, k.Digits)
		if k.Encoder == otp.Steam {
			// Typed into another app as plain TOTP, it would give wrong codes.
			params = fmt.Sprintf("Steam Guard (TOTP, encoder steam) · %s · %d characters", k.Algorithm, k.Digits)
		}
		if k.Type == otp.HOTP {
			params += fmt.Sprintf(" · counter %d (last used when printed)", k.Counter)
		} else {
			params += fmt.Sprintf(" · every %d s", k.Period)
		}
		codes := e.RecoveryCodes
		first := codes[:min(len(codes), paperCodesFirst)]
		rest := codes[len(first):]
		parts := 1 + (len(rest)+paperCodesMore-1)/paperCodesMore
		cards = append(cards, paperCard{
			Name: e.Name, Store: e.Store, Issuer: k.Issuer, Account: k.Account,
			Params: params, Secret: GroupSecret(k.Secret.Base32()), QR: svg,
			Codes: first, Part: 1, Parts: parts,
		})
		for p := 2; len(rest) > 0; p++ {
			chunk := rest[:min(len(rest), paperCodesMore)]
			rest = rest[len(chunk):]
			cards = append(cards, paperCard{Name: e.Name, Store: e.Store, Issuer: k.Issuer, Account: k.Account,
				Codes: chunk, Continued: true, Part: p, Parts: parts})
		}
	}
	var buf bytes.Buffer
	err := paperTemplate.Execute(&buf, map[string]any{
		"Cards":     cards,
		"Entries":   len(entries),
		"Generated": generated.UTC().Format("2006-01-02 15:04 UTC"),
	})
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// recoveryOnlyCards are the cards of an entry that keeps a site's recovery
// codes and no key (the site's 2FA is by SMS, or its key is kept
// elsewhere): the codes, no QR code, no secret.
func recoveryOnlyCards(e PaperEntry) []paperCard {
	codes := e.RecoveryCodes
	first := codes[:min(len(codes), paperCodesFirst)]
	rest := codes[len(first):]
	parts := 1 + (len(rest)+paperCodesMore-1)/paperCodesMore
	cards := []paperCard{{Name: e.Name, Store: e.Store, Params: "recovery codes only: no 2FA key kept in otpfill",
		Codes: first, RecoveryOnly: true, Part: 1, Parts: parts}}
	for p := 2; len(rest) > 0; p++ {
		chunk := rest[:min(len(rest), paperCodesMore)]
		rest = rest[len(chunk):]
		cards = append(cards, paperCard{Name: e.Name, Store: e.Store, Codes: chunk, Continued: true, Part: p, Parts: parts})
	}
	return cards
}

// qrSVG draws text as an inline SVG QR code: one path of unit squares in a
// viewBox of modules (quiet zone included), crisp edges, black on white.
func qrSVG(text string) (template.HTML, error) {
	n, dark, err := qrModules(text)
	if err != nil {
		return "", err
	}
	var d strings.Builder
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if !dark(x, y) {
				continue
			}
			// A run of dark modules on a row is one rectangle.
			run := 1
			for dark(x+run, y) {
				run++
			}
			d.WriteString("M" + strconv.Itoa(x+quietZone) + " " + strconv.Itoa(y+quietZone) + "h" + strconv.Itoa(run) + "v1h-" + strconv.Itoa(run) + "z")
			x += run - 1
		}
	}
	total := n + 2*quietZone
	return template.HTML(fmt.Sprintf(`<svg class="qr" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img" aria-label="QR code"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`,
		total, total, total, total, d.String())), nil
}

var paperTemplate = template.Must(template.New("paper").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>otpfill paper kit — {{.Entries}} 2FA keys</title>
<style>
  :root { color-scheme: light; }
  * { box-sizing: border-box; }
  body { margin: 0; padding: 16px; background: #eee; color: #000;
         font: 10pt/1.3 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  header { max-width: 7.5in; margin: 0 auto 16px; padding: 12px 16px; background: #fff; border: 2px solid #000; }
  header h1 { font-size: 14pt; margin: 0 0 6px; }
  header ol { margin: 6px 0; padding-left: 20px; }
  header p { margin: 4px 0; }
  .cards { display: flex; flex-direction: column; align-items: center; gap: 12px; }
  .card { width: 5in; height: 3in; padding: 0.14in; background: #fff; border: 1px dashed #777;
          display: grid; grid-template-columns: 1.6in 1fr; gap: 0.12in; overflow: hidden;
          break-inside: avoid; page-break-inside: avoid; }
  .card.more { grid-template-columns: 1fr; }
  .qr { width: 1.6in; height: 1.6in; display: block; }
  .side { display: flex; flex-direction: column; min-width: 0; }
  .info { min-width: 0; }
  .name { font-weight: 700; font-size: 11pt; overflow-wrap: anywhere; }
  .meta, .params { font-size: 8pt; overflow-wrap: anywhere; }
  .secret { font: 9pt/1.35 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; overflow-wrap: anywhere;
            margin-top: 4px; }
  .label { font-size: 7pt; text-transform: uppercase; letter-spacing: 0.05em; color: #444; margin-top: 4px; }
  .codes { margin: 2px 0 0; padding: 0; list-style: none; display: grid; grid-template-columns: 1fr 1fr; gap: 0 10px;
           font: 8.5pt/1.3 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
  .more .codes { grid-template-columns: 1fr 1fr 1fr; }
  .codes li { overflow-wrap: anywhere; }
  .codes li::before { content: "\2610\00a0"; }
  .none { font-size: 8pt; color: #444; }
  .part { font-size: 7pt; color: #444; }
  #index-cards { display: none; }
  @page { margin: 0.4in; }
  @page index-card { size: 5in 3in; margin: 0; }
  @media print {
    body { background: #fff; padding: 0; }
    header { max-width: none; border-width: 1px; }
    .cards { display: block; }
    .card { margin: 0 auto 0.1in; }
    body:has(#index-cards:target) header { display: none; }
    body:has(#index-cards:target) .card { page: index-card; border: none; margin: 0; break-after: page; }
  }
</style>
</head>
<body>
<span id="index-cards"></span>
<header>
  <h1>otpfill paper kit: {{.Entries}} two-factor key{{if ne .Entries 1}}s{{end}}</h1>
  <p>Made {{.Generated}}. Each card below is enough to get one account's codes back on a new phone or
  computer: scan its QR code with an authenticator app, or type its secret in.</p>
  <ol>
    <li><strong>Print it now</strong>, on paper you keep (cut along the dashed lines). For 3×5-inch index cards,
      <a href="#index-cards">switch to one card a page</a> before printing (<a href="#">back</a>).</li>
    <li><strong>Store the cards offline</strong>, somewhere you keep documents that matter (a locked drawer,
      a safe), away from your phone and laptop, where a burglar or a visitor will not find them.</li>
    <li><strong>Destroy this file</strong> once printed (<code>shred -u</code> it, empty the trash, delete the
      downloaded copy): anyone who has it, or a card, can make your codes. Do not photograph or email it.</li>
    <li>Tick a recovery code when you use it; print a new kit when you add a key or get new codes.</li>
  </ol>
</header>
<main class="cards">
{{- range .Cards}}
{{- if .Continued}}
<section class="card more">
  <div class="side">
    <div class="name">{{.Name}}</div>
    <div class="meta">{{if .Issuer}}{{.Issuer}}{{end}}{{if and .Issuer .Account}} · {{end}}{{if .Account}}{{.Account}}{{end}} <span class="part">card {{.Part}} of {{.Parts}}</span></div>
    <div class="label">Recovery codes (continued)</div>
    <ul class="codes">{{range .Codes}}<li>{{.}}</li>{{end}}</ul>
  </div>
</section>
{{- else}}
<section class="card{{if .RecoveryOnly}} recovery-only{{end}}">
  {{- if not .RecoveryOnly}}
  {{.QR}}
  {{- end}}
  <div class="side">
    <div class="info">
      <div class="name">{{.Name}}</div>
      <div class="meta">{{if .Issuer}}Issuer: {{.Issuer}}{{end}}{{if and .Issuer .Account}} · {{end}}{{if .Account}}Account: {{.Account}}{{end}}</div>
      <div class="params">{{.Params}}{{if .Store}} · from {{.Store}}{{end}}{{if gt .Parts 1}} · <span class="part">card 1 of {{.Parts}}</span>{{end}}</div>
    </div>
    {{- if not .RecoveryOnly}}
    <div class="label">Secret (base32)</div>
    <div class="secret">{{.Secret}}</div>
    {{- end}}
    <div class="label">Recovery codes</div>
    {{- if .Codes}}
    <ul class="codes">{{range .Codes}}<li>{{.}}</li>{{end}}</ul>
    {{- else}}
    <div class="none">none saved in otpfill: write them here</div>
    {{- end}}
  </div>
</section>
{{- end}}
{{- end}}
</main>
</body>
</html>
`))
