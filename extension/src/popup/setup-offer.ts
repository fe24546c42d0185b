// The setup offer in the popup: when the popup is opened on a tab where the
// page shows a 2FA key or recovery codes, the same view as the offer frame,
// above the entries. Nothing shows on other tabs.

import { mountOffer } from "../offer/view";

export function showSetupOffer(tabId: number): void {
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = "offer.css";
  document.head.append(link);
  const box = document.createElement("section");
  box.id = "setup-offer";
  box.className = "offer";
  box.setAttribute("aria-label", "Save this site's 2FA key");
  box.hidden = true;
  document.querySelector("main")?.prepend(box);
  mountOffer(box, { tabId }, {
    onSize: () => {
      box.hidden = box.dataset.state === "empty";
    },
    onEmpty: () => {
      box.hidden = true;
    },
  });
}
