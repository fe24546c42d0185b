// The auto-fill rules of docs/DESIGN.md, as a pure function so they can be tested
// on their own: fill by itself only on a secure page, a confident field and
// exactly one exact match; never a weak match, never a guess between two.

import type { FieldState, MatchEntry, Options, SentChannel } from "../shared/messages";
import { secureForAutofill } from "./site";

export type Decision = { fill: MatchEntry } | { state: FieldState };

export interface FieldReport {
  /** The tab's URL, from the browser. */
  topUrl: string;
  /** The reporting frame's URL, from the browser. */
  frameUrl: string;
  /** The field scored over the confidence threshold and is empty. */
  confident: boolean;
  /** The page asks for a code the site sent (SMS, e-mail, voice call, another device): never the TOTP code by itself. */
  channel?: SentChannel;
  /** Accounts the page shows around the field (e-mail addresses, user names; lower case): which account is signing in. */
  accounts?: string[];
  /** The user name a login form on this site sent in this tab a moment ago (logins.ts). */
  submitted?: string;
}

/** An entry's account: the last component of its name. */
function accountOf(m: MatchEntry): string {
  return m.name.slice(m.name.lastIndexOf("/") + 1).toLowerCase();
}

/** Whether an entry's account could be the one shown: the same, or one is an e-mail address whose local part is the other. */
function couldBe(account: string, shown: string): boolean {
  return account === shown || account.split("@")[0] === shown || shown.split("@")[0] === account;
}

/**
 * The one exact match whose name's account segment (after the last "/") is an
 * account the page shows (an address, a user name), when exactly one is and no
 * other entry's account could be it; else none. Only the whole account picks:
 * notion.so/alice is not alice@work.example, and with entries alice and
 * alice@example.com a page showing "alice" gets the chooser.
 */
export function pickByAccount(exact: MatchEntry[], accounts: string[] | undefined): MatchEntry | undefined {
  if (!accounts?.length) return undefined;
  const shown = accounts.map((a) => a.toLowerCase());
  const hits = exact.filter((m) => shown.includes(accountOf(m)));
  const could = exact.filter((m) => shown.some((a) => couldBe(accountOf(m), a)));
  return hits.length === 1 && could.length === 1 ? hits[0] : undefined;
}

/** How careful a type makes a fill: recovery (no code) before hotp (never asked by itself) before totp before unknown. */
const CAUTION: Record<string, number> = { recovery: 3, hotp: 2, totp: 1 };

/**
 * One entry per name: the same name in several stores is one account kept twice (a
 * pass entry and its backup copy, `otpfill backup sync`), never two accounts to
 * choose between. The first copy is kept (the host lists a name's copies in its
 * store order, the store a backup copies first); the most careful type any copy
 * is known by holds for the name, so a backup copy of unknown type never makes
 * an HOTP entry look fillable.
 */
export function oneCopyEach(entries: MatchEntry[]): MatchEntry[] {
  const out: MatchEntry[] = [];
  const at = new Map<string, number>();
  for (const e of entries) {
    const i = at.get(e.name);
    if (i === undefined) {
      at.set(e.name, out.length);
      out.push(e);
      continue;
    }
    const kept = out[i]!;
    if (e.type !== undefined && (CAUTION[e.type] ?? 0) > (kept.type === undefined ? 0 : (CAUTION[kept.type] ?? 0))) out[i] = { ...kept, type: e.type };
  }
  return out;
}

/** What to do with a field the content script found, given the host's matches. */
export function decide(report: FieldReport, matches: MatchEntry[], options: Options): Decision {
  // An entry of recovery codes only has no code: it is never filled, nor offered for this field.
  matches = oneCopyEach(matches).filter((m) => m.type !== "recovery");
  let exact = matches.filter((m) => m.strength === "exact");
  if (exact.length > 1) {
    // Several accounts on the site: the one the page says is signing in, when only one fits.
    // Else the user name just sent by this site's login form in this tab.
    const picked = pickByAccount(exact, report.accounts) ?? pickByAccount(exact, report.submitted ? [report.submitted] : undefined);
    if (!picked) return { state: "chooser" };
    exact = [picked];
  }
  if (exact.length === 0) return { state: matches.some((m) => m.strength === "weak") ? "weak" : "no-match" };
  const only = exact[0]!;
  const may =
    options.autofill &&
    report.confident &&
    secureForAutofill(report.topUrl) &&
    secureForAutofill(report.frameUrl) &&
    // A wrong code burns an attempt: the authenticator's code goes where the page asks for another only when the user says so.
    !report.channel &&
    only.type !== "hotp";
  return may ? { fill: only } : { state: "offered" };
}

/** How long to wait before filling a TOTP code that is about to expire (ms); 0 when it is fresh enough. */
export function waitBeforeFill(expiresAt: number | undefined, now: number, marginMs = 3000): number {
  if (expiresAt === undefined) return 0;
  const left = expiresAt - now;
  return left < marginMs ? Math.max(0, left) + 250 : 0;
}
