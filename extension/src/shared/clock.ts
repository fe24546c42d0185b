// The site's clock against this computer's, from the Date header of the
// page's own responses (no extra request). A TOTP code is only valid for its
// period: when the two clocks differ by more than that, the site refuses
// the code and the user should know why. The period is that of the codes
// used on the site (the smallest of its entries' periods, learnt from the
// codes the host gave), or 30 s while none is known.

import type { MatchEntry } from "./messages";
import { hotpKeyOf } from "./hotp";

/** What the background keeps per tab: each host's clock offset from the local one. */
export interface SiteClock {
  /** Site minus local, in milliseconds: positive when the site is ahead. */
  skewMs: number;
  /** When it was measured (local ms). */
  at: number;
  /** The period (s) the toolbar mark went by, when the site's entries were asked for. */
  periodS?: number;
}

export type TabClocks = Record<string, SiteClock>;

/** The storage.session key of a tab's clocks. */
export const clockKey = (tabId: number): string => `clock:${tabId}`;

/**
 * The warning threshold while no period of the site's codes is known: one
 * standard TOTP period. The Date header has whole seconds and the response
 * spent time on the way, so smaller offsets mean nothing; a larger one makes
 * the site's own step differ from the code's.
 */
export const DEFAULT_PERIOD_S = 30;

/**
 * The storage.local key of the TOTP periods learnt from `code` answers, in
 * seconds, by entry (hotpKeyOf: store and name). The background writes it
 * (src/background/clock.ts), the popup reads it.
 */
export const PERIODS_KEY = "totpPeriods";

export type LearntPeriods = Record<string, number>;

/** An entry's key in the learnt periods: its store and name, as for the HOTP entries. */
export const periodKeyOf = hotpKeyOf;

/** The learnt periods from what storage.local holds under PERIODS_KEY (anything malformed is dropped). */
export function parsePeriods(v: unknown): LearntPeriods {
  const out: LearntPeriods = {};
  if (!v || typeof v !== "object" || Array.isArray(v)) return out;
  for (const [k, p] of Object.entries(v as Record<string, unknown>)) {
    if (typeof p === "number" && Number.isInteger(p) && p > 0) out[k] = p;
  }
  return out;
}

/**
 * The entries whose codes are used on a site, of those `match` gave: the
 * exact matches, or the weak ones when there is no exact one. Entries of
 * recovery codes only have no code.
 */
export function usedEntries<T extends { strength?: MatchEntry["strength"] | undefined; type?: MatchEntry["type"] | undefined }>(entries: readonly T[]): T[] {
  const withCode = entries.filter((e) => e.type !== "recovery");
  const exact = withCode.filter((e) => e.strength === "exact");
  return exact.length ? exact : withCode;
}

/** The period the site's clock is held to: the smallest known period of its codes, else 30 s. */
export function sitePeriod(periods: readonly (number | undefined)[]): number {
  const known = periods.filter((p): p is number => typeof p === "number" && p > 0);
  return known.length ? Math.min(...known) : DEFAULT_PERIOD_S;
}

/**
 * The site's offset from the local clock, from a response's headers: Date
 * plus Age (a cache's copy was made Age seconds ago), minus the local time
 * the headers arrived. null when there is no usable Date.
 */
export function skewFromHeaders(headers: readonly { name: string; value?: string | undefined }[], receivedAt: number): number | null {
  let date = NaN;
  let age = 0;
  for (const h of headers) {
    const n = h.name.toLowerCase();
    if (n === "date" && h.value) date = Date.parse(h.value);
    else if (n === "age" && h.value && /^\d+$/.test(h.value.trim())) age = Number(h.value.trim());
  }
  if (!Number.isFinite(date)) return null;
  return date + age * 1000 - receivedAt;
}

/** "5 min" / "45 s" / "2 h" for an offset in ms. */
export function spanText(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

/**
 * The warning for host's clock, or null when it agrees with the local one
 * within periodS, the period of the codes used there (sitePeriod).
 */
export function clockWarning(c: SiteClock | undefined, host: string, periodS = DEFAULT_PERIOD_S): string | null {
  if (!c || Math.abs(c.skewMs) <= periodS * 1000) return null;
  const side = c.skewMs > 0 ? "ahead of" : "behind";
  return `${host}'s clock is ${spanText(c.skewMs)} ${side} this computer's. Its codes are valid for ${spanText(periodS * 1000)}, so the site may refuse them: ` +
    "if this computer's clock is wrong, set it to update automatically (`otpfill doctor` checks it).";
}
