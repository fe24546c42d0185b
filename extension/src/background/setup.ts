// Setup capture in the background (docs/DESIGN.md "Setup capture"): the
// browser glue around the offer state machine (offers.ts). It injects the
// scanner into pages that look like 2FA setup pages, decodes captures of the
// visible tab, turns each sender into a Caller (senders.ts says who may be
// the popup and who is a framed offer page) and registers the listeners
// (registerSetup, called by the entry point main.ts).

import { clickSeen, NOT_SEEN } from "./guard";
import { api } from "../shared/api";
import { HOST_NAME, type Message } from "../shared/messages";
import { loadOptions } from "../shared/options";
import {
  type CaptureRect,
  type FoundKey,
  isSetupMessage,
  OFFER_PORT,
  type OfferView,
  type SaveStore,
  type ScannerCommand,
  SETUP_PORT,
  type SetupMessage,
  type SetupReplies,
  type ViewCommand,
} from "../shared/setup";
import { decodeOtpauth } from "../setup/qr";
import { frameTarget } from "./frames";
import { errorText, HostClient } from "./host";
import { type Caller, type Offer, OfferMachine, type Ref } from "./offers";
import { noteRecoveryOnly } from "./recoveryonly";
import { fromPopup, framedPage, scannerFrame } from "./senders";
import { registrableDomain, siteOf } from "./site";

/**
 * A connection of its own, kept open for 10 minutes after the last request:
 * an `undo` token is valid only in the host process that saved, and an open
 * native port also keeps a Chromium service worker (and so the pending
 * secret in its memory) alive while the user decides.
 */
const host = new HostClient(HOST_NAME, 10 * 60_000);

type Sender = chrome.runtime.MessageSender;
type Port = chrome.runtime.Port;

/** Views (offer frames, popups) listening for changes, by tab. */
const views = new Map<number, Set<Port>>();

function post(port: unknown, m: ScannerCommand | ViewCommand): void {
  try {
    (port as Port).postMessage(m);
  } catch {
    // gone; its onDisconnect cleans up
  }
}

async function tabUrl(tabId: number): Promise<string> {
  return (await api.tabs.get(tabId)).url ?? "";
}

/** Fills the site's verification field, in a document of the origin the key was found on only. */
async function fillVerification(tabId: number, code: string, origin: string): Promise<boolean> {
  const t = await frameTarget(tabId, undefined);
  if (t.origin !== undefined && t.origin !== origin) return false;
  const msg: Message = { type: "fill", code, how: "manual", submit: false, target: "best", origin: t.origin ?? origin };
  try {
    const r = (await api.tabs.sendMessage(tabId, msg, t.options)) as { filled?: boolean } | undefined;
    return r?.filled === true;
  } catch {
    return false;
  }
}

export const machine = new OfferMachine({
  host,
  tabUrl,
  now: () => Date.now(),
  newToken: () => crypto.randomUUID(),
  defaultStore: async (available: SaveStore[]) => {
    const want = (await loadOptions()).saveStore;
    return available.includes(want) ? want : (available[0] ?? want);
  },
  fillVerification,
  sleep: (ms) => new Promise<void>((r) => setTimeout(r, ms)),
  post,
  errorText,
  noteRecoveryOnly: (entry, on) => void noteRecoveryOnly(entry, on),
});
machine.views = (tabId) => views.get(tabId) ?? [];

function forget(tabId: number, port?: Port): void {
  if (!machine.forget(tabId, port)) return;
  for (const p of views.get(tabId) ?? []) post(p, { type: "close" });
}

/** The scanners of each tab, by frame: one of them owns the tab's offer (OfferMachine.mayOpen). */
const scanners = new Map<number, Map<number, { port: Port; url: string }>>();

function callerOf(sender: Sender): Caller {
  const framed = framedPage(sender, "offer.html");
  if (framed) return { kind: "frame", ...framed };
  if (fromPopup(sender)) return { kind: "popup" };
  return { kind: "none" };
}

// ---- the scanner's findings ----

/** An otpauth URI for a setup key read from the page: the issuer is the tab's site, never page text. */
export function keyUri(key: FoundKey, tabUrl: string): string {
  const issuer = registrableDomain(siteOf(tabUrl));
  const label = encodeURIComponent(issuer) + (key.account ? ":" + encodeURIComponent(key.account) : "");
  const q = new URLSearchParams({ secret: key.secret, issuer });
  if (key.algorithm && key.algorithm !== "SHA1") q.set("algorithm", key.algorithm);
  if (key.digits && key.digits !== 6) q.set("digits", String(key.digits));
  const hotp = key.type === "hotp";
  if (hotp) q.set("counter", String(Number.isSafeInteger(key.counter) && key.counter! >= 0 ? key.counter : 0));
  else if (key.period && key.period !== 30) q.set("period", String(key.period));
  return `otpauth://${hotp ? "hotp" : "totp"}/${label}?${q}`;
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
  return { found: await machine.found(o, uri, "capture") };
}

/**
 * The offer a scanner's finding belongs to: the tab's offer, if this scanner
 * owns it; else, while the tab's offer shows nothing, this scanner takes it
 * (a frame's scanner may connect before or after the top frame's).
 */
function scannerOffer(sender: Sender): Offer | undefined {
  const tabId = sender.tab!.id!;
  const frameId = sender.frameId ?? 0;
  const own = machine.scannerOffer(tabId, sender.url, frameId);
  if (own) return own;
  const me = scanners.get(tabId)?.get(frameId);
  if (!me || !machine.mayOpen(tabId, frameId)) return undefined;
  forget(tabId);
  machine.open(tabId, me.port, me.url, frameId);
  return machine.scannerOffer(tabId, sender.url, frameId);
}

// ---- routing ----

async function handle(msg: SetupMessage, sender: Sender): Promise<unknown> {
  switch (msg.type) {
    case "setup-maybe": {
      if (!scannerFrame(sender) || !siteOf(sender.tab!.url)) return;
      await api.scripting
        .executeScript({ target: { tabId: sender.tab!.id!, frameIds: [sender.frameId ?? 0] }, files: ["setup.js"] })
        .catch(() => {}); // a page the extension may not script (the web store, a PDF)
      return;
    }
    case "setup-found":
    case "setup-capture":
    case "setup-recovery": {
      const o = scannerFrame(sender) ? scannerOffer(sender) : undefined;
      if (!o) return msg.type === "setup-capture" ? { found: false } : { offered: false };
      if (msg.type === "setup-capture") return onCapture(o, msg.rects, msg.viewport);
      if (msg.type === "setup-recovery") return { offered: await machine.recoveryFound(o, msg.codes, typeof msg.account === "string" ? msg.account : undefined) };
      // The issuer of a text key is the site of the document it was read in (the frame's, for a frame).
      const uri = msg.uri ?? (msg.key ? keyUri(msg.key, sender.url ?? "") : "");
      return { offered: await machine.found(o, uri, msg.source) };
    }
    default: {
      const caller = callerOf(sender);
      const o = machine.offerFor(msg.ref as Ref, caller);
      // The popup on a tab with nothing to offer: an empty view, so it shows nothing.
      if (!o && msg.type === "offer-init" && caller.kind === "popup") return { site: "", store: "pass", available: [] } satisfies OfferView;
      if (!o) return msg.type === "offer-dismiss" || msg.type === "offer-size" ? undefined : { error: "This offer has expired. Reload the page to look for the key again." };
      // A click in an offer frame on the page counts only if the user could see the frame (guard.ts); the popup is the browser's own.
      const guarded = msg.type === "offer-save" || msg.type === "offer-recovery" || msg.type === "offer-undo" || msg.type === "offer-recovery-undo";
      if (guarded && "token" in msg.ref && !(await clickSeen(o.tabId, msg.at, o.scannerFrame)))
        return { error: NOT_SEEN };
      switch (msg.type) {
        case "offer-init":
          return machine.init(o, msg.name, msg.store, msg.cancel === true);
        case "offer-save":
          return machine.save(o, caller, String(msg.name).trim(), msg.store, msg.overwrite === true);
        case "offer-code":
          return machine.code(o);
        case "offer-undo":
          return machine.undo(o);
        case "offer-recovery":
          return machine.saveRecovery(o, caller, msg.confirm === true, typeof msg.name === "string" ? msg.name : undefined);
        case "offer-recovery-undo":
          return machine.undoRecovery(o);
        case "offer-dismiss":
          return machine.dismiss(o);
        case "offer-size":
          if ("token" in msg.ref) post(o.port, { type: "size", height: Math.round(msg.height) });
          return;
      }
    }
  }
}

function onConnect(port: Port): void {
  const sender = port.sender ?? {};
  if (port.name === SETUP_PORT) {
    if (!scannerFrame(sender)) return port.disconnect();
    const tabId = sender.tab!.id!;
    const frameId = sender.frameId ?? 0;
    const tab = scanners.get(tabId) ?? new Map<number, { port: Port; url: string }>();
    const me = { port, url: sender.url ?? "" };
    tab.set(frameId, me);
    scanners.set(tabId, tab);
    // A new document in this frame (or the first scanner of the tab): the previous offer is over.
    if (machine.mayOpen(tabId, frameId)) {
      forget(tabId);
      machine.open(tabId, port, me.url, frameId);
    }
    port.onDisconnect.addListener(() => {
      if (tab.get(frameId) === me) tab.delete(frameId);
      forget(tabId, port);
    });
    return;
  }
  if (port.name.startsWith(OFFER_PORT + ":")) {
    let ref: Ref;
    try {
      ref = JSON.parse(port.name.slice(OFFER_PORT.length + 1)) as Ref;
    } catch {
      return port.disconnect();
    }
    const o = ref && typeof ref === "object" ? machine.offerFor(ref, callerOf(sender)) : null;
    if (!o) return port.disconnect();
    const set = views.get(o.tabId) ?? new Set();
    set.add(port);
    views.set(o.tabId, set);
    port.onDisconnect.addListener(() => set.delete(port));
  }
}

/** Registers setup capture's listeners (called once by the background's entry point). */
export function registerSetup(): void {
  api.runtime.onMessage.addListener((msg: unknown, sender, reply) => {
    if (!isSetupMessage(msg) || sender.id !== api.runtime.id) return false;
    handle(msg, sender).then(
      (r) => reply(r),
      (e) => reply({ error: errorText(e) }),
    );
    return true; // answered later
  });
  api.runtime.onConnect.addListener(onConnect);
  api.tabs.onRemoved.addListener((tabId) => {
    scanners.delete(tabId);
    forget(tabId);
    machine.closeTab(tabId);
    views.delete(tabId);
  });
  /** For the e2e tests (e2e build only), from the background context only: whether a tab holds a pending secret (never the secret). */
  if (__OTPFILL_TEST_HOOKS__)
    (globalThis as { otpfillSetupTest?: unknown }).otpfillSetupTest = {
      pending: (tabId: number) => machine.offers.get(tabId)?.uri !== undefined,
      pendingTabs: () => [...machine.offers.values()].filter((o) => o.uri !== undefined).length,
    };
}
