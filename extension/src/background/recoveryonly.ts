// Entries of recovery codes only (a site whose 2FA is by SMS, or whose key is
// kept elsewhere; protocol `save_recovery` with `create`). They have no code:
// the host answers `code` with `recovery_only`. `match` says so only when the
// host knows without decrypting, so the background also remembers such
// entries by name (storage.local, names only): the ones it created itself,
// and the ones whose `code` answered `recovery_only`. Auto-fill and the
// chooser leave them out before asking for a code; a `code` that succeeds
// (a key was added to the entry since) forgets the name again.

import { api } from "../shared/api";
import type { EntryRef, MatchEntry } from "../shared/messages";

const KEY = "recoveryOnlyEntries";
/** At most this many names are kept (the oldest go first). */
const MAX = 500;
let known: Set<string> | null = null;

const keyOf = (e: { name: string; store: string }) => `${e.store}\u0000${e.name}`;

async function load(): Promise<Set<string>> {
  if (!known) {
    const got = (await api.storage.local.get(KEY).catch(() => ({}))) as { [KEY]?: string[] };
    known ??= new Set(Array.isArray(got[KEY]) ? got[KEY].filter((k) => typeof k === "string") : []);
  }
  return known;
}

/** Remembers (on) or forgets (off) that an entry keeps recovery codes only. */
export async function noteRecoveryOnly(e: { name: string; store: string }, on: boolean): Promise<void> {
  const set = await load();
  const k = keyOf(e);
  if (set.has(k) === on) return;
  if (on) {
    set.add(k);
    while (set.size > MAX) set.delete(set.values().next().value!);
  } else set.delete(k);
  await api.storage.local.set({ [KEY]: [...set] }).catch(() => {});
}

/**
 * The entries, those known to keep recovery codes only marked `type:
 * "recovery"`. A type the host sent wins: one saying the entry has a key
 * (totp, hotp) also forgets it here.
 */
export async function withRecoveryOnly(entries: MatchEntry[]): Promise<MatchEntry[]> {
  const set = await load();
  if (!set.size) return entries;
  for (const e of entries) if (e.type !== undefined && e.type !== "recovery" && set.has(keyOf(e))) await noteRecoveryOnly(e, false);
  return entries.map((e) => (e.type === undefined && set.has(keyOf(e)) ? { ...e, type: "recovery" } : e));
}

/** Whether an entry is known to keep recovery codes only. */
export async function isRecoveryOnly(e: EntryRef): Promise<boolean> {
  return (await load()).has(keyOf(e));
}
