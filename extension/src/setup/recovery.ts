// Finding a list of recovery (backup) codes on a page: 8 to 16 codes of one
// shape (GitHub's "1a2b3-4c5d6", Google's "1234 5678", grouped "ABCD-EFGH",
// plain 8-12 character codes) near the words "recovery" or "backup". The
// codes are taken from the page's text exactly as shown, in page order.
// Pure DOM code, unit-tested on jsdom.

import { labelOf, otherLabel, readableTexts, recoveryLabel } from "./key";

/** Code shapes, most specific first; a list is codes of one shape. */
const SHAPES: RegExp[] = [
  /^[0-9a-z]{5}-[0-9a-z]{5}$/i, // GitHub
  /^\d{4} \d{4}$/, // Google
  /^[0-9A-Za-z]{4}(?:-[0-9A-Za-z]{4}){1,3}$/, // grouped
  /^(?=.*\d)(?=.*[a-z])[0-9a-z]{8,12}$/i, // letters and digits, e.g. Discord
  /^\d{6,10}$/, // digits only
];

export const MIN_CODES = 8;
export const MAX_CODES = 16;

const WORDS = /recovery|backup|back-up|emergency|rescue|wiederherstellung|récupération|secours|respaldo|recuperación/i;

/** One long code in groups ("K7QM 2XRT P4WZ 9HNB …", "ABCDE-FGHIJ-…"): 16 to 32 letters and digits. */
const LONG_CODE = /(?<![A-Za-z0-9-])[A-Za-z0-9]{4,8}(?:[ \u00a0-][A-Za-z0-9]{4,8}){2,7}(?![A-Za-z0-9-])/g;

function shapeOf(s: string): number {
  for (let i = 0; i < SHAPES.length; i++) if (SHAPES[i]!.test(s)) return i;
  return -1;
}

function commonAncestor(a: Node, b: Node): Node | null {
  const seen = new Set<Node>();
  for (let n: Node | null = a; n; n = n.parentNode) seen.add(n);
  for (let n: Node | null = b; n; n = n.parentNode) if (seen.has(n)) return n;
  return null;
}

/** Whether the text around a list (its container and a few ancestors, bounded) speaks of recovery/backup codes. */
function nearWords(box: Node): boolean {
  let el: Node | null = box;
  for (let i = 0; i < 5 && el; i++, el = el.parentNode) {
    const text = (el.textContent ?? "").slice(0, 4000);
    if (WORDS.test(text)) return true;
    if ((el.textContent?.length ?? 0) > 4000) break;
  }
  return false;
}

/**
 * The recovery codes shown on the page, or null. Each code is one text line:
 * a whole text node (<li>1a2b3-4c5d6</li>) or one line of a block of text
 * (<pre>, lines separated by line breaks).
 */
export function findRecoveryCodes(root: Node, texts: Text[] = readableTexts(root)): string[] | null {
  const groups = new Map<number, { codes: string[]; nodes: Node[] }>();
  for (const t of texts) {
    const v = t.nodeValue ?? "";
    if (v.length > 2000) continue;
    for (const line of v.split(/\r?\n/)) {
      const code = line.trim().replace(/\u00a0/g, " ");
      if (code.length < 6 || code.length > 24) continue;
      const shape = shapeOf(code);
      if (shape < 0) continue;
      const g = groups.get(shape) ?? { codes: [], nodes: [] };
      g.codes.push(code);
      g.nodes.push(t);
      groups.set(shape, g);
    }
  }
  let best: string[] | null = null;
  for (const g of groups.values()) {
    if (g.codes.length < MIN_CODES || g.codes.length > MAX_CODES) continue;
    if (new Set(g.codes).size !== g.codes.length) continue;
    let box: Node | null = g.nodes[0]!;
    for (const n of g.nodes) box = box && commonAncestor(box, n);
    if (!box || !nearWords(box)) continue;
    if (!best || g.codes.length > best.length) best = g.codes;
  }
  return best;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** "Signed in as alice@example.com", "Username: @alice_k", "Account: alice" — the address or handle after the words. */
const LABELLED =
  /\b(?:signed in as|logged in as|account(?: name)?\s*[:：]|user ?name\s*[:：]|user id\s*[:：]|e-?mail\s*[:：]|angemeldet als|connecté en tant que)\s*(?:([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})|@?([A-Za-z0-9][A-Za-z0-9._-]{1,63}))/i;

const LABEL = /signed in as|logged in as|account|user ?name|user id|e-?mail|angemeldet als|connecté en tant que/i;

/** An element's text with its text nodes apart (textContent runs "alice@x.com" into the next element's "help"), or "" when long. */
function spaced(el: Element | null | undefined): string {
  if (!el || (el.textContent?.length ?? 301) > 300) return "";
  const parts: string[] = [];
  const walker = el.ownerDocument.createTreeWalker(el, 4 /* NodeFilter.SHOW_TEXT */);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) parts.push(n.nodeValue ?? "");
  return parts.join(" ").replace(/\s+/g, " ");
}

/**
 * The account a page with recovery codes shows signing in, to name a new
 * entry of its codes (REGISTRABLE-DOMAIN/ACCOUNT, as `save` names one): the
 * address or handle after "Signed in as", "Username:", "Account:" (the first
 * the page shows), else the one e-mail address in the page's text (masked
 * ones, "a•••@example.com", are not addresses; several different ones name
 * nobody). Page text only ever proposes a name, which the user sees and may
 * edit; it never picks an existing entry.
 */
export function shownAccount(texts: Text[]): string | undefined {
  const mails = new Set<string>();
  for (const t of texts) {
    const v = (t.nodeValue ?? "").slice(0, 2000);
    // A label and its value are often apart ("Signed in as <b>alice</b>", <dt>Username</dt><dd>alice</dd>): the enclosing elements' text too.
    // (Looked at only where this text holds the label: a page has many text nodes.)
    const m = LABEL.test(v) ? (LABELLED.exec(v) ?? LABELLED.exec(spaced(t.parentElement)) ?? LABELLED.exec(spaced(t.parentElement?.parentElement))) : null;
    if (m) return (m[1] ?? m[2]!.replace(/[._-]+$/, "")).toLowerCase();
    for (const e of v.matchAll(EMAIL)) mails.add(e[0].toLowerCase());
  }
  return mails.size === 1 ? [...mails][0] : undefined;
}

/**
 * A single long recovery code (Bitwarden's "recovery code", an "emergency
 * kit" or "rescue code"), shown in groups and labelled as such, or null. It
 * may look exactly like a base32 setup key: the label decides, and findKey
 * (key.ts) leaves it alone. Taken exactly as shown; one only, so that a page
 * listing several keys of some other kind gives nothing.
 */
export function findRecoveryKey(texts: Text[]): string[] | null {
  const found: string[] = [];
  for (const t of texts) {
    const v = t.nodeValue ?? "";
    if (v.length > 400 || !t.parentElement) continue;
    for (const m of v.matchAll(LONG_CODE)) {
      const code = m[0].replace(/\u00a0/g, " ");
      const bare = code.replace(/[ -]/g, "");
      if (bare.length < 16 || bare.length > 32 || !/\d/.test(bare)) continue;
      const letters = bare.replace(/\d/g, "");
      if (letters !== letters.toUpperCase() && letters !== letters.toLowerCase()) continue;
      const label = labelOf(t.parentElement, m[0]);
      if (!recoveryLabel(label) || otherLabel(label)) continue;
      if (!found.includes(code)) found.push(code);
    }
  }
  return found.length === 1 ? found : null;
}
