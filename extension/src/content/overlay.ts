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

/** Sets inline styles with !important. */
export function pin(el: HTMLElement, styles: Record<string, string>): void {
  for (const k in styles) el.style.setProperty(k, styles[k]!, "important");
}
