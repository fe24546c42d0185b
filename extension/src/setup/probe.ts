// The always-on part of setup capture, in the content script of every
// frame: a very cheap "might this be a 2FA setup page?" check. It looks at an
// otpauth:// link and a bounded sample of the page's text for setup words,
// at load and (throttled) when a single-page app changes the page. When it
// says yes, the background injects the real scanner (setup.js) on demand;
// nothing heavy ships in every page.
//
// Test hooks (e2e build only) on <html>: data-otpfill-setup ("no" | "maybe") and
// data-otpfill-setup-cost-ms (this check's main-thread time so far).

import { api } from "../shared/api";
import type { Message } from "../shared/messages";

/**
 * Phrases that, on their own, make a page worth scanning. Not "authenticator
 * app" or "two-factor": every 2FA *sign-in* page says those. One string, split
 * (the content script runs in every frame: every byte counts). Among them,
 * Keycloak's "enter the key" and "configuration values" ("Unable to scan?"
 * mode), and the labels of a single long recovery code (offered as one,
 * never as a key).
 */
const STRONG = (
  "otpauth://|qr code|qr-code|scan this|scan the|setup key|set-up key|secret key|can't scan|can’t scan|cannot scan|unable to scan|code manually|enter this key|enter the key|configuration values|enter manually|manual entry|recovery codes|backup codes|recovery key|recovery code:|emergency kit|rescue code|codes de récupération|wiederherstellungscodes"
).split("|");

/** Bounded text sample: enough for any setup page's wording, cheap on a huge page. */
const SAMPLE_CHARS = 30_000;
const MIN_GAP_MS = 1_000;

let cost = 0;
let checked = 0;
let timer = 0;
let lastRun = 0;
let done = false;
let observer: MutationObserver | null = null;

/**
 * The first SAMPLE_CHARS characters of the page's text. One native
 * textContent call: walking text nodes from the content script costs far
 * more, because each node touched gets a wrapper in the script's isolated
 * world. Script and style text is not skipped: a rare false "maybe" only
 * injects the scanner, which then finds nothing.
 */
function sample(): string {
  return (document.body?.textContent ?? "").slice(0, SAMPLE_CHARS).toLowerCase();
}

/** The check itself: true when the page looks like a 2FA setup page. */
export function looksLikeSetup(): boolean {
  if (document.querySelector('a[href^="otpauth:" i]')) return true;
  const text = sample();
  return STRONG.some((w) => text.includes(w));
}

function check(): void {
  timer = 0;
  lastRun = performance.now();
  const start = lastRun;
  const yes = looksLikeSetup();
  checked++;
  cost += performance.now() - start;
  if (__OTPFILL_TEST_HOOKS__) {
    const root = document.documentElement;
    root.setAttribute("data-otpfill-setup", yes ? "maybe" : "no");
    root.setAttribute("data-otpfill-setup-cost-ms", cost.toFixed(2));
  }
  if (!yes) return;
  done = true;
  observer?.disconnect();
  void api.runtime.sendMessage({ type: "setup-maybe" } satisfies Message).catch(() => {});
}

function schedule(): void {
  if (timer || done) return;
  const wait = Math.max(0, MIN_GAP_MS - (performance.now() - lastRun));
  timer = setTimeout(check, wait) as unknown as number;
}

/**
 * Starts the check: now, then after DOM changes, at most once a second. In
 * every frame: the background injects the scanner only into the top frame
 * and frames of the same site as the tab (a settings page framing its
 * accounts site), never into another site's frame.
 */
export function startSetupProbe(): void {
  const flag = globalThis as { otpfillSetupProbe?: boolean };
  if (flag.otpfillSetupProbe) return;
  flag.otpfillSetupProbe = true;
  check();
  if (done) return;
  observer = new MutationObserver((records) => {
    const t = performance.now();
    // Only added content can turn a page into a setup page.
    if (records.some((r) => r.addedNodes.length > 0)) schedule();
    cost += performance.now() - t;
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
}

/** For tests: how many times the check ran. */
export function probeRuns(): number {
  return checked;
}
