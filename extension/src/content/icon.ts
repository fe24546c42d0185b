// The inline fill button beside a code field. It lives in a closed shadow
// root under an element of our own, so the page can neither style nor read
// it, and it acts only on trusted clicks.

const SIZE = 22;

export interface InlineIcon {
  remove(): void;
}

/** Shows the button at the right end of anchor; onClick runs on a real click only. */
export function showIcon(anchor: HTMLElement, onClick: () => void): InlineIcon {
  const host = document.createElement("otpfill-icon");
  const shadow = host.attachShadow({ mode: "closed" });
  const style = document.createElement("style");
  style.textContent =
    `button{all:initial;box-sizing:border-box;width:${SIZE}px;height:${SIZE}px;border-radius:5px;cursor:pointer;` +
    "background:#1f5fbf;color:#fff;font:bold 11px/22px sans-serif;text-align:center;box-shadow:0 1px 3px #0006}" +
    "button:hover,button:focus-visible{background:#174a96;outline:2px solid #9cf}";
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "2FA";
  button.title = "Fill 2FA code (otpfill)";
  button.setAttribute("aria-label", "Fill 2FA code with otpfill");
  button.addEventListener("click", (e) => {
    e.preventDefault();
    e.stopPropagation();
    if (e.isTrusted) onClick();
  });
  // Keep focus in the field when the button is pressed.
  button.addEventListener("mousedown", (e) => e.preventDefault());
  shadow.append(style, button);

  const s = host.style;
  for (const [k, v] of [
    ["all", "initial"],
    ["position", "fixed"],
    ["z-index", "2147483647"],
    ["width", `${SIZE}px`],
    ["height", `${SIZE}px`],
    ["display", "block"],
  ] as const)
    s.setProperty(k, v, "important");

  let frame = 0;
  const place = () => {
    frame = 0;
    if (!anchor.isConnected) return remove();
    const r = anchor.getBoundingClientRect();
    const hidden = r.width === 0 || r.height === 0;
    s.setProperty("visibility", hidden ? "hidden" : "visible", "important");
    s.setProperty("top", `${Math.round(r.top + (r.height - SIZE) / 2)}px`, "important");
    s.setProperty("left", `${Math.round(r.right - SIZE - 4)}px`, "important");
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(place);
  };
  const remove = () => {
    removeEventListener("scroll", schedule, true);
    removeEventListener("resize", schedule);
    if (frame) cancelAnimationFrame(frame);
    host.remove();
  };
  addEventListener("scroll", schedule, { capture: true, passive: true });
  addEventListener("resize", schedule, { passive: true });
  place();
  document.documentElement.append(host);
  return { remove };
}
