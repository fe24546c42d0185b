// Watches the Date header of each tab's page and frame responses (observing
// only: no blocking, no extra request) and keeps each host's clock offset in
// storage.session for the popup (src/shared/clock.ts). A page whose clock is
// off by more than the period of the site's codes also marks the toolbar
// button of its tab ("!" and a tooltip: badge.ts), so the user sees why a
// code may be refused without opening the popup.
//
// The periods come from the host's `code` answers: learnt per entry in
// storage.local (learnPeriod), as the HOTP types are. The site's entries are
// asked of the host (`match`) only when a page's clock is off by more than
// the smallest period learnt (30 s while none is): a page whose clock agrees
// costs no request. A period learnt later (the page's first code) marks the
// tabs again.
import { api } from "../shared/api";
import type { CodeResult, MatchEntry } from "../shared/messages";
import {
  clockKey,
  clockWarning,
  DEFAULT_PERIOD_S,
  parsePeriods,
  periodKeyOf,
  PERIODS_KEY,
  sitePeriod,
  skewFromHeaders,
  usedEntries,
  type LearntPeriods,
  type TabClocks,
} from "../shared/clock";
import { setMark } from "./badge";

/** The site's entries (the host's `match`), set by registerClock. */
let matchOf: ((url: string) => Promise<readonly MatchEntry[]>) | null = null;

let learnt: LearntPeriods | null = null;

// Bookkeeping: when storage fails, what was learnt stays in memory.
async function loadPeriods(): Promise<LearntPeriods> {
  if (!learnt) {
    const got = (await api.storage.local.get(PERIODS_KEY).catch(() => ({}))) as Record<string, unknown>;
    learnt ??= parsePeriods(got[PERIODS_KEY]);
  }
  return learnt;
}

/**
 * Remembers the period of a `code` answer (an entry re-saved as HOTP is
 * forgotten); when that changes what was known, the tabs whose clocks are
 * recorded are marked again.
 */
export async function learnPeriod(c: CodeResult): Promise<void> {
  const known = await loadPeriods();
  const k = periodKeyOf(c);
  const p = c.type === "totp" && c.period ? c.period : undefined;
  if (known[k] === p) return;
  if (p) known[k] = p;
  else delete known[k];
  await api.storage.local.set({ [PERIODS_KEY]: known }).catch(() => {});
  void markAgain();
}

/**
 * The period a page at url with this clock offset is held to. The site's
 * entries are asked for only when the offset passes the smallest period
 * learnt; with no answer (no host, no entry), 30 s.
 */
async function periodFor(url: string, skewMs: number): Promise<number> {
  const known = await loadPeriods();
  const floor = Math.min(DEFAULT_PERIOD_S, ...Object.values(known));
  if (Math.abs(skewMs) <= floor * 1000 || !matchOf) return DEFAULT_PERIOD_S;
  try {
    return sitePeriod(usedEntries(await matchOf(url)).map((e) => known[periodKeyOf(e)]));
  } catch {
    return DEFAULT_PERIOD_S;
  }
}

function markTab(tabId: number, host: string, skewMs: number, periodS: number): void {
  setMark(tabId, "clock", clockWarning({ skewMs, at: Date.now() }, host, periodS));
}

// One write at a time per tab, so that a frame's answer does not undo the page's.
const pending = new Map<number, Promise<void>>();

function serial(tabId: number, f: () => Promise<void>): void {
  const next = (pending.get(tabId) ?? Promise.resolve()).then(f).catch(() => undefined);
  pending.set(tabId, next);
}

async function readClocks(tabId: number): Promise<TabClocks> {
  const key = clockKey(tabId);
  const got = (await api.storage.session.get(key)) as Record<string, TabClocks | undefined>;
  return got[key] ?? {};
}

/** Records a response's clock; a main frame's (url) also marks the tab. */
function record(tabId: number, host: string, skewMs: number, url?: string): void {
  serial(tabId, async () => {
    const clocks: TabClocks = url ? {} : { ...(await readClocks(tabId)) };
    const periodS = url ? await periodFor(url, skewMs) : undefined;
    if (periodS) markTab(tabId, host, skewMs, periodS);
    clocks[host] = { skewMs, at: Date.now(), ...(periodS ? { periodS } : {}) };
    await api.storage.session.set({ [clockKey(tabId)]: clocks });
  });
}

/** Marks every tab whose page's clock is recorded again, with the periods known now. */
async function markAgain(): Promise<void> {
  const all = (await api.storage.session.get(null).catch(() => ({}))) as Record<string, unknown>;
  for (const key of Object.keys(all)) {
    const tabId = Number(key.startsWith("clock:") ? key.slice(6) : NaN);
    if (!Number.isInteger(tabId)) continue;
    serial(tabId, async () => {
      const url = (await api.tabs.get(tabId)).url ?? "";
      const host = new URL(url).hostname;
      const clocks = await readClocks(tabId);
      const c = clocks[host];
      if (!c) return;
      const periodS = await periodFor(url, c.skewMs);
      if (periodS === c.periodS) return;
      await api.storage.session.set({ [clockKey(tabId)]: { ...clocks, [host]: { ...c, periodS } } });
      markTab(tabId, host, c.skewMs, periodS);
    });
  }
}

/**
 * registerClock starts watching the Date headers; the background calls it
 * once, at start, with its way to ask the host for a page's entries.
 */
export function registerClock(match: (url: string) => Promise<readonly MatchEntry[]>): void {
  matchOf = match;
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
      if (skew !== null && host) record(d.tabId, host, skew, d.type === "main_frame" ? d.url : undefined);
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
      const c = (await readClocks(tabId))[host];
      if (c) markTab(tabId, host, c.skewMs, c.periodS ?? DEFAULT_PERIOD_S);
    }).catch(() => undefined);
  });

  api.tabs.onRemoved.addListener((tabId) => {
    pending.delete(tabId);
    void api.storage.session.remove(clockKey(tabId)).catch(() => undefined);
  });
}
