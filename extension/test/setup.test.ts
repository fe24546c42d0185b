import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { findKey, findUris, isOtpauth, normalizeKey, readableTexts } from "../src/setup/key";
import { decodeOtpauth, layout } from "../src/setup/qr";
import { findRecoveryCodes, findRecoveryKey, shownAccount } from "../src/setup/recovery";
import { page } from "./dom";

describe("isOtpauth", () => {
  for (const [uri, want] of [
    ["otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub", true],
    ["OTPAUTH://TOTP/x?secret=JBSWY3DPEHPK3PXP", true],
    ["otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=3", true],
    ["otpauth-migration://offline?data=CjEKCkhlbGxv", false],
    ["https://example.com/download", false],
    ["otpauth://steam/x?secret=JBSWY3DPEHPK3PXP", false],
  ] as const) {
    it(`${uri} -> ${want}`, () => assert.equal(isOtpauth(uri), want));
  }
});

describe("normalizeKey", () => {
  for (const [text, want] of [
    ["JBSW Y3DP EHPK 3PXP", "JBSWY3DPEHPK3PXP"],
    ["jbsw y3dp ehpk 3pxp", "JBSWY3DPEHPK3PXP"],
    ["JBSW-Y3DP-EHPK-3PXP", "JBSWY3DPEHPK3PXP"],
    ["JBSWY3DPEHPK3PXP====", "JBSWY3DPEHPK3PXP"],
    ["JBSWY3DPEHPK3PX", ""], // 15 characters: not a whole number of bytes
    ["JBSWY3DPEHPK", ""], // 7 bytes: too short
    ["JBSWY3DPEHPK3PX1", ""], // 1 is not base32
    ["", ""],
  ] as const) {
    it(JSON.stringify(text), () => assert.equal(normalizeKey(text), want));
  }
});

describe("findUris", () => {
  it("reads links, visible text and read-only fields, once each, and nothing else", () => {
    const doc = page(`
      <a href="otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP">open</a>
      <p>or copy otpauth://totp/B:b?secret=KRSXG5CTMVRXEZLU into your app</p>
      <input readonly value="otpauth://hotp/C:c?secret=MFRGGZDFMZTWQ2LK&amp;counter=1">
      <a href="otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP">again</a>
      <a href="otpauth-migration://offline?data=x">export</a>
      <script>var s = "otpauth://totp/Hidden:h?secret=JBSWY3DPEHPK3PXP";</script>`);
    assert.deepEqual(findUris(doc, readableTexts(doc.body)), [
      "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP",
      "otpauth://hotp/C:c?secret=MFRGGZDFMZTWQ2LK&counter=1",
      "otpauth://totp/B:b?secret=KRSXG5CTMVRXEZLU",
    ]);
  });
});

describe("findKey", () => {
  const key = (html: string) => {
    const doc = page(html);
    return findKey(readableTexts(doc.body));
  };
  it("a grouped key next to 'setup key'", () => {
    assert.deepEqual(key(`<p>Your setup key:</p><code>N3KQ 7TCX WFNZ 6D2B GYR4 O5LJ HQ2V XPIM</code>`), { secret: "N3KQ7TCXWFNZ6D2BGYR4O5LJHQ2VXPIM" });
  });
  it("a lower-case key (Google) and the account shown beside it", () => {
    assert.deepEqual(key(`<div><p>Can't scan it? Enter alice@gmail.com and this key: <strong>bxq4 mzk7 wgdr 2nj5 t3lp yhc6 aufv eo7s</strong></p></div>`), {
      secret: "BXQ4MZK7WGDR2NJ5T3LPYHC6AUFVEO7S",
      account: "alice@gmail.com",
    });
  });
  it("groups split over elements, and parameters printed beside the key", () => {
    const got = key(`<div><p>Enter this code manually. Algorithm: SHA256, 8 digits, period: 60 seconds. Account name: alice</p>
      <p><span>KZ4Q</span> <span>W7MX</span> <span>R2TJ</span> <span>6VNB</span> <span>5HPL</span> <span>YC3D</span> <span>GFES</span> <span>AUQO</span></p></div>`);
    assert.deepEqual(got, { secret: "KZ4QW7MXR2TJ6VNB5HPLYC3DGFESAUQO", algorithm: "SHA256", digits: 8, period: 60, account: "alice" });
  });
  for (const [name, html] of [
    ["no words about a key nearby", `<p>Order reference</p><p>N3KQ 7TCX WFNZ 6D2B GYR4 O5LJ HQ2V XPIM</p>`],
    ["ordinary words in capitals", `<p>Secret key: THIS CODE INTO YOUR PHONE APPS</p>`],
    ["mixed case", `<p>Secret key: N3kq 7TCX WFNZ 6D2B GYR4 O5LJ HQ2V XPIM</p>`],
    ["too short", `<p>Secret key: N3KQ 7TCX WFNZ</p>`],
    ["inside a script", `<p>Secret key</p><script>var k = "N3KQ7TCXWFNZ6D2BGYR4O5LJHQ2VXPIM"</script>`],
  ] as const) {
    it(`nothing: ${name}`, () => assert.equal(key(html), null));
  }
});

describe("findKey: manual-key pages of identity servers (parameters in text)", () => {
  const key = (html: string) => {
    const doc = page(html);
    return findKey(readableTexts(doc.body));
  };
  const SECRET = "GQ4D KNRV HAZT IMZR GE3W CYLB MJQW";
  const keycloak = (params: string) => `<form><p>Open the application and enter the key:</p>
    <p><span id="kc-totp-secret-key">${SECRET}</span></p>
    <p>Use the following configuration values if the application allows setting them:</p>
    <ul>${params}</ul><p><a href="?mode=qr">Scan barcode?</a></p>
    <label for="totp">One-time code</label><input id="totp"></form>`;
  it("Keycloak: labelled list items, each its own line", () => {
    assert.deepEqual(key(keycloak(`<li>Type: Time-based</li><li>Algorithm: SHA256</li><li>Digits: 8</li><li>Interval: 60</li>`)), {
      secret: "GQ4DKNRVHAZTIMZRGE3WCYLBMJQW",
      algorithm: "SHA256",
      digits: 8,
      period: 60,
    });
  });
  it("a table (Authelia-like): 'Period' with seconds, SHA512", () => {
    assert.deepEqual(key(`<div><h2>Can't scan?</h2><p>Secret: <code>${SECRET}</code></p>
      <table><tr><th>Algorithm</th><td>: SHA512</td></tr><tr><th>Digits</th><td>: 7</td></tr><tr><th>Period</th><td>: 45 seconds</td></tr></table></div>`), {
      secret: "GQ4DKNRVHAZTIMZRGE3WCYLBMJQW",
      algorithm: "SHA512",
      digits: 7,
      period: 45,
    });
  });
  it("counter-based: an HOTP key with its counter", () => {
    assert.deepEqual(key(keycloak(`<li>Type: Counter-based</li><li>Algorithm: SHA1</li><li>Digits: 6</li><li>Counter: 0</li>`)), {
      secret: "GQ4DKNRVHAZTIMZRGE3WCYLBMJQW",
      algorithm: "SHA1",
      digits: 6,
      type: "hotp",
      counter: 0,
    });
  });
  it("a label element right before the key does not cut the key's first group off (FreeIPA: <label>Key</label><span>FI4B-…)", () => {
    assert.equal(key(`<div class="details"><div class="row"><label>Key</label><span>FI4B-VJBB-33FV-LIBV-YZVW-2S2B-ULG3-UZ5Q</span></div></div>`)?.secret, "FI4BVJBB33FVLIBVYZVW2S2BULG3UZ5Q");
  });
  it("no parameter text: the defaults (nothing stated)", () => {
    assert.deepEqual(key(keycloak("")), { secret: "GQ4DKNRVHAZTIMZRGE3WCYLBMJQW" });
  });
  it("the verification field's '6-digit code' does not contradict a labelled 'Digits: 8'", () => {
    assert.equal(key(keycloak(`<li>Digits: 8</li>`) + `<p>Enter the 6-digit code</p>`)?.digits, 8);
  });
  for (const [name, params] of [
    ["an algorithm otpfill does not know", `<li>Algorithm: MD5</li>`],
    ["digits out of range", `<li>Digits: 10</li>`],
    ["a period that is no period", `<li>Interval: 1 hour</li>`],
    ["two algorithms", `<li>Algorithm: SHA256</li><li>Algorithm: SHA1</li>`],
    ["two periods", `<li>Period: 30</li><li>Interval: 60</li>`],
    ["an unknown type", `<li>Type: Push</li>`],
  ] as const) {
    it(`not offered: ${name}`, () => assert.equal(key(keycloak(params)), null));
  }
});

describe("single long recovery codes and other long codes are not setup keys", () => {
  const scan = (html: string) => {
    const doc = page(html);
    const texts = readableTexts(doc.body);
    return { key: findKey(texts), recovery: findRecoveryKey(texts) };
  };
  it("Bitwarden: 'recovery code' in groups of four, base32-shaped: a recovery code, not a key", () => {
    assert.deepEqual(scan(`<div><p>Your two-step login recovery code:</p><p class="code">K7QM 2XRT P4WZ LHNB L3YC 6DGF E5SA VUQJ</p></div>`), {
      key: null,
      recovery: ["K7QM 2XRT P4WZ LHNB L3YC 6DGF E5SA VUQJ"],
    });
  });
  it("the label in the element before the code's own (Bitwarden's dialog)", () => {
    assert.deepEqual(scan(`<div><h2>Two-step login recovery code</h2><p>${"Keep it safe. ".repeat(30)}</p><p>Your recovery code:</p><p class="recovery"><strong>KE4E 6PPT FQJU 6FDV GDOH GV62 35QD A44B</strong></p></div>`), {
      key: null,
      recovery: ["KE4E 6PPT FQJU 6FDV GDOH GV62 35QD A44B"],
    });
  });
  it("a recovery key page that mentions the authenticator app it stands in for", () => {
    assert.deepEqual(scan(`<main><h1>Your recovery key</h1><p>Use this key if you lose your authenticator app.</p><p>Recovery key</p><p>QM7X-4KTR-2WZB-N6HP-LY3C-DGFE</p></main>`), {
      key: null,
      recovery: ["QM7X-4KTR-2WZB-N6HP-LY3C-DGFE"],
    });
  });
  it("an emergency kit's dashed rescue code", () => {
    assert.deepEqual(scan(`<section><h3>Emergency kit</h3><p>Rescue code</p><code>RW4TK-Q7MZX-2HNBP-L6YCD</code></section>`).recovery, ["RW4TK-Q7MZX-2HNBP-L6YCD"]);
  });
  it("a setup key next to a mention of backup codes is still the setup key", () => {
    assert.deepEqual(scan(`<div><p>Can't scan? Enter this setup key (save your backup codes next):</p><code>N3KQ 7TCX WFNZ 6D2B GYR4 O5LJ HQ2V XPIM</code></div>`), {
      key: { secret: "N3KQ7TCXWFNZ6D2BGYR4O5LJHQ2VXPIM" },
      recovery: null,
    });
  });
  for (const [name, html] of [
    ["a licence key", `<div><p>Scan the QR code to get the app. Your license key:</p><code>N3KQ-7TCX-WFNZ-6D2B-GYR4-O5LJ</code></div>`],
    ["an API key", `<div><p>Personal API key (keep it secret):</p><code>QF7ZK2MVRT4XW6BNHJ3PYLD5CG2ESAUO</code></div>`],
    ["an API key beside the 2FA section's recovery codes", `<main><section><h2>Two-factor authentication</h2><p>You have 8 unused recovery codes.</p></section><section><h2>API tokens</h2><p>Personal API key, shown once:</p><p>QF7Z K2MV RT4X W6BN HJ3P YLD5 CG2E SAUO</p></section></main>`],
    ["a Wi-Fi network key next to a QR code to scan", `<div><p>Scan this QR code to join the guest network.</p><p>Network key: <span>N3KQ7TCXWFNZ6D2B</span></p></div>`],
  ] as const) {
    it(`nothing: ${name}`, () => assert.deepEqual(scan(html), { key: null, recovery: null }));
  }
  it("two long recovery-labelled codes: not one recovery code", () => {
    assert.equal(findRecoveryKey(readableTexts(page(`<p>Recovery key: K7QM 2XRT P4WZ LHNB</p><p>Recovery key: L3YC 6DGF E5SA VUQJ</p>`).body)), null);
  });
});

describe("findRecoveryCodes", () => {
  const github = ["3f9a1-c27e4", "8b0d5-61fa9", "a4e7c-0b938", "52cd8-f1e07", "9e61b-4d2ac", "c0f83-7a5e1", "1d7e9-b8c40", "6ab24-e93f5",
    "f58c0-2d716", "07b3e-a9c58", "e2d96-53b0f", "4c1fa-8e6d2", "b9a07-1f3ce", "75e2d-c04a9", "d3b81-6f7e0", "2a6fc-95d1b"];
  const google = ["4821 0937", "7305 6612", "1958 4470", "6024 8391", "3776 1059", "8140 2265", "5593 7048", "2617 9934", "9082 3516", "0469 5781"];
  const codes = (html: string) => findRecoveryCodes(page(html).body);
  const list = (cs: string[]) => cs.map((c) => `<li>${c}</li>`).join("");

  it("GitHub: 16 codes in a list, in page order", () => {
    assert.deepEqual(codes(`<h1>Recovery codes</h1><ul>${list(github)}</ul>`), github);
  });
  it("Google: 10 backup codes in a table, spaces kept", () => {
    const rows = [0, 2, 4, 6, 8].map((i) => `<tr><td>${google[i]}</td><td>${google[i + 1]}</td></tr>`).join("");
    assert.deepEqual(codes(`<h1>Backup codes</h1><table>${rows}</table>`), [0, 2, 4, 6, 8].flatMap((i) => [google[i], google[i + 1]]));
  });
  it("one code a line in a <pre>", () => {
    assert.deepEqual(codes(`<p>Save your recovery codes</p><pre>${github.slice(0, 8).join("\n")}\n</pre>`), github.slice(0, 8));
  });
  for (const [name, html] of [
    ["7 codes are not a list", `<h1>Recovery codes</h1><ul>${list(github.slice(0, 7))}</ul>`],
    ["17 codes are too many", `<h1>Recovery codes</h1><ul>${list([...github, "aaaaa-11111"])}</ul>`],
    ["no recovery words", `<h1>Order numbers</h1><ul>${list(github)}</ul>`],
    ["duplicates", `<h1>Recovery codes</h1><ul>${list([...github.slice(0, 9), github[0]!])}</ul>`],
  ] as const) {
    it(`nothing: ${name}`, () => assert.equal(codes(html), null));
  }
});

describe("shownAccount (names a new entry of recovery codes)", () => {
  const account = (html: string) => {
    const d = page(html);
    return shownAccount(readableTexts(d.body));
  };
  it("after Signed in as", () => assert.equal(account(`<header>Signed in as <b>Alice@Example.com</b></header><footer>help@bank.example</footer>`), "alice@example.com"));
  it("a handle after Username:", () => assert.equal(account(`<dl><dt>Username:</dt><dd>@alice_k</dd></dl>`), "alice_k"));
  it("the one address on the page", () => assert.equal(account(`<p>Codes for alice@example.com</p>`), "alice@example.com"));
  it("two addresses and no label: nobody", () => assert.equal(account(`<p>alice@example.com</p><p>help@bank.example</p>`), undefined));
  it("a masked address is not one", () => assert.equal(account(`<p>Sent to a•••@example.com</p>`), undefined));
  it("nothing shown", () => assert.equal(account(`<h1>Backup codes</h1>`), undefined));
});

describe("QR decoding", () => {
  /** The module matrix the e2e Google fixture draws, painted as RGBA pixels. */
  function paint(rows: string[], cell: number, quiet: number) {
    const n = rows.length;
    const size = (n + 2 * quiet) * cell;
    const data = new Uint8ClampedArray(size * size * 4).fill(255);
    rows.forEach((row, y) => {
      for (let x = 0; x < row.length; x++) {
        if (row[x] !== "1") continue;
        for (let dy = 0; dy < cell; dy++)
          for (let dx = 0; dx < cell; dx++) {
            const o = (((quiet + y) * cell + dy) * size + (quiet + x) * cell + dx) * 4;
            data[o] = data[o + 1] = data[o + 2] = 0;
          }
      }
    });
    return { data, width: size, height: size };
  }
  const rows = JSON.parse(readFileSync(new URL("../e2e/fixtures/sites/myaccount.google.com/two-step-verification/qr-matrix.json", `file://${process.cwd()}/`), "utf8")) as string[];

  it("reads the otpauth URI of a QR code", () => {
    assert.equal(decodeOtpauth(paint(rows, 4, 4)), "otpauth://totp/Google:alice%40gmail.com?secret=BXQ4MZK7WGDR2NJ5T3LPYHC6AUFVEO7S&issuer=Google");
  });
  it("nothing in a blank image", () => {
    assert.equal(decodeOtpauth({ data: new Uint8ClampedArray(100 * 100 * 4).fill(255), width: 100, height: 100 }), null);
  });
  it("layout scales small codes up and adds a quiet zone", () => {
    const l = layout(41, 41);
    assert.ok(l.scale >= 6 && l.pad > 0 && l.width === 41 * l.scale + 2 * l.pad);
    assert.equal(layout(400, 400).scale, 1);
    assert.ok(layout(2000, 2000).scale < 1);
  });
});
