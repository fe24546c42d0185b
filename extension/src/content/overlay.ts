// Elements the extension puts on a page (the inline button, the chooser):
// a host element of our own with a closed shadow root, so the page can
// neither read nor style what is inside, and inline !important styles, which
// beat the page's stylesheets.

export function overlay(tag: string): { host: HTMLElement; shadow: ShadowRoot } {
  const host = document.createElement(tag);
  const shadow = host.attachShadow({ mode: "closed" });
  pin(host, { all: "initial", position: "fixed", "z-index": "2147483647", display: "block" });
  return { host, shadow };
}

/**
 * Puts a connected host in the browser's top layer (a manual popover): drawn
 * above everything of the page that is not in the top layer itself,
 * whatever its z-index, and out of reach of its ancestors' stacking.
 */
export function raise(host: HTMLElement): void {
  if (!("showPopover" in host)) return;
  try {
    if (host.getAttribute("popover") !== "manual") host.setAttribute("popover", "manual");
    if (!host.matches(":popover-open")) host.showPopover();
  } catch {
    // not connected, or the page took it out of the document
  }
}

/** Sets inline styles with !important. */
export function pin(el: HTMLElement, styles: Record<string, string>): void {
  for (const k in styles) el.style.setProperty(k, styles[k]!, "important");
}
