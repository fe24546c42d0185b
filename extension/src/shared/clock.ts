// The site's clock against this computer's, from the Date header of the
// page's own responses (no extra request). A TOTP code is only valid for its
// period: when the two clocks differ by more than that, the site refuses
// the code and the user should know why.

/** What the background keeps per tab: each host's clock offset from the local one. */
export interface SiteClock {
  /** Site minus local, in milliseconds: positive when the site is ahead. */
  skewMs: number;
  /** When it was measured (local ms). */
  at: number;
}

export type TabClocks = Record<string, SiteClock>;

/** The storage.session key of a tab's clocks. */
export const clockKey = (tabId: number): string => `clock:${tabId}`;

/**
 * The warning threshold: one standard TOTP period. The Date header has whole
 * seconds and the response spent time on the way, so smaller offsets mean
 * nothing; a larger one makes the site's own step differ from the code's.
 */
export const CLOCK_LIMIT_MS = 30_000;

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

/** The warning for host's clock, or null when it agrees with the local one within limitMs. */
export function clockWarning(c: SiteClock | undefined, host: string, limitMs = CLOCK_LIMIT_MS): string | null {
  if (!c || Math.abs(c.skewMs) <= limitMs) return null;
  const side = c.skewMs > 0 ? "ahead of" : "behind";
  return `${host}'s clock is ${spanText(c.skewMs)} ${side} this computer's. Codes are valid for 30 s, so the site may refuse them: ` +
    "if this computer's clock is wrong, set it to update automatically (`otpfill doctor` checks it).";
}
