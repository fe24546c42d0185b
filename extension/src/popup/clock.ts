// The popup's clock warning: shown above the site's codes when the tab's
// page came with a Date header more than a period away from the local clock.
import { api } from "../shared/api";
import { clockKey, clockWarning, type TabClocks } from "../shared/clock";

export async function showClockWarning(el: HTMLElement, tabId: number, site: string): Promise<void> {
  if (!site) return;
  const key = clockKey(tabId);
  const got = (await api.storage.session.get(key).catch(() => ({}))) as Record<string, TabClocks | undefined>;
  const text = clockWarning(got[key]?.[site], site);
  if (!text) return;
  el.textContent = text;
  el.hidden = false;
}
