// The entries learnt to be HOTP (src/background/hotp.ts writes them): in
// storage.local, by store and name. The popup reads them too, so that showing
// a list never advances a counter.

import type { EntryRef } from "./messages";

export const HOTP_KEY = "hotpEntries";

export const hotpKeyOf = (e: EntryRef) => `${e.store}\u0000${e.name}`;
