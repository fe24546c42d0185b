// Warnings the host gave with a code (protocol/PROTOCOL.md `warning`: an HOTP
// counter written back but not committed to git), shown in the popup as a
// quiet line under the entry's row: the code is good and was used, so
// nothing else changes. Warnings of codes filled from the page (kept for the
// tab by src/background/warnings.ts) go on their entry's row when the popup
// lists it, else in a box above the entries.
import type { TabWarning } from "../shared/messages";

/** Shows text under the entry's row li (one line a row: a newer warning replaces it). */
export function showEntryWarning(li: HTMLElement, text: string): void {
  let p = li.querySelector<HTMLElement>(":scope > .entry-warning");
  if (!p) {
    p = li.ownerDocument.createElement("p");
    p.className = "entry-warning";
    p.setAttribute("role", "status");
    li.append(p);
  }
  p.textContent = text;
}

/**
 * Shows the tab's kept warnings: each under its entry's row (rowOf finds it
 * among the rows shown), the others in box, which is shown only if it gets any.
 */
export function showTabWarnings(box: HTMLElement, warnings: TabWarning[], rowOf: (w: TabWarning) => HTMLElement | undefined): void {
  const rest: HTMLElement[] = [];
  for (const w of warnings) {
    const li = rowOf(w);
    if (li) {
      showEntryWarning(li, w.warning);
      continue;
    }
    const p = box.ownerDocument.createElement("p");
    p.className = "entry-warning";
    p.textContent = w.warning;
    rest.push(p);
  }
  box.replaceChildren(...rest);
  box.hidden = rest.length === 0;
}
