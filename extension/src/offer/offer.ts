// offer.html: the setup offer, shown by the scanner in a frame on the setup
// page. Being an extension page, the page's scripts can neither read nor
// click into it; it acts only with the one-time token in its URL, which the
// background checks against the tab and frame it was given for.

import { send } from "../shared/api";
import { mountOffer } from "./view";

const token = new URLSearchParams(location.search).get("token") ?? "";
const ref = { token };
const root = document.getElementById("offer")!;

mountOffer(root, ref, {
  onSize: (height) => void send({ type: "offer-size", ref, height }).catch(() => {}),
});

addEventListener("keydown", (e) => {
  if (e.key === "Escape") void send({ type: "offer-dismiss", ref });
});
