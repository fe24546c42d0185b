// Watches the Date header of each tab's page and frame responses (observing
// only: no blocking, no extra request) and keeps each host's clock offset in
// storage.session for the popup (src/shared/clock.ts). A page whose clock is
// off also marks the toolbar button of its tab ("!" and a tooltip), so the
// user sees why a code may be refused without opening the popup.
import { api } from "../shared/api";
import { clockKey, clockWarning, skewFromHeaders, type TabClocks } from "../shared/clock";

/** The badge a tab's toolbar button gets while its page's clock is off. */
export const CLOCK_BADGE = "!";

function markTab(tabId: number, host: string, skewMs: number): void {
  const warning = clockWarning({ skewMs, at: Date.now() }, host);
  const done = () => undefined;
  void api.action.setBadgeText({ tabId, text: warning ? CLOCK_BADGE : "" }).catch(done);
  void api.action.setTitle({ tabId, title: warning ? `otpfill: ${warning}` : "otpfill" }).catch(done);
  if (warning) void api.action.setBadgeBackgroundColor({ tabId, color: "#b45309" }).catch(done);
}

// One write at a time per tab, so that a frame's answer does not undo the page's.
const pending = new Map<number, Promise<void>>();

function record(tabId: number, host: string, skewMs: number, fresh: boolean): void {
  const prev = pending.get(tabId) ?? Promise.resolve();
  const next = prev.then(async () => {
    const key = clockKey(tabId);
    const got = (await api.storage.session.get(key)) as Record<string, TabClocks | undefined>;
    const clocks: TabClocks = fresh ? {} : { ...(got[key] ?? {}) };
    clocks[host] = { skewMs, at: Date.now() };
    await api.storage.session.set({ [key]: clocks });
  }).catch(() => undefined);
  pending.set(tabId, next);
}

/** registerClock starts watching the Date headers; the background calls it once, at start. */
export function registerClock(): void {
  api.webRequest?.onHeadersReceived.addListener(
    (d) => {
      // A copy from the browser's cache has an old Date.
      if (d.tabId < 0 || (d as { fromCache?: boolean }).fromCache) return undefined;
      const skew = skewFromHeaders(d.responseHeaders ?? [], Date.now());
      let host = "";
      try {
        host = new URL(d.url).hostname;
      } catch {
        return undefined;
      }
      if (skew !== null && host) {
        record(d.tabId, host, skew, d.type === "main_frame");
        if (d.type === "main_frame") markTab(d.tabId, host, skew);
      }
      return undefined;
    },
    { urls: ["http://*/*", "https://*/*"], types: ["main_frame", "sub_frame"] },
    ["responseHeaders"],
  );

  // Chromium clears a tab's badge when its navigation commits, after the
  // headers came: mark the tab again once it loads, from what was recorded.
  api.tabs.onUpdated.addListener((tabId, change, tab) => {
    if (!change.status || !tab.url) return;
    let host = "";
    try {
      host = new URL(tab.url).hostname;
    } catch {
      return;
    }
    void (pending.get(tabId) ?? Promise.resolve()).then(async () => {
      const key = clockKey(tabId);
      const got = (await api.storage.session.get(key)) as Record<string, TabClocks | undefined>;
      const c = got[key]?.[host];
      if (c) markTab(tabId, host, c.skewMs);
    }).catch(() => undefined);
  });

  api.tabs.onRemoved.addListener((tabId) => {
    pending.delete(tabId);
    void api.storage.session.remove(clockKey(tabId)).catch(() => undefined);
  });
}
