// The setup offer's state machine (docs/DESIGN.md "Setup capture"), without
// any browser API: the host client, the tab URL lookup, the clock, tokens and
// the verification fill are injected, so the rules are unit-tested
// (test/offers.test.ts). src/background/setup.ts is the browser glue: it
// turns each message's sender into a Caller and registers the listeners.
//
// The rules this file holds:
// - An offer belongs to one tab's page. Its secret stays in memory only and
//   is dropped when saved, dismissed, or when the page goes away.
// - An offer page (offer.html, framed on the page) acts only with the token
//   the background gave the scanner, from a frame of that tab (never its top
//   frame), and the first frame (document, where the browser says) to use
//   it is the only one. The popup names the tab instead; the glue says which
//   caller is the real popup.
// - One offer a tab, from the scanner of the top frame or of a frame of the
//   same site (registrable domain) as the tab; a frame's offer saves under
//   the frame's own URL. A scanner does not take the tab's offer from another
//   frame's scanner that has something to show.
// - Overwriting a 2FA secret needs a second click for the very name and store
//   the first click met, and that second click is the toolbar popup's
//   (browser-owned UI that no page can cover or restyle): the offer frame on
//   the page only says so.
// - Recovery codes go only to an entry of the same site: the one saved in this
//   tab on this site (registrable domain) within RECENT_MS, else the site's
//   single exact match. The offer names it. A site with no exact match at all
//   (its 2FA is by SMS, or its key is kept elsewhere) gets a new entry of the
//   codes alone, named after the site and the account the page shows (the
//   user may edit the name): the host creates it or answers `exists`, never
//   writing into an entry that is there. Codes are written with one click
//   only into an entry this tab has just created; anything else may already
//   hold codes, and replacing them is confirmed in the toolbar popup
//   (browser-owned UI that no page can cover or restyle), then can be undone.
// - A page may show one secret twice: as a QR code or otpauth:// link (with
//   issuer, account, parameters) and as a text key (offered with the tab's
//   site as issuer). Until it is saved, the offer holds the richer form,
//   whichever the scanner found first; the user's choice of store stays.

import type { HostAction, HostParams, HostResults } from "../shared/messages";
import type { OfferView, SaveStore, ScannerCommand, SecretSource, SetupReplies, ViewCommand } from "../shared/setup";
import { isOtpauth } from "../setup/key";
import { HostError } from "./host";
import { oneCopyEach, waitBeforeFill } from "./policy";
import { registrableDomain, siteOf } from "./site";

/** How long after a save the entry may take the recovery codes a later page of the same site shows. */
export const RECENT_MS = 10 * 60_000;

/** What an offer frame on the page gets when it asks to replace a secret: that is the popup's to confirm. */
export const REPLACE_IN_POPUP = "Replacing a 2FA secret is confirmed in otpfill's toolbar button, where no page can cover it: open it to replace.";

export interface HostLike {
  request<A extends HostAction>(action: A, params: HostParams[A]): Promise<HostResults[A]>;
}

export interface OfferDeps {
  host: HostLike;
  /** The tab's URL as the browser reports it now. */
  tabUrl(tabId: number): Promise<string>;
  now(): number;
  newToken(): string;
  /** The default store among those available (the options' choice). */
  defaultStore(available: SaveStore[]): Promise<SaveStore>;
  /** Fills the site's verification field with code, only in a document of origin. */
  fillVerification(tabId: number, code: string, origin: string): Promise<boolean>;
  sleep(ms: number): Promise<void>;
  /** Tells a view or scanner something; it may be gone. */
  post(port: unknown, cmd: ScannerCommand | ViewCommand): void;
  errorText(e: unknown): string;
  /** The extension made an entry of recovery codes only (on), or gave one a key (off): auto-fill skips such entries. */
  noteRecoveryOnly?(entry: { name: string; store: string }, on: boolean): void;
}

/**
 * Who sent a message, as the glue established from the browser's sender
 * (never from the message): an extension page framed in tab/frame, the
 * extension's own popup, or anything else (a top-level extension page a web
 * page opened, a page of another kind), which gets nothing.
 */
export type Caller = { kind: "frame"; tabId: number; frameId: number; documentId?: string } | { kind: "popup" } | { kind: "none" };

/** The offer page is named by its one-time token; the popup by the tab it targets. */
export type Ref = { token: string } | { tabId: number };

interface Saved {
  name: string;
  stores: string[];
  storeChoice: SaveStore;
  code?: string | undefined;
  expiresAt?: number | undefined;
  period?: number | undefined;
  filled: boolean;
  undo?: string | undefined;
  undone?: boolean | undefined;
  warning?: string | undefined;
  /** The host's warning with the undo (the entry put back or removed, not committed to git). */
  undoWarning?: string | undefined;
}

/** Adds a host warning to those already kept ("; " between, as the host joins its own). */
function withWarning(kept: string | undefined, more: string | undefined): string | undefined {
  if (!more || kept?.split("; ").includes(more)) return kept;
  return kept ? `${kept}; ${more}` : more;
}

/** An entry this tab saved: the only place a later page's recovery codes may go without a look at the store. */
interface LastSaved {
  site: string;
  name: string;
  storeChoice: SaveStore;
  at: number;
  /** Whether the save created the entry (nothing was overwritten). */
  created: boolean;
  /** Recovery codes this tab already put in it. */
  hasCodes: boolean;
}

export interface Offer {
  tabId: number;
  /** The scanner's port: when it closes, the page is gone and so is its secret. */
  port: unknown;
  token: string;
  /** The frame (and document, where the browser names one) that first used the token. */
  frameId?: number | undefined;
  documentId?: string | undefined;
  /** The page's origin when the scanner started; saves go to this site only. */
  origin: string;
  /**
   * The frame whose scanner found the secret: 0, the top frame, or a frame
   * of the same site (a settings page framing the accounts site), whose own
   * URL the host's site binding then gets (urlOf).
   */
  scannerFrame: number;
  /** That frame's document URL when its scanner connected (the browser's, from the port's sender). */
  frameUrl: string;
  uri?: string | undefined;
  source?: SecretSource | undefined;
  preview?: HostResults["preview"] | undefined;
  store: SaveStore;
  available: SaveStore[];
  /** "name\nstore" of a save that met an existing secret: the next save of the same may overwrite. */
  armed?: string | undefined;
  saved?: Saved | undefined;
  codes?: string[] | undefined;
  recovery?: RecoveryTarget | undefined;
  recoverySaved?:
    | {
        name: string;
        stores: string[];
        replaced: number;
        undo?: string | undefined;
        undone?: boolean;
        warning?: string | undefined;
        undoWarning?: string | undefined;
        created?: boolean;
      }
    | undefined;
  /** The account the page with the recovery codes shows signing in (names a new entry of them). */
  account?: string | undefined;
  shown: boolean;
  problem?: string | undefined;
}

interface RecoveryTarget {
  name: string;
  store?: string | undefined;
  /** Saving may replace codes the entry holds: confirmed in the popup first. */
  confirm: boolean;
  /** The user confirmed replacing, in the popup. */
  confirmed?: boolean;
  /** No entry of the site: a new entry of the codes alone, `name` being the proposal. */
  create?: boolean;
}

/**
 * The name the host's `save` would give an entry of the site at url for an
 * account (host/internal/server EntryName): the registrable domain (with the port, if
 * any), then the account with slashes made "_" and control characters
 * dropped. The host validates whatever name is sent.
 */
export function newEntryName(url: string, account?: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "";
  }
  let domain = registrableDomain(u.hostname);
  if (u.port && !domain.includes(":")) domain += `:${u.port}`;
  const acct = (account ?? "")
    .replace(/[/\\]/g, "_")
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, "")
    .trim()
    .replace(/^\.+/, "")
    .slice(0, 120);
  return acct ? `${domain}/${acct}` : domain;
}

export function originOf(url: string | undefined): string {
  try {
    const o = new URL(url ?? "").origin;
    return o === "null" ? "" : o;
  } catch {
    return "";
  }
}

/** The base32 secret an otpauth URI carries, normalised for comparison, or "". */
export function secretOf(uri: string | undefined): string {
  try {
    return (new URL(uri ?? "").searchParams.get("secret") ?? "").replace(/[\s=-]+/g, "").toUpperCase();
  } catch {
    return "";
  }
}

function siteKey(url: string): string {
  const h = siteOf(url);
  return h ? registrableDomain(h) : "";
}

export class OfferMachine {
  readonly offers = new Map<number, Offer>();
  /** The last entry saved in each tab, per site (a save on another site forgets no other's). Names only. */
  readonly lastSaved = new Map<number, Map<string, LastSaved>>();
  constructor(private readonly d: OfferDeps) {}

  private remember(tabId: number, last: LastSaved): void {
    const bySite = this.lastSaved.get(tabId) ?? new Map<string, LastSaved>();
    bySite.set(last.site, last);
    this.lastSaved.set(tabId, bySite);
  }

  private savedIn(tabId: number, name: string): LastSaved | undefined {
    return [...(this.lastSaved.get(tabId)?.values() ?? [])].find((l) => l.name === name);
  }

  private dropSaved(tabId: number, name: string): void {
    const last = this.savedIn(tabId, name);
    if (last) this.lastSaved.get(tabId)?.delete(last.site);
  }

  // ---- lifetime ----

  /** A scanner connected from a tab's top frame or a same-site frame: a new page, a new offer. */
  open(tabId: number, port: unknown, url: string, scannerFrame = 0): Offer {
    this.forget(tabId);
    const o: Offer = { tabId, port, token: this.d.newToken(), origin: originOf(url), scannerFrame, frameUrl: url, store: "pass", available: [], shown: false };
    this.offers.set(tabId, o);
    return o;
  }

  /**
   * Whether a scanner connecting (or finding something) in frameId of the tab
   * may take the tab's offer: one offer a tab, and a frame's scanner does not
   * end another frame's offer that has something to show.
   */
  mayOpen(tabId: number, frameId: number): boolean {
    const o = this.offers.get(tabId);
    return !o || o.scannerFrame === frameId || (!o.uri && !o.codes && !o.saved && !o.shown);
  }

  /**
   * The URL saves and previews name for the offer's page: the tab's for the
   * top frame; for a frame, the frame's own URL, while the tab still shows
   * the same site (else "", which no origin check passes).
   */
  private async urlOf(o: Offer): Promise<string> {
    const tab = await this.d.tabUrl(o.tabId);
    if (o.scannerFrame === 0) return tab;
    return siteKey(tab) !== "" && siteKey(tab) === siteKey(o.frameUrl) ? o.frameUrl : "";
  }

  /** The page went away (port closed) or a new page replaced it: drop every reference to its secret. */
  forget(tabId: number, port?: unknown): Offer | undefined {
    const o = this.offers.get(tabId);
    if (!o || (port !== undefined && o.port !== port)) return undefined;
    o.uri = undefined;
    o.codes = undefined;
    this.offers.delete(tabId);
    return o;
  }

  closeTab(tabId: number): void {
    this.forget(tabId);
    this.lastSaved.delete(tabId);
  }

  /** The offer a scanner's message belongs to: the tab's, from the same frame and origin. */
  scannerOffer(tabId: number, url: string | undefined, frameId = 0): Offer | undefined {
    const o = this.offers.get(tabId);
    return o && o.scannerFrame === frameId && originOf(url) === o.origin ? o : undefined;
  }

  /**
   * The offer a view may act on, or null: for a token, an extension page
   * framed in the token's tab, and only the frame (and document) that used
   * it first; for a tab id, the popup alone.
   */
  offerFor(ref: Ref, caller: Caller): Offer | null {
    if ("token" in ref) {
      if (caller.kind !== "frame" || caller.frameId <= 0 || typeof ref.token !== "string") return null;
      const o = this.offers.get(caller.tabId);
      if (!o || o.token !== ref.token) return null;
      o.frameId ??= caller.frameId;
      if (o.frameId !== caller.frameId) return null;
      if (caller.documentId !== undefined) {
        o.documentId ??= caller.documentId;
        if (o.documentId !== caller.documentId) return null;
      }
      return o;
    }
    if (caller.kind !== "popup" || typeof ref.tabId !== "number") return null;
    return this.offers.get(ref.tabId) ?? null;
  }

  // ---- the host ----

  private hostProblem(e: unknown): string {
    if (e instanceof HostError) return e.message;
    return `otpfill cannot reach its helper program on this computer (${this.d.errorText(e)}). Run "otpfill doctor" in a terminal.`;
  }

  private async storesAvailable(): Promise<SaveStore[]> {
    const hello = await this.d.host.request("hello", {});
    const ok = (id: string) => hello.stores.some((s) => s.id === id && s.ok);
    const out: SaveStore[] = [];
    if (ok("pass")) out.push("pass");
    if (ok("keyring")) out.push("keyring");
    if (out.length === 2) out.push("both");
    return out;
  }

  private async previewFor(o: Offer, name?: string): Promise<void> {
    if (!o.uri) return;
    const url = await this.urlOf(o);
    o.preview = await this.d.host.request("preview", { url, uri: o.uri, store: o.store, ...(name ? { name } : {}) });
  }

  private refresh(o: Offer, views: Iterable<unknown>): void {
    for (const p of views) this.d.post(p, { type: "refresh" });
    void o;
  }

  /** Views to refresh after a change: the glue sets it. */
  views: (tabId: number) => Iterable<unknown> = () => [];

  private show(o: Offer): void {
    if (!o.shown) {
      o.shown = true;
      this.d.post(o.port, { type: "show", token: o.token });
    }
    this.refresh(o, this.views(o.tabId));
  }

  // ---- the scanner's findings ----

  async found(o: Offer, uri: string, source: SecretSource): Promise<boolean> {
    if (!isOtpauth(uri)) return false;
    if (o.saved && !o.saved.undone) return false; // this page's secret is saved; a second one waits for a reload
    if (o.uri === uri) return true;
    const before = secretOf(o.uri);
    const same = before !== "" && before === secretOf(uri);
    // The text key of a secret already offered from its QR code or link says less: keep the URI.
    if (same && source === "key" && o.source !== "key") return true;
    // The same secret from the page's QR code or link (it may come later than the key): the URI replaces the key, in the store the user chose.
    const keepStore = same ? o.store : undefined;
    const previous = { uri: o.uri, source: o.source };
    o.uri = uri;
    o.source = source;
    o.armed = undefined;
    o.saved = undefined;
    o.problem = undefined;
    try {
      o.available = await this.storesAvailable();
      o.store = keepStore && o.available.includes(keepStore) ? keepStore : await this.d.defaultStore(o.available);
      await this.previewFor(o);
    } catch (e) {
      if (e instanceof HostError && (e.code === "invalid_uri" || e.code === "bad_request")) {
        // Not a key the host can use: nothing new to offer (what was offered before stays).
        o.uri = previous.uri;
        o.source = previous.source;
        return false;
      }
      o.problem = this.hostProblem(e);
    }
    this.show(o);
    return true;
  }

  /** The entry a page's recovery codes may go to, or undefined: see the file's comment. */
  async recoveryTarget(o: Offer): Promise<RecoveryTarget | undefined> {
    const url = await this.urlOf(o);
    const site = siteKey(url);
    if (!site || originOf(url) !== o.origin) return undefined;
    const last = this.lastSaved.get(o.tabId)?.get(site);
    if (last && this.d.now() - last.at <= RECENT_MS) {
      return { name: last.name, store: last.storeChoice, confirm: !last.created || last.hasCodes };
    }
    try {
      const { entries } = await this.d.host.request("match", { url });
      // A name in two stores (an entry and its backup copy) is one entry: its first copy.
      const exact = oneCopyEach(entries).filter((e) => e.strength === "exact");
      if (exact.length === 0) return this.newRecoveryEntry(o, url);
      if (exact.length !== 1) return undefined;
      return { name: exact[0]!.name, store: exact[0]!.store, confirm: true };
    } catch {
      return undefined;
    }
  }

  /** A site with no entry: a new one of the codes alone, in the store a save would use. */
  private async newRecoveryEntry(o: Offer, url: string): Promise<RecoveryTarget | undefined> {
    const name = newEntryName(url, o.account);
    if (!name) return undefined;
    const store = o.available.length ? await this.d.defaultStore(o.available) : undefined;
    return { name, ...(store ? { store } : {}), confirm: false, create: true };
  }

  async recoveryFound(o: Offer, codes: string[], account?: string): Promise<boolean> {
    if (!Array.isArray(codes) || codes.length < 1 || codes.length > 64 || !codes.every((c) => typeof c === "string")) return false;
    o.account = typeof account === "string" && account.length <= 254 ? account : undefined;
    o.codes = codes.slice();
    o.recoverySaved = undefined;
    if (!o.available.length) o.available = await this.storesAvailable().catch(() => []);
    o.recovery = await this.recoveryTarget(o);
    this.show(o);
    return true;
  }

  // ---- the view ----

  async viewOf(o: Offer): Promise<OfferView> {
    return this.view(o, siteOf(await this.urlOf(o)));
  }

  view(o: Offer, site: string): OfferView {
    const v: OfferView = { site, store: o.store, available: o.available };
    if (o.problem) v.problem = o.problem;
    if (o.uri && o.preview) {
      const p = o.preview;
      v.secret = {
        name: p.name,
        type: p.type,
        issuer: p.issuer,
        account: p.account,
        algorithm: p.algorithm,
        digits: p.digits,
        ...(p.period ? { period: p.period } : {}),
        stores: p.stores,
        exists: p.exists ?? [],
        source: o.source ?? "text",
        // A first click met an existing secret under this very name and store: Replace is next (in the popup).
        ...(o.armed === `${p.name}\n${o.store}` ? { confirm: p.exists?.length ? p.exists : [o.store] } : {}),
      };
    }
    if (o.saved) {
      const s = o.saved;
      v.saved = {
        name: s.name,
        stores: s.stores,
        filled: s.filled,
        canUndo: !!s.undo && !s.undone,
        ...(s.undone ? { undone: true } : {}),
        ...(s.undone && s.undoWarning ? { undoWarning: s.undoWarning } : {}),
        ...(s.code && !s.undone ? { code: s.code } : {}),
        ...(s.expiresAt && !s.undone ? { expiresAt: s.expiresAt } : {}),
        ...(s.period ? { period: s.period } : {}),
        ...(s.warning ? { warning: s.warning } : {}),
      };
    }
    if (o.codes) {
      const r = o.recovery;
      const saved = o.recoverySaved;
      v.recovery = {
        count: o.codes.length,
        ...(r ? { target: r.name } : {}),
        ...(r?.confirm && !r.confirmed ? { confirm: true } : {}),
        ...(r?.create ? { create: true } : {}),
        ...(saved && !saved.undone ? { saved: { name: saved.name, stores: saved.stores, replaced: saved.replaced, ...(saved.warning ? { warning: saved.warning } : {}) }, canUndo: !!saved.undo } : {}),
        ...(saved?.undone ? { undone: true, ...(saved.undoWarning ? { undoWarning: saved.undoWarning } : {}) } : {}),
      };
    }
    return v;
  }

  // ---- the views' requests ----

  /** The view, after the user changed the name or store; cancel drops a pending Replace. */
  async init(o: Offer, name?: string, store?: SaveStore, cancel = false): Promise<OfferView> {
    if (cancel) o.armed = undefined;
    if (store && o.available.includes(store) && store !== o.store) {
      o.store = store;
      o.armed = undefined;
    }
    if (o.uri && (store || name !== undefined)) {
      try {
        await this.previewFor(o, name || undefined);
        o.problem = undefined;
      } catch (e) {
        o.problem = this.hostProblem(e);
      }
    }
    return this.viewOf(o);
  }

  /**
   * Saves the offer's key under name in store. overwrite is the "Replace"
   * that follows a first click meeting an existing secret: only the popup
   * may give it, and the glue says which caller is the popup.
   */
  async save(o: Offer, caller: Caller, name: string, store: SaveStore, overwrite: boolean): Promise<SetupReplies["offer-save"]> {
    const url = await this.urlOf(o);
    const site = siteOf(url);
    if (originOf(url) !== o.origin) return { error: "This tab shows another site now: the key was not saved." };
    if (!o.uri) return { error: "There is no key to save on this page any more. Reload the page to look again." };
    if (!o.available.includes(store)) return { error: `The ${store} store cannot be written now.` };
    const armedFor = `${name}\n${store}`;
    // Overwriting needs the confirmation the first click armed, for this very name and store.
    const replace = overwrite && o.armed === armedFor;
    if (overwrite && !replace) return { error: "Confirm replacing the existing secret first." };
    if (replace && caller.kind !== "popup") return { error: REPLACE_IN_POPUP };
    let r: HostResults["save"];
    try {
      r = await this.d.host.request("save", { url, uri: o.uri, name, store, ...(replace ? { overwrite: true } : {}) });
    } catch (e) {
      if (e instanceof HostError && e.code === "exists") {
        o.armed = armedFor;
        o.store = store;
        await this.previewFor(o, name).catch(() => {});
        return { view: this.view(o, site), confirm: o.preview?.exists?.length ? o.preview.exists : [store] };
      }
      return { error: this.hostProblem(e) };
    }
    const period = o.preview?.period;
    o.uri = undefined; // the secret went to the host: the extension keeps nothing of it
    o.armed = undefined;
    o.saved = {
      name: r.name,
      stores: r.stores,
      storeChoice: store,
      code: r.code,
      filled: false,
      ...(r.expires_at ? { expiresAt: r.expires_at } : {}),
      ...(period ? { period } : {}),
      ...(r.undo ? { undo: r.undo } : {}),
      ...(r.warning ? { warning: r.warning } : {}),
    };
    this.remember(o.tabId, { site: siteKey(url), name: r.name, storeChoice: store, at: this.d.now(), created: !replace, hasCodes: false });
    // A key saved into an entry of recovery codes only: it fills from now on.
    for (const st of r.stores) this.d.noteRecoveryOnly?.({ name: r.name, store: st }, false);
    if (o.codes && !o.recoverySaved) o.recovery = await this.recoveryTarget(o);
    // Verify: fill the site's own field with a code that stays valid a few seconds (the user presses the site's button).
    let code = r.code;
    const wait = waitBeforeFill(r.expires_at, this.d.now());
    if (wait) {
      await this.d.sleep(wait);
      try {
        const c = await this.d.host.request("code", { name: r.name, store: r.stores[0] ?? store });
        code = c.code;
        o.saved.code = c.code;
        if (c.expires_at) o.saved.expiresAt = c.expires_at;
        o.saved.warning = withWarning(o.saved.warning, c.warning);
      } catch {
        // keep the first code
      }
    }
    o.saved.filled = await this.d.fillVerification(o.tabId, code, o.origin);
    this.refresh(o, this.views(o.tabId));
    return { view: this.view(o, site) };
  }

  async code(o: Offer): Promise<SetupReplies["offer-code"]> {
    const s = o.saved;
    if (!s || s.undone) return { error: "Nothing saved on this page." };
    try {
      const c = await this.d.host.request("code", { name: s.name, store: s.stores[0] ?? s.storeChoice });
      s.code = c.code;
      if (c.expires_at) s.expiresAt = c.expires_at;
      const warning = withWarning(s.warning, c.warning);
      if (warning !== s.warning) {
        // A code that wrote (an HOTP counter) and could not be committed: the views show it with the save.
        s.warning = warning;
        this.refresh(o, this.views(o.tabId));
      }
      return { code: c.code, ...(c.expires_at ? { expiresAt: c.expires_at } : {}) };
    } catch (e) {
      return { error: this.hostProblem(e) };
    }
  }

  async undo(o: Offer): Promise<SetupReplies["offer-undo"]> {
    const s = o.saved;
    if (!s?.undo || s.undone) return { error: "There is no save to take back." };
    let r: HostResults["undo"];
    try {
      r = await this.d.host.request("undo", { token: s.undo, url: await this.urlOf(o) });
    } catch (e) {
      return { error: this.hostProblem(e) };
    }
    s.undone = true;
    s.undoWarning = r.warning || undefined;
    s.undo = undefined;
    s.code = undefined;
    this.dropSaved(o.tabId, s.name);
    if (o.recovery?.name === s.name && !o.recoverySaved) o.recovery = await this.recoveryTarget(o);
    this.d.post(o.port, { type: "rescan" }); // the page still shows the key: offer it again
    this.refresh(o, this.views(o.tabId));
    return this.viewOf(o);
  }

  /**
   * Saves the page's recovery codes into the entry the offer names. confirm
   * is the popup's "Replace": only the popup may give it, and the glue says
   * which caller is the popup.
   */
  async saveRecovery(o: Offer, caller: Caller, confirm: boolean, typedName?: string): Promise<SetupReplies["offer-recovery"]> {
    const url = await this.urlOf(o);
    const site = siteOf(url);
    if (originOf(url) !== o.origin) return { error: "This tab shows another site now: the codes were not saved." };
    if (!o.codes) return { error: "There are no recovery codes on this page any more." };
    // Looked up again: the entry saved here may have been undone, or its time is up.
    const shown = o.recovery;
    const target = await this.recoveryTarget(o);
    if (!target || !shown || target.name !== shown.name) {
      o.recovery = target;
      this.refresh(o, this.views(o.tabId));
      return { error: target ? `The entry for these codes changed to ${target.name}: check it and save again.` : `No entry of ${site} to keep these codes with.` };
    }
    if (target.confirm) {
      if (!confirm || caller.kind !== "popup") {
        o.recovery = target;
        return { error: `${target.name} may already hold recovery codes: open the otpfill toolbar button to confirm replacing them.` };
      }
      target.confirmed = true;
    }
    // A new entry's name is the user's to edit (in the extension's own page); an existing entry's is not.
    const typed = typeof typedName === "string" ? typedName.trim() : "";
    const name = target.create && typed ? typed.slice(0, 400) : target.name;
    let r: HostResults["save_recovery"];
    try {
      r = await this.d.host.request("save_recovery", {
        url,
        codes: o.codes,
        name,
        ...(target.store ? { store: target.store } : {}),
        ...(target.create ? { create: true } : {}),
      });
    } catch (e) {
      if (target.create && e instanceof HostError && e.code === "exists") return { error: `${name} already exists: choose another name for these recovery codes.` };
      return { error: this.hostProblem(e) };
    }
    o.recovery = target;
    if (target.create) {
      // The entry this tab just made: later codes of this site go to it, and auto-fill never asks it for a code.
      this.remember(o.tabId, { site: siteKey(url), name: r.name, storeChoice: (target.store as SaveStore | undefined) ?? o.store, at: this.d.now(), created: true, hasCodes: true });
      for (const st of r.stores) this.d.noteRecoveryOnly?.({ name: r.name, store: st }, true);
    }
    const replaced = typeof r.replaced === "number" && r.replaced > 0 ? r.replaced : 0;
    o.recoverySaved = {
      name: r.name,
      stores: r.stores,
      replaced,
      ...(typeof r.undo === "string" && r.undo ? { undo: r.undo } : {}),
      ...(r.warning ? { warning: r.warning } : {}),
      ...(target.create ? { created: true } : {}),
    };
    const last = this.savedIn(o.tabId, r.name);
    if (last) last.hasCodes = true;
    this.refresh(o, this.views(o.tabId));
    return this.view(o, site);
  }

  async undoRecovery(o: Offer): Promise<SetupReplies["offer-recovery"]> {
    const s = o.recoverySaved;
    if (!s?.undo || s.undone) return { error: "There is no save of recovery codes to take back." };
    let r: HostResults["undo"];
    try {
      r = await this.d.host.request("undo", { token: s.undo, url: await this.urlOf(o) });
    } catch (e) {
      return { error: this.hostProblem(e) };
    }
    s.undone = true;
    s.undoWarning = r.warning || undefined;
    s.undo = undefined;
    if (o.recovery) o.recovery.confirmed = false;
    if (s.created) {
      // The entry is gone again: the site has none, as before.
      this.dropSaved(o.tabId, s.name);
      for (const st of s.stores) this.d.noteRecoveryOnly?.({ name: s.name, store: st }, false);
      o.recovery = await this.recoveryTarget(o);
    }
    this.refresh(o, this.views(o.tabId));
    return this.viewOf(o);
  }

  dismiss(o: Offer): void {
    o.uri = undefined;
    o.codes = undefined;
    o.shown = false;
    this.d.post(o.port, { type: "hide" });
    this.refresh(o, this.views(o.tabId));
  }
}
