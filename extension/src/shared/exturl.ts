// Whether a URL is one of the extension's own pages. Chromium gives the
// web-accessible pages (use_dynamic_url) a per-session origin besides the
// extension id's: runtime.getURL answers with the one, a page opened from the
// toolbar or framed by a content script may have the other. Both are ours;
// no web page can have either.

import { api } from "./api";

export function isOwnUrl(url: string | undefined, page = ""): boolean {
  const u = url ?? "";
  const bases = new Set([api.runtime.getURL(""), `${location.origin}/`]);
  for (const b of bases) if (b.includes("-extension://") && u.startsWith(b + page)) return true;
  return false;
}
