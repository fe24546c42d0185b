// Filling a code the way a person typing would look to the page's scripts:
// focus, key events, the value set through the native setter (so React's
// value tracker, Vue's v-model and Angular's forms see a change), then
// bubbling input and change events. Split boxes get a paste first, which is
// what their widgets are written to expect.

/** The setter of HTMLInputElement.prototype.value, not whatever a framework put on the instance. */
function nativeValue(el: HTMLInputElement, v: string): void {
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!.call(el, v);
}

function keyEvent(el: HTMLElement, type: string, ch: string): void {
  // Steam Guard codes have letters: "F" is KeyF, keyCode 70, like a digit's own key.
  const digit = /^\d$/.test(ch);
  const letter = /^[A-Za-z]$/.test(ch);
  const keyCode = digit || letter ? ch.toUpperCase().charCodeAt(0) : 0;
  el.dispatchEvent(
    new KeyboardEvent(type, {
      key: ch,
      code: digit ? `Digit${ch}` : letter ? `Key${ch.toUpperCase()}` : "",
      keyCode,
      which: keyCode,
      bubbles: true,
      cancelable: true,
      composed: true,
    } as KeyboardEventInit),
  );
}

/** Sets one input's value and tells the page, as typing it would. */
export function typeInto(el: HTMLInputElement, value: string): void {
  el.focus();
  const last = value.slice(-1);
  keyEvent(el, "keydown", last);
  keyEvent(el, "keypress", last);
  nativeValue(el, value);
  el.dispatchEvent(new InputEvent("input", { bubbles: true, composed: true, inputType: "insertText", data: value }));
  keyEvent(el, "keyup", last);
  el.dispatchEvent(new Event("change", { bubbles: true }));
}

/** The code the boxes hold now. */
export function joined(boxes: HTMLInputElement[]): string {
  return boxes.map((b) => b.value).join("");
}

function pasteEvent(code: string): Event {
  if (typeof DataTransfer === "function" && typeof ClipboardEvent === "function") {
    const dt = new DataTransfer();
    dt.setData("text/plain", code);
    return new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true, composed: true });
  }
  // DOMs without ClipboardEvent (jsdom in unit tests): an Event carrying the same data.
  const ev = new Event("paste", { bubbles: true, cancelable: true, composed: true });
  const data = { getData: (t: string) => (t === "text" || t === "text/plain" ? code : ""), types: ["text/plain"] };
  Object.defineProperty(ev, "clipboardData", { value: data });
  return ev;
}

const tick = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Fills one-character boxes: a paste on the first box, and if the page's
 * widget did not take it, one character per box.
 */
export async function fillSplit(boxes: HTMLInputElement[], code: string): Promise<boolean> {
  if (boxes.length !== code.length) return false;
  const first = boxes[0]!;
  first.focus();
  first.dispatchEvent(pasteEvent(code));
  await tick(30);
  if (joined(boxes) === code) return true;
  boxes.forEach((b, i) => typeInto(b, code[i]!));
  await tick(0);
  return joined(boxes) === code;
}

/** Fills a single input. */
export function fillSingle(el: HTMLInputElement, code: string): boolean {
  typeInto(el, code);
  return el.value === code;
}

/** Submits the field's form the way its own submit button would; false when there is no form. */
export function submitForm(el: HTMLInputElement): boolean {
  const form = el.form ?? el.closest("form");
  if (!form) return false;
  const button = form.querySelector<HTMLElement>('button[type="submit"], input[type="submit"], button:not([type])');
  if (button) button.click();
  else form.requestSubmit();
  return true;
}
