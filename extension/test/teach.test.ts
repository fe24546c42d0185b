import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldSelector, findTaught, stableToken } from "../src/content/teach";
import { addTaught, parseTaught, pathMatches, pathPattern, taughtKeys, TAUGHT_MAX } from "../src/shared/taught";
import { page } from "./dom";

describe("stable ids and names", () => {
  for (const id of ["passwd1", "otp", "app_totp", "ctl00$Main$txtToken", "mfa-code", "verificationCode"]) {
    it(`${id}: stable`, () => assert.equal(stableToken(id), true));
  }
  for (const id of ["ext-comp-1043", "ember412", ":r3:", "mat-input-2", "input-12", "field_27", "a8f3c9d2e1", "react-select-3-input", "x8KdL2mQp9", "c3a1e2f4-5b6c-4d7e-8f90-a1b2c3d4e5f6", "__BVID__52", "has space", ""]) {
    it(`${JSON.stringify(id)}: generated`, () => assert.equal(stableToken(id), false));
  }
});

describe("a selector for the field filled by hand", () => {
  it("a stable id", () => {
    const d = page(`<form><label for="passwd1">Password 2:</label><input type="password" id="passwd1" name="passwd1"></form>`);
    const el = d.getElementById("passwd1") as HTMLInputElement;
    assert.equal(fieldSelector(el), 'input[id="passwd1"]');
  });
  it("a generated id: the name instead", () => {
    const d = page(`<input id="ext-comp-1043" name="token"><input id="ext-comp-1044" name="other">`);
    assert.equal(fieldSelector(d.getElementById("ext-comp-1043") as HTMLInputElement), 'input[name="token"]');
  });
  it("an id used twice on the page is not unique: the name", () => {
    const d = page(`<input id="code" name="a"><input id="code" name="b">`);
    const el = d.querySelectorAll("input")[1] as HTMLInputElement;
    assert.equal(fieldSelector(el), 'input[name="b"]');
  });
  it("no stable id or name: the place under the nearest ancestor with a stable id", () => {
    const d = page(`<div id="login"><div><input id="ext-gen12345"></div><div class="x"><span></span><input id="ext-gen12346"></div></div>`);
    const el = d.getElementById("ext-gen12346") as HTMLInputElement;
    const sel = fieldSelector(el)!;
    assert.equal(sel, '[id="login"] > div:nth-of-type(2) > input:nth-of-type(1)');
    assert.equal(d.querySelector(sel), el);
  });
  it("no anchor at all: a path from <body>", () => {
    const d = page(`<main><section><input><input></section></main>`);
    const el = d.querySelectorAll("input")[1] as HTMLInputElement;
    const sel = fieldSelector(el)!;
    assert.equal(sel, "body > main:nth-of-type(1) > section:nth-of-type(1) > input:nth-of-type(2)");
    assert.equal(d.querySelector(sel), el);
  });
  it("never page text: labels, placeholders, values and classes stay out", () => {
    const d = page(`<div class="secret-class"><label>Your PIN 4711</label><input placeholder="Enter 123456" value="999999" class="otp-box"></div>`);
    const sel = fieldSelector(d.querySelector("input") as HTMLInputElement)!;
    for (const text of ["4711", "123456", "999999", "secret-class", "otp-box", "PIN"]) assert.ok(!sel.includes(text), `${sel} holds ${text}`);
  });
  it("quotes in an id are escaped, and the selector still finds it", () => {
    const d = page(`<input id='a"b'>`);
    const el = d.querySelector("input") as HTMLInputElement;
    const sel = fieldSelector(el)!;
    assert.equal(d.querySelector(sel), el);
  });
  it("findTaught takes the first selector that finds an input, skipping broken ones", () => {
    const d = page(`<div id="x"></div><input id="otp">`);
    assert.equal(findTaught(d, ["[[broken", 'div[id="x"]', 'input[id="otp"]'])?.id, "otp");
    assert.equal(findTaught(d, ['input[id="gone"]']), null);
  });
});

describe("where a taught field applies", () => {
  it("storage keys: the host and each parent domain", () => {
    assert.deepEqual(taughtKeys("Gateway.Contoso.com"), ["taught:gateway.contoso.com", "taught:contoso.com", "taught:com"]);
  });
  const patterns: [string, string][] = [
    ["/logon/LogonPoint/tmindex.html", "/logon/LogonPoint/tmindex.html"],
    ["/login/2fa/", "/login/2fa"],
    ["/u/mfa/8f3a9c1b2d4e", "/u/mfa/*"],
    ["/account/12345/verify", "/account/*/verify"],
    ["/s/c3a1e2f4-5b6c-4d7e-8f90-a1b2c3d4e5f6/otp", "/s/*/otp"],
    ["/", "/"],
  ];
  for (const [path, want] of patterns) it(`${path} → ${want}`, () => assert.equal(pathPattern(path), want));
  it("a pattern fits the same page, and ids in the path may differ", () => {
    assert.ok(pathMatches("/account/*/verify", "/account/999/verify"));
    assert.ok(pathMatches("/login/2fa", "/login/2fa/"));
    assert.ok(!pathMatches("/login/2fa", "/login/2fa/extra"));
    assert.ok(!pathMatches("/login/2fa", "/login"));
    assert.ok(!pathMatches("/login/2fa", "/logout/2fa"));
  });
  it("stored fields are read leniently and capped per site", () => {
    assert.deepEqual(parseTaught({}), []);
    assert.equal(parseTaught([{ path: "nope", selector: "x", added: 1 }, { path: "/a", selector: "", added: 1 }, { path: "/a", selector: "#b", added: 1 }]).length, 1);
    let l = addTaught([], { path: "/a", selector: "#x", added: 1 });
    l = addTaught(l, { path: "/a", selector: "#x", added: 2 });
    assert.deepEqual(l, [{ path: "/a", selector: "#x", added: 2 }]);
    for (let i = 0; i < TAUGHT_MAX + 2; i++) l = addTaught(l, { path: `/p${i}`, selector: "#x", added: i });
    assert.equal(l.length, TAUGHT_MAX);
    assert.equal(l[l.length - 1]!.path, `/p${TAUGHT_MAX + 1}`);
  });
});

describe("a taught field's score", () => {
  it("is confident: the auto-fill rules decide as for any confident field", async () => {
    const { CONFIDENT } = await import("../src/content/detect");
    const { TAUGHT_SCORE } = await import("../src/content/teach");
    assert.ok(TAUGHT_SCORE >= CONFIDENT);
  });
});
