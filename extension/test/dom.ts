// A jsdom window for unit tests, with the DOM constructors the content code
// uses put on globalThis, and a visibility rule without layout: hidden,
// display:none or visibility:hidden on the element or an ancestor.
import { JSDOM } from "jsdom";
import type { Env } from "../src/content/detect";

export function page(html: string, title = ""): Document {
  const dom = new JSDOM(`<!doctype html><html><head><title>${title}</title></head><body>${html}</body></html>`);
  const w = dom.window as unknown as Record<string, unknown>;
  for (const name of ["HTMLInputElement", "Event", "KeyboardEvent", "InputEvent", "Node", "NodeFilter"]) {
    (globalThis as Record<string, unknown>)[name] = w[name];
  }
  return dom.window.document;
}

export const testEnv: Env = {
  visible(el) {
    for (let e: Element | null = el; e; e = e.parentElement ?? ((e.getRootNode() as ShadowRoot).host ?? null)) {
      if (e.hasAttribute("hidden")) return false;
      const s = (e as HTMLElement).style;
      if (s?.display === "none" || s?.visibility === "hidden") return false;
    }
    return true;
  },
};
