import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decide, waitBeforeFill } from "../src/background/policy";
import { forgetLogin, LOGIN_TTL_MS, rememberLogin, submittedLogin } from "../src/background/logins";
import { registrableDomain, sameSite, secureForAutofill } from "../src/background/site";
import { DEFAULT_OPTIONS, type MatchEntry, type SentChannel } from "../src/shared/messages";

const exact = (name: string, type?: "totp" | "hotp" | "recovery"): MatchEntry => ({ name, store: "pass", strength: "exact", ...(type ? { type } : {}) });
const weak = (name: string): MatchEntry => ({ name, store: "pass", strength: "weak" });
/** The same entry's backup copy in the keyring (`otpfill backup sync`): the host knows no type for keyring entries. */
const copy = (name: string, type?: "totp" | "hotp" | "recovery"): MatchEntry => ({ ...exact(name, type), store: "keyring" });
const gh = "https://github.com/sessions/two-factor";

describe("auto-fill decision", () => {
  const cases: { name: string; top?: string; frame?: string; confident?: boolean; channel?: SentChannel; accounts?: string[]; submitted?: string; matches: MatchEntry[]; autofill?: boolean; want: string }[] = [
    { name: "one exact match on https", matches: [exact("github.com/alice")], want: "fill" },
    { name: "one exact match, weak ones beside it", matches: [exact("github.com/alice"), weak("GitHub/bob")], want: "fill" },
    { name: "two exact matches: chooser, never a guess", matches: [exact("github.com/alice"), exact("github.com/bob")], want: "chooser" },
    // One account kept twice (pass and its backup copy in the keyring) is one entry, not two to choose between.
    { name: "an entry and its backup copy: filled from the first copy", matches: [exact("github.com/alice"), copy("github.com/alice")], want: "fill" },
    { name: "an HOTP entry and its backup copy of unknown type: offered, never asked", matches: [copy("bank.example/me"), exact("bank.example/me", "hotp")], want: "offered" },
    { name: "recovery codes only and their backup copy: nothing to fill", matches: [exact("nordbank.com/alice", "recovery"), copy("nordbank.com/alice")], want: "no-match" },
    { name: "two accounts, each with a backup copy: chooser", matches: [exact("github.com/alice"), copy("github.com/alice"), exact("github.com/bob"), copy("github.com/bob")], want: "chooser" },
    { name: "two accounts with backup copies, the page shows one: filled", accounts: ["bob"], matches: [exact("meta.sr.ht/alice"), copy("meta.sr.ht/alice"), exact("meta.sr.ht/bob"), copy("meta.sr.ht/bob")], want: "fill:meta.sr.ht/bob" },
    { name: "only a weak match: offered, not filled", matches: [weak("GitHub/alice")], want: "weak" },
    { name: "no match", matches: [], want: "no-match" },
    { name: "http page", top: "http://github.com/login", matches: [exact("github.com/alice")], want: "offered" },
    { name: "http localhost", top: "http://localhost:8080/2fa", matches: [exact("localhost:8080/a")], want: "fill" },
    { name: "http 127.0.0.1", top: "http://127.0.0.1/2fa", matches: [exact("127.0.0.1/a")], want: "fill" },
    { name: "http frame in an https page", frame: "http://github.com/frame", matches: [exact("github.com/alice")], want: "offered" },
    { name: "field not confident", confident: false, matches: [exact("github.com/alice")], want: "offered" },
    { name: "auto-fill turned off", autofill: false, matches: [exact("github.com/alice")], want: "offered" },
    { name: "hotp entry", matches: [exact("github.com/alice", "hotp")], want: "offered" },
    // An entry of recovery codes only has no code: never filled, never a candidate.
    { name: "recovery codes only: nothing to fill", matches: [exact("nordbank.com/alice", "recovery")], want: "no-match" },
    { name: "recovery codes only beside a key: the key fills", matches: [exact("nordbank.com/alice", "recovery"), exact("2fa/nordbank.com")], want: "fill:2fa/nordbank.com" },
    { name: "recovery codes only beside a weak match: weak", matches: [exact("nordbank.com/alice", "recovery"), weak("Nordbank/alice")], want: "weak" },
    // The page asks for a code the site sent: the TOTP code would burn an attempt.
    { name: "a code sent by SMS: offered, not filled", channel: "sms", matches: [exact("github.com/alice")], want: "offered" },
    { name: "a code sent by e-mail: offered, not filled", channel: "email", matches: [exact("github.com/alice", "totp")], want: "offered" },
    { name: "a code by voice call: offered", channel: "voice", matches: [exact("github.com/alice")], want: "offered" },
    { name: "a code on another device: offered", channel: "device", matches: [exact("github.com/alice")], want: "offered" },
    { name: "a sent code, two exact matches: still the chooser", channel: "sms", matches: [exact("github.com/alice"), exact("github.com/bob")], want: "chooser" },
    { name: "a sent code, no entry: no-match", channel: "sms", matches: [], want: "no-match" },
    // Several accounts on one site: the one the page shows, when only one fits.
    { name: "two accounts, the page shows one: filled", accounts: ["bob@outlook.com"], matches: [exact("live.com/alice@outlook.com"), exact("live.com/bob@outlook.com")], want: "fill:live.com/bob@outlook.com" },
    { name: "two accounts, the address in another case: filled", accounts: ["bob@outlook.com"], matches: [exact("live.com/alice@outlook.com"), exact("live.com/Bob@Outlook.com")], want: "fill:live.com/Bob@Outlook.com" },
    { name: "two accounts, the page shows both: chooser", accounts: ["bob@outlook.com", "alice@outlook.com"], matches: [exact("live.com/alice@outlook.com"), exact("live.com/bob@outlook.com")], want: "chooser" },
    { name: "two accounts, the page shows another: chooser", accounts: ["carol@outlook.com"], matches: [exact("live.com/alice@outlook.com"), exact("live.com/bob@outlook.com")], want: "chooser" },
    { name: "a local part alone is not the account: chooser", accounts: ["alice@work.example"], matches: [exact("notion.so/alice"), exact("notion.so/work")], want: "chooser" },
    { name: "the shown account among weak matches only: still weak", accounts: ["bob@outlook.com"], matches: [weak("Microsoft/bob@outlook.com")], want: "weak" },
    // User names (issue 13, item 3): shown on the page, or sent by the login form in this tab.
    { name: "two accounts, the page shows a user name: filled", accounts: ["bob"], matches: [exact("meta.sr.ht/alice"), exact("meta.sr.ht/bob")], want: "fill:meta.sr.ht/bob" },
    { name: "a user name two entries could be (alice, alice@example.com): chooser", accounts: ["alice"], matches: [exact("x.example/alice"), exact("x.example/alice@example.com")], want: "chooser" },
    { name: "an address whose local part is another entry's user name: chooser", accounts: ["alice@example.com"], matches: [exact("x.example/alice"), exact("x.example/alice@example.com"), exact("x.example/bob")], want: "chooser" },
    { name: "two accounts, the login form sent one: filled", submitted: "alice", matches: [exact("meta.sr.ht/alice"), exact("meta.sr.ht/bob")], want: "fill:meta.sr.ht/alice" },
    { name: "the login form sent an account with no entry: chooser", submitted: "carol", matches: [exact("meta.sr.ht/alice"), exact("meta.sr.ht/bob")], want: "chooser" },
    { name: "the page's account wins over the one sent", accounts: ["bob"], submitted: "alice", matches: [exact("meta.sr.ht/alice"), exact("meta.sr.ht/bob")], want: "fill:meta.sr.ht/bob" },
    { name: "the shown account, but the page asks for a sent code: offered", channel: "sms", accounts: ["bob@outlook.com"], matches: [exact("live.com/alice@outlook.com"), exact("live.com/bob@outlook.com")], want: "offered" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const top = c.top ?? gh;
      const d = decide(
        { topUrl: top, frameUrl: c.frame ?? top, confident: c.confident ?? true, ...(c.channel ? { channel: c.channel } : {}), ...(c.accounts ? { accounts: c.accounts } : {}), ...(c.submitted ? { submitted: c.submitted } : {}) },
        c.matches,
        { ...DEFAULT_OPTIONS, autofill: c.autofill ?? true },
      );
      assert.equal("fill" in d ? (c.want.startsWith("fill:") ? `fill:${d.fill.name}` : "fill") : d.state, c.want);
      if ("fill" in d && c.want === "fill") assert.equal(d.fill, c.matches.find((m) => m.strength === "exact"));
    });
  }
});

describe("same-site frames", () => {
  const cases: [string, string, boolean][] = [
    ["https://github.com/a", "https://github.com/b", true],
    ["https://gist.github.com/", "https://github.com/", true],
    ["https://api.auth.example.co.uk/", "https://www.example.co.uk/", true],
    ["https://github.co/", "https://github.com/", false],
    ["https://github.com.evil.example/", "https://github.com/", false],
    ["https://xn--gthub-n4a.com/", "https://github.com/", false],
    ["https://alice.github.io/", "https://bob.github.io/", false],
    ["http://github.com/", "https://github.com/", false],
    ["https://example.co.uk/", "https://other.co.uk/", false],
    ["http://localhost:8080/", "http://localhost:9090/", true],
    ["about:blank", "https://github.com/", false],
    ["", "https://github.com/", false],
  ];
  for (const [frame, top, want] of cases) it(`${frame || "(none)"} in ${top}`, () => assert.equal(sameSite(frame, top), want));
  it("registrable domain", () => {
    assert.equal(registrableDomain("gist.github.com"), "github.com");
    assert.equal(registrableDomain("a.b.example.co.uk"), "example.co.uk");
    assert.equal(registrableDomain("localhost"), "localhost");
  });
});

describe("secure pages", () => {
  for (const [url, want] of [
    ["https://github.com/", true],
    ["http://github.com/", false],
    ["http://localhost/", true],
    ["http://app.localhost:3000/", true],
    ["http://127.0.0.1:8000/", true],
    ["http://[::1]/", true],
    ["http://localhost.evil.example/", false],
    ["file:///tmp/x.html", false],
    ["not a url", false],
  ] as const)
    it(url, () => assert.equal(secureForAutofill(url), want));
});

describe("waiting for the next code", () => {
  it("fills a fresh code at once", () => assert.equal(waitBeforeFill(100_000, 80_000), 0));
  it("waits past the expiry of a code about to expire", () => {
    const w = waitBeforeFill(100_000, 98_000);
    assert.ok(w >= 2000 && w <= 3000, String(w));
  });
  it("does not wait for codes without expiry (HOTP)", () => assert.equal(waitBeforeFill(undefined, 1), 0));
});

describe("the user name a login form sent, per tab", () => {
  const t0 = 1_000_000;
  it("is given back on the same site, a moment later", () => {
    rememberLogin(1, "https://meta.sr.ht/login", "Alice", t0);
    assert.equal(submittedLogin(1, "https://meta.sr.ht/login/totp", t0 + 1000), "alice");
    assert.equal(submittedLogin(1, "https://git.sr.ht/", t0 + 1000), "alice", "same registrable domain");
  });
  it("never to another site, another tab, or after five minutes", () => {
    rememberLogin(2, "https://meta.sr.ht/login", "alice", t0);
    assert.equal(submittedLogin(2, "https://evil.example/2fa", t0 + 1000), undefined);
    assert.equal(submittedLogin(3, "https://meta.sr.ht/login/totp", t0 + 1000), undefined);
    assert.equal(submittedLogin(2, "https://meta.sr.ht/login/totp", t0 + LOGIN_TTL_MS + 1), undefined);
  });
  it("is forgotten with its tab; junk is not kept", () => {
    rememberLogin(4, "https://meta.sr.ht/login", "alice", t0);
    forgetLogin(4);
    assert.equal(submittedLogin(4, "https://meta.sr.ht/", t0), undefined);
    rememberLogin(5, "https://meta.sr.ht/login", { u: 1 }, t0);
    rememberLogin(5, "https://meta.sr.ht/login", "x".repeat(300), t0);
    rememberLogin(5, "chrome://settings", "alice", t0);
    assert.equal(submittedLogin(5, "https://meta.sr.ht/", t0), undefined);
  });
});
