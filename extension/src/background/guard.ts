// The background's part in the offer's clickjacking defence (docs/DECISIONS.md
// "Clickjacking"). The scanner in the page's top frame (or a same-site frame), which owns the offer
// frame's host element, says on its port whether the frame is armed (fully
// shown, unobscured and unmoved for 500 ms); this module passes that on to
// the offer frames of the same tab, and, before the background acts on a
// click in an offer frame, asks the scanner to check the click's point.
//
// Only extension contexts can open these ports: the page's own scripts can
// neither send "armed" nor answer a check (window.postMessage would let them).

import { isOwnUrl } from "../shared/exturl";
import { api } from "../shared/api";
import type { ClickPoint, ScannerCommand, ScannerReport, SightCommand } from "../shared/setup";
import { SETUP_PORT, SIGHT_PORT } from "../shared/setup";
import { scannerFrame } from "./senders";

type Port = chrome.runtime.Port;

interface Scanner {
  port: Port;
  armed: boolean;
  waiting: Map<number, (ok: boolean) => void>;
}

/** How long the background waits for the scanner's answer to a check. */
const VERIFY_TIMEOUT_MS = 1_000;

/** The scanners of each tab, by frame (the top frame's, or a same-site frame's: background/setup.ts says which may scan). */
const scanners = new Map<number, Map<number, Scanner>>();

/** Whether any scanner of the tab has its offer armed (one offer a tab: the others show none). */
function armedIn(tabId: number): boolean {
  for (const s of scanners.get(tabId)?.values() ?? []) if (s.armed) return true;
  return false;
}
/** Offer frames listening for their tab's armed state. */
const frames = new Map<number, Set<Port>>();
let nextId = 1;

function extensionPage(url: string | undefined, page: string): boolean {
  return isOwnUrl(url, page);
}

function tell(tabId: number, armed: boolean): void {
  for (const p of frames.get(tabId) ?? []) {
    try {
      p.postMessage({ type: "sight", armed } satisfies SightCommand);
    } catch {
      // the frame went away
    }
  }
}

/** registerGuard listens for the scanners' and offer frames' ports; the background calls it once, at start. */
export function registerGuard(): void {
  api.runtime.onConnect.addListener((port) => {
    const sender = port.sender ?? {};
    const tabId = sender.tab?.id;
    if (sender.id !== api.runtime.id || tabId === undefined) return;
    if (port.name === SETUP_PORT) {
      // A scanner, in the tab's top frame or a same-site frame (setup.ts checks which, and disconnects the others).
      if (!scannerFrame(sender)) return;
      const frameId = sender.frameId ?? 0;
      const s: Scanner = { port, armed: false, waiting: new Map() };
      const tab = scanners.get(tabId) ?? new Map<number, Scanner>();
      tab.set(frameId, s);
      scanners.set(tabId, tab);
      if (frameId === 0) tell(tabId, false);
      port.onMessage.addListener((m: unknown) => {
        const r = m as ScannerReport;
        if (r?.type === "sight") {
          s.armed = r.armed === true;
          if (tab.get(frameId) === s) tell(tabId, armedIn(tabId));
        } else if (r?.type === "verified") {
          s.waiting.get(r.id)?.(r.ok === true);
          s.waiting.delete(r.id);
        }
      });
      port.onDisconnect.addListener(() => {
        for (const done of s.waiting.values()) done(false);
        s.waiting.clear();
        if (tab.get(frameId) === s) {
          tab.delete(frameId);
          if (s.armed) tell(tabId, armedIn(tabId));
        }
      });
      return;
    }
    if (port.name === SIGHT_PORT) {
      // An offer frame: an extension page framed in the tab (never its top frame).
      if (!extensionPage(sender.url, "offer.html") || (sender.frameId ?? 0) <= 0) return port.disconnect();
      const set = frames.get(tabId) ?? new Set<Port>();
      set.add(port);
      frames.set(tabId, set);
      port.onDisconnect.addListener(() => set.delete(port));
      port.postMessage({ type: "sight", armed: armedIn(tabId) } satisfies SightCommand);
    }
  });

  api.tabs.onRemoved.addListener((tabId) => {
    scanners.delete(tabId);
    frames.delete(tabId);
  });
}

/**
 * clickSeen: whether a click at `at` (the offer frame's own coordinates) in
 * tab tabId's offer, shown by the scanner of frameId, may count: the scanner says the frame is armed now, and
 * that point of the frame is where the frame is, on top, on the page.
 */
export async function clickSeen(tabId: number, at: ClickPoint | undefined, frameId = 0): Promise<boolean> {
  const s = scanners.get(tabId)?.get(frameId);
  if (!s || !s.armed || !at || !Number.isFinite(at.x) || !Number.isFinite(at.y)) return false;
  const id = nextId++;
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      s.waiting.delete(id);
      resolve(false);
    }, VERIFY_TIMEOUT_MS);
    s.waiting.set(id, (ok) => {
      clearTimeout(timer);
      resolve(ok);
    });
    try {
      s.port.postMessage({ type: "verify", id, x: at.x, y: at.y } satisfies ScannerCommand);
    } catch {
      s.waiting.delete(id);
      clearTimeout(timer);
      resolve(false);
    }
  });
}

/** What the offer shows when a click did not count. */
export const NOT_SEEN =
  "That click did not count: the page covered, moved or hid otpfill's offer. Nothing was saved. Click again once the offer is fully shown, or use otpfill's toolbar button.";
