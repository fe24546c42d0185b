// The recently used entries (src/shared/recent.ts), written by the background
// alone, one write after another, when a code is filled or copied.

import { api } from "../shared/api";
import type { EntryRef } from "../shared/messages";
import { addRecent, parseRecent, RECENT_KEY } from "../shared/recent";

let chain: Promise<void> = Promise.resolve();

/** Puts entry first in the recent list (names only). Bookkeeping: a storage failure fails nothing. */
export function noteUsed(entry: EntryRef, now = Date.now()): Promise<void> {
  chain = chain.then(async () => {
    const got = (await api.storage.local.get(RECENT_KEY)) as Record<string, unknown>;
    await api.storage.local.set({ [RECENT_KEY]: addRecent(parseRecent(got[RECENT_KEY]), { name: entry.name, store: entry.store }, now) });
  }).catch(() => {});
  return chain;
}
