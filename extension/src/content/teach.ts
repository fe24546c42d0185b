// Teaching a field: a selector that finds, on the next visit, the input the
// user filled by hand where detection found nothing. Pure DOM code, unit-tested
// on jsdom. The selector is built from the id when it looks stable, else the
// name, else the element's place under its nearest stably-id'd ancestor; it
// never holds page text (no labels, no values, no classes).

/** The score a taught field is reported with: over CONFIDENT (detect.ts; a unit test holds it), so the usual auto-fill rules decide. */
export const TAUGHT_SCORE = 100;

/** Id prefixes that frameworks number (ExtJS, Ember, Angular Material, React Select, Headless UI, Element, BootstrapVue, MUI, GWT, JSF, YUI). */
const GENERATED_PREFIX = /^(?:ext-(?:gen|comp)|ember|mat-(?:input|mdc-input)|react-select|headlessui|radix|downshift|el-id|__bvid__|mui|gwt-uid|j_id|j_idt|yui_|x-auto|input|field|text|textfield|form-item)[-_:]?\d/i;

/**
 * Whether an id or name looks written by a person (the same on the next
 * visit) rather than generated per render: no counters (four digits in a row,
 * a numbered framework prefix, a trailing "-12"), no hashes or UUIDs, no
 * React useId (":r1:"), nothing long, no spaces.
 */
export function stableToken(s: string): boolean {
  if (!s || s.length > 80 || /[\s\u0000-\u001f:«»]/.test(s)) return false;
  if (/\d{4,}/.test(s)) return false;
  if (GENERATED_PREFIX.test(s)) return false;
  if (/[-_]\d{2,}$/.test(s)) return false;
  // A hash or random token: a long run of letters and digits mixing both, hex or mixed case.
  for (const run of s.split(/[-_.$]/)) {
    if (run.length >= 8 && /\d/.test(run) && /[a-z]/i.test(run) && (/^[0-9a-f]+$/i.test(run) || (/[a-z]/.test(run) && /[A-Z]/.test(run)))) return false;
  }
  return true;
}

/** A CSS string: the value in double quotes, with quotes and backslashes escaped. */
function cssString(v: string): string {
  return `"${v.replace(/["\\]/g, "\\$&")}"`;
}

function root(el: Element): Document | ShadowRoot {
  return el.getRootNode() as Document | ShadowRoot;
}

function unique(r: ParentNode, sel: string, el: Element): boolean {
  const all = r.querySelectorAll(sel);
  return all.length === 1 && all[0] === el;
}

/** The element's place among its parent's children of the same tag. */
function step(el: Element): string {
  let n = 1;
  for (let s = el.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === el.tagName) n++;
  return `${el.localName}:nth-of-type(${n})`;
}

/**
 * A selector that finds el again in its document (or shadow root): by a
 * stable id, else a stable name (unique among the inputs), else a path of
 * nth-of-type steps up to the nearest ancestor with a stable, unique id, or
 * to <body>. null when none finds exactly el.
 */
export function fieldSelector(el: HTMLInputElement): string | null {
  const r = root(el);
  if (el.id && stableToken(el.id)) {
    const sel = `input[id=${cssString(el.id)}]`;
    if (unique(r, sel, el)) return sel;
  }
  const name = el.getAttribute("name");
  if (name && stableToken(name)) {
    const sel = `input[name=${cssString(name)}]`;
    if (unique(r, sel, el)) return sel;
  }
  const steps: string[] = [];
  let at: Element = el;
  for (let depth = 0; depth < 30; depth++) {
    steps.unshift(step(at));
    const up = at.parentElement;
    if (!up) break;
    if (up.tagName === "BODY" || up.tagName === "HTML") {
      steps.unshift(up.localName);
      break;
    }
    if (up.id && stableToken(up.id) && unique(r, `[id=${cssString(up.id)}]`, up)) {
      steps.unshift(`[id=${cssString(up.id)}]`);
      break;
    }
    at = up;
  }
  const sel = steps.join(" > ");
  try {
    return r.querySelector(sel) === el ? sel : null;
  } catch {
    return null;
  }
}

/** The input the first of the selectors finds in r, or null (a selector that no longer parses is skipped). */
export function findTaught(r: ParentNode, selectors: readonly string[]): HTMLInputElement | null {
  for (const sel of selectors) {
    try {
      const el = r.querySelector(sel);
      if (el?.tagName === "INPUT") return el as HTMLInputElement;
    } catch {
      // not a selector this browser reads
    }
  }
  return null;
}
