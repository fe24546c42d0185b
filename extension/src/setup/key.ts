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

/** The readable text around an element, up to a few ancestors, bounded: one line per text node, so list items stay apart. */
function around(el: Element, max = 800): string {
  let box: Element = el;
  for (let i = 0; i < 4 && box.parentElement && (box.parentElement.textContent?.length ?? 0) <= max; i++) box = box.parentElement;
  return readableTexts(box, max)
    .map((t) => t.nodeValue ?? "")
    .join("\n")
    .slice(0, max);
}

/** Words that label a code as a recovery (backup) code: such a code is never a 2FA secret (recovery.ts offers it as a recovery code). */
export const RECOVERY_LABEL = /recovery|backup|back-up|emergency|rescue|wiederherstellung|récupération|secours|respaldo|recuperación/i;
/** Words that say a key is the 2FA secret itself, even beside a mention of recovery codes. */
const SETUP_LABEL = /setup key|set-up key|secret key|can['’]?t scan|cannot scan|unable to scan|enter (?:this|the) (?:code|key)|manual/i;

/** Words that label a code as something other than a 2FA secret: never offered as one. */
const OTHER_LABEL = /licen[cs]e|network key|wi-?fi|wlan|wpa|product key|serial|activation (?:key|code)|api[- ]?(?:key|token)|access (?:key|token)|client (?:id|secret)|webhook|signing|encryption key|public key|fingerprint|wallet|coupon|voucher|gift|invoice|order (?:id|number)/i;

/** The words around a key that say what it is: its element and parent (bounded), without the key itself. */
export function labelOf(el: Element, run: string): string {
  let box: Element = el;
  for (let i = 0; i < 2 && box.parentElement && (box.parentElement.textContent?.length ?? 0) <= 300; i++) box = box.parentElement;
  // "<p>Your recovery code:</p><p>KE4E 6PPT …</p>": the label is often the element before.
  const before = (box.previousElementSibling?.textContent ?? "").slice(-200);
  return `${before} ${(box.textContent ?? "").slice(0, 300).replace(run, " ")}`;
}

/** Whether a label names a recovery (backup, emergency, rescue) code, not the key to set up. */
export function recoveryLabel(label: string): boolean {
  return RECOVERY_LABEL.test(label) && !SETUP_LABEL.test(label);
}

/** Whether a label names a licence, an API key, a Wi-Fi key or the like, not the key to set up. */
export function otherLabel(label: string): boolean {
  return OTHER_LABEL.test(label) && !SETUP_LABEL.test(label);
}

type Params = Omit<FoundKey, "secret">;

/** Every value a labelled parameter ("Digits: 8", "Algorithm = SHA256") takes in text, as written. */
function labelled(text: string, label: RegExp, lineStart = false): string[] {
  const out: string[] = [];
  const re = new RegExp(`${lineStart ? "(?:^|\\n)\\s*" : "\\b"}(?:${label.source})\\s*[:=：]\\s*([^\\n,;|]{1,40})`, "gi");
  for (const m of text.matchAll(re)) out.push(m[1]!.trim());
  return out;
}

/** One value for a parameter, or "conflict" when the page states two different ones. */
function single<T>(values: (T | null)[]): T | null | "conflict" {
  if (values.some((v) => v === null)) return "conflict"; // a stated value otpfill cannot read: not guessed
  const set = new Set(values);
  if (set.size > 1) return "conflict";
  return values.length ? values[0]! : null;
}

/**
 * Parameters a page may print beside a key: labelled ("Algorithm: SHA256",
 * "Digits: 8", "Interval: 60 seconds", "Type: Time-based", Keycloak's and
 * other identity servers' "can't scan" mode), or in running text ("8 digits",
 * "SHA-256"). Labelled values win over running text. Returns null when a
 * labelled value cannot be read or two contradict each other: the key is then
 * not offered, rather than saved with parameters that give wrong codes.
 */
export function paramsIn(text: string): Params | null {
  const out: Params = {};
  const algs = labelled(text, /algorithm|hash(?: function)?/).map((v) => {
    const m = /^(?:hmac[- ]?)?sha-?(1|256|512)\b/i.exec(v);
    return m ? (`SHA${m[1]}` as "SHA1" | "SHA256" | "SHA512") : null;
  });
  const alg = algs.length ? single(algs) : single(Array.from(text.matchAll(/\bSHA-?(1|256|512)\b/gi), (m) => `SHA${m[1]}` as "SHA1" | "SHA256" | "SHA512"));
  if (alg === "conflict") return null;
  if (alg) out.algorithm = alg;

  const digs = labelled(text, /digits|number of digits|code length/).map((v) => {
    const m = /^(\d{1,2})\b/.exec(v);
    const n = m ? Number(m[1]) : NaN;
    return n >= 6 && n <= 8 ? n : null;
  });
  const free = Array.from(text.matchAll(/\b([6-8])[ -]digits?\b|\bdigits?\s+([6-8])\b/gi), (m) => Number(m[1] ?? m[2]));
  const dig = single(digs.length ? digs : free);
  if (dig === "conflict") return null;
  if (dig) out.digits = dig;

  const pers = labelled(text, /period|interval|time ?step|time period|refresh(?: interval)?/).map((v) => {
    const m = /^(\d{1,3})\s*(?:s|sec|secs|seconds?)?\b/i.exec(v);
    const n = m ? Number(m[1]) : NaN;
    return n >= 10 && n <= 300 ? n : null;
  });
  const per = single(pers.length ? pers : Array.from(text.matchAll(/\b(\d{2,3})[ -]?(?:s|sec|seconds?)\b\s*(?:period|interval|time ?step)/gi), (m) => Number(m[1])));
  if (per === "conflict") return null;
  if (per) out.period = per;

  const types = labelled(text, /type|otp type|token type/i, true).map((v) => {
    if (/^(?:time[- ]?based|totp)\b/i.test(v)) return "totp" as const;
    if (/^(?:counter[- ]?based|hotp|event[- ]?based)\b/i.test(v)) return "hotp" as const;
    return null;
  });
  const type = single(types);
  if (type === "conflict") return null;
  if (type === "hotp") {
    out.type = "hotp";
    const counters = labelled(text, /counter|initial counter/).map((v) => (/^\d{1,9}\b/.test(v) ? Number(/^\d+/.exec(v)![0]) : null));
    const counter = single(counters);
    if (counter === "conflict") return null;
    out.counter = counter ?? 0;
    if (out.period) return null; // a period with a counter: the page contradicts itself
  }

  const acct = /\b(?:account(?: name)?|user ?name|user|e-?mail|login)\s*[:：]\s*([^\s,;]+@[^\s,;]+|[^\s,;]{2,64})/i.exec(text);
  if (acct) out.account = acct[1]!.replace(/[.):]+$/, "");
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
      const all = el.textContent ?? "";
      // textContent includes scripts and templates, which nobody reads.
      if (all.length > 200 || el.querySelector("script, style, template, noscript, textarea")) break;
      // Text nodes apart, so a label does not run into the key ("<dt>Key</dt><dd>FI4B-…</dd>" is not "KeyFI4B-…", whose key would start at VJBB).
      const text = readableTexts(el)
        .map((n) => n.nodeValue ?? "")
        .join(" ")
        .replace(/\s+/g, " ")
        .trim();
      if (text !== v.trim()) sources.push(text);
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
        // "Recovery key: ABCD-EFGH-…" is a code to keep, never a secret to set up (recovery.ts).
        const label = labelOf(near, run);
        if (recoveryLabel(label) || otherLabel(label)) continue;
        // Parameters may be listed a little further off ("Use the following configuration values": Keycloak).
        const params = paramsIn(around(near, 2000).replace(run, " "));
        if (!params) return null;
        return { secret, ...params };
      }
    }
  }
  return null;
}
