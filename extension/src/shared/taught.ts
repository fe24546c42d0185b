// Fields the user taught: where detection found no 2FA field, the user filled
// one by hand (context menu, popup) and then told the popup to remember it.
// Kept in storage.local, one key per registrable domain ("taught:github.com"),
// so a content script reads only its own site's: a path pattern and a CSS
// selector each, never page text, never a code.

export const TAUGHT_PREFIX = "taught:";
/** Fields remembered per site at most (the oldest goes). */
export const TAUGHT_MAX = 10;

export interface TaughtField {
  /** The path it was taught on, with segments that look like ids as "*" (pathPattern). */
  path: string;
  /** A CSS selector for the input, relative to its document (content/teach.ts fieldSelector). */
  selector: string;
  /** Unix milliseconds. */
  added: number;
}

/**
 * The storage keys a page on hostname may have taught fields under: its name
 * and each parent domain. Only the registrable domain's is ever written (the
 * background writes it), so a content script needs no public-suffix list.
 */
export function taughtKeys(hostname: string): string[] {
  const labels = hostname.toLowerCase().split(".");
  const out: string[] = [];
  for (let i = 0; i < labels.length; i++) out.push(TAUGHT_PREFIX + labels.slice(i).join("."));
  return out;
}

/** The taught fields as stored; anything else is dropped (the content script reads these: kept short). */
export function parseTaught(v: unknown): TaughtField[] {
  return Array.isArray(v) ? v.filter((t): t is TaughtField => typeof t?.path == "string" && t.path[0] == "/" && typeof t.selector == "string" && t.selector != "") : [];
}

/** The list with f added (a same path and selector replaced), at most max, the newest last. */
export function addTaught(list: TaughtField[], f: TaughtField, max = TAUGHT_MAX): TaughtField[] {
  const rest = list.filter((t) => t.path !== f.path || t.selector !== f.selector);
  return [...rest, f].slice(-max);
}

/** A path segment that names one thing (a number, a hex or random token, a UUID) rather than a page. */
function idLike(seg: string): boolean {
  if (/^\d+$/.test(seg)) return true;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(seg)) return true;
  if (seg.length >= 12 && /\d/.test(seg) && /^[A-Za-z0-9_-]+$/.test(seg)) return true; // tokens: "8f3a9c1b2d4e", "s3KdL0pQ9xYz"
  return /^[0-9a-f]{8,}$/i.test(seg) && /\d/.test(seg);
}

/** The path pattern a field taught on pathname is remembered for: id-like segments become "*", a trailing slash goes. */
export function pathPattern(pathname: string): string {
  const segs = pathname.split("/").filter(Boolean).slice(0, 12);
  return "/" + segs.map((s) => (idLike(s) ? "*" : s)).join("/");
}

/** Whether pathname fits a pattern: as many segments, each equal or "*". */
export function pathMatches(pattern: string, pathname: string): boolean {
  const want = pattern.split("/").filter(Boolean);
  const got = pathname.split("/").filter(Boolean);
  return want.length === got.length && want.every((w, i) => w === "*" || w === got[i]);
}
