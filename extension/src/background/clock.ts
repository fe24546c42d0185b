// Watches the Date header of each tab's page and frame responses (observing
// only: no blocking, no extra request) and keeps each host's clock offset in
// storage.session for the popup (src/shared/clock.ts).
import { api } from "../shared/api";
import { clockKey, skewFromHeaders, type TabClocks } from "../shared/clock";

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
    if (skew !== null && host) record(d.tabId, host, skew, d.type === "main_frame");
    return undefined;
  },
  { urls: ["http://*/*", "https://*/*"], types: ["main_frame", "sub_frame"] },
  ["responseHeaders"],
);

api.tabs.onRemoved.addListener((tabId) => {
  pending.delete(tabId);
  void api.storage.session.remove(clockKey(tabId)).catch(() => undefined);
});
