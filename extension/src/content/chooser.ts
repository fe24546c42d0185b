// The inline chooser: an extension page (chooser.html) in a frame under the
// field, for when several entries match and the user clicked the inline
// button. Being an extension page, the page's scripts can neither read it
// nor click in it.

import { overlay, pin } from "./overlay";

const WIDTH = 340;
const HEIGHT = 250;

export interface Chooser {
  remove(): void;
}

export function showChooser(anchor: HTMLElement, src: string, onDismiss: () => void): Chooser {
  const { host, shadow } = overlay("otpfill-chooser");
  const frame = document.createElement("iframe");
  frame.src = src;
  frame.title = "otpfill: choose an entry";
  frame.setAttribute("style", "all:initial;display:block;width:100%;height:100%;border:0;border-radius:8px;background:Canvas");
  shadow.append(frame);

  const r = anchor.getBoundingClientRect();
  const top = r.bottom + 6 + HEIGHT > innerHeight ? Math.max(4, r.top - HEIGHT - 6) : r.bottom + 6;
  pin(host, {
    top: `${Math.round(top)}px`,
    left: `${Math.round(Math.max(4, Math.min(r.left, innerWidth - WIDTH - 4)))}px`,
    width: `${WIDTH}px`,
    height: `${HEIGHT}px`,
    "border-radius": "8px",
    "box-shadow": "0 4px 16px #0005",
  });

  const outside = (e: Event) => {
    if (!e.composedPath().includes(host)) dismiss();
  };
  const escape = (e: KeyboardEvent) => {
    if (e.key === "Escape") dismiss();
  };
  const remove = () => {
    removeEventListener("mousedown", outside, true);
    removeEventListener("keydown", escape, true);
    host.remove();
  };
  const dismiss = () => {
    remove();
    onDismiss();
  };
  addEventListener("mousedown", outside, true);
  addEventListener("keydown", escape, true);
  document.documentElement.append(host);
  frame.focus();
  return { remove };
}
