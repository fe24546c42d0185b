// The entries used most recently (filled or copied), listed first in the
// popup on a site with no match, as authenticator apps do. Kept in
// storage.local as names and times only: never a code, never a secret.

import type { EntryRef } from "./messages";

export const RECENT_KEY = "recentEntries";
/** How many recent entries are kept (and shown). */
export const RECENT_MAX = 6;

export interface RecentEntry {
  name: string;
  store: string;
  /** Unix milliseconds of the last use. */
  at: number;
}

/** The recent list as stored, or [] for anything else (a newer or broken value loses nothing that matters). */
export function parseRecent(v: unknown): RecentEntry[] {
  if (!Array.isArray(v)) return [];
  const out: RecentEntry[] = [];
  for (const r of v) {
    if (typeof r !== "object" || r === null) continue;
    const { name, store, at } = r as Partial<RecentEntry>;
    if (typeof name === "string" && name && typeof store === "string" && typeof at === "number" && Number.isFinite(at)) out.push({ name, store, at });
  }
  return out.sort((a, b) => b.at - a.at).slice(0, RECENT_MAX);
}

/** The list with entry used at now: first, once, the oldest dropped past max. */
export function addRecent(list: RecentEntry[], entry: EntryRef, now: number, max = RECENT_MAX): RecentEntry[] {
  const rest = list.filter((r) => r.name !== entry.name || r.store !== entry.store);
  return [{ name: entry.name, store: entry.store, at: now }, ...rest].slice(0, max);
}

/** The entries of the list that still exist (by name and store), most recent first. */
export function presentRecent<E extends EntryRef>(list: RecentEntry[], all: readonly E[]): E[] {
  const byKey = new Map(all.map((e) => [`${e.store}\u0000${e.name}`, e]));
  const out: E[] = [];
  for (const r of list) {
    const e = byKey.get(`${r.store}\u0000${r.name}`);
    if (e) out.push(e);
  }
  return out;
}
