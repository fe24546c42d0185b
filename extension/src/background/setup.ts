// Setup capture in the background (DESIGN.md "Setup capture"): injects the
// scanner into pages that look like 2FA setup pages, keeps the secret the
// scanner found in memory only (never in storage.*), asks the host to
// `preview` it, and serves the offer (offer.html in a frame on the page, and
// the popup). Saving, verifying (filling the site's field with the current
// code), undo and recovery codes go to the host from here.
//
// Safety: the secret is kept per tab for the page that showed it, dropped
// when it is saved, dismissed, or the page goes away (the scanner's port
// closes), and never sent to the offer page or the popup. Offer pages are
// web-accessible (they must be framed on the page), so a page could frame one
// itself: each works only with the one-time token the background gave the
// scanner, from the tab it names, and is bound to the first frame that used
// it. Overwriting needs two clicks: a save that meets an existing secret only
// arms the confirmation, and only a second save for the same name and store
// sends overwrite.

import { api } from "../shared/api";
import { HOST_NAME, type HostResults, type Message } from "../shared/messages";
import { loadOptions } from "../shared/options";
import {
  type CaptureRect,
  type FoundKey,
  isSetupMessage,
  OFFER_PORT,
  type OfferRef,
  type OfferView,
  type SaveStore,
  type ScannerCommand,
  type SecretSource,
  SETUP_PORT,
  type SetupMessage,
  type SetupReplies,
  type ViewCommand,
} from "../shared/setup";
import { decodeOtpauth } from "../setup/qr";
import { isOtpauth } from "../setup/key";
import { bestFrame } from "./frames";
import { errorText, HostClient, HostError } from "./host";
import { waitBeforeFill } from "./policy";
import { registrableDomain, siteOf } from "./site";

/**
 * A connection of its own, kept open for 10 minutes after the last request:
 * an `undo` token is valid only in the host process that saved, and an open
 * native port also keeps a Chromium service worker (and so the pending
 * secret in its memory) alive while the user decides.
 */
const host = new HostClient(HOST_NAME, 10 * 60_000);

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
}

interface Offer {
  tabId: number;
  /** The scanner's port: when it closes, the page is gone and so is its secret. */
  port: chrome.runtime.Port;
  token: string;
  /** The frame that first used the token. */
  frameId?: number | undefined;
  /** The page's origin when the scanner started; saves go to this site only. */
  origin: string;
  uri?: string | undefined;
  source?: SecretSource | undefined;
  preview?: HostResults["preview"] | undefined;
  store: SaveStore;
  available: SaveStore[];
  /** "name\nstore" of a save that met an existing secret: the next save of the same may overwrite. */
  armed?: string | undefined;
  saved?: Saved | undefined;
  codes?: string[] | undefined;
  recoveryTarget?: string | undefined;
  recoverySaved?: { name: string; stores: string[] } | undefined;
  shown: boolean;
  problem?: string | undefined;
}

const offers = new Map<number, Offer>();
/** Views (offer frames, popups) listening for changes, by tab. */
const views = new Map<number, Set<chrome.runtime.Port>>();
/** The last entry saved on a tab, per site: where its recovery codes go on the next page. Names only. */
const lastSaved = new Map<number, { site: string; name: string; storeChoice: SaveStore }>();

type Sender = chrome.runtime.MessageSender;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function originOf(url: string | undefined): string {
  try {
    return new URL(url ?? "").origin;
  } catch {
    return "";
  }
}

function isExtensionUrl(url: string | undefined, page = ""): boolean {
  return (url ?? "").startsWith(api.runtime.getURL(page));
}

/** A content script or the scanner in a tab's top frame (not an extension page). */
function fromTopFrame(sender: Sender): boolean {
  return sender.id === api.runtime.id && sender.tab?.id !== undefined && (sender.frameId ?? 0) === 0 && !isExtensionUrl(sender.url);
}

function post(port: chrome.runtime.Port, m: ScannerCommand | ViewCommand): void {
  try {
    port.postMessage(m);
  } catch {
    // gone; its onDisconnect cleans up
  }
}

function refreshViews(tabId: number): void {
  for (const p of views.get(tabId) ?? []) post(p, { type: "refresh" });
}

function forget(tabId: number): void {
  const o = offers.get(tabId);
  if (!o) return;
  // Drop every reference to the secret (strings cannot be wiped in JavaScript; unreachable is the best we can do).
  o.uri = undefined;
  o.codes = undefined;
  offers.delete(tabId);
  for (const p of views.get(tabId) ?? []) post(p, { type: "close" });
}

// ---- what the host can write ----

async function storesAvailable(): Promise<SaveStore[]> {
  const hello = await host.request("hello", {});
  const ok = (id: string) => hello.stores.some((s) => s.id === id && s.ok);
  const out: SaveStore[] = [];
  if (ok("pass")) out.push("pass");
  if (ok("keyring")) out.push("keyring");
  if (out.length === 2) out.push("both");
  return out;
}

async function defaultStore(available: SaveStore[]): Promise<SaveStore> {
  const want = (await loadOptions()).saveStore;
  return available.includes(want) ? want : (available[0] ?? want);
}

// ---- the scanner's findings ----

/** An otpauth URI for a setup key read from the page: the issuer is the tab's site, never page text. */
export function keyUri(key: FoundKey, tabUrl: string): string {
  const issuer = registrableDomain(siteOf(tabUrl));
  const label = encodeURIComponent(issuer) + (key.account ? ":" + encodeURIComponent(key.account) : "");
  const q = new URLSearchParams({ secret: key.secret, issuer });
  if (key.algorithm && key.algorithm !== "SHA1") q.set("algorithm", key.algorithm);
  if (key.digits && key.digits !== 6) q.set("digits", String(key.digits));
  if (key.period && key.period !== 30) q.set("period", String(key.period));
  return `otpauth://totp/${label}?${q}`;
}

async function tabUrl(tabId: number): Promise<string> {
  return (await api.tabs.get(tabId)).url ?? "";
}

async function show(o: Offer): Promise<void> {
  if (!o.shown) {
    o.shown = true;
    post(o.port, { type: "show", token: o.token });
  }
  refreshViews(o.tabId);
}

async function previewFor(o: Offer, name?: string): Promise<void> {
  if (!o.uri) return;
  const url = await tabUrl(o.tabId);
  o.preview = await host.request("preview", { url, uri: o.uri, store: o.store, ...(name ? { name } : {}) });
}

async function onFound(o: Offer, uri: string, source: SecretSource): Promise<boolean> {
  if (!isOtpauth(uri)) return false;
  if (o.saved && !o.saved.undone) return false; // this page's secret is saved; a second one waits for a reload
  if (o.uri === uri) return true;
  o.uri = uri;
  o.source = source;
  o.armed = undefined;
  o.saved = undefined;
  o.problem = undefined;
  try {
    o.available = await storesAvailable();
    o.store = await defaultStore(o.available);
    await previewFor(o);
  } catch (e) {
    if (e instanceof HostError && (e.code === "invalid_uri" || e.code === "bad_request")) {
      o.uri = undefined; // not a key the host can use: nothing to offer
      return false;
    }
    o.problem = hostProblem(e);
  }
  await show(o);
  return true;
}

function hostProblem(e: unknown): string {
  if (e instanceof HostError) return e.message;
  return `otpfill cannot reach its helper program on this computer (${errorText(e)}). Run "otpfill doctor" in a terminal.`;
}

async function cropAndDecode(dataUrl: string, rects: CaptureRect[], viewport: { width: number; height: number }): Promise<string | null> {
  const blob = await (await fetch(dataUrl)).blob();
  const shot = await createImageBitmap(blob);
  // Device pixels per CSS pixel of the page: covers devicePixelRatio and zoom alike.
  const scale = shot.width / viewport.width;
  try {
    for (const r of rects) {
      const margin = 6;
      const sx = Math.max(0, Math.floor((r.x - margin) * scale));
      const sy = Math.max(0, Math.floor((r.y - margin) * scale));
      const sw = Math.min(shot.width - sx, Math.ceil((r.width + 2 * margin) * scale));
      const sh = Math.min(shot.height - sy, Math.ceil((r.height + 2 * margin) * scale));
      if (sw < 16 || sh < 16) continue;
      const c = new OffscreenCanvas(sw, sh);
      const ctx = c.getContext("2d", { willReadFrequently: true });
      if (!ctx) continue;
      ctx.drawImage(shot, sx, sy, sw, sh, 0, 0, sw, sh);
      const uri = decodeOtpauth(ctx.getImageData(0, 0, sw, sh));
      if (uri) return uri;
    }
    return null;
  } finally {
    shot.close();
  }
}

async function onCapture(o: Offer, rects: CaptureRect[], viewport: { width: number; height: number }): Promise<SetupReplies["setup-capture"]> {
  const tab = await api.tabs.get(o.tabId);
  if (!tab.active) return { found: false, retry: "visible" };
  let shot: string;
  try {
    shot = await api.tabs.captureVisibleTab(tab.windowId, { format: "png" });
  } catch {
    return { found: false, retry: "visible" }; // minimised, or the capture rate limit: the scanner tries again later
  }
  const uri = await cropAndDecode(shot, rects.slice(0, 16), viewport);
  if (!uri) return { found: false };
  return { found: await onFound(o, uri, "capture") };
}

async function exactTarget(url: string): Promise<string | undefined> {
  try {
    const { entries } = await host.request("match", { url });
    const exact = entries.filter((e) => e.strength === "exact");
    return exact.length === 1 ? exact[0]!.name : undefined;
  } catch {
    return undefined;
  }
}

async function onRecovery(o: Offer, codes: string[]): Promise<boolean> {
  if (codes.length < 1 || codes.length > 64) return false;
  o.codes = codes.slice();
  o.recoverySaved = undefined;
  const url = await tabUrl(o.tabId);
  const last = lastSaved.get(o.tabId);
  o.recoveryTarget = last && last.site === registrableDomain(siteOf(url)) ? last.name : await exactTarget(url);
  if (!o.available.length) o.available = await storesAvailable().catch(() => []);
  await show(o);
  return true;
}

// ---- the view ----

function view(o: Offer, site: string): OfferView {
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
      ...(s.code && !s.undone ? { code: s.code } : {}),
      ...(s.expiresAt && !s.undone ? { expiresAt: s.expiresAt } : {}),
      ...(s.period ? { period: s.period } : {}),
    };
  }
  if (o.codes) {
    v.recovery = {
      count: o.codes.length,
      ...(o.recoveryTarget ? { target: o.recoveryTarget } : {}),
      ...(o.recoverySaved ? { saved: o.recoverySaved } : {}),
    };
  }
  return v;
}

// ---- the offer page's requests ----

/** The offer a view may act on, or null: the token's own frame in its own tab, or the popup (never framed) for a tab. */
function offerFor(ref: OfferRef, sender: Sender): Offer | null {
  if ("token" in ref) {
    if (!isExtensionUrl(sender.url, "offer.html")) return null;
    for (const o of offers.values()) {
      if (o.token !== ref.token || sender.tab?.id !== o.tabId) continue;
      const frame = sender.frameId ?? -1;
      if (frame <= 0) return null; // an offer page is only ever framed in the page
      o.frameId ??= frame;
      return o.frameId === frame ? o : null;
    }
    return null;
  }
  if (!isExtensionUrl(sender.url, "popup.html") || (sender.frameId ?? 0) !== 0) return null;
  return offers.get(ref.tabId) ?? null;
}

async function siteOfTab(o: Offer): Promise<{ url: string; site: string; same: boolean }> {
  const url = await tabUrl(o.tabId);
  return { url, site: siteOf(url), same: originOf(url) === o.origin };
}

async function onInit(o: Offer, name?: string, store?: SaveStore): Promise<OfferView> {
  const { site } = await siteOfTab(o);
  if (store && o.available.includes(store) && store !== o.store) {
    o.store = store;
    o.armed = undefined;
  }
  if (o.uri && (store || name !== undefined)) {
    try {
      await previewFor(o, name || undefined);
      o.problem = undefined;
    } catch (e) {
      o.problem = hostProblem(e);
    }
  }
  return view(o, site);
}

async function fillVerification(tabId: number, code: string): Promise<boolean> {
  const frameId = (await bestFrame(tabId)) ?? 0;
  const msg: Message = { type: "fill", code, how: "manual", submit: false, target: "best" };
  try {
    const r = (await api.tabs.sendMessage(tabId, msg, { frameId })) as { filled?: boolean } | undefined;
    return r?.filled === true;
  } catch {
    return false;
  }
}

async function onSave(o: Offer, name: string, store: SaveStore, overwrite: boolean): Promise<SetupReplies["offer-save"]> {
  const { url, site, same } = await siteOfTab(o);
  if (!same) return { error: "This tab shows another site now: the key was not saved." };
  if (!o.uri) return { error: "There is no key to save on this page any more. Reload the page to look again." };
  if (!o.available.includes(store)) return { error: `The ${store} store cannot be written now.` };
  const armedFor = `${name}\n${store}`;
  // Overwriting needs the confirmation the first click armed, for this very name and store.
  const replace = overwrite && o.armed === armedFor;
  if (overwrite && !replace) return { error: "Confirm replacing the existing secret first." };
  let r: HostResults["save"];
  try {
    r = await host.request("save", { url, uri: o.uri, name, store, ...(replace ? { overwrite: true } : {}) });
  } catch (e) {
    if (e instanceof HostError && e.code === "exists") {
      o.armed = armedFor;
      o.store = store;
      await previewFor(o, name).catch(() => {});
      return { view: view(o, site), confirm: o.preview?.exists?.length ? o.preview.exists : [store] };
    }
    return { error: hostProblem(e) };
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
  };
  lastSaved.set(o.tabId, { site: registrableDomain(site), name: r.name, storeChoice: store });
  if (o.codes) o.recoveryTarget = r.name;
  // Verify: fill the site's own field with a code that stays valid a few seconds (the user presses the site's button).
  let code = r.code;
  const wait = waitBeforeFill(r.expires_at, Date.now());
  if (wait) {
    await sleep(wait);
    try {
      const c = await host.request("code", { name: r.name, store: r.stores[0] ?? store });
      code = c.code;
      o.saved.code = c.code;
      if (c.expires_at) o.saved.expiresAt = c.expires_at;
    } catch {
      // keep the first code
    }
  }
  o.saved.filled = await fillVerification(o.tabId, code);
  refreshViews(o.tabId);
  return { view: view(o, site) };
}

async function onCode(o: Offer): Promise<SetupReplies["offer-code"]> {
  const s = o.saved;
  if (!s || s.undone) return { error: "Nothing saved on this page." };
  try {
    const c = await host.request("code", { name: s.name, store: s.stores[0] ?? s.storeChoice });
    s.code = c.code;
    if (c.expires_at) s.expiresAt = c.expires_at;
    return { code: c.code, ...(c.expires_at ? { expiresAt: c.expires_at } : {}) };
  } catch (e) {
    return { error: hostProblem(e) };
  }
}

async function onUndo(o: Offer): Promise<SetupReplies["offer-undo"]> {
  const s = o.saved;
  if (!s?.undo || s.undone) return { error: "There is no save to take back." };
  try {
    await host.request("undo", { token: s.undo });
  } catch (e) {
    return { error: hostProblem(e) };
  }
  s.undone = true;
  s.undo = undefined;
  s.code = undefined;
  const last = lastSaved.get(o.tabId);
  if (last?.name === s.name) lastSaved.delete(o.tabId);
  if (o.recoveryTarget === s.name && !o.recoverySaved) o.recoveryTarget = undefined;
  post(o.port, { type: "rescan" }); // the page still shows the key: offer it again
  const { site } = await siteOfTab(o);
  refreshViews(o.tabId);
  return view(o, site);
}

async function onSaveRecovery(o: Offer): Promise<SetupReplies["offer-recovery"]> {
  const { url, site, same } = await siteOfTab(o);
  if (!same) return { error: "This tab shows another site now: the codes were not saved." };
  if (!o.codes) return { error: "There are no recovery codes on this page any more." };
  const last = o.saved && !o.saved.undone ? { name: o.saved.name, storeChoice: o.saved.storeChoice } : lastSaved.get(o.tabId);
  try {
    const r = await host.request("save_recovery", {
      url,
      codes: o.codes,
      ...(last ? { name: last.name, store: last.storeChoice } : {}),
    });
    o.recoverySaved = { name: r.name, stores: r.stores };
    o.recoveryTarget = r.name;
    o.codes = o.codes.slice(); // kept to show the count; the page shows them anyway
  } catch (e) {
    return { error: hostProblem(e) };
  }
  refreshViews(o.tabId);
  return view(o, site);
}

// ---- routing ----

async function handle(msg: SetupMessage, sender: Sender): Promise<unknown> {
  switch (msg.type) {
    case "setup-maybe": {
      if (!fromTopFrame(sender) || !siteOf(sender.tab!.url)) return;
      await api.scripting
        .executeScript({ target: { tabId: sender.tab!.id!, frameIds: [0] }, files: ["setup.js"] })
        .catch(() => {}); // a page the extension may not script (the web store, a PDF)
      return;
    }
    case "setup-found":
    case "setup-capture":
    case "setup-recovery": {
      const o = fromTopFrame(sender) ? offers.get(sender.tab!.id!) : undefined;
      if (!o || originOf(sender.url) !== o.origin) return msg.type === "setup-capture" ? { found: false } : { offered: false };
      if (msg.type === "setup-capture") return onCapture(o, msg.rects, msg.viewport);
      if (msg.type === "setup-recovery") return { offered: await onRecovery(o, msg.codes) };
      const uri = msg.uri ?? (msg.key ? keyUri(msg.key, sender.tab!.url ?? "") : "");
      return { offered: await onFound(o, uri, msg.source) };
    }
    default: {
      const o = offerFor(msg.ref, sender);
      // The popup on a tab with nothing to offer: an empty view, so it shows nothing.
      if (!o && msg.type === "offer-init" && "tabId" in msg.ref && isExtensionUrl(sender.url, "popup.html"))
        return { site: "", store: "pass", available: [] } satisfies OfferView;
      if (!o) return msg.type === "offer-dismiss" || msg.type === "offer-size" ? undefined : { error: "This offer has expired. Reload the page to look for the key again." };
      switch (msg.type) {
        case "offer-init":
          return onInit(o, msg.name, msg.store);
        case "offer-save":
          return onSave(o, msg.name.trim(), msg.store, msg.overwrite);
        case "offer-code":
          return onCode(o);
        case "offer-undo":
          return onUndo(o);
        case "offer-recovery":
          return onSaveRecovery(o);
        case "offer-dismiss":
          o.uri = undefined;
          o.codes = undefined;
          o.shown = false;
          post(o.port, { type: "hide" });
          refreshViews(o.tabId);
          return;
        case "offer-size":
          if ("token" in msg.ref) post(o.port, { type: "size", height: Math.round(msg.height) });
          return;
      }
    }
  }
}

api.runtime.onMessage.addListener((msg: unknown, sender, reply) => {
  if (!isSetupMessage(msg) || sender.id !== api.runtime.id) return false;
  handle(msg, sender).then(
    (r) => reply(r),
    (e) => reply({ error: errorText(e) }),
  );
  return true; // answered later
});

api.runtime.onConnect.addListener((port) => {
  const sender = port.sender ?? {};
  if (port.name === SETUP_PORT) {
    if (!fromTopFrame(sender)) return port.disconnect();
    const tabId = sender.tab!.id!;
    forget(tabId); // a new document in this tab: the previous page's offer is over
    const o: Offer = {
      tabId,
      port,
      token: crypto.randomUUID(),
      origin: originOf(sender.url),
      store: "pass",
      available: [],
      shown: false,
    };
    offers.set(tabId, o);
    port.onDisconnect.addListener(() => {
      if (offers.get(tabId)?.port === port) forget(tabId);
    });
    return;
  }
  if (port.name.startsWith(OFFER_PORT + ":")) {
    const ref = JSON.parse(port.name.slice(OFFER_PORT.length + 1)) as OfferRef;
    const o = offerFor(ref, sender);
    if (!o) return port.disconnect();
    const set = views.get(o.tabId) ?? new Set();
    set.add(port);
    views.set(o.tabId, set);
    port.onDisconnect.addListener(() => set.delete(port));
  }
});

api.tabs.onRemoved.addListener((tabId) => {
  forget(tabId);
  lastSaved.delete(tabId);
  views.delete(tabId);
});

/** For the e2e tests, from the background context only: whether a tab holds a pending secret (never the secret). */
(globalThis as { otpfillSetupTest?: unknown }).otpfillSetupTest = {
  pending: (tabId: number) => offers.get(tabId)?.uri !== undefined,
  pendingTabs: () => [...offers.values()].filter((o) => o.uri !== undefined).length,
};
