import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fillSingle, fillSplit, submitForm } from "../src/content/fill";
import { page } from "./dom";

/** Emulates React's value tracker: an own `value` property on the node that records what scripts set. */
function trackLikeReact(input: HTMLInputElement): { tracked: () => string } {
  const proto = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Object.getPrototypeOf(input)), "value")
    ?? Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!;
  let tracked = input.value;
  Object.defineProperty(input, "value", {
    configurable: true,
    get() {
      return proto.get!.call(this);
    },
    set(v: string) {
      tracked = v;
      proto.set!.call(this, v);
    },
  });
  return { tracked: () => tracked };
}

describe("filling one field", () => {
  it("sets the value through the native setter and fires the events frameworks listen to", () => {
    const doc = page(`<form><input name="otp"></form>`);
    const input = doc.querySelector("input")!;
    const react = trackLikeReact(input);
    const seen: string[] = [];
    for (const t of ["keydown", "keypress", "input", "keyup", "change"]) doc.addEventListener(t, (e) => seen.push(e.type));
    assert.ok(fillSingle(input, "123456"));
    assert.equal(input.value, "123456");
    // React compares its tracked value with the DOM's on "input": they must differ for onChange to fire.
    assert.equal(react.tracked(), "");
    assert.deepEqual(seen, ["keydown", "keypress", "input", "keyup", "change"]);
  });
});

describe("filling split boxes", () => {
  const boxes = (doc: Document) => Array.from(doc.querySelectorAll("input"));
  const six = `<div>${'<input maxlength="1">'.repeat(6)}</div>`;

  it("lets a widget that handles paste fill its boxes", async () => {
    const doc = page(six);
    let pastes = 0;
    let inputs = 0;
    doc.addEventListener("input", () => inputs++);
    boxes(doc)[0]!.addEventListener("paste", (e) => {
      pastes++;
      const text = (e as ClipboardEvent).clipboardData!.getData("text");
      boxes(doc).forEach((b, i) => (b.value = text[i]!));
      e.preventDefault();
    });
    assert.ok(await fillSplit(boxes(doc), "654321"));
    assert.equal(pastes, 1);
    assert.equal(inputs, 0, "typed into boxes the widget had already filled");
    assert.deepEqual(boxes(doc).map((b) => b.value), ["6", "5", "4", "3", "2", "1"]);
  });

  it("types one character a box when nothing takes the paste", async () => {
    const doc = page(six);
    const perBox: number[] = [0, 0, 0, 0, 0, 0];
    boxes(doc).forEach((b, i) => b.addEventListener("input", () => perBox[i]!++));
    assert.ok(await fillSplit(boxes(doc), "987654"));
    assert.deepEqual(boxes(doc).map((b) => b.value).join(""), "987654");
    assert.deepEqual(perBox, [1, 1, 1, 1, 1, 1]);
  });

  it("refuses a code whose length does not fit the boxes", async () => {
    const doc = page(six);
    assert.equal(await fillSplit(boxes(doc), "12345678"), false);
    assert.equal(boxes(doc).map((b) => b.value).join(""), "");
  });
});

describe("submitting", () => {
  it("clicks the form's submit button", () => {
    const doc = page(`<form><input name="otp"><button type="button">Cancel</button><button type="submit">Verify</button></form>`);
    let clicked = "";
    doc.addEventListener("click", (e) => (clicked = (e.target as HTMLElement).textContent!));
    doc.querySelector("form")!.addEventListener("submit", (e) => e.preventDefault());
    assert.ok(submitForm(doc.querySelector("input")!));
    assert.equal(clicked, "Verify");
  });
  it("does nothing without a form", () => {
    const doc = page(`<input name="otp">`);
    assert.equal(submitForm(doc.querySelector("input")!), false);
  });
});

describe("filling a Steam Guard code (letters and digits)", () => {
  it("types letters with their own key codes into five boxes", async () => {
    const doc = page(`<form>${'<input maxlength="1">'.repeat(5)}</form>`);
    const boxes = Array.from(doc.querySelectorAll("input"));
    const keys: string[] = [];
    doc.addEventListener("keydown", (e) => keys.push(`${e.key}:${e.code}:${e.keyCode}`));
    assert.ok(await fillSplit(boxes, "FR8RV"));
    assert.deepEqual(boxes.map((b) => b.value), ["F", "R", "8", "R", "V"]);
    assert.deepEqual(keys, ["F:KeyF:70", "R:KeyR:82", "8:Digit8:56", "R:KeyR:82", "V:KeyV:86"]);
  });
  it("fills one field", () => {
    const doc = page(`<form><input name="twofactorcode_entry" maxlength="5"></form>`);
    const input = doc.querySelector("input")!;
    assert.ok(fillSingle(input, "9P3VP"));
    assert.equal(input.value, "9P3VP");
  });
});
