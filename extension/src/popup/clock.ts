// The popup's clock warning: shown above the site's codes when the tab's
// page came with a Date header more than a period away from the local clock:
// the period of the site's codes (the smallest, of those known: the popup's
// own codes, then the periods the background learnt), else 30 s.
import { api } from "../shared/api";
import type { CodeResult, EntryRef, MatchEntry } from "../shared/messages";
import { clockKey, clockWarning, parsePeriods, periodKeyOf, PERIODS_KEY, sitePeriod, usedEntries, type TabClocks } from "../shared/clock";

/** A row of the site's entries, with the code it shows once loaded. */
export interface SiteRow {
  entry: EntryRef & Pick<MatchEntry, "type">;
  strength?: MatchEntry["strength"];
  code?: CodeResult;
}

/** Shows (or hides) the warning for the tab's site, held to the period of the codes of rows. */
export async function showClockWarning(el: HTMLElement, tabId: number, site: string, rows: readonly SiteRow[]): Promise<void> {
  if (!site) return;
  const key = clockKey(tabId);
  const [got, stored] = await Promise.all([
    api.storage.session.get(key).catch(() => ({})) as Promise<Record<string, TabClocks | undefined>>,
    api.storage.local.get(PERIODS_KEY).catch(() => ({})) as Promise<Record<string, unknown>>,
  ]);
  const learnt = parsePeriods(stored[PERIODS_KEY]);
  const used = usedEntries(rows.map((row) => ({ row, type: row.entry.type, strength: row.strength })));
  const period = sitePeriod(used.map(({ row: r }) => (r.code ? (r.code.type === "totp" ? r.code.period : undefined) : learnt[periodKeyOf(r.entry)])));
  const text = clockWarning(got[key]?.[site], site, period);
  el.textContent = text ?? "";
  el.hidden = !text;
}
