// Messages and views of setup capture (DESIGN.md "Setup capture"): the
// on-demand page scanner (setup.js), the offer page (offer.html, framed on the
// page, and the same view in the popup) and the background. They are members
// of the one Message union in messages.ts; they live here so that the setup
// code can change without touching the fill code's module.
//
// What crosses which boundary:
// - scanner -> background: the otpauth URI or setup key it read from the page
//   (the one way a secret crosses: inward, on its way to the host), recovery
//   codes, and rectangles to capture when pixels cannot be read in the page.
// - background -> offer page / popup: never the secret, only what the host's
//   `preview` says about it (issuer, account, parameters, name, stores).

/** Where on the page a secret was found (shown as a test hook and in the offer). */
export type SecretSource = "link" | "text" | "key" | "img" | "canvas" | "svg" | "capture";

/** The stores a save may go to (protocol v1 `save.store`). */
export type SaveStore = "pass" | "keyring" | "both";

/** A base32 setup key read from the page's text, with what the text says around it. */
export interface FoundKey {
  secret: string;
  account?: string;
  algorithm?: "SHA1" | "SHA256" | "SHA512";
  digits?: number;
  period?: number;
  /** "Type: Counter-based" beside the key: an HOTP key, from this counter. */
  type?: "totp" | "hotp";
  counter?: number;
}

/** A rectangle in the viewport (CSS pixels), to be cut out of a capture of the visible tab. */
export interface CaptureRect {
  x: number;
  y: number;
  width: number;
  height: number;
  kind: "img" | "canvas" | "svg";
}

/** The offer page is named by its one-time token; the popup by the tab it targets. */
export type OfferRef = { token: string } | { tabId: number };

/** What the offer shows about a pending secret: the host's preview, never the secret. */
export interface SecretView {
  name: string;
  type: string;
  issuer: string;
  account: string;
  algorithm: string;
  digits: number;
  period?: number;
  /** Stores the save would write (from preview). */
  stores: string[];
  /** Stores where `name` already holds an OTP secret: saving there needs a second, explicit confirmation. */
  exists: string[];
  source: SecretSource;
  /** A save of this name and store met an existing secret in these stores: replacing it is the next step, confirmed in the popup. */
  confirm?: string[];
}

export interface SavedView {
  name: string;
  stores: string[];
  code?: string;
  /** Unix ms. */
  expiresAt?: number;
  period?: number;
  /** The site's verification field was filled with the code. */
  filled: boolean;
  /** The save was taken back with `undo`. */
  undone?: boolean;
  /** Undo is possible (the host gave a token). */
  canUndo: boolean;
  /** What the host says went wrong around the save (a git commit it could not make); the save itself is kept. */
  warning?: string;
  /** What the host says went wrong around the undo (the entry put back, or removed, but not committed to git). */
  undoWarning?: string;
}

export interface RecoveryView {
  count: number;
  /**
   * The entry the codes would go to: the one saved in this tab on this site
   * in the last minutes, else the site's single exact match. None: nothing
   * to save them with.
   */
  target?: string;
  /** Saving may replace codes the entry holds: the toolbar popup asks first (never the page's frame). */
  confirm?: boolean;
  /**
   * The site has no entry: the codes go into a new entry of their own,
   * `target` being the proposed name (the site and the account the page
   * shows), which the user may edit in the offer.
   */
  create?: boolean;
  /** replaced: how many codes the entry held before (the host says; 0 when none). */
  saved?: { name: string; stores: string[]; replaced: number; warning?: string };
  /** The save can be taken back (the host gave an undo token). */
  canUndo?: boolean;
  /** The save was taken back. */
  undone?: boolean;
  /** What the host says went wrong around that undo (not committed to git). */
  undoWarning?: string;
}

export interface OfferView {
  site: string;
  secret?: SecretView;
  saved?: SavedView;
  recovery?: RecoveryView;
  store: SaveStore;
  /** Store kinds the host can write now (from hello). */
  available: SaveStore[];
  /** A problem to show (host missing, invalid key, ...). */
  problem?: string;
}

export type SetupMessage =
  // content script (the cheap always-on check) -> background: this page may be a setup page
  | { type: "setup-maybe" }
  // scanner (setup.js, injected on demand) -> background
  | { type: "setup-found"; uri?: string; key?: FoundKey; source: SecretSource }
  | { type: "setup-capture"; rects: CaptureRect[]; viewport: { width: number; height: number } }
  // account: the account the page shows signing in, if any (names a new entry of the codes, never picks an existing one)
  | { type: "setup-recovery"; codes: string[]; account?: string }
  // offer page (offer.html in its frame) or popup -> background
  // cancel: the user cancelled a pending Replace
  | { type: "offer-init"; ref: OfferRef; name?: string; store?: SaveStore; cancel?: boolean }
  // `at`: where the click was (offer frames only): the background has the scanner check that point before it acts
  // overwrite: the popup's "Replace" (refused from a frame on the page)
  | { type: "offer-save"; ref: OfferRef; name: string; store: SaveStore; overwrite: boolean; at?: ClickPoint }
  | { type: "offer-code"; ref: OfferRef }
  | { type: "offer-undo"; ref: OfferRef; at?: ClickPoint }
  // confirm: the popup's "Replace" (refused from a frame on the page)
  // name: the entry name the user typed, for codes that go into a new entry (create) only
  | { type: "offer-recovery"; ref: OfferRef; confirm?: boolean; name?: string; at?: ClickPoint }
  | { type: "offer-recovery-undo"; ref: OfferRef; at?: ClickPoint }
  | { type: "offer-dismiss"; ref: OfferRef }
  | { type: "offer-size"; ref: OfferRef; height: number };

export type SetupMessageType = SetupMessage["type"];

/** Answers to the setup messages. */
export interface SetupReplies {
  "setup-maybe": void;
  "setup-found": { offered: boolean };
  "setup-capture": { found: boolean; retry?: "visible" };
  "setup-recovery": { offered: boolean };
  "offer-init": OfferView | { error: string };
  "offer-save": { view: OfferView; confirm?: string[] } | { error: string };
  "offer-code": { code: string; expiresAt?: number } | { error: string };
  "offer-undo": OfferView | { error: string };
  "offer-recovery": OfferView | { error: string };
  "offer-recovery-undo": OfferView | { error: string };
  "offer-dismiss": void;
  "offer-size": void;
}

/** Background -> scanner, on the scanner's port (named SETUP_PORT). */
export type ScannerCommand =
  | { type: "show"; token: string }
  | { type: "hide" }
  | { type: "size"; height: number }
  // after an undo: look for the secret again, so it can be saved again
  | { type: "rescan" }
  // before acting on a click in the offer: was the frame armed, and is (x, y) of the frame its own point on the page?
  | { type: "verify"; id: number; x: number; y: number };

/** Scanner -> background, on the same port: whether the offer frame is armed (seen, unobscured, unmoved for 500 ms), and answers to verify. */
export type ScannerReport = { type: "sight"; armed: boolean } | { type: "verified"; id: number; ok: boolean };

/** Background -> offer frame, on the port it opens (named SIGHT_PORT): whether the page shows the frame so that a click may count. */
export type SightCommand = { type: "sight"; armed: boolean };

/** How long the offer frame must have been fully shown, unobscured and unmoved before a click on it counts. */
export const ARM_MS = 500;

/** The name of the port an offer frame opens to hear whether it is armed. */
export const SIGHT_PORT = "otpfill-sight";

/** Where a click in the offer frame was, in the frame's own CSS pixels. */
export interface ClickPoint {
  x: number;
  y: number;
}

/** Background -> offer page or popup, on the port the view opens (named OFFER_PORT): the view changed, ask again. */
export type ViewCommand = { type: "refresh" } | { type: "close" };

/** The name of the port an offer view opens. */
export const OFFER_PORT = "otpfill-offer";

/** The name of the port the scanner opens: the background forgets the page's secret when it closes. */
export const SETUP_PORT = "otpfill-setup";

const SETUP_TYPES = new Set<string>([
  "setup-maybe",
  "setup-found",
  "setup-capture",
  "setup-recovery",
  "offer-init",
  "offer-save",
  "offer-code",
  "offer-undo",
  "offer-recovery",
  "offer-recovery-undo",
  "offer-dismiss",
  "offer-size",
]);

export function isSetupMessage(v: unknown): v is SetupMessage {
  return typeof v === "object" && v !== null && SETUP_TYPES.has((v as { type?: unknown }).type as string);
}
