// The inline fill button at the right end of a code field. It acts on
// trusted clicks only, so page scripts cannot press it.

import { overlay, pin } from "./overlay";

const SIZE = 22;

export interface InlineIcon {
  remove(): void;
}

/** Shows the button at the right end of anchor; onClick runs on a real click only. */
export function showIcon(anchor: HTMLElement, title: string, onClick: () => void): InlineIcon {
  const { host, shadow } = overlay("otpfill-icon");
  const style = document.createElement("style");
  style.textContent =
    `button{all:initial;box-sizing:border-box;width:${SIZE}px;height:${SIZE}px;border-radius:5px;cursor:pointer;` +
    "background:#1f5fbf;color:#fff;font:bold 10px/22px sans-serif;text-align:center;box-shadow:0 1px 3px #0006}" +
    "button:hover,button:focus-visible{background:#174a96;outline:2px solid #9cf}";
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "2FA";
  button.title = title;
  button.setAttribute("aria-label", `${title.replace(/ \(otpfill\)$/, "")} with otpfill`);
  button.addEventListener("click", (e) => {
    e.preventDefault();
    e.stopPropagation();
    if (e.isTrusted) onClick();
  });
  // Keep the focus in the field when the button is pressed.
  button.addEventListener("mousedown", (e) => e.preventDefault());
  shadow.append(style, button);
  if (__OTPFILL_TEST_HOOKS__) host.setAttribute("data-otpfill-title", title);
  pin(host, { width: `${SIZE}px`, height: `${SIZE}px` });

  let frame = 0;
  const place = () => {
    frame = 0;
    if (!anchor.isConnected) return remove();
    const r = anchor.getBoundingClientRect();
    pin(host, {
      visibility: r.width && r.height ? "visible" : "hidden",
      top: `${Math.round(r.top + (r.height - SIZE) / 2)}px`,
      left: `${Math.round(r.right - SIZE - 4)}px`,
    });
  };
  const schedule = () => {
    frame ||= requestAnimationFrame(place);
  };
  const remove = () => {
    removeEventListener("scroll", schedule, true);
    removeEventListener("resize", schedule);
    cancelAnimationFrame(frame);
    host.remove();
  };
  addEventListener("scroll", schedule, { capture: true, passive: true });
  addEventListener("resize", schedule, { passive: true });
  place();
  document.documentElement.append(host);
  return { remove };
}
