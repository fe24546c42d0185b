// Whether the user can see the offer frame, as the page that holds it shows
// it (docs/DECISIONS.md "Clickjacking"). The scanner owns the offer's host
// element; the page can restyle, move, cover or hide that element and its
// ancestors, so this looks at them from the scanner's isolated world, on a
// timer and on every change it can observe, and says "armed" only after the
// frame has been fully shown, unobscured and unmoved for ARM_MS. The offer
// frame acts on a click only while armed, and the background asks verify()
// about the click's point before it acts.
//
// It holds in both browsers: Chromium's IntersectionObserver v2 (used inside
// the frame as a second opinion) does not exist in Firefox, and nothing here
// needs it.

import { api } from "../shared/api";
import { ARM_MS } from "../shared/setup";

/** How often the frame is looked at when nothing observable happened. */
export const TICK_MS = 100;
/** How often the page's shadow roots are looked for again (a top-layer cover may hide in one). */
const ROOTS_MS = 300;

export interface Sight {
  /** Looks now; true when the frame is armed and (x, y), in the frame's own coordinates, is the frame's own point on screen. */
  verify(x: number, y: number): boolean;
  /** Why the frame is not armed ("" when it is), for the offer's message. */
  reason(): string;
  /** Call after the extension itself resized the frame: its new size is the expected one. */
  resized(): void;
  stop(): void;
}

type Styles = CSSStyleDeclaration & Record<string, string>;

/** The shadow root of an element, open or closed, where the browser lets an extension see closed ones. */
function shadowOf(el: Element): ShadowRoot | null {
  const ff = (el as Element & { openOrClosedShadowRoot?: ShadowRoot | null }).openOrClosedShadowRoot;
  if (ff !== undefined) return ff;
  const dom = (api as unknown as { dom?: { openOrClosedShadowRoot?: (e: Element) => ShadowRoot | null } }).dom;
  try {
    return dom?.openOrClosedShadowRoot?.(el) ?? el.shadowRoot;
  } catch {
    return el.shadowRoot;
  }
}

function matches(el: Element, selector: string): boolean {
  try {
    return el.matches(selector);
  } catch {
    return false; // a selector this browser does not know
  }
}

const TOP_LAYER = [":popover-open", ":modal", ":fullscreen"];

function topLayerIn(root: Document | ShadowRoot, out: Element[]): void {
  for (const s of TOP_LAYER) {
    try {
      out.push(...Array.from(root.querySelectorAll(s)));
    } catch {
      // a selector this browser does not know
    }
  }
}

/** The document and every shadow root in it, closed ones too (where the browser lets an extension see them). */
function allRoots(own: Element): (Document | ShadowRoot)[] {
  const out: (Document | ShadowRoot)[] = [];
  const visit = (root: Document | ShadowRoot) => {
    out.push(root);
    for (const el of Array.from(root.querySelectorAll("*"))) {
      const sr = el === own ? null : shadowOf(el);
      if (sr) visit(sr);
    }
  };
  visit(document);
  return out;
}

/** Elements of the page in the top layer now, other than `own`, in the given roots. */
function foreignTopLayer(own: Element, roots: (Document | ShadowRoot)[]): Element[] {
  const out: Element[] = [];
  for (const r of roots) if (r === document || (r as ShadowRoot).host?.isConnected) topLayerIn(r, out);
  return out.filter((el) => el !== own);
}

function overlaps(a: DOMRect, b: DOMRect): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom && b.width > 0 && b.height > 0;
}

/** What is wrong with how the page shows host, or "" when nothing is. */
function problem(host: HTMLElement, want: { width: number; height: number }, anchor: DOMRect | null, roots: (Document | ShadowRoot)[]): { why: string; rect: DOMRect | null } {
  if (!host.isConnected || host.parentNode !== document.documentElement) return { why: "removed", rect: null };
  if (document.visibilityState !== "visible") return { why: "hidden tab", rect: null };
  if ("popover" in host && !matches(host, ":popover-open")) return { why: "out of the top layer", rect: null };
  const rect = host.getBoundingClientRect();
  if (Math.abs(rect.width - want.width) > 1 || Math.abs(rect.height - want.height) > 1) return { why: "resized", rect };
  const vw = document.documentElement.clientWidth || innerWidth;
  const vh = document.documentElement.clientHeight || innerHeight;
  if (rect.left < 0 || rect.top < 0 || rect.right > vw + 0.5 || rect.bottom > vh + 0.5) return { why: "off screen", rect };
  if (anchor && (Math.abs(anchor.left - rect.left) > 0.5 || Math.abs(anchor.top - rect.top) > 0.5)) return { why: "moved", rect };
  for (let el: Element | null = host; el; el = el.parentElement) {
    const cs = getComputedStyle(el) as Styles;
    if (cs.opacity !== "1") return { why: "transparent", rect };
    if (cs.filter && cs.filter !== "none") return { why: "filtered", rect };
    if (cs.clipPath && cs.clipPath !== "none") return { why: "clipped", rect };
    const mask = cs.maskImage || cs.webkitMaskImage || "none";
    if (mask !== "none") return { why: "masked", rect };
    if (cs.mixBlendMode && cs.mixBlendMode !== "normal") return { why: "blended", rect };
    if (cs.contentVisibility && cs.contentVisibility !== "visible") return { why: "hidden", rect };
    if (cs.display === "none") return { why: "hidden", rect };
    if (el === host) {
      // Ancestors may transform (a page's translateZ(0)): the rectangle above catches any that reaches the frame.
      if (cs.transform !== "none" || (cs.scale && cs.scale !== "none") || (cs.rotate && cs.rotate !== "none") || (cs.translate && cs.translate !== "none")) return { why: "transformed", rect };
      if (cs.visibility !== "visible") return { why: "hidden", rect };
      if (cs.clip && cs.clip !== "auto") return { why: "clipped", rect };
      if (cs.pointerEvents === "none") return { why: "not clickable", rect };
    }
  }
  // Hit testing: the frame itself must be what a click lands on, all over it.
  for (const fy of [0.08, 0.5, 0.92])
    for (const fx of [0.04, 0.5, 0.96]) {
      const top = document.elementsFromPoint(rect.left + rect.width * fx, rect.top + rect.height * fy)[0];
      if (top !== host) return { why: "covered", rect };
    }
  // Something drawn above the frame that hit testing does not see (pointer-events: none)
  // can only be above a top-layer element if it is in the top layer too.
  for (const el of foreignTopLayer(host, roots)) {
    if (overlaps(rect, el.getBoundingClientRect())) return { why: "covered", rect };
  }
  return { why: "", rect };
}

/**
 * Watches host, which shows a frame of the expected size (want()), and calls
 * onArmed when the frame becomes armed or stops being armed.
 */
export function watchSight(host: HTMLElement, want: () => { width: number; height: number }, onArmed: (armed: boolean) => void): Sight {
  let since = performance.now(); // the last time anything changed or was wrong
  let anchor: DOMRect | null = null;
  let why = "just shown";
  let armed = false;

  // Finding every shadow root means walking the whole page (about 10 ms on
  // 10,000 elements): every ROOTS_MS and at a click, not at every look.
  let roots: (Document | ShadowRoot)[] = [document];
  let rootsAt = -Infinity;
  const look = (fresh = false): boolean => {
    if (fresh || performance.now() - rootsAt >= ROOTS_MS) {
      roots = allRoots(host);
      rootsAt = performance.now();
    }
    const r = problem(host, want(), anchor, roots);
    const now = performance.now();
    if (r.why) {
      why = r.why;
      since = now;
      if (r.why === "moved" || r.why === "resized") anchor = null; // the new place is the one to hold still at
    } else if (!anchor) {
      anchor = r.rect;
      since = now;
      why = "just shown";
    }
    const ok = !r.why && anchor !== null && now - since >= ARM_MS;
    if (ok) why = "";
    if (ok !== armed) {
      armed = ok;
      onArmed(ok);
    }
    return ok;
  };

  const changed = () => {
    since = performance.now();
    anchor = null;
    why = "changed";
    if (armed) {
      armed = false;
      onArmed(false);
    }
  };

  // Any change the page makes to the host, its ancestors or the top layer
  // that can be observed disarms at once (a timer alone could miss a move
  // made and undone between two looks).
  const mo = new MutationObserver((records) => {
    // The extension's own test hooks on <html> are no change to the frame.
    if (records.some((r) => !r.attributeName?.startsWith("data-otpfill"))) changed();
  });
  mo.observe(document.documentElement, { childList: true, attributes: true });
  mo.observe(host, { attributes: true });
  if (document.body) mo.observe(document.body, { attributes: true });
  const onToggle = (e: Event) => {
    if (e.target !== host) changed(); // someone else's popover or dialog opened or closed
    else if ((e as Event & { newState?: string }).newState === "closed") changed();
  };
  document.addEventListener("beforetoggle", onToggle, true);
  document.addEventListener("fullscreenchange", changed, true);
  addEventListener("resize", changed);
  document.addEventListener("visibilitychange", changed);
  const timer = setInterval(() => look(), TICK_MS);
  look();

  return {
    verify(x, y) {
      if (!look(true)) return false;
      if (!anchor || x < 0 || y < 0 || x > anchor.width || y > anchor.height) return false;
      return document.elementsFromPoint(anchor.left + x, anchor.top + y)[0] === host;
    },
    reason: () => (armed ? "" : why),
    resized: changed,
    stop() {
      clearInterval(timer);
      mo.disconnect();
      document.removeEventListener("beforetoggle", onToggle, true);
      document.removeEventListener("fullscreenchange", changed, true);
      removeEventListener("resize", changed);
      document.removeEventListener("visibilitychange", changed);
    },
  };
}
