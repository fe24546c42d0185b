// Every message that crosses a boundary: the host protocol (v1, see DESIGN.md
// "Protocol v1") and the one union of messages between the extension's parts.
// Only the background talks to the host; the other parts speak Message.

/** The native-messaging host name registered by `otpfill install`. */
export const HOST_NAME = "io.github.otpfill";

// ---- Host protocol v1 -------------------------------------------------------
// Generated from the Go types in protocol/ (protocol.gen.ts, `make generate`):
// only the names the extension uses are made here.

import type { ActionParams, ActionResults, CodeResult, EntryRef, ErrorBody, ErrorCode, MatchEntry, OtpType, StoreKind, StoreStatus, Strength } from "./protocol.gen";
import { PROTOCOL_VERSION } from "./protocol.gen";

export type { CodeResult, EntryRef, MatchEntry, OtpType, StoreKind, StoreStatus, Strength };

/** Host protocol version this extension speaks. */
export const PROTOCOL = PROTOCOL_VERSION;

/** Parameters of each action (the request is `{id, action, ...params}`). */
export type HostParams = ActionParams;

/** Result fields of each action (the response is `{id, ok: true, protocol, ...result}`). */
export type HostResults = ActionResults;

export type HostAction = keyof HostParams;

/** Stable, append-only error codes of protocol v1. */
export type HostErrorCode = ErrorCode;

/** An error object; a newer host may send a code this extension does not know. */
export type HostErrorBody = Omit<ErrorBody, "code"> & { code: HostErrorCode | string };

export type HostRequest<A extends HostAction = HostAction> = { id: string; action: A } & HostParams[A];

export type HostResponse<A extends HostAction = HostAction> =
  | ({ id: string; ok: true; protocol: number } & HostResults[A])
  | { id: string; ok: false; protocol: number; error: HostErrorBody };

// ---- Messages between the extension's parts ---------------------------------

import type { SetupMessage, SetupReplies } from "./setup";

/** What the background tells a frame's content script to do with the field it found. */
export type FieldState =
  | "no-field" // no OTP field in this frame
  | "offered" // one exact match, but not auto-filled (not confident, http, auto-fill off): inline icon shown
  | "filled" // a code was filled
  | "chooser" // several exact matches: the user must choose
  | "weak" // only weak matches: offered in the popup, never filled automatically
  | "no-match" // an OTP field, but no entry for this site
  | "blocked" // frame is not same-site with the top page
  | "error"; // the host is missing or broken

/** A code the site sent (or shows on another device), which is never the authenticator app's TOTP code. */
export type SentChannel = "sms" | "email" | "voice" | "device";
export const SENT_CHANNELS: ReadonlySet<SentChannel> = new Set(["sms", "email", "voice", "device"]);

/** Answer to field-found and fill-request: either a code to fill now, or a state to show. */
export type FillPlan =
  // origin: the document the code was picked for; the content script fills only if it is still that origin
  | { action: "fill"; code: string; submit: boolean; origin: string }
  | { action: "show"; state: FieldState; message?: string; chooser?: string };

/** Status of the host connection, as the popup shows it. */
export type HostStatus =
  | { ok: true; version?: string; stores?: StoreStatus[] }
  | { ok: false; error: string };

export interface Options {
  /** Fill automatically when it is safe (default on). */
  autofill: boolean;
  /** Hostnames where the form is submitted after an automatic fill (default none). */
  autoSubmitSites: string[];
  /** Clear a copied code from the clipboard when it expires (default on). */
  clipboardClear: boolean;
  /** Where setup capture saves a site's secret by default (default pass). */
  saveStore: "pass" | "keyring" | "both";
}

export const DEFAULT_OPTIONS: Options = { autofill: true, autoSubmitSites: [], clipboardClear: true, saveStore: "pass" };

/** How a fill was started; shown on the field as data-otpfill-filled in the e2e build (never in a release). */
export type FillHow = "auto" | "manual";

export interface PopupInit {
  host: HostStatus;
  tabId: number;
  url: string;
  /** The site as shown to the user (the tab's hostname), "" when the tab has none. */
  site: string;
  exact: MatchEntry[];
  weak: MatchEntry[];
  /** The tab has a detected OTP field in a frame the extension may fill. */
  hasField: boolean;
  /** Set when this is the inline chooser: it fills that frame only. */
  frameId?: number;
  /** A field on this tab the user just filled by hand where none was detected: the popup offers to remember it. */
  teach?: TeachOffer;
  /**
   * What the host warned about codes filled on this tab from the page (an
   * HOTP counter written back but not committed to git): the toolbar popup
   * shows them once (src/background/warnings.ts).
   */
  warnings?: TabWarning[];
}

/** A host warning that came with an entry's code (CodeResult.warning), kept for the tab it was filled on. */
export interface TabWarning {
  name: string;
  store: string;
  warning: string;
}

/** A field that may be taught: the site (registrable domain) and path pattern it would be remembered for. */
export interface TeachOffer {
  site: string;
  path: string;
}

export type Message =
  // content -> background
  // channel: the page asks for a code the site sent this way (content/detect.ts sentChannel)
  // accounts: the accounts shown near the field, e-mail addresses and user names (content/detect.ts shownAccounts)
  | { type: "field-found"; score: number; confident: boolean; channel?: SentChannel; accounts?: string[] }
  | { type: "field-lost" }
  | { type: "fill-request" } // the inline icon was clicked
  // a login form was submitted in this frame: its user name (never the password), kept in memory for the tab
  | { type: "login-submitted"; username: string }
  // background -> content
  // origin: the origin of the document the code was picked for; any other document refuses it
  | { type: "fill"; code: string; how: FillHow; submit: boolean; target: "best" | "context"; origin: string }
  | { type: "set-state"; state: FieldState }
  | { type: "close-chooser" }
  // popup -> background
  | { type: "popup-init"; tabId: number }
  // inline chooser (chooser.html, in a frame on the page) -> background; the token names its tab and frame
  | { type: "chooser-init"; token: string }
  | { type: "chooser-fill"; token: string; entry: EntryRef; code?: CodeResult }
  | { type: "chooser-cancel"; token: string }
  // a code for one of the entries the background offered this chooser (the candidates bound to its token)
  | { type: "chooser-code"; token: string; entry: EntryRef }
  // toolbar popup only (see src/background/senders.ts)
  | { type: "list"; cursor?: string }
  | { type: "code"; entry: EntryRef }
  // url: the tab's URL the popup showed its entries for; the fill is refused if the tab shows another origin now
  | { type: "popup-fill"; tabId: number; url: string; entry: EntryRef; code?: CodeResult }
  | { type: "alias"; tabId: number; entry: EntryRef }
  // the user's "remember this field" for the field last filled by hand on that tab (PopupInit.teach)
  | { type: "teach"; tabId: number }
  // entry: which entry's code was copied (names it in the recent list, src/shared/recent.ts)
  | { type: "clipboard-copied"; code: string; expiresAt?: number; entry?: EntryRef }
  // background -> offscreen document (Chromium only)
  | { type: "offscreen-clear-later"; code: string; clearAt: number }
  // offscreen -> background
  | { type: "offscreen-done" }
  // setup capture (src/shared/setup.ts)
  | SetupMessage;

export type MessageType = Message["type"];

/** Answers, by message type. Every answer that can fail carries `error`. */
export interface Replies extends SetupReplies {
  "field-found": FillPlan;
  "field-lost": void;
  "fill-request": FillPlan;
  "login-submitted": void;
  // teach: the input filled was not a confidently detected field; the background may ask teach.js for its selector
  fill: { filled: boolean; teach?: true };
  "set-state": void;
  "close-chooser": void;
  "chooser-cancel": void;
  "popup-init": PopupInit;
  "chooser-init": PopupInit | { error: string };
  "chooser-fill": { filled: boolean; code?: CodeResult; error?: string; teach?: TeachOffer };
  "chooser-code": CodeResult | { error: string };
  list: { entries: EntryRef[]; cursor?: string } | { error: string };
  /** recoveryOnly: the entry keeps recovery codes only (host `recovery_only`): no code, and nothing wrong. */
  code: CodeResult | { error: string; recoveryOnly?: true };
  "popup-fill": { filled: boolean; code?: CodeResult; error?: string; teach?: TeachOffer };
  alias: { site: string } | { error: string };
  teach: TeachOffer | { error: string };
  "clipboard-copied": void;
  "offscreen-clear-later": void;
  "offscreen-done": void;
}

export type Reply<T extends MessageType> = Replies[T];

/** Narrows an unknown value received by onMessage to a Message (shape only; senders are checked separately). */
export function isMessage(v: unknown): v is Message {
  return typeof v === "object" && v !== null && typeof (v as { type?: unknown }).type === "string";
}
