// HOTP entries and auto-fill. Each `code` request of an HOTP entry advances
// its counter, so auto-fill must know an entry's type before asking. The host
// says it in `match` entries when it knows it (it decrypted or wrote the entry
// before and the file has not changed since: protocol/PROTOCOL.md); else the
// background goes by what it learnt: which entries turned out to be HOTP, from
// `code` answers and from `match` types (storage.local: learnt once per entry,
// not once per page load), and auto-fill skips them before asking. The code
// it could not help asking for the first time (no type known anywhere) is
// kept, so the user's next fill (or the popup) uses it instead of advancing
// the counter again. The kept code lives in memory only: if the Chromium
// service worker is stopped before the user fills, it is lost, and with it
// one step of the counter (servers accept codes a few steps ahead).

import { api } from "../shared/api";
import type { CodeResult, EntryRef, MatchEntry } from "../shared/messages";
import { HOTP_KEY as KEY, hotpKeyOf as keyOf } from "../shared/hotp";
import { siteOf } from "./site";

let hotp: Set<string> | null = null;

// Bookkeeping: when storage fails, what was learnt stays in memory and no fill fails for it.
async function load(): Promise<Set<string>> {
  if (!hotp) {
    const got = (await api.storage.local.get(KEY).catch(() => ({}))) as { [KEY]?: string[] };
    hotp ??= new Set(Array.isArray(got[KEY]) ? got[KEY] : []);
  }
  return hotp;
}

/**
 * The entries with the types learnt so far. A type the host sent is kept, and
 * learnt: an entry it says is HOTP stays skipped when a later `match` cannot
 * say (the file was touched since); one it says is TOTP is forgotten as HOTP.
 */
export async function withLearntTypes(entries: MatchEntry[]): Promise<MatchEntry[]> {
  const known = await load();
  let changed = false;
  for (const e of entries) {
    if (e.type === undefined || (e.type === "hotp") === known.has(keyOf(e))) continue;
    if (e.type === "hotp") known.add(keyOf(e));
    else known.delete(keyOf(e));
    changed = true;
  }
  if (changed) await api.storage.local.set({ [KEY]: [...known] }).catch(() => {});
  return entries.map((e) => (e.type === undefined && known.has(keyOf(e)) ? { ...e, type: "hotp" } : e));
}

/** Remembers the type a `code` answer told (an entry re-saved as TOTP is forgotten as HOTP). */
export async function learn(c: CodeResult): Promise<void> {
  const known = await load();
  const k = keyOf(c);
  if ((c.type === "hotp") === known.has(k)) return;
  if (c.type === "hotp") known.add(k);
  else known.delete(k);
  await api.storage.local.set({ [KEY]: [...known] }).catch(() => {});
}

/** How long a kept HOTP code is offered to the next fill. */
export const KEEP_MS = 10 * 60_000;

/** By entry: any unused code of an HOTP entry is as good as the next one. */
const kept = new Map<string, { code: CodeResult; host: string; at: number }>();

/** Keeps an HOTP code that auto-fill fetched on the page at url but may not fill. */
export function keep(url: string, code: CodeResult, now = Date.now()): void {
  const host = siteOf(url);
  if (code.type === "hotp" && host) kept.set(keyOf(code), { code, host, at: now });
}

/**
 * A kept code, given out once: for this entry, or for a fill that asks for
 * the page at url's single exact match (the entry auto-fill fetched it for on
 * that host).
 */
export function takeKept(want: { entry: EntryRef } | { url: string }, now = Date.now()): CodeResult | undefined {
  for (const [k, v] of kept) {
    if (now - v.at > KEEP_MS) {
      kept.delete(k);
      continue;
    }
    if ("entry" in want ? k === keyOf(want.entry) : v.host === siteOf(want.url)) {
      kept.delete(k);
      return v.code;
    }
  }
  return undefined;
}

/**
 * Auto-fill's code for the entry it decided to fill: a TOTP code to fill, or
 * undefined (the field is only offered). An entry known to be HOTP is never
 * asked for a code (that would spend a counter without the user's action); a
 * code that turns out to be HOTP (no type was known) is kept for the next fill.
 */
export async function autofillCode(url: string, entry: MatchEntry, fetch: (e: EntryRef) => Promise<CodeResult>): Promise<CodeResult | undefined> {
  if (entry.type === "hotp") return undefined;
  const c = await fetch({ name: entry.name, store: entry.store });
  if (c.type === "totp") return c;
  keep(url, c); // the counter moved: the user's next fill (or the popup) gets this code
  return undefined;
}
