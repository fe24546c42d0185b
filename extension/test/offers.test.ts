// The setup offer's state machine (src/background/offers.ts) with the host
// client, tab URLs and the clock injected: which caller may act on an offer
// (tokens bound to tab, frame and document; the popup alone by tab id), the
// second click before overwriting a secret, where recovery codes may go (the
// same site's entry, saved in this tab within RECENT_MS, or the site's single
// exact match; the popup confirms replacing), and undo.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HostError } from "../src/background/host";
import { type Caller, type Offer, OfferMachine, RECENT_MS, REPLACE_IN_POPUP } from "../src/background/offers";
import type { HostAction, HostParams, HostResults, MatchEntry } from "../src/shared/messages";

const GITHUB_URI = "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub";
const CODES = ["3f9a1-c27e4", "8b0d5-61fa9"];

/** A host that records requests and answers from what the test set up: entries per site, codes per entry. */
class FakeHost {
  calls: { action: HostAction; params: Record<string, unknown> }[] = [];
  /** Exact and weak entries by registrable site. */
  entries: Record<string, MatchEntry[]> = {};
  /** name -> recovery codes in the store */
  recovery: Record<string, string[]> = {};
  existing = new Set<string>();
  /** The stores hello reports as working. */
  stores = ["pass"];
  /** preview answers invalid_uri for URIs that hold this. */
  rejectUri = "";
  undos = new Map<string, () => void>();
  private n = 0;
  async request<A extends HostAction>(action: A, params: HostParams[A]): Promise<HostResults[A]> {
    this.calls.push({ action, params: params as Record<string, unknown> });
    const p = params as Record<string, unknown>;
    const answer = (r: unknown) => r as HostResults[A];
    switch (action) {
      case "hello":
        return answer({ version: "t", protocol: 1, stores: this.stores.map((id) => ({ id, kind: id, ok: true })) });
      case "preview":
        if (this.rejectUri && String(p.uri).includes(this.rejectUri)) throw new HostError({ code: "invalid_uri", message: "bad URI" });
        return answer({ name: (p.name as string) ?? "github.com/alice", type: "totp", issuer: "GitHub", account: "alice", algorithm: "SHA1", digits: 6, period: 30, stores: ["pass"], exists: this.existing.has((p.name as string) ?? "github.com/alice") ? ["pass"] : [] });
      case "match": {
        const host = new URL(p.url as string).hostname.split(".").slice(-2).join(".");
        return answer({ entries: this.entries[host] ?? [] });
      }
      case "save": {
        const name = p.name as string;
        if (this.existing.has(name) && !p.overwrite) throw new HostError({ code: "exists", message: `${name} exists` });
        this.existing.add(name);
        return answer({ name, stores: ["pass"], code: "123456", expires_at: 10_000_000, undo: `u${++this.n}` });
      }
      case "save_recovery": {
        const name = p.name as string;
        if (p.create && (this.existing.has(name) || name in this.recovery)) throw new HostError({ code: "exists", message: `${name} exists` });
        const before = this.recovery[name];
        this.recovery[name] = (p.codes as string[]).slice();
        // As the host since site binding: an undo token always, `replaced` when codes were there.
        const t = `r${++this.n}`;
        this.undos.set(t, () => {
          if (before) this.recovery[name] = before;
          else delete this.recovery[name];
        });
        return answer({ name, stores: ["pass"], undo: t, ...(before ? { replaced: before.length } : {}) });
      }
      case "undo": {
        this.undos.get(p.token as string)?.();
        return answer({ name: "x", stores: ["pass"] });
      }
      case "code":
        return answer({ name: p.name, store: "pass", type: "totp", code: "654321", digits: 6, period: 30, expires_at: 10_000_000 });
      default:
        throw new Error(`unexpected ${action}`);
    }
  }
  count(action: HostAction): number {
    return this.calls.filter((c) => c.action === action).length;
  }
}

function world() {
  const host = new FakeHost();
  const urls = new Map<number, string>();
  const clock = { now: 1_000_000 };
  const posted: { port: unknown; cmd: unknown }[] = [];
  const fills: { tabId: number; code: string; origin: string }[] = [];
  let t = 0;
  /** What the machine said about entries of recovery codes only ("+store:name" on, "-store:name" off). */
  const noted: string[] = [];
  const m = new OfferMachine({
    host,
    tabUrl: async (id) => urls.get(id) ?? "",
    now: () => clock.now,
    newToken: () => `token-${++t}`,
    defaultStore: async () => "pass",
    fillVerification: async (tabId, code, origin) => {
      fills.push({ tabId, code, origin });
      return true;
    },
    sleep: async () => {},
    post: (port, cmd) => posted.push({ port, cmd }),
    errorText: (e) => String(e),
    noteRecoveryOnly: (e, on) => noted.push(`${on ? "+" : "-"}${e.store}:${e.name}`),
  });
  /** A page loads in a tab: its scanner connects. */
  const load = (tabId: number, url: string): Offer => {
    urls.set(tabId, url);
    return m.open(tabId, { tab: tabId, url }, url);
  };
  return { m, host, urls, clock, posted, fills, load, noted };
}

const frame = (tabId: number, frameId: number, documentId?: string): Caller => ({ kind: "frame", tabId, frameId, ...(documentId ? { documentId } : {}) });
const popup: Caller = { kind: "popup" };
const none: Caller = { kind: "none" };

describe("offer tokens", () => {
  it("a token acts only from a frame of its own tab, bound to the first frame and document that use it", () => {
    const { m, load } = world();
    const o = load(1, "https://github.com/settings/2fa");
    load(2, "https://evil.example/");
    assert.equal(m.offerFor({ token: "forged" }, frame(1, 5)), null, "a wrong token");
    assert.equal(m.offerFor({ token: o.token }, frame(2, 5)), null, "the right token from another tab");
    assert.equal(m.offerFor({ token: o.token }, frame(1, 0)), null, "a top frame: offer.html opened as a page");
    assert.equal(m.offerFor({ token: o.token }, none), null, "a caller that is neither a frame nor the popup");
    assert.equal(m.offerFor({ token: o.token }, popup), null, "the popup names a tab, not a token");
    assert.equal(m.offerFor({ token: o.token }, frame(1, 5, "doc-a")), o, "the first frame to use it");
    assert.equal(m.offerFor({ token: o.token }, frame(1, 5, "doc-a")), o, "again");
    assert.equal(m.offerFor({ token: o.token }, frame(1, 6, "doc-c")), null, "a second frame");
    assert.equal(m.offerFor({ token: o.token }, frame(1, 5, "doc-b")), null, "another document in the same frame");
  });

  it("a tab id works for the popup only", () => {
    const { m, load } = world();
    const o = load(1, "https://github.com/settings/2fa");
    assert.equal(m.offerFor({ tabId: 1 }, popup), o);
    assert.equal(m.offerFor({ tabId: 1 }, frame(1, 5)), null, "an offer frame naming a tab");
    assert.equal(m.offerFor({ tabId: 1 }, none), null, "a top-level extension page a page opened");
    assert.equal(m.offerFor({ tabId: 2 }, popup), null, "a tab without an offer");
  });

  it("a new page in the tab ends the old offer and its token; the old page's port closing later does not end the new one", () => {
    const { m, load } = world();
    const a = load(1, "https://github.com/a");
    const b = load(1, "https://github.com/b");
    assert.notEqual(a.token, b.token);
    assert.equal(m.offerFor({ token: a.token }, frame(1, 5)), null);
    assert.equal(m.forget(1, a.port), undefined, "the old port");
    assert.equal(m.offerFor({ token: b.token }, frame(1, 5)), b);
    assert.equal(m.forget(1, b.port), b);
    assert.equal(m.offerFor({ token: b.token }, frame(1, 5)), null, "gone with its page");
  });

  it("scanner messages count only from the offer's origin", () => {
    const { m, load } = world();
    const o = load(1, "https://github.com/settings/2fa");
    assert.equal(m.scannerOffer(1, "https://github.com/other"), o);
    assert.equal(m.scannerOffer(1, "https://evil.example/"), undefined);
  });
});

describe("saving a key", () => {
  it("overwriting needs a second click for the same name and store, in the popup; the secret is dropped once saved", async () => {
    const { m, host, load, fills } = world();
    host.existing.add("github.com/alice");
    const o = load(1, "https://github.com/settings/2fa");
    const inFrame = frame(1, 5);
    assert.equal(await m.found(o, GITHUB_URI, "img"), true);
    assert.deepEqual(await m.save(o, popup, "github.com/alice", "pass", true), { error: "Confirm replacing the existing secret first." }, "overwrite before any confirmation");
    const first = await m.save(o, inFrame, "github.com/alice", "pass", false);
    assert.ok("confirm" in first && first.confirm?.length, "the first click only asks");
    assert.deepEqual(first.view.secret?.confirm, ["pass"], "the view says a Replace is pending, for the popup to show");
    assert.equal(host.calls.filter((c) => c.action === "save" && c.params.overwrite).length, 0);
    // The offer frame on the page cannot give the second click: a page could have steered it there.
    assert.deepEqual(await m.save(o, inFrame, "github.com/alice", "pass", true), { error: REPLACE_IN_POPUP }, "Replace from the page's frame");
    assert.deepEqual(await m.save(o, none, "github.com/alice", "pass", true), { error: REPLACE_IN_POPUP }, "Replace from a page that is not the popup");
    assert.equal(host.calls.filter((c) => c.action === "save" && c.params.overwrite).length, 0, "nothing overwritten from the page");
    assert.deepEqual((await m.viewOf(o)).secret?.confirm, ["pass"], "still pending for the popup");
    assert.deepEqual(await m.save(o, popup, "github.com/bob", "pass", true), { error: "Confirm replacing the existing secret first." }, "confirmation was for another name");
    const second = await m.save(o, popup, "github.com/alice", "pass", true);
    assert.ok("view" in second && second.view.saved?.name === "github.com/alice");
    assert.equal(host.calls.filter((c) => c.action === "save" && c.params.overwrite).length, 1);
    assert.equal(o.uri, undefined, "the secret is gone from the extension");
    assert.deepEqual(fills, [{ tabId: 1, code: "123456", origin: "https://github.com" }], "the verification fill names the offer's origin");
  });

  it("a pending Replace is cancelled, or ends with another name", async () => {
    const { m, host, load } = world();
    host.existing.add("github.com/alice");
    const o = load(1, "https://github.com/settings/2fa");
    await m.found(o, GITHUB_URI, "img");
    await m.save(o, frame(1, 5), "github.com/alice", "pass", false);
    assert.equal((await m.init(o, "github.com/alice-2")).secret?.confirm, undefined, "another name: nothing to replace there");
    assert.deepEqual((await m.init(o, "github.com/alice")).secret?.confirm, ["pass"], "back to the name the first click met");
    assert.equal((await m.init(o, undefined, undefined, true)).secret?.confirm, undefined, "cancelled");
    assert.deepEqual(await m.save(o, popup, "github.com/alice", "pass", true), { error: "Confirm replacing the existing secret first." });
  });

  it("a save the host kept but could not commit shows the host's warning", async () => {
    const { m, host, load } = world();
    const warning = "saved, but not committed to git: index.lock is held by another git process";
    const request = host.request.bind(host);
    host.request = (async (action: HostAction, params: HostParams[HostAction]) => {
      const r = await request(action, params as never);
      return action === "save" || action === "save_recovery" ? { ...(r as object), warning } : r;
    }) as typeof host.request;
    const o = load(1, "https://github.com/settings/2fa");
    await m.found(o, GITHUB_URI, "img");
    const saved = await m.save(o, frame(1, 5), "github.com/alice", "pass", false);
    assert.ok("view" in saved);
    assert.equal(saved.view.saved?.warning, warning);
    assert.equal(await m.recoveryFound(o, CODES), true);
    const r = await m.saveRecovery(o, frame(1, 5), false);
    assert.ok(!("error" in r), JSON.stringify(r));
    assert.equal(r.recovery?.saved?.warning, warning);
  });

  it("the warnings of an undo and of a later code are shown too, never dropped (issue 10)", async () => {
    const { m, host, load } = world();
    const warnings: Partial<Record<HostAction, string>> = {
      undo: "github.com/alice was removed but not committed to git (git commit: no commits today)",
      code: "github.com/alice was changed but not committed to git (git commit: no commits today)",
    };
    const request = host.request.bind(host);
    host.request = (async (action: HostAction, params: HostParams[HostAction]) => {
      const r = await request(action, params as never);
      const warning = warnings[action];
      return warning ? { ...(r as object), warning } : r;
    }) as typeof host.request;
    const o = load(1, "https://github.com/settings/2fa");
    await m.found(o, GITHUB_URI, "img");
    const saved = await m.save(o, frame(1, 5), "github.com/alice", "pass", false);
    assert.ok("view" in saved && saved.view.saved?.warning === undefined, JSON.stringify(saved));
    const c = await m.code(o);
    assert.ok(!("error" in c), JSON.stringify(c));
    assert.equal((await m.viewOf(o)).saved?.warning, warnings.code, "a code that wrote and was not committed: said with the save");
    await m.code(o);
    assert.equal((await m.viewOf(o)).saved?.warning, warnings.code, "the same warning once");
    const undone = await m.undo(o);
    assert.ok(!("error" in undone) && undone.saved?.undone === true, JSON.stringify(undone));
    assert.equal(undone.saved?.undoWarning, warnings.undo);

    host.entries["github.com"] = [{ name: "github.com/alice", store: "pass", strength: "exact" }];
    assert.equal(await m.recoveryFound(o, CODES), true);
    const r = await m.saveRecovery(o, popup, true);
    assert.ok(!("error" in r) && r.recovery?.saved, JSON.stringify(r));
    const u = await m.undoRecovery(o);
    assert.ok(!("error" in u) && u.recovery?.undone === true, JSON.stringify(u));
    assert.equal(u.recovery?.undoWarning, warnings.undo);
  });

  it("is refused when the tab shows another origin", async () => {
    const { m, host, load, urls } = world();
    const o = load(1, "https://github.com/settings/2fa");
    await m.found(o, GITHUB_URI, "img");
    urls.set(1, "https://evil.example/");
    assert.match(JSON.stringify(await m.save(o, frame(1, 5), "github.com/alice", "pass", false)), /another site/);
    assert.equal(host.count("save"), 0);
  });
});

describe("a secret shown in a same-site frame", () => {
  const TOP = "https://www.example.com/settings/security";
  const FRAME = "https://accounts.example.com/2fa/setup?embedded=1";

  it("the save and the preview name the frame's own URL; the frame's scanner owns the offer", async () => {
    const { m, host, urls, fills } = world();
    urls.set(1, TOP);
    const o = m.open(1, { frame: 7 }, FRAME, 7);
    assert.equal(m.scannerOffer(1, FRAME, 7), o);
    assert.equal(m.scannerOffer(1, TOP, 0), undefined, "the top frame's scanner does not speak for the frame's offer");
    assert.equal(m.scannerOffer(1, "https://accounts.example.com/other", 8), undefined, "nor another frame of the same origin");
    assert.equal(await m.found(o, GITHUB_URI, "img"), true);
    assert.equal(host.calls.find((c) => c.action === "preview")?.params.url, FRAME);
    const saved = await m.save(o, frame(1, 5), "example.com/alice", "pass", false);
    assert.ok("view" in saved, JSON.stringify(saved));
    assert.equal(host.calls.find((c) => c.action === "save")?.params.url, FRAME, "the host binds the save to the frame's URL");
    assert.deepEqual(fills, [{ tabId: 1, code: "123456", origin: "https://accounts.example.com" }], "the verification fill is for the frame's origin");
  });

  it("is refused once the tab shows another site", async () => {
    const { m, host, urls } = world();
    urls.set(1, TOP);
    const o = m.open(1, { frame: 7 }, FRAME, 7);
    await m.found(o, GITHUB_URI, "img");
    urls.set(1, "https://evil.example/");
    assert.match(JSON.stringify(await m.save(o, frame(1, 5), "example.com/alice", "pass", false)), /another site/);
    assert.equal(host.count("save"), 0);
  });

  it("one offer a tab: a scanner does not take an offer that shows something from another frame", async () => {
    const { m, urls } = world();
    urls.set(1, TOP);
    const top = m.open(1, { frame: 0 }, TOP, 0);
    assert.equal(m.mayOpen(1, 7), true, "the top frame's offer shows nothing yet: a frame's scanner may take the tab");
    const framed = m.open(1, { frame: 7 }, FRAME, 7);
    assert.notEqual(framed.token, top.token);
    await m.found(framed, GITHUB_URI, "img");
    assert.equal(m.mayOpen(1, 0), false, "the frame's offer is shown: the top frame's scanner leaves it");
    assert.equal(m.mayOpen(1, 9), false, "and so does another frame's");
    assert.equal(m.mayOpen(1, 7), true, "a new document in the same frame replaces it");
  });
});

describe("one secret shown twice: a text key and a QR code", () => {
  // GitLab's page: the QR code (fetched, drawn after load) and "Key: h6vj 2kq4 ..." below it.
  const QR_URI = "otpauth://totp/GitLab:alice%40example.com?secret=H6VJ2KQ4XRMZ3TWPLB5YCN7DFGS2AUEQ&issuer=GitLab";
  // What the background builds from the text key: the tab's site as issuer (background/setup.ts keyUri).
  const KEY_URI = "otpauth://totp/gitlab.com:alice%40example.com?secret=H6VJ2KQ4XRMZ3TWPLB5YCN7DFGS2AUEQ&issuer=gitlab.com";
  const OTHER_KEY_URI = "otpauth://totp/gitlab.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=gitlab.com";

  it("the QR code that arrives after the key replaces it in the offer, keeping the store the user chose, and is what gets saved", async () => {
    const { m, host, load, posted } = world();
    host.stores = ["pass", "keyring"];
    const view = { view: "offer frame" };
    m.views = () => [view];
    const o = load(1, "https://gitlab.com/-/profile/two_factor_auth");
    assert.equal(await m.found(o, KEY_URI, "key"), true);
    await m.init(o, undefined, "keyring"); // the user picks the keyring in the offer
    assert.equal(o.store, "keyring");
    const refreshes = posted.filter((p) => p.port === view && (p.cmd as { type: string }).type === "refresh").length;
    assert.equal(await m.found(o, QR_URI, "svg"), true);
    assert.equal(o.uri, QR_URI, "the offer holds the QR code's URI");
    assert.equal(o.source, "svg");
    assert.equal(o.store, "keyring", "the store the user chose stays");
    assert.equal(host.calls.at(-1)?.action, "preview");
    assert.equal(host.calls.at(-1)?.params.uri, QR_URI, "the offer's preview (issuer, account) is the QR code's");
    assert.ok(posted.filter((p) => p.port === view && (p.cmd as { type: string }).type === "refresh").length > refreshes, "the shown offer is refreshed");
    const r = await m.save(o, frame(1, 5), "gitlab.com/alice@example.com", "keyring", false);
    assert.ok("view" in r, JSON.stringify(r));
    assert.deepEqual(host.calls.filter((c) => c.action === "save").map((c) => [c.params.uri, c.params.store]), [[QR_URI, "keyring"]]);
  });

  it("the text key found after the QR code of the same secret does not replace it", async () => {
    const { m, host, load } = world();
    const o = load(1, "https://gitlab.com/-/profile/two_factor_auth");
    assert.equal(await m.found(o, QR_URI, "svg"), true);
    const calls = host.calls.length;
    assert.equal(await m.found(o, KEY_URI, "key"), true, "still offered");
    assert.equal(o.uri, QR_URI);
    assert.equal(o.source, "svg");
    assert.equal(host.calls.length, calls, "nothing asked of the host again");
  });

  it("a QR code the host rejects leaves the key's offer in place", async () => {
    const { m, host, load } = world();
    host.rejectUri = "digits=99";
    const o = load(1, "https://gitlab.com/-/profile/two_factor_auth");
    assert.equal(await m.found(o, KEY_URI, "key"), true);
    assert.equal(await m.found(o, QR_URI + "&digits=99", "svg"), false);
    assert.equal(o.uri, KEY_URI);
    assert.equal(o.source, "key");
  });

  it("a different secret still replaces the offer; nothing replaces a saved one", async () => {
    const { m, load } = world();
    const o = load(1, "https://gitlab.com/-/profile/two_factor_auth");
    assert.equal(await m.found(o, QR_URI, "svg"), true);
    assert.equal(await m.found(o, OTHER_KEY_URI, "key"), true);
    assert.equal(o.uri, OTHER_KEY_URI, "the page shows another key now");
    const r = await m.save(o, frame(1, 5), "gitlab.com/alice@example.com", "pass", false);
    assert.ok("view" in r, JSON.stringify(r));
    assert.equal(await m.found(o, QR_URI, "svg"), false, "saved: a second secret waits for a reload");
    assert.equal(o.uri, undefined);
  });
});

describe("recovery codes", () => {
  async function saveGithub(w: ReturnType<typeof world>, tabId = 1): Promise<Offer> {
    const o = w.load(tabId, "https://github.com/settings/two_factor_authentication/setup/intro");
    await w.m.found(o, GITHUB_URI, "img");
    const r = await w.m.save(o, frame(1, 5), "github.com/alice", "pass", false);
    assert.ok("view" in r);
    return o;
  }

  it("another site in the same tab is not offered the entry saved on github.com (the issue's scenario)", async () => {
    const w = world();
    await saveGithub(w);
    const o = w.load(1, "https://evil.example/recovery");
    assert.equal(await w.m.recoveryFound(o, CODES), true);
    const v = await w.m.viewOf(o);
    assert.deepEqual(v.recovery, { count: 2, target: "evil.example", create: true }, "a new entry of evil.example's own, never github.com/alice");
    // Even a typed name only ever asks the host for a NEW entry: github.com/alice exists, so nothing is written.
    const r = await w.m.saveRecovery(o, frame(1, 5), false, "github.com/alice");
    assert.ok("error" in r && /already exists/.test(r.error), JSON.stringify(r));
    assert.equal(w.host.calls.find((c) => c.action === "save_recovery")?.params.create, true);
    assert.equal(w.host.recovery["github.com/alice"], undefined, "github.com/alice got no codes");
  });

  it("a page of the same site in the same tab, within RECENT_MS: one click into the entry just created", async () => {
    const w = world();
    await saveGithub(w);
    w.clock.now += RECENT_MS - 1;
    const o = w.load(1, "https://github.com/settings/auth/recovery-codes");
    await w.m.recoveryFound(o, CODES);
    const v = await w.m.viewOf(o);
    assert.deepEqual(v.recovery, { count: 2, target: "github.com/alice" });
    const r = await w.m.saveRecovery(o, frame(1, 5), false);
    assert.ok(!("error" in r), JSON.stringify(r));
    assert.deepEqual(w.host.recovery["github.com/alice"], CODES);
    assert.equal(w.host.calls.find((c) => c.action === "save_recovery")?.params.name, "github.com/alice", "the entry is named, never left to the host to pick");
  });

  it("codes saved as another site's own new entry in between do not make the tab forget its github.com save", async () => {
    const w = world();
    await saveGithub(w);
    const evil = w.load(1, "https://evil.example/recovery");
    await w.m.recoveryFound(evil, CODES);
    const made = await w.m.saveRecovery(evil, frame(1, 5), false);
    assert.ok(!("error" in made), JSON.stringify(made));
    assert.deepEqual(w.host.recovery["evil.example"], CODES);
    const o = w.load(1, "https://github.com/settings/auth/recovery-codes");
    await w.m.recoveryFound(o, CODES);
    assert.deepEqual((await w.m.viewOf(o)).recovery, { count: 2, target: "github.com/alice" }, "one click, no confirmation: the entry this tab just created");
  });

  it("after RECENT_MS the tab's save no longer counts: the site's single exact match, confirmed in the popup", async () => {
    const w = world();
    await saveGithub(w);
    w.clock.now += RECENT_MS + 1;
    w.host.entries["github.com"] = [{ name: "github.com/alice", store: "pass", strength: "exact" }];
    const o = w.load(1, "https://github.com/settings/auth/recovery-codes");
    await w.m.recoveryFound(o, CODES);
    assert.deepEqual((await w.m.viewOf(o)).recovery, { count: 2, target: "github.com/alice", confirm: true });
    const fromFrame = await w.m.saveRecovery(o, frame(1, 5), true);
    assert.match(JSON.stringify(fromFrame), /toolbar button/, "the page's frame cannot confirm, even claiming to");
    assert.equal(w.host.count("save_recovery"), 0);
    const fromPopupUnconfirmed = await w.m.saveRecovery(o, popup, false);
    assert.ok("error" in fromPopupUnconfirmed, "the popup's first click only asks");
    assert.equal(w.host.count("save_recovery"), 0);
    const ok = await w.m.saveRecovery(o, popup, true);
    assert.ok(!("error" in ok));
    assert.deepEqual(w.host.recovery["github.com/alice"], CODES);
  });

  it("a site with several exact matches gets no target", async () => {
    const w = world();
    const o = w.load(1, "https://gitlab.com/recovery");
    w.host.entries["gitlab.com"] = [
      { name: "gitlab.com/a", store: "pass", strength: "exact" },
      { name: "gitlab.com/b", store: "pass", strength: "exact" },
    ];
    await w.m.recoveryFound(o, CODES);
    assert.equal((await w.m.viewOf(o)).recovery?.target, undefined);
    assert.ok("error" in (await w.m.saveRecovery(o, popup, true)));
    assert.equal(w.host.count("save_recovery"), 0);
  });

  it("an entry and its backup copy (the same name in pass and the keyring) are one target: the first copy", async () => {
    const w = world();
    const o = w.load(1, "https://gitlab.com/recovery");
    w.host.entries["gitlab.com"] = [
      { name: "gitlab.com/a", store: "pass", strength: "exact" },
      { name: "gitlab.com/a", store: "keyring", strength: "exact" },
    ];
    await w.m.recoveryFound(o, CODES);
    assert.equal((await w.m.viewOf(o)).recovery?.target, "gitlab.com/a");
    const r = await w.m.saveRecovery(o, popup, true);
    assert.ok(!("error" in r), JSON.stringify(r));
    const call = w.host.calls.find((c) => c.action === "save_recovery")!;
    assert.deepEqual([call.params.name, call.params.store], ["gitlab.com/a", "pass"]);
  });

  it("a weak match is never a target: a new entry is proposed instead", async () => {
    const w = world();
    w.host.entries["gitlab.com"] = [{ name: "github.com/alice", store: "pass", strength: "weak" }];
    const o = w.load(1, "https://gitlab.com/recovery");
    await w.m.recoveryFound(o, CODES, "bob");
    assert.deepEqual((await w.m.viewOf(o)).recovery, { count: 2, target: "gitlab.com/bob", create: true });
  });

  it("a site with no entry (2FA by SMS): a new entry named after the site and the page's account, one click, Undo", async () => {
    const w = world();
    const o = w.load(1, "https://secure.nordbank.com/settings/backup-codes");
    assert.equal(await w.m.recoveryFound(o, CODES, "alice@example.com"), true);
    assert.deepEqual((await w.m.viewOf(o)).recovery, { count: 2, target: "nordbank.com/alice@example.com", create: true });
    const r = await w.m.saveRecovery(o, frame(1, 5), false);
    assert.ok(!("error" in r), JSON.stringify(r));
    const call = w.host.calls.find((c) => c.action === "save_recovery")!;
    assert.deepEqual(call.params, { url: "https://secure.nordbank.com/settings/backup-codes", codes: CODES, name: "nordbank.com/alice@example.com", store: "pass", create: true });
    assert.deepEqual(r.recovery?.saved, { name: "nordbank.com/alice@example.com", stores: ["pass"], replaced: 0 });
    assert.equal(r.recovery?.canUndo, true);
    assert.deepEqual(w.noted, ["+pass:nordbank.com/alice@example.com"], "auto-fill is told: no code in it");
    // Undo: the entry is gone, the site has none again, and the proposal is back.
    const u = await w.m.undoRecovery(o);
    assert.ok(!("error" in u) && u.recovery?.undone === true && u.recovery.create === true, JSON.stringify(u));
    assert.equal(w.host.recovery["nordbank.com/alice@example.com"], undefined);
    assert.deepEqual(w.noted, ["+pass:nordbank.com/alice@example.com", "-pass:nordbank.com/alice@example.com"]);
  });

  it("the name of a new entry is the user's to edit; no account on the page proposes the site alone", async () => {
    const w = world();
    const o = w.load(1, "https://www.instagram.com/accounts/two_factor_authentication/backup_codes/");
    await w.m.recoveryFound(o, CODES);
    assert.equal((await w.m.viewOf(o)).recovery?.target, "instagram.com");
    const r = await w.m.saveRecovery(o, frame(1, 5), false, "  instagram.com/alice.k ");
    assert.ok(!("error" in r), JSON.stringify(r));
    assert.deepEqual(w.host.recovery["instagram.com/alice.k"], CODES);
    // The page's account is only ever a proposal: slashes cannot reach another folder.
    const p = w.load(2, "https://www.instagram.com/x");
    await w.m.recoveryFound(p, CODES, "../github.com/alice");
    assert.equal((await w.m.viewOf(p)).recovery?.target, "instagram.com/_github.com_alice");
  });

  it("a key saved later into the entry of recovery codes makes it fillable again", async () => {
    const w = world();
    const o = w.load(1, "https://github.com/settings/two_factor_authentication/setup/intro");
    await w.m.found(o, GITHUB_URI, "img");
    await w.m.save(o, frame(1, 5), "github.com/alice", "pass", false);
    assert.deepEqual(w.noted, ["-pass:github.com/alice"]);
  });

  it("an entry that replaced an existing one, or already got codes from this tab, asks first; the replacement can be undone", async () => {
    const w = world();
    w.host.existing.add("github.com/alice");
    w.host.recovery["github.com/alice"] = ["old-1", "old-2"];
    const o = w.load(1, "https://github.com/settings/two_factor_authentication/setup/intro");
    await w.m.found(o, GITHUB_URI, "img");
    await w.m.save(o, frame(1, 5), "github.com/alice", "pass", false);
    await w.m.save(o, popup, "github.com/alice", "pass", true); // confirmed overwrite of the secret, in the popup
    const r = w.load(1, "https://github.com/settings/auth/recovery-codes");
    await w.m.recoveryFound(r, CODES);
    assert.equal((await w.m.viewOf(r)).recovery?.confirm, true, "the entry existed before: it may hold codes");
    assert.ok("error" in (await w.m.saveRecovery(r, frame(1, 5), false)));
    assert.deepEqual(w.host.recovery["github.com/alice"], ["old-1", "old-2"], "unchanged until confirmed");
    const saved = await w.m.saveRecovery(r, popup, true);
    assert.ok(!("error" in saved) && saved.recovery?.canUndo === true, JSON.stringify(saved));
    assert.equal(saved.recovery?.saved?.replaced, 2, "the view says how many codes were replaced");
    assert.deepEqual(w.host.recovery["github.com/alice"], CODES);
    const undone = await w.m.undoRecovery(r);
    assert.ok(!("error" in undone) && undone.recovery?.undone === true);
    assert.deepEqual(w.host.recovery["github.com/alice"], ["old-1", "old-2"], "undo put the old codes back");
    assert.equal(w.host.calls.at(-1)?.params.url, "https://github.com/settings/auth/recovery-codes", "the undo names the tab's URL (site binding)");
    assert.ok("error" in (await w.m.undoRecovery(r)), "only once");
  });

  it("codes saved once into the new entry: saving codes again asks first", async () => {
    const w = world();
    await saveGithub(w);
    const a = w.load(1, "https://github.com/settings/auth/recovery-codes");
    await w.m.recoveryFound(a, CODES);
    assert.ok(!("error" in (await w.m.saveRecovery(a, frame(1, 5), false))));
    const b = w.load(1, "https://github.com/settings/auth/recovery-codes?regenerated");
    await w.m.recoveryFound(b, ["new-1", "new-2"]);
    assert.equal((await w.m.viewOf(b)).recovery?.confirm, true);
    assert.ok("error" in (await w.m.saveRecovery(b, frame(1, 5), false)));
    assert.deepEqual(w.host.recovery["github.com/alice"], CODES);
  });

  it("another tab's save does not count; closing the tab forgets its save", async () => {
    const w = world();
    await saveGithub(w, 1);
    const other = w.load(2, "https://github.com/settings/auth/recovery-codes");
    await w.m.recoveryFound(other, CODES);
    // Tab 2 saved nothing, and the store has no exact match: only a new entry of the codes is proposed.
    assert.deepEqual((await w.m.viewOf(other)).recovery, { count: 2, target: "github.com", create: true }, "not tab 1's github.com/alice");
    w.m.closeTab(1);
    const again = w.load(1, "https://github.com/settings/auth/recovery-codes");
    await w.m.recoveryFound(again, CODES);
    assert.deepEqual((await w.m.viewOf(again)).recovery, { count: 2, target: "github.com", create: true });
  });

  it("the target is looked up again at the click: an undone save no longer takes the codes", async () => {
    const w = world();
    const o = await saveGithub(w);
    await w.m.recoveryFound(o, CODES);
    assert.equal((await w.m.viewOf(o)).recovery?.target, "github.com/alice");
    await w.m.undo(o);
    assert.deepEqual((await w.m.viewOf(o)).recovery, { count: 2, target: "github.com", create: true }, "the site has no entry again: a new one is proposed");
    await w.m.saveRecovery(o, popup, true);
    assert.equal(w.host.recovery["github.com/alice"], undefined, "the undone entry got nothing");
    assert.equal(w.host.calls.find((c) => c.action === "save_recovery")?.params.create, true, "only ever a new entry");
  });

  it("refuses codes that are not a list of 1 to 64 strings", async () => {
    const w = world();
    const o = w.load(1, "https://github.com/x");
    assert.equal(await w.m.recoveryFound(o, []), false);
    assert.equal(await w.m.recoveryFound(o, Array(65).fill("a")), false);
    assert.equal(await w.m.recoveryFound(o, [1 as unknown as string]), false);
  });
});
