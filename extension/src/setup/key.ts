// Reading a 2FA secret from a setup page's text: otpauth:// URIs (links,
// visible text, read-only inputs) and base32 "setup keys" shown for people
// who cannot scan the QR code. Pure DOM code, no extension API, so the unit
// tests run it on jsdom.

import type { FoundKey } from "../shared/setup";

/** Only these count: any other URI (a web link in a QR code, otpauth-migration://) is ignored. */
export function isOtpauth(uri: string): boolean {
  return /^otpauth:\/\/(totp|hotp)\//i.test(uri.trim());
}

const BASE32 = /^[A-Z2-7]+=*$/;
/** Lengths (mod 8, without padding) that a whole number of bytes can give in base32. */
const VALID_TAIL = new Set([0, 2, 4, 5, 7]);

/**
 * The setup key with separators removed and upper-cased, or "" when it is not
 * the base32 of at least 10 bytes (the shortest secret RFC 4226 allows is 128
 * bits; 80 bits is what some sites still show).
 */
export function normalizeKey(text: string): string {
  const s = text.replace(/[\s\u00a0-]+/g, "").toUpperCase();
  if (!BASE32.test(s)) return "";
  const bare = s.replace(/=+$/, "");
  if (!VALID_TAIL.has(bare.length % 8)) return "";
  if (Math.floor((bare.length * 5) / 8) < 10) return "";
  return bare;
}

/** Text nodes that a person can read (not scripts, styles or templates). */
export function readableTexts(root: Node, limit = 200_000): Text[] {
  const out: Text[] = [];
  const doc = root.ownerDocument ?? (root as Document);
  const walker = doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  let total = 0;
  for (let n = walker.nextNode(); n && total < limit; n = walker.nextNode()) {
    const p = n.parentElement?.tagName;
    if (p === "SCRIPT" || p === "STYLE" || p === "NOSCRIPT" || p === "TEMPLATE" || p === "TEXTAREA") continue;
    const t = n.nodeValue ?? "";
    if (!t.trim()) continue;
    total += t.length;
    out.push(n as Text);
  }
  return out;
}

const URI_IN_TEXT = /otpauth:\/\/(?:totp|hotp)\/[^\s"'<>]+/gi;

/** otpauth URIs on the page: link targets, visible text, read-only fields. In document order, without duplicates. */
export function findUris(doc: Document, texts: Text[]): string[] {
  const out: string[] = [];
  const add = (u: string | null | undefined) => {
    const t = (u ?? "").trim();
    if (isOtpauth(t) && !out.includes(t)) out.push(t);
  };
  for (const a of Array.from(doc.querySelectorAll<HTMLAnchorElement>('a[href^="otpauth:" i]'))) add(a.getAttribute("href"));
  for (const el of Array.from(doc.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea"))) {
    if (/^otpauth:/i.test(el.value)) add(el.value);
  }
  for (const t of texts) {
    const v = t.nodeValue ?? "";
    if (!v.includes("otpauth:")) continue;
    for (const m of v.matchAll(URI_IN_TEXT)) add(m[0]);
  }
  return out;
}

/** Words that say "this is the key to type in by hand". */
const KEY_WORDS =
  /setup key|set-up key|secret key|secret|manual(?:ly)?|can['’]?t scan|cannot scan|unable to scan|text code|enter (?:this|the) (?:code|key)|key|schlüssel|clé|clave/i;

/** Grouped (JBSW Y3DP …) or contiguous base32 runs in a string. */
const KEY_RUN = /(?<![A-Za-z0-9])(?:[A-Za-z2-7]{4}(?:[ \u00a0-][A-Za-z2-7]{4}){3,}(?:[ \u00a0-][A-Za-z2-7]{1,4})?|[A-Za-z2-7]{16,}={0,6})(?![A-Za-z0-9])/g;

/** The text around an element, up to a few ancestors, bounded. */
function around(el: Element, max = 800): string {
  let box: Element = el;
  for (let i = 0; i < 4 && box.parentElement && (box.parentElement.textContent?.length ?? 0) <= max; i++) box = box.parentElement;
  return (box.textContent ?? "").slice(0, max);
}

/** Parameters a page may print beside a key (8 digits, SHA256, 60 s). */
function paramsIn(text: string): Omit<FoundKey, "secret"> {
  const out: Omit<FoundKey, "secret"> = {};
  const alg = /\bSHA-?(1|256|512)\b/i.exec(text);
  if (alg) out.algorithm = `SHA${alg[1]}` as "SHA1" | "SHA256" | "SHA512";
  const dig = /\b(?:digits?\s*[:=]?\s*([6-8])\b|([6-8])[ -]digits?\b)/i.exec(text);
  if (dig) out.digits = Number(dig[1] ?? dig[2]);
  const per = /\b(?:period|interval|time ?step)\s*[:=]?\s*(\d{2,3})\s*(?:s|sec|seconds)?\b|\b(\d{2,3})[ -]?(?:s|sec|seconds?)\b(?:\s*(?:period|interval|time ?step))/i.exec(text);
  if (per) out.period = Number(per[1] ?? per[2]);
  const acct = /\b(?:account(?: name)?|user ?name|user|e-?mail|login)\s*[:：]\s*([^\s,;]+@[^\s,;]+|[^\s,;]{2,64})/i.exec(text);
  if (acct) out.account = acct[1]!.replace(/[.)]+$/, "");
  else {
    const mail = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/.exec(text);
    if (mail) out.account = mail[0];
  }
  return out;
}

/**
 * A base32 setup key shown on the page near words that name it, or null.
 * Letters must be all upper or all lower case and the key must hold a digit
 * 2-7, so that runs of ordinary words are never taken for a key.
 */
export function findKey(texts: Text[]): FoundKey | null {
  const looked = new Set<Element>();
  for (const t of texts) {
    const v = t.nodeValue ?? "";
    if (v.length > 2000) continue;
    const sources = [v];
    // Groups may be split over sibling elements (<span>JBSW</span> <span>Y3DP</span>): look at the enclosing elements' text too.
    let el = t.parentElement;
    for (let i = 0; i < 3 && el; i++, el = el.parentElement) {
      if (looked.has(el)) break;
      looked.add(el);
      const text = el.textContent ?? "";
      // textContent includes scripts and templates, which nobody reads.
      if (text.length > 200 || el.querySelector("script, style, template, noscript, textarea")) break;
      if (text !== v) sources.push(text);
    }
    const near = t.parentElement;
    if (!near) continue;
    for (const source of sources) {
      for (const m of source.matchAll(KEY_RUN)) {
        const run = m[0];
        const letters = run.replace(/[^A-Za-z]/g, "");
        if (letters !== letters.toUpperCase() && letters !== letters.toLowerCase()) continue;
        if (!/[2-7]/.test(run)) continue;
        const secret = normalizeKey(run);
        if (!secret) continue;
        const context = around(near).replace(run, " ");
        if (!KEY_WORDS.test(context)) continue;
        return { secret, ...paramsIn(context) };
      }
    }
  }
  return null;
}
