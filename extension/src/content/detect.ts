// Finding the one-time-code field on a page by scoring every visible input.
// Pure DOM code with no extension API, so unit tests can run it on jsdom.

import {
  APP_CHANNEL,
  DEVICE_CHANNEL,
  EMAIL_CHANNEL,
  HARD_NEGATIVE,
  normalize,
  OTHER_AUTOCOMPLETE,
  OTP_CODE_WORD,
  OTP_STRONG,
  PAYMENT_CONTEXT,
  PIN,
  RECOVERY,
  SENT_VERB,
  SMS_CHANNEL,
  SOFT_NEGATIVE,
  VOICE_CHANNEL,
  type Words,
  words,
} from "./keywords";
import type { SentChannel } from "../shared/messages";

/** A score at or over this makes an input a candidate: the inline icon is offered. */
export const CANDIDATE = 25;
/** A score at or over this makes a candidate confident enough to fill without asking. */
export const CONFIDENT = 45;
/** The score of an input that must never be filled. */
export const EXCLUDED = -1000;

export type Field =
  | { kind: "single"; input: HTMLInputElement; score: number }
  | { kind: "split"; inputs: HTMLInputElement[]; score: number };

/** What the detector cannot know from the DOM alone (layout), injected so tests can run without a layout engine. */
export interface Env {
  visible(el: HTMLElement): boolean;
}

/** Visibility with layout, for real browsers. */
export const browserEnv: Env = {
  visible(el) {
    const check = (el as HTMLElement & { checkVisibility?: (o: object) => boolean }).checkVisibility;
    if (check && !check.call(el, { visibilityProperty: true, contentVisibilityAuto: true })) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  },
};

const TEXTLIKE = new Set(["text", "tel", "number", "password"]);

/** Inputs a code could go into if they are shown: text-like, enabled, writable. */
function usable(el: HTMLInputElement): boolean {
  return TEXTLIKE.has(el.type) && !el.disabled && !el.readOnly;
}

/** Inputs a code could go into at all: text-like, visible, enabled, writable. */
export function eligible(el: HTMLInputElement, env: Env): boolean {
  return usable(el) && env.visible(el);
}

function attr(el: Element, name: string): string {
  return el.getAttribute(name) ?? "";
}

function byIds(el: Element, ids: string): string {
  const root = el.getRootNode() as Document | ShadowRoot;
  let out = "";
  for (const id of ids.split(/\s+/)) {
    if (id) out += " " + (root.getElementById?.(id)?.textContent ?? "");
  }
  return out;
}

/** The field's own texts, unnormalised: identifiers, hints and labels (descriptions go to nearbyText: they often mention recovery codes). */
function ownParts(el: HTMLInputElement): string[] {
  let labels = "";
  for (const l of Array.from(el.labels ?? [])) labels += " " + (l.textContent ?? "");
  const lb = attr(el, "aria-labelledby");
  if (lb) labels += byIds(el, lb);
  return [
    attr(el, "name"),
    el.id,
    attr(el, "class"),
    attr(el, "placeholder"),
    attr(el, "aria-label"),
    attr(el, "title"),
    attr(el, "data-testid"),
    labels.slice(0, 300),
  ];
}

/** The field's own words. */
export function ownText(el: HTMLInputElement): Words {
  return words(ownParts(el).join(" "));
}

/** Where one alternative ends in a field's text: "6-digit authentication code/8-digit backup code", "code or recovery code". */
const ALTERNATIVES = /[/|,;()]|\s(?:or|oder|ou|o|of|или)\s/i;

/**
 * Whether some alternative in the field's own texts names a one-time code
 * and no recovery code: a field that takes both kinds, not a recovery-code
 * field that happens to say "two-factor".
 */
function namesOneTimeCodeApart(el: HTMLInputElement): boolean {
  for (const part of ownParts(el)) {
    for (const alt of part.split(ALTERNATIVES)) {
      const w = words(alt);
      if (OTP_STRONG.test(w) && !RECOVERY.test(w)) return true;
    }
  }
  return false;
}

/** The box whose text describes the field: its form or dialog, else its nearest ancestors with some text. */
function container(el: Element): Element | null {
  const box = el.closest("form, dialog, [role=dialog], [role=alertdialog]");
  if (box) return box;
  let up = el.parentElement;
  for (let i = 0; i < 3 && up?.parentElement && (up.textContent?.length ?? 0) < 200; i++) up = up.parentElement;
  return up;
}

/** Text around the field: its description, its form (or nearest ancestors), and the document title. */
export function nearbyText(el: Element): Words {
  const box = container(el);
  const db = attr(el, "aria-describedby");
  const text = (db ? byIds(el, db) : "") + " " + (box?.textContent ?? "").slice(0, 1500);
  return words(text + " " + (el.ownerDocument?.title ?? ""));
}

/** Elements whose text is no caption. */
const NO_TEXT = new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT", "BUTTON", "A", "SELECT"]);

function hasField(el: Element): boolean {
  return el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.getElementsByTagName("input").length > 0;
}

/**
 * The field's caption, for a field that does not name itself: the nearest
 * text before it (a preceding sibling of the field or of one of its three
 * nearest ancestors: a heading, a paragraph, a div styled as a label), a
 * floating label right after it, and its aria-describedby text. The walk is
 * bounded and reads no layout; it stops at another field, whose caption that
 * text is. Descriptions count only for the field (they may name recovery
 * codes): the second value is the caption without them.
 */
export function caption(el: HTMLInputElement, own: Words): [Words, Words] {
  let text = "";
  let node: Element | null = el;
  walk: for (let depth = 0; depth < 4 && node; depth++) {
    let n = 0;
    for (let s = node.previousElementSibling; s && n < 4; s = s.previousElementSibling, n++) {
      if (NO_TEXT.has(s.tagName) || (s as HTMLInputElement).type === "hidden") continue;
      if (hasField(s)) break walk;
      const t = s.textContent!.trim().slice(-200);
      // The field's own label (a floating label before it) is no caption.
      if (t && !own.padded.includes(` ${normalize(t)} `)) {
        text = t;
        break walk;
      }
    }
    // Up to the shadow host: a web component's caption is in its host's tree.
    node = node.parentElement ?? ((node.parentNode as ShadowRoot | null)?.host ?? null);
    if (!node || node.tagName === "BODY") break;
  }
  // Material-style floating labels follow the input.
  const next = el.nextElementSibling;
  if (next && /label|caption/i.test(next.tagName + attr(next, "class")) && !hasField(next)) text += " " + next.textContent!.slice(0, 100);
  const db = attr(el, "aria-describedby");
  const near = words(text);
  return [db ? words(text + " " + byIds(el, db).slice(0, 300)) : near, near];
}

/** Whether the field's words rule it out, given whether they also say "one-time code" (HARD_NEGATIVE already checked). */
function excludedByWords(own: Words, strong: boolean, el: HTMLInputElement, otcAutocomplete: boolean, near: () => Words): boolean {
  // autocomplete=one-time-code wins over a mention of backup codes only when the field also names the one-time code.
  if (RECOVERY.test(own) && !(otcAutocomplete && namesOneTimeCodeApart(el))) return true;
  if (strong || otcAutocomplete) return false;
  if (SOFT_NEGATIVE.test(own)) return true;
  // A password-typed field is a password, unless it is called a code (never a PIN)
  // and its form says which one: FortiGate's "Token Code" under "Enter the token code from FortiToken Mobile".
  return el.type === "password" && !(OTP_CODE_WORD.test(own) && !PIN.test(own) && OTP_STRONG.test(near()));
}

function numericHint(el: HTMLInputElement): boolean {
  const im = attr(el, "inputmode").toLowerCase();
  return im === "numeric" || im === "decimal" || el.type === "number" || el.type === "tel";
}

function digitPattern(el: HTMLInputElement): boolean {
  const p = attr(el, "pattern");
  return /\\d|\[0-9\]/.test(p);
}

/**
 * Scores one input as a single code field. EXCLUDED means it must never be
 * filled; CANDIDATE and over means it may be offered; CONFIDENT and over, filled.
 */
export function scoreInput(el: HTMLInputElement, env: Env): number {
  if (!usable(el)) return EXCLUDED;
  const ac = attr(el, "autocomplete").toLowerCase();
  const otcAutocomplete = ac.includes("one-time-code");
  if (!otcAutocomplete && ac.split(" ").some((t) => OTHER_AUTOCOMPLETE.has(t))) return EXCLUDED;
  const own = ownText(el);
  // Before OTP_STRONG: on a page with only a search box, its keywords are never loaded.
  if (HARD_NEGATIVE.test(own)) return EXCLUDED;
  const strong = OTP_STRONG.test(own);
  // The text around the field costs the most to read: only fields still in the running pay for it.
  let nearWords: Words | undefined;
  const near = () => (nearWords ??= nearbyText(el));
  if (excludedByWords(own, strong, el, otcAutocomplete, near)) return EXCLUDED;

  let score = 0;
  // What the caption adds to a field with a label of its own ("Enter code")
  // counts only where nothing else is asked beside it (below).
  let later = 0;
  if (otcAutocomplete) score += 100;
  if (strong) score += 40;
  else if (OTP_CODE_WORD.test(own)) score += 15;
  if (!strong && !otcAutocomplete) {
    // A field that does not name itself is known by its caption: the text
    // right before it, a visual label, its description (docs/DECISIONS.md).
    const [cap, shown] = caption(el, own);
    if (HARD_NEGATIVE.test(shown) || PIN.test(shown) || (RECOVERY.test(shown) && !OTP_STRONG.test(shown))) return EXCLUDED;
    // A caption that asks for a code ("Enter the 6-digit code from your
    // authenticator app") is as good as a label; a bare 2FA heading is only
    // the nearby text already counted below.
    if (OTP_STRONG.test(cap) && OTP_CODE_WORD.test(cap)) {
      if (OTP_CODE_WORD.test(own)) later = 30;
      else score += 30;
    }
    else if (SOFT_NEGATIVE.test(shown) && !OTP_CODE_WORD.test(shown)) return EXCLUDED;
  }
  if (numericHint(el)) score += 10;
  if (digitPattern(el)) score += 10;
  const max = el.maxLength;
  if (max >= 6 && max <= 10) score += 15;
  else if (max === 4 || max === 5) score += 5;
  else if (max >= 1 && max <= 3) score -= 20;
  else if (max > 20) score -= 10;

  if (PAYMENT_CONTEXT.test(near())) score -= 40;
  if (OTP_STRONG.test(near())) score += 15;
  else if (OTP_CODE_WORD.test(near())) score += 5;
  // Visibility costs a layout, which a page that is still loading has not
  // done yet: only a field that could be offered is asked. A lower score
  // says "not a candidate" as well as EXCLUDED does.
  if (score + SOLE_BONUS + later < CANDIDATE) return score;
  if (!env.visible(el)) return EXCLUDED;
  const sole = soleTextInput(el, env);
  if (sole) score += SOLE_BONUS;
  return sole !== false ? score + later : score;
}

const SOLE_BONUS = 10;

/**
 * Whether el is the only visible text-like input of its form, or of its
 * dialog when it has no form (X's code step): a step asking for one thing;
 * null when it is in neither.
 */
function soleTextInput(el: HTMLInputElement, env: Env): boolean | null {
  const box = el.form ?? el.closest("dialog, [role=dialog], [role=alertdialog]");
  if (!box) return null;
  const inputs = box.tagName === "FORM" ? Array.from((box as HTMLFormElement).elements) : Array.from(box.querySelectorAll("input"));
  let n = 0;
  for (const other of inputs) {
    if (other.tagName === "INPUT" && TEXTLIKE.has((other as HTMLInputElement).type)) {
      if (other === el || env.visible(other as HTMLInputElement)) n++;
      if (n > 1) return false;
    }
  }
  return n === 1;
}

/** Whether two boxes sit together: the same parent, grandparent or great-grandparent, short of the whole page. */
function adjacent(a: Element, b: Element): boolean {
  let pa: Element | null = a.parentElement;
  let pb: Element | null = b.parentElement;
  for (let i = 0; i < 3 && pa && pb; i++) {
    if (pa === pb) return pa.tagName !== "BODY" && pa.tagName !== "HTML";
    pa = pa.parentElement;
    pb = pb.parentElement;
  }
  return false;
}

function isBox(el: HTMLInputElement): boolean {
  return el.maxLength === 1 || (el.maxLength < 0 && attr(el, "size") === "1");
}

/** Scores 4–8 adjacent one-character inputs as one code field. */
export function scoreSplit(boxes: HTMLInputElement[]): number {
  if (boxes.length < 4 || boxes.length > 8) return EXCLUDED;
  let raw = "";
  let otc = false;
  for (const b of boxes) {
    raw += " " + [attr(b, "name"), b.id, attr(b, "class"), attr(b, "placeholder"), attr(b, "aria-label"), attr(b, "title")].join(" ");
    for (const l of Array.from(b.labels ?? [])) raw += " " + (l.textContent ?? "").slice(0, 100);
    if (attr(b, "autocomplete").toLowerCase().includes("one-time-code")) otc = true;
  }
  const own = words(raw);
  const strong = OTP_STRONG.test(own);
  if (HARD_NEGATIVE.test(own) || RECOVERY.test(own)) return EXCLUDED;
  if (!strong && !otc && (SOFT_NEGATIVE.test(own) || boxes.some((b) => b.type === "password"))) return EXCLUDED;

  let score = 20;
  if (otc) score += 100;
  if (strong) score += 40;
  else if (OTP_CODE_WORD.test(own)) score += 10;
  if (boxes.length >= 6) score += 10;
  if (boxes.every(numericHint)) score += 5;
  const near = nearbyText(boxes[0]!);
  if (PAYMENT_CONTEXT.test(near)) score -= 40;
  if (OTP_STRONG.test(near)) score += 25;
  else if (OTP_CODE_WORD.test(near)) score += 10;
  return score;
}

/** Every input under the given roots, in document order per root. */
export function collectInputs(roots: Iterable<ParentNode>): HTMLInputElement[] {
  const out: HTMLInputElement[] = [];
  for (const r of roots) out.push(...Array.from(r.querySelectorAll("input")));
  return out;
}

// Common standard tags, the most frequent first (matching stops at the first
// hit). Custom elements are the elements whose tag is not standard; an
// incomplete list only costs a few extra checks, never a missed custom element.
const STANDARD_TAGS =
  "div span a p li td tr img i b svg path g use br input label button option ul ol table tbody th section article header footer nav main aside form h1 h2 h3 h4 em strong small code pre sup blockquote figure picture source iframe select hr time circle rect template slot script style link meta head body html";

/** Custom elements, the usual shadow hosts, matched natively: visiting every element of a big page from script costs milliseconds. */
export const CUSTOM_ELEMENTS = `:not(${STANDARD_TAGS.replaceAll(" ", ",")})`;

/**
 * Adds every open shadow root under root (and under those) to out. Quick
 * (the default) looks at root itself and at custom elements; thorough looks at
 * every element, for when the user asked to fill and a standard element such
 * as a <div> may be the host. Custom elements without a shadow root yet are
 * added to later, if given, so a second look can check just those.
 */
export function findShadowRoots(
  root: Document | Element | ShadowRoot,
  out: Set<ShadowRoot>,
  later?: Element[],
  thorough = false,
): void {
  const visit = (el: Element) => {
    const sr = el.shadowRoot;
    if (sr) {
      if (!out.has(sr)) {
        out.add(sr);
        findShadowRoots(sr, out, later, thorough);
      }
    } else if (later && el.localName.includes("-")) later.push(el);
  };
  if (root.nodeType === 1) visit(root as Element);
  // Shadow trees are small: everything in them is looked at.
  const all = thorough || root.nodeType === 11;
  for (const el of Array.from(root.querySelectorAll(all ? "*" : CUSTOM_ELEMENTS))) visit(el);
}

/** The best code field among the inputs, or null when none reaches CANDIDATE. */
export function bestField(inputs: HTMLInputElement[], env: Env): Field | null {
  let best: Field | null = null;
  const consider = (f: Field) => {
    if (f.score >= CANDIDATE && (!best || f.score > best.score)) best = f;
  };
  let group: HTMLInputElement[] = [];
  const flush = () => {
    // Fewer than four: not split boxes but single fields with size=1 (Rocket.Chat's code field).
    if (group.length >= 4) consider({ kind: "split", inputs: group, score: scoreSplit(group) });
    else for (const el of group) consider({ kind: "single", input: el, score: scoreInput(el, env) });
    group = [];
  };
  for (const el of inputs) {
    if (!usable(el)) continue;
    if (isBox(el)) {
      if (!env.visible(el)) continue;
      if (group.length && !adjacent(group[group.length - 1]!, el)) flush();
      group.push(el);
      continue;
    }
    // A visible input between boxes ends their group (a hidden one does not);
    // with no group open, visibility waits for scoreInput, which seldom asks.
    if (group.length && env.visible(el)) flush();
    consider({ kind: "single", input: el, score: scoreInput(el, env) });
  }
  flush();
  return best;
}

/** The inputs of a field. */
export function fieldInputs(f: Field): HTMLInputElement[] {
  return f.kind === "single" ? [f.input] : f.inputs;
}

// ---- which code the page asks for ----


/** The box whose visible text says which code the field takes: its form or dialog, else ancestors holding some text. */
export function channelBox(el: Element): Element | null {
  let box = container(el);
  for (let i = 0; i < 3 && box?.parentElement && box.parentElement.tagName !== "HTML" && (box.textContent?.length ?? 0) < 150; i++) {
    box = box.parentElement;
  }
  return box;
}

/** Links and buttons offer another method ("Use SMS instead"); they do not say which one the page uses now. */
const NOT_STATE = new Set(["A", "BUTTON", "SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT", "SELECT", "OPTION", "SVG"]);

/** The text of box a user sees now: hidden parts, links and buttons left out. */
function visibleText(box: Element, env: Env): string {
  let out = "";
  const walk = (el: Element) => {
    for (let n = el.firstChild; n && out.length < 3000; n = n.nextSibling) {
      if (n.nodeType === 3) out += n.nodeValue;
      else if (n.nodeType === 1) {
        const c = n as HTMLElement;
        const role = c.getAttribute("role");
        if (NOT_STATE.has(c.tagName.toUpperCase()) || role === "button" || role === "link") continue;
        if (c.hidden || c.getAttribute("aria-hidden") === "true" || (c.tagName !== "INPUT" && !env.visible(c))) continue;
        out += " ";
        walk(c);
        out += " ";
      }
    }
  };
  walk(box);
  return out;
}

function channelIn(w: Words): SentChannel | null {
  if (SMS_CHANNEL.test(w)) return "sms";
  if (VOICE_CHANNEL.test(w)) return "voice";
  if (EMAIL_CHANNEL.test(w)) return "email";
  if (DEVICE_CHANNEL.test(w)) return "device";
  return null;
}

/**
 * Which code the page shown now asks for in field f: a code the site sent
 * (text message, e-mail, voice call, another device) or null (the
 * authenticator app's, or nothing says). The field naming a channel decides
 * ("SMS code"); else the visible text around it must say both that a code was
 * sent and how, and must not name an authenticator app (such a page takes its
 * code too). Only read when a field was found, and cheap when nothing in the
 * box's raw text says "sent".
 */
export function sentChannel(f: Field, env: Env): SentChannel | null {
  const first = fieldInputs(f)[0]!;
  const own = ownText(first);
  // GitHub's SMS step names its field sms_totp: the channel it names first.
  const named = channelIn(own);
  if (named && named !== "device") return named;
  if (APP_CHANNEL.test(own)) return null;
  const box = channelBox(first);
  if (!box) return null;
  const raw = words((box.textContent ?? "").slice(0, 4000));
  if (!SENT_VERB.test(raw)) return null;
  const seen = words(visibleText(box, env));
  if (APP_CHANNEL.test(seen) || !SENT_VERB.test(seen)) return null;
  return channelIn(seen);
}

// ---- which account is signing in ----

const EMAIL = /[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/gi;
/** A user name after the words that introduce the account signing in: "Signed in as alice", "Hi, alice". */
const GREETING = /\b(?:(?:signed|logged|signing) in as|hi|hello|welcome(?: back)?)[\s,:]+@?([a-z0-9][\w.@+-]{0,63})/gi;
/** Elements that hold the account's name (Keycloak's attempted username, Okta's identifier) and read-only fields. */
const ACCOUNT_ELEMENTS = "[id*=username i],[class*=username i],[class*=identifier i],input[readonly]";

/**
 * The accounts shown near field f (its box and up to its page's main part,
 * visible text only), lower case: e-mail addresses, a user name after
 * "Signed in as"/"Hi", the text of an element named for the user name, a
 * read-only field's value. Masked addresses ("a•••@example.com") are not
 * accounts. The background picks an entry only when exactly one fits.
 */
export function shownAccounts(f: Field, env: Env): string[] {
  const first = fieldInputs(f)[0]!;
  let box = channelBox(first);
  for (let i = 0; i < 3 && box?.parentElement && box.tagName !== "MAIN" && box.parentElement.tagName !== "HTML"; i++) box = box.parentElement;
  if (!box) return [];
  const out = new Set<string>();
  const seen = visibleText(box, env);
  for (const m of seen.matchAll(EMAIL)) out.add(m[0].toLowerCase());
  for (const m of seen.matchAll(GREETING)) out.add(m[1]!.replace(/[.,!]+$/, "").toLowerCase());
  for (const el of Array.from(box.querySelectorAll<HTMLElement>(ACCOUNT_ELEMENTS))) {
    if (el === first || (el.tagName === "INPUT" && (el as HTMLInputElement).type !== "text" && (el as HTMLInputElement).type !== "email")) continue;
    const v = (el.tagName === "INPUT" ? (el as HTMLInputElement).value : (el.textContent ?? "")).trim();
    if (v && v.length <= 64 && !/\s/.test(v) && env.visible(el)) out.add(v.toLowerCase());
  }
  return [...out].slice(0, 10);
}

/**
 * The user name a login form sends: its field marked autocomplete=username or
 * email, typed email, or named so, when the form also has a password field or
 * the field is marked autocomplete=username (identifier-first logins); never
 * the password.
 */
export function loginName(form: HTMLFormElement): string {
  if (form?.tagName !== "FORM") return "";
  const els = Array.from(form.elements) as HTMLInputElement[];
  const user = els.find((el) => /^(text|email)$/.test(el.type) && el.value && /user|login|mail|account|identifier/i.test(attr(el, "autocomplete") + el.name + el.id + el.type));
  return user && (els.some((el) => el.type === "password") || attr(user, "autocomplete").includes("username")) ? user.value.trim().slice(0, 254) : "";
}
