// The toolbar button's mark for a tab: "!" and a tooltip while something
// about the tab deserves a look: its page's clock is off (clock.ts), or a
// code filled there came with a warning from the host (warnings.ts). Each
// source sets its own line; the button shows them together, so that one
// source clearing its line does not hide the other's.
import { api } from "../shared/api";

/** The badge a tab's toolbar button gets while it has a mark. */
export const BADGE = "!";
const COLOR = "#b45309";

export type MarkKind = "clock" | "host";
const ORDER: MarkKind[] = ["clock", "host"];

const marks = new Map<number, Partial<Record<MarkKind, string>>>();

/** Sets (text) or clears (null) one source's line on the tab's button, and paints the button. */
export function setMark(tabId: number, kind: MarkKind, text: string | null): void {
  const m = { ...(marks.get(tabId) ?? {}) };
  if (text) m[kind] = text;
  else delete m[kind];
  if (Object.keys(m).length) marks.set(tabId, m);
  else marks.delete(tabId);
  const lines = ORDER.map((k) => m[k]).filter((l): l is string => !!l);
  const done = () => undefined;
  void api.action.setBadgeText({ tabId, text: lines.length ? BADGE : "" }).catch(done);
  void api.action.setTitle({ tabId, title: lines.length ? `otpfill: ${lines.join("\n")}` : "otpfill" }).catch(done);
  if (lines.length) void api.action.setBadgeBackgroundColor({ tabId, color: COLOR }).catch(done);
}

/** The tab is gone: its marks with it. */
export function forgetMarks(tabId: number): void {
  marks.delete(tabId);
}
