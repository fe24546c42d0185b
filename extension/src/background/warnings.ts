// Host warnings of codes filled from a page (the inline icon or chooser, the
// shortcut, the context menu, auto-fill): the code is good, but the host says
// something went wrong around it, such as an HOTP counter written back but
// not committed to git (protocol/PROTOCOL.md `warning`). The user is on the
// page, not in otpfill's popup, so the warning is kept for the tab (in
// storage.session: a stopped service worker does not lose it), the tab's
// toolbar button is marked ("!" and the warning as its tooltip, as for a
// clock that is off: badge.ts), and the toolbar popup shows it the next time
// it is opened on that tab, which drops it. A later code of the same entry
// without a warning drops it too: that write was committed, and the entry's
// file with it. The toolbar popup's own codes are not kept here: it shows
// their warnings on their rows at once.
import { api } from "../shared/api";
import type { CodeResult, TabWarning } from "../shared/messages";
import { forgetMarks, setMark } from "./badge";

/** At most this many entries' warnings a tab (the latest). */
export const MAX_WARNINGS = 5;

export const warningsKey = (tabId: number) => `hostWarnings:${tabId}`;

const cache = new Map<number, TabWarning[]>();
// One change at a time per tab, so that two fills do not lose each other's warning.
const pending = new Map<number, Promise<unknown>>();

function serial<T>(tabId: number, fn: () => Promise<T>): Promise<T> {
  const next = (pending.get(tabId) ?? Promise.resolve()).then(fn, fn);
  pending.set(tabId, next.catch(() => undefined));
  return next;
}

function isWarning(v: unknown): v is TabWarning {
  const w = v as TabWarning;
  return typeof w === "object" && w !== null && typeof w.name === "string" && typeof w.store === "string" && typeof w.warning === "string";
}

async function load(tabId: number): Promise<TabWarning[]> {
  let list = cache.get(tabId);
  if (!list) {
    const got = ((await api.storage.session.get(warningsKey(tabId)).catch(() => ({}))) as Record<string, unknown>)[warningsKey(tabId)];
    list = Array.isArray(got) ? got.filter(isWarning) : [];
    cache.set(tabId, list);
  }
  return list;
}

async function store(tabId: number, list: TabWarning[]): Promise<void> {
  cache.set(tabId, list);
  if (list.length) await api.storage.session.set({ [warningsKey(tabId)]: list }).catch(() => undefined);
  else await api.storage.session.remove(warningsKey(tabId)).catch(() => undefined);
}

function mark(tabId: number, list: TabWarning[]): void {
  setMark(tabId, "host", list.length ? list.map((w) => w.warning).join("\n") : null);
}

/**
 * Notes what the host said with a code used for the tab: its warning is kept
 * and marked; no warning drops one kept for the same entry.
 */
export function noteCode(tabId: number, c: Pick<CodeResult, "name" | "store" | "warning">): Promise<void> {
  return serial(tabId, async () => {
    const list = await load(tabId);
    const rest = list.filter((w) => w.name !== c.name || w.store !== c.store);
    if (!c.warning && rest.length === list.length) return;
    const next = c.warning ? [...rest, { name: c.name, store: c.store, warning: c.warning }].slice(-MAX_WARNINGS) : rest;
    await store(tabId, next);
    mark(tabId, next);
  });
}

/** The tab's kept warnings, for the toolbar popup to show: given once, then dropped. */
export function takeWarnings(tabId: number): Promise<TabWarning[]> {
  return serial(tabId, async () => {
    const list = await load(tabId);
    if (list.length) {
      await store(tabId, []);
      mark(tabId, []);
    }
    return list;
  });
}

/** registerWarnings keeps the marks across navigations and drops a closed tab's; the background calls it once, at start. */
export function registerWarnings(): void {
  // Chromium clears a tab's badge when its navigation commits (a fill, then
  // the site's submit): mark the tab again once it loads.
  api.tabs.onUpdated.addListener((tabId, change) => {
    if (!change.status) return;
    void serial(tabId, async () => {
      const list = await load(tabId);
      if (list.length) mark(tabId, list);
    });
  });
  api.tabs.onRemoved.addListener((tabId) => {
    cache.delete(tabId);
    pending.delete(tabId);
    forgetMarks(tabId);
    void api.storage.session.remove(warningsKey(tabId)).catch(() => undefined);
  });
}
