// The setup scanner (setup.js): injected on demand by the background with
// scripting.executeScript into the top frame (or a frame of the same site) of
// a page that looks like a 2FA setup page; the offer shows in that frame. It finds the secret the page shows (an otpauth:// link or
// text, a QR code in an <img>, <canvas> or inline <svg>, a base32 setup key)
// and the recovery codes, hands them to the background, and shows the offer:
// an extension page (offer.html) in a frame, which the page's scripts can
// neither read nor click.
//
// Pixels the page does not let us read (a cross-origin image, a tainted
// canvas) are captured by the background from the visible tab instead.
//
// Test hooks (e2e build only) on <html>: data-otpfill-setup-scan ("scanning" | "none" |
// "offered") and data-otpfill-setup-source (where the secret was found).

import { api, send } from "../shared/api";
import type { CaptureRect, ScannerCommand, ScannerReport, SecretSource } from "../shared/setup";
import { SETUP_PORT } from "../shared/setup";
import { overlay, pin, raise } from "../content/overlay";
import { findKey, findUris, readableTexts } from "./key";
import { decodeDrawable } from "./qr";
import { findRecoveryCodes, findRecoveryKey, shownAccount } from "./recovery";
import { type Sight, watchSight } from "./sight";

const root = document.documentElement;
const WIDTH = 360;
const RESCAN_GAP_MS = 500;
/**
 * How long after offering a key read from the page's text the scanner keeps
 * looking for the QR code (or otpauth:// link) of the same page: a page that
 * fetches or draws its QR code after loading shows the key first.
 */
const UPGRADE_MS = 20_000;

let port: chrome.runtime.Port | null = null;
let frameHost: HTMLElement | null = null;
let frame: HTMLIFrameElement | null = null;
let sight: Sight | null = null;
/** The frame's height as the offer last asked for it (its width is WIDTH). */
let frameHeight = 190;
/**
 * What was already handed over, so a rescan does not offer the same thing
 * twice: a short fingerprint, so the secret itself is not kept here.
 */
let reportedSecret = "";
/** Where the reported secret was found: a text key may give way to the page's QR code or link (see scan()). */
let reportedSource: SecretSource | "" = "";
/** When the text key was reported: the QR code or link that says more is looked for until UPGRADE_MS later. */
let keyReportedAt = 0;
let reportedCodes = "";
let captured = new Set<string>();
let scanning = false;
/** Looks again at QR candidates that showed nothing: a canvas is often drawn after the page loads, with no DOM change to see. */
const RETRY_MS = [400, 1000, 2000, 4000];
let retries = 0;
let sawCandidates = false;
let again = false;
let timer = 0;

function mark(name: string, value: string): void {
  if (__OTPFILL_TEST_HOOKS__) root.setAttribute(`data-otpfill-setup-${name}`, value);
}

// ---- QR candidates ----

type Candidate = HTMLImageElement | HTMLCanvasElement | SVGSVGElement;

function visibleBox(el: Element): DOMRect | null {
  const r = el.getBoundingClientRect();
  if (r.width < 48 || r.height < 48 || r.width > 1400 || r.height > 1400) return null;
  const ratio = r.width / r.height;
  if (ratio < 0.75 || ratio > 1.33) return null;
  const check = (el as Element & { checkVisibility?: (o?: object) => boolean }).checkVisibility;
  if (check && !check.call(el, { visibilityProperty: true, opacityProperty: true })) return null;
  return r;
}

function candidates(): Candidate[] {
  const out: Candidate[] = [];
  const all = document.querySelectorAll<Candidate>("img, canvas, svg");
  for (const el of Array.from(all)) {
    if (out.length >= 16) break;
    if (el.tagName.toLowerCase() === "svg" && el.parentElement?.closest("svg")) continue;
    if (visibleBox(el)) out.push(el);
  }
  return out;
}

function newCanvas(w: number, h: number) {
  const c = document.createElement("canvas");
  c.width = w;
  c.height = h;
  return { ctx: c.getContext("2d", { willReadFrequently: true }) };
}

async function imageReady(img: HTMLImageElement): Promise<boolean> {
  if (img.complete) return img.naturalWidth > 0;
  try {
    await Promise.race([img.decode(), new Promise((_, no) => setTimeout(no, 3000))]);
    return img.naturalWidth > 0;
  } catch {
    return false;
  }
}

async function svgImage(svg: SVGSVGElement): Promise<HTMLImageElement | null> {
  const r = svg.getBoundingClientRect();
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  if (!copy.getAttribute("width")) copy.setAttribute("width", String(Math.round(r.width)));
  if (!copy.getAttribute("height")) copy.setAttribute("height", String(Math.round(r.height)));
  // Fills may come from the page's stylesheet, which a serialized copy loses: keep the computed colour as the default.
  const color = getComputedStyle(svg).color;
  if (!copy.getAttribute("color") && color) copy.setAttribute("color", color);
  const xml = new XMLSerializer().serializeToString(copy);
  const img = new Image();
  img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(xml);
  return (await imageReady(img)) ? img : null;
}

/** Decodes one candidate in the page: the URI, null for no otpauth QR code, or "tainted" when the pixels cannot be read here. */
async function decodeHere(el: Candidate): Promise<string | null | "tainted"> {
  try {
    const tag = el.tagName.toLowerCase();
    if (tag === "img") {
      const img = el as HTMLImageElement;
      if (!(await imageReady(img))) return null;
      return decodeDrawable(newCanvas, (ctx, x, y, w, h) => ctx.drawImage(img, x, y, w, h), img.naturalWidth, img.naturalHeight);
    }
    if (tag === "canvas") {
      const c = el as HTMLCanvasElement;
      if (!c.width || !c.height) return null;
      return decodeDrawable(newCanvas, (ctx, x, y, w, h) => ctx.drawImage(c, x, y, w, h), c.width, c.height);
    }
    const img = await svgImage(el as SVGSVGElement);
    if (!img) return "tainted";
    const found = decodeDrawable(newCanvas, (ctx, x, y, w, h) => ctx.drawImage(img, x, y, w, h), img.naturalWidth || img.width, img.naturalHeight || img.height);
    // A serialized SVG can lose what the page's CSS drew: let a capture of what the user sees decide.
    return found ?? "tainted";
  } catch (e) {
    if (e instanceof DOMException && e.name === "SecurityError") return "tainted";
    return null;
  }
}

function inViewport(r: DOMRect): boolean {
  return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
}

async function captureFallback(els: Candidate[]): Promise<boolean> {
  const rects: CaptureRect[] = [];
  for (const el of els) {
    const r = el.getBoundingClientRect();
    if (!inViewport(r)) continue; // looked at again when the user scrolls it into view
    const key = `${el.tagName}:${Math.round(r.x + scrollX)}:${Math.round(r.y + scrollY)}:${Math.round(r.width)}`;
    if (captured.has(key)) continue;
    captured.add(key);
    rects.push({ x: r.x, y: r.y, width: r.width, height: r.height, kind: el.tagName.toLowerCase() as CaptureRect["kind"] });
  }
  if (!rects.length) return false;
  const r = await send({ type: "setup-capture", rects, viewport: { width: innerWidth, height: innerHeight } });
  if (r.retry === "visible") captured = new Set(); // the tab was not visible: try again when it is
  return r.found;
}

// ---- scanning ----

/** FNV-1a, 32 bits: enough to notice that the page shows another key, far too little to recover one. */
function fingerprint(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

async function report(uri: string | undefined, source: SecretSource, key?: ReturnType<typeof findKey>): Promise<boolean> {
  const id = fingerprint(uri ?? key?.secret ?? "");
  if (!uri && !key) return false;
  if (!id || id === reportedSecret) return id === reportedSecret && id !== "";
  const r = await send({ type: "setup-found", source, ...(uri ? { uri } : {}), ...(key ? { key } : {}) });
  if (r.offered) {
    reportedSecret = id;
    if (source === "key" && reportedSource !== "key") keyReportedAt = performance.now();
    reportedSource = source;
    mark("source", source);
  }
  return r.offered;
}

async function scanSecret(texts: Text[]): Promise<boolean> {
  const uris = findUris(document, texts);
  const link = uris[0];
  if (link) return report(link, document.querySelector(`a[href="${CSS.escape(link)}"]`) ? "link" : "text");
  const blocked: Candidate[] = [];
  const all = candidates();
  sawCandidates = all.length > 0;
  for (const el of all) {
    const got = await decodeHere(el);
    if (got === "tainted") blocked.push(el);
    else if (got) return report(got, el.tagName.toLowerCase() as SecretSource);
  }
  // A capture is of the whole tab, in the top frame's coordinates: not for a frame's pixels.
  if (blocked.length && window.top === window && (await captureFallback(blocked))) {
    reportedSecret = "capture";
    reportedSource = "capture";
    mark("source", "capture");
    return true;
  }
  // A QR code says more than a key in the text (issuer, account, parameters):
  // while one may still be drawn, give it a moment before settling for the key.
  if (sawCandidates && retries < 2) return false;
  const key = findKey(texts);
  if (key) return report(undefined, "key", key);
  return false;
}

async function scanRecovery(texts: Text[]): Promise<boolean> {
  const codes = findRecoveryCodes(document.body ?? root, texts) ?? findRecoveryKey(texts);
  if (!codes) return false;
  const id = codes.join("\n");
  if (id === reportedCodes) return true;
  const account = shownAccount(texts);
  const r = await send({ type: "setup-recovery", codes, ...(account ? { account } : {}) });
  if (r.offered) reportedCodes = id;
  return r.offered;
}

async function scan(): Promise<void> {
  if (scanning) {
    again = true;
    return;
  }
  scanning = true;
  try {
    const texts = readableTexts(document.body ?? root);
    // A key read from the text is offered with the tab's site as issuer; the
    // QR code (or link) of the same page carries the issuer, account and
    // parameters. One that shows up later (fetched, drawn after load) still
    // replaces the key in the offer, as long as nothing was saved (the
    // background decides: OfferMachine.found).
    const upgrading = upgradable();
    const secret = reportedSecret && !upgrading ? true : (await scanSecret(texts)) || upgrading;
    const codes = await scanRecovery(texts);
    mark("scan", secret || codes ? "offered" : "none");
    if ((!secret || upgradable()) && sawCandidates && retries < RETRY_MS.length) {
      setTimeout(() => {
        captured = new Set(); // a capture taken before the code was drawn may be taken again
        void scan();
      }, RETRY_MS[retries++]);
    }
  } catch {
    mark("scan", "none"); // the background went away (extension reloaded); nothing to offer
  } finally {
    scanning = false;
  }
  if (again) {
    again = false;
    schedule();
  }
}

/** Whether the secret offered so far is a text key that the page's QR code or link may still replace. */
function upgradable(): boolean {
  return reportedSource === "key" && performance.now() - keyReportedAt < UPGRADE_MS;
}

function schedule(): void {
  if (timer) return;
  timer = setTimeout(() => {
    timer = 0;
    void scan();
  }, RESCAN_GAP_MS) as unknown as number;
}

// ---- the offer frame ----

function showOffer(token: string): void {
  if (frameHost?.isConnected) return;
  const { host, shadow } = overlay("otpfill-offer");
  frame = document.createElement("iframe");
  frame.src = `${api.runtime.getURL("offer.html")}?token=${encodeURIComponent(token)}`;
  frame.title = "otpfill: save this site's 2FA key";
  frame.setAttribute("style", "all:initial;display:block;width:100%;height:100%;border:0;border-radius:10px;background:Canvas;color-scheme:normal");
  shadow.append(frame);
  frameHeight = 190;
  pin(host, {
    top: "12px",
    right: "12px",
    left: "auto",
    bottom: "auto",
    margin: "0",
    width: `${WIDTH}px`,
    height: `${frameHeight}px`,
    "max-height": "calc(100vh - 24px)",
    "border-radius": "10px",
    "box-shadow": "0 6px 24px #0004, 0 0 0 1px #0002",
  });
  document.documentElement.append(host);
  // In the top layer, above anything the page draws outside it (z-index cannot reach there).
  raise(host);
  // The page hid it (hidePopover): put it back; the sight below counts that as a change.
  host.addEventListener("toggle", (e) => {
    if ((e as Event & { newState?: string }).newState === "closed" && host === frameHost && host.isConnected) raise(host);
  });
  frameHost = host;
  sight = watchSight(host, () => ({ width: WIDTH, height: Math.min(frameHeight, innerHeight - 24) }), (armed) => {
    try {
      port?.postMessage({ type: "sight", armed } satisfies ScannerReport);
    } catch {
      // the background went away
    }
  });
  mark("offer", "shown");
}

function hideOffer(): void {
  sight?.stop();
  sight = null;
  frameHost?.remove();
  frameHost = null;
  frame = null;
  if (__OTPFILL_TEST_HOOKS__) root.removeAttribute("data-otpfill-setup-offer");
}

function onCommand(cmd: ScannerCommand): void {
  if (cmd.type === "show") showOffer(cmd.token);
  else if (cmd.type === "hide") hideOffer();
  else if (cmd.type === "size" && frameHost) {
    frameHeight = Math.max(60, Math.min(cmd.height, 640));
    pin(frameHost, { height: `${frameHeight}px` });
    sight?.resized();
  } else if (cmd.type === "verify") {
    // The background asks, before it acts on a click in the offer: was the frame armed, and is that point the frame's?
    const ok = sight?.verify(cmd.x, cmd.y) ?? false;
    port?.postMessage({ type: "verified", id: cmd.id, ok } satisfies ScannerReport);
  }
  else if (cmd.type === "rescan") {
    reportedSecret = "";
    reportedSource = "";
    captured = new Set();
    schedule();
  }
}

// ---- start (once per document) ----

function start(): void {
  port = api.runtime.connect({ name: SETUP_PORT });
  port.onMessage.addListener((m: unknown) => onCommand(m as ScannerCommand));
  port.onDisconnect.addListener(() => {
    port = null;
    hideOffer();
  });
  mark("scan", "scanning");
  void scan();
  // Single-page apps show the QR code or the codes in a later step.
  new MutationObserver((records) => {
    if (records.some((r) => r.type === "attributes" || r.addedNodes.length)) schedule();
  }).observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["src", "href", "width", "height"] });
  addEventListener("scroll", () => schedule(), { passive: true });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && (!reportedSecret || upgradable())) schedule();
  });
}

const flag = globalThis as { otpfillSetupStarted?: boolean };
if (!flag.otpfillSetupStarted) {
  flag.otpfillSetupStarted = true;
  start();
}
