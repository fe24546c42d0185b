import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bestField, collectInputs, CONFIDENT, EXCLUDED, fieldInputs, findShadowRoots } from "../src/content/detect";
import * as keywords from "../src/content/keywords";
import { Lexicon, normalize, words } from "../src/content/keywords";
import { page, testEnv } from "./dom";

function best(doc: Document) {
  const roots = new Set<ShadowRoot>();
  findShadowRoots(doc, roots);
  return bestField(collectInputs([doc, ...roots]), testEnv);
}

// Pages modelled on real 2FA steps. The field to find carries data-expect.
const found: { name: string; html: string; title?: string; confident: boolean; split?: number }[] = [
  {
    name: "github",
    confident: true,
    html: `<form><h1>Two-factor authentication</h1><label for="app_totp">Authentication code</label>
      <input type="text" name="app_otp" id="app_totp" autocomplete="one-time-code" inputmode="numeric" maxlength="6" pattern="([0-9]{6})|([0-9a-fA-F]{5}-?[0-9a-fA-F]{5})" data-expect>
      <button type="submit">Verify</button><a href="/recovery">Use a recovery code</a></form>`,
  },
  {
    name: "gitlab",
    confident: true,
    html: `<form><label for="user_otp_attempt">Enter verification code</label>
      <input type="text" name="user[otp_attempt]" id="user_otp_attempt" autocomplete="off" inputmode="numeric" data-expect>
      <input type="submit" value="Verify code"></form>`,
  },
  {
    name: "google",
    confident: true,
    title: "2-Step Verification",
    html: `<h1>2-Step Verification</h1><p>Get a verification code from the Google Authenticator app</p>
      <div><input type="tel" name="totpPin" id="totpPin" aria-label="Enter code" pattern="[0-9 ]*" data-expect></div>`,
  },
  {
    name: "microsoft",
    confident: true,
    html: `<form><div>Enter code</div><p>Enter the code displayed in the Microsoft Authenticator app on your mobile device</p>
      <input name="otc" type="tel" id="idTxtBx_SAOTCC_OTC" maxlength="8" aria-label="Code" placeholder="Code" data-expect></form>`,
  },
  {
    name: "aws",
    confident: true,
    html: `<form><h2>Multi-factor authentication</h2><label for="mfaCode">MFA code</label><input id="mfaCode" name="mfaCode" type="text" data-expect></form>`,
  },
  {
    name: "pypi",
    confident: true,
    html: `<form><input id="totp_value" name="totp_value" type="text" autocomplete="one-time-code" inputmode="numeric" pattern="[0-9]{6}" data-expect></form>`,
  },
  {
    name: "npm",
    confident: true,
    html: `<form><h1>Two-Factor Authentication</h1><input type="text" name="otp" id="login_otp" inputmode="numeric" autocomplete="one-time-code" data-expect></form>`,
  },
  {
    name: "okta",
    confident: true,
    html: `<form><h2>Enter a code from Okta Verify</h2><label for="input59">Enter code</label>
      <input type="text" name="credentials.passcode" id="input59" autocomplete="off" data-expect></form>`,
  },
  {
    name: "password-typed otp",
    confident: true,
    html: `<form><label>One-time password <input type="password" name="otp" maxlength="6" data-expect></label></form>`,
  },
  {
    name: "generic code field with numeric hints and a 2FA heading",
    confident: true,
    html: `<form><h1>Two-factor authentication</h1><input name="code" inputmode="numeric" maxlength="6" data-expect></form>`,
  },
  {
    name: "french label",
    confident: true,
    html: `<form><label for="c">Code de vérification</label><input id="c" inputmode="numeric" maxlength="6" data-expect></form>`,
  },
  {
    name: "german label",
    confident: true,
    html: `<form><label for="c">Bestätigungscode</label><input id="c" data-expect></form>`,
  },
  {
    name: "japanese label",
    confident: true,
    html: `<form><label for="c">確認コード</label><input id="c" inputmode="numeric" data-expect></form>`,
  },
  {
    name: "russian label",
    confident: true,
    html: `<form><label for="c">Код подтверждения</label><input id="c" data-expect></form>`,
  },
  {
    name: "spanish label",
    confident: true,
    html: `<form><label for="c">Código de verificación</label><input id="c" inputmode="numeric" data-expect></form>`,
  },
  {
    name: "chinese label",
    confident: true,
    html: `<form><label for="c">请输入验证码</label><input id="c" maxlength="6" data-expect></form>`,
  },
  {
    name: "description mentioning recovery codes",
    confident: true,
    html: `<form><label for="c">Two-factor code</label><input id="c" aria-describedby="h" maxlength="6" data-expect>
      <p id="h">Lost your device? Enter one of your recovery codes instead.</p></form>`,
  },
  {
    name: "label-less field under a 2FA heading (offered, not auto-filled)",
    confident: false,
    html: `<form><h1>Two-factor authentication</h1><input name="code" data-expect></form>`,
  },
  {
    name: "split boxes",
    confident: true,
    split: 6,
    html: `<form><p>Enter the 6-digit code from your authenticator app</p><div class="boxes">
      ${Array.from({ length: 6 }, (_, i) => `<input type="tel" inputmode="numeric" maxlength="1" aria-label="Digit ${i + 1}"${i === 0 ? " data-expect" : ""}>`).join("")}
      </div></form>`,
  },
  {
    // Steam's sign-in guard step (2023 React login): five text boxes, no
    // numeric hint (Steam Guard codes have letters), only the words around.
    name: "steam guard split boxes",
    confident: true,
    split: 5,
    html: `<form><div>Enter the code from your Steam Mobile App</div><div class="segmentedinputs">
      ${Array.from({ length: 5 }, (_, i) => `<input type="text" maxlength="1" autocomplete="none" class="_3xcXqLVteTNHmk Focusable" value=""${i === 0 ? " data-expect" : ""}>`).join("")}
      </div><a href="#">Help, I no longer have access to my Steam Mobile App codes</a></form>`,
  },
  {
    name: "split boxes each in a wrapper",
    confident: true,
    split: 6,
    html: `<form><h2>Verification code</h2><div>${Array.from({ length: 6 }, (_, i) => `<span class="cell"><input maxlength="1"${i === 0 ? " data-expect" : ""}></span>`).join("")}</div></form>`,
  },
  // Found by the e2e suite in real browsers (e2e-findings.md); the markup is the fixtures'.
  {
    name: "fortigate ssl-vpn: password-typed token code field",
    confident: true,
    html: `<form action="/remote/logincheck" method="post" name="f" autocomplete="off">
    <input type="hidden" name="magic" value="1-2-3">
    <p>Enter the token code from FortiToken Mobile.</p>
    <label for="code">Token Code</label>
    <input type="password" id="code" name="code" autocomplete="off" maxlength="6" placeholder="Token" data-expect>
    <button type="submit" id="login_button">Login</button>
  </form>`,
  },
  {
    name: "password-typed field called code, unlabelled, under a token heading",
    confident: true,
    html: `<form><p>Enter the token code from FortiToken Mobile.</p><input type="password" name="code" maxlength="6" data-expect><button>Login</button></form>`,
  },
  {
    name: "discord: one-time-code field that also takes backup codes",
    confident: true,
    html: `<div class="authBox"><h1 class="title">Multi-Factor Authentication</h1>
    <div class="subtitle">Log in with your phone or an authentication app.</div>
    <form>
      <h5 class="colorStandard" id="code-label">Enter Discord Auth/Backup Code</h5>
      <div class="inputWrapper">
        <input class="inputDefault" name="" type="text" placeholder="6-digit authentication code/8-digit backup code" aria-labelledby="code-label" autocomplete="one-time-code" maxlength="10" spellcheck="false" value="" data-expect>
      </div>
      <button type="submit" class="button lookFilled colorBrand">Log In</button>
    </form>
    <p><a href="/login/mfa/backup">Use a backup code</a> · <a href="/login">Go Back to Login</a></p></div>`,
  },
  {
    name: "one-time-code field: authentication code or recovery code",
    confident: true,
    html: `<form><input name="code" autocomplete="one-time-code" placeholder="Authentication code or recovery code" data-expect></form>`,
  },
  {
    name: "x: code step in a dialog without a form, the heading saying which code",
    confident: true,
    title: "Log in to X / X",
    html: `<main id="react-root">
  <div role="dialog" aria-modal="true" aria-labelledby="modal-header">
    <h1 id="modal-header"><span>Enter your verification code</span></h1>
    <div dir="ltr"><span>Use your code generation app to generate a code and enter it below.</span></div>
    <label class="r-1roi411">
      <div dir="ltr"><span>Enter code</span></div>
      <input autocapitalize="none" autocomplete="on" autocorrect="off" inputmode="numeric" name="text" spellcheck="false" type="text" dir="auto" data-testid="ocfEnterTextTextInput" value="" data-expect>
    </label>
    <button type="button" data-testid="ocfEnterTextNextButton" disabled>Next</button>
  </div>
</main>`,
  },
  {
    name: "the same field in a dialog that asks for two things (offered, not auto-filled)",
    confident: false,
    html: `<div role="dialog"><h1>Enter your verification code</h1>
      <label><span>Enter code</span><input name="text" autocomplete="on" inputmode="numeric" type="text" data-expect></label>
      <label><span>Nickname</span><input name="nick" type="text"></label></div>`,
  },
  {
    name: "otp field next to a visible email field",
    confident: true,
    html: `<form><input type="email" name="email"><input name="otp" autocomplete="one-time-code" data-expect></form>`,
  },
  // Fields known only by their surroundings (issue 13, item 1): no name, no label, a framework id.
  {
    name: "bare field under the paragraph asking for the authenticator code",
    confident: true,
    html: `<div class="css-1q2w3e"><h2>Two-step verification</h2><p>Enter the 6-digit code from your authenticator app</p>
      <div class="css-9k8j7h"><input type="text" id=":r5:" class="css-4r5t6y" data-expect></div><button>Continue</button></div>`,
  },
  {
    name: "a div styled as a label before the field",
    confident: true,
    html: `<div><div class="field-caption">Authentication code</div><div><input type="text" id="mat-input-3" data-expect></div></div>`,
  },
  {
    name: "a floating label after the field",
    confident: true,
    html: `<div class="mdc-text-field"><input type="text" id="x7f3" data-expect><div class="mdc-floating-label">Enter the code from your authenticator app</div></div>`,
  },
  {
    name: "described by the authenticator text only",
    confident: true,
    html: `<p id="d91">Open your authenticator app and enter the 6-digit code it shows.</p><div><div><input type="text" id="i91" aria-describedby="d91" data-expect></div></div>`,
  },
  {
    name: "a modal over a login form, its field with a random id and a placeholder",
    confident: true,
    html: `<form><input name="username" autocomplete="username"><input type="password" name="password"></form>
      <div role="dialog" aria-modal="true"><h2>Two-factor authentication</h2><p>Enter the code from your authenticator app</p><input type="text" id="k3j2h1" placeholder="Code" data-expect></div>`,
  },
  {
    name: "Rocket.Chat's size=1 code field in a modal (not a split box)",
    confident: true,
    html: `<div class="rcx-modal" role="dialog"><h2>Two Factor Authentication</h2><p>Open your authentication app and enter the code.</p>
      <input class="rcx-input-box" type="text" id="xQ3kP9mZ" placeholder="Enter authentication code" size="1" data-expect></div>`,
  },
];

// Fields that must never be taken for a code field.
const decoys: { name: string; html: string }[] = [
  { name: "promo", html: `<form><label for="p">Promo code</label><input id="p" name="promo" maxlength="8"></form>` },
  { name: "coupon", html: `<form><h2>Have a code?</h2><input name="coupon_code" placeholder="Coupon code" maxlength="8"></form>` },
  { name: "voucher", html: `<form><label>Voucher code <input name="v" inputmode="numeric" maxlength="6"></label></form>` },
  { name: "gift card", html: `<form><input name="giftcard" placeholder="Gift card code" maxlength="16"></form>` },
  { name: "discount", html: `<form><input id="discountCode" placeholder="Discount code"></form>` },
  { name: "postal", html: `<form><input name="zip" autocomplete="postal-code" maxlength="5" inputmode="numeric"></form>` },
  { name: "postcode by words", html: `<form><label>Postcode <input name="pc" maxlength="7"></label></form>` },
  { name: "captcha", html: `<form><img alt="captcha"><input name="captcha_code" placeholder="Enter the characters you see"></form>` },
  { name: "chinese image captcha", html: `<form><label for="c">图形验证码</label><input id="c" maxlength="4"></form>` },
  { name: "search", html: `<form role="search"><input type="search" name="q" placeholder="Search"></form>` },
  { name: "search as text", html: `<form><input type="text" name="q" placeholder="Search codes"></form>` },
  {
    name: "sms phone number",
    html: `<form><p>We will send a verification code to your phone</p><input type="tel" name="phone" autocomplete="tel" placeholder="Phone number"></form>`,
  },
  { name: "phone by words only", html: `<form><h1>Two-step verification</h1><label>Mobile number <input type="tel" name="m"></label></form>` },
  {
    name: "recovery code",
    html: `<form><h1>Two-factor recovery</h1><label for="r">Recovery code</label><input id="r" name="recovery_code" autocomplete="off"></form>`,
  },
  { name: "backup code", html: `<form><input name="backup_code" placeholder="Backup code" maxlength="8"></form>` },
  { name: "cvc", html: `<form><input name="cvc" autocomplete="cc-csc" maxlength="4" inputmode="numeric"></form>` },
  {
    name: "card security code",
    html: `<form><label>Card number <input name="cn"></label><label>Security code <input name="sc" maxlength="3" inputmode="numeric"></label></form>`,
  },
  { name: "login form", html: `<form><h1>Sign in</h1><input name="username"><input type="password" name="password"></form>` },
  { name: "quantity", html: `<form><input type="number" name="quantity" value="1"></form>` },
  { name: "amount", html: `<form><label>Amount <input inputmode="numeric" name="amt" maxlength="6"></label></form>` },
  { name: "hidden otp field", html: `<form><input name="otp" autocomplete="one-time-code" style="display:none"></form>` },
  { name: "disabled otp field", html: `<form><input name="otp" autocomplete="one-time-code" disabled></form>` },
  { name: "readonly otp field", html: `<form><input name="otp" autocomplete="one-time-code" readonly></form>` },
  // Bank-account forms (e2e finding 1: the sort code was auto-filled).
  {
    name: "uk sort code and account number",
    html: `<h1>Link a bank account</h1>
  <form>
    <label for="sortCode">Sort code</label>
    <input type="text" id="sortCode" name="sortCode" inputmode="numeric" maxlength="6" autocomplete="off" placeholder="123456">
    <label for="accountNumber">Account number</label>
    <input type="text" id="accountNumber" name="accountNumber" inputmode="numeric" maxlength="8" autocomplete="off">
    <button type="submit">Agree and link</button>
  </form>`,
  },
  { name: "sort code alone", html: `<form><label>Sort code <input name="sc" inputmode="numeric" maxlength="6"></label></form>` },
  {
    name: "us routing number",
    html: `<form><label>Routing number <input name="routing" inputmode="numeric" maxlength="9"></label><label>Account number <input name="acct" inputmode="numeric"></label></form>`,
  },
  { name: "iban", html: `<form><label for="i">IBAN</label><input id="i" name="iban" maxlength="34"></form>` },
  { name: "bic / swift", html: `<form><label>BIC / SWIFT code <input name="bic" maxlength="11"></label></form>` },
  { name: "german bankleitzahl", html: `<form><label>Bankleitzahl (BLZ) <input name="blz" inputmode="numeric" maxlength="8"></label></form>` },
  { name: "bank code", html: `<form><label>Bank code <input name="bankCode" inputmode="numeric" maxlength="6"></label></form>` },
  {
    name: "a bare code field in a bank-details form",
    html: `<form><h2>Bank details</h2><p>Enter your IBAN and the code of your branch.</p><label>Code <input name="c" inputmode="numeric" maxlength="6"></label></form>`,
  },
  // Backup and recovery codes stay out even with autocomplete=one-time-code (finding 3's counterpart).
  {
    name: "discord backup-code page",
    html: `<h1>Multi-Factor Authentication</h1>
  <form>
    <label for="backup">Enter Discord Backup Code</label>
    <input type="text" id="backup" name="backup_code" placeholder="8-digit backup code" maxlength="9" autocomplete="off">
    <p class="muted">Enter one of your 8-character backup codes. Each code can be used once.</p>
    <button type="submit">Log In</button>
  </form>`,
  },
  {
    name: "recovery code marked one-time-code",
    html: `<form><label for="r">Two-factor recovery code</label><input id="r" autocomplete="one-time-code"></form>`,
  },
  {
    name: "backup code split from nothing",
    html: `<form><input name="code" autocomplete="one-time-code" placeholder="8-digit backup code/recovery code"></form>`,
  },
  {
    name: "authentication code or recovery code, without one-time-code",
    html: `<form><input name="code" placeholder="Authentication code or recovery code"></form>`,
  },
  // Password fields stay passwords (finding 2's counterpart).
  {
    name: "new and confirm password on a 2FA settings page",
    html: `<form><h1>Two-factor authentication</h1><p>Enter your authenticator code to change your password.</p>
      <label>New password <input type="password" name="new_password"></label><label>Confirm password <input type="password" name="confirm"></label></form>`,
  },
  {
    name: "current password before a 2FA step",
    html: `<form><h1>Sign in</h1><p>Two-factor authentication is on for this account.</p><input type="password" name="pass" autocomplete="off"></form>`,
  },
  {
    name: "card PIN next to 2FA words",
    html: `<form><p>Enter the verification code we sent, then your card PIN.</p><label>Card PIN <input type="password" name="cardPin" inputmode="numeric" maxlength="4"></label></form>`,
  },
  {
    name: "card PIN, type=password numeric",
    html: `<h1>Set your debit card PIN</h1>
  <form>
    <label for="cardPin">Card PIN</label>
    <input type="password" id="cardPin" name="cardPin" inputmode="numeric" maxlength="4" autocomplete="off">
    <label for="cardPinConfirm">Confirm PIN</label>
    <input type="password" id="cardPinConfirm" name="cardPinConfirm" inputmode="numeric" maxlength="4" autocomplete="off">
    <button type="submit">Save PIN</button>
  </form>`,
  },
  { name: "password field called code, no 2FA words", html: `<form><h1>Members area</h1><label>Door code <input type="password" name="code"></label></form>` },
  { name: "plain text field", html: `<form><input name="title"><textarea></textarea></form>` },
  { name: "three boxes", html: `<form><p>Enter code</p><div><input maxlength="1"><input maxlength="1"><input maxlength="1"></div></form>` },
  // Fields near 2FA words whose own caption says what they are.
  {
    name: "an amount field with 'code' nearby",
    html: `<div><h2>Send money</h2><p>We'll ask for your verification code next.</p><div class="label">Amount</div><div><input type="text" id="f1" inputmode="decimal"></div></div>`,
  },
  {
    name: "a phone-number field on a 2FA page",
    html: `<div><h1>Two-factor authentication</h1><p>Add a phone for backup verification codes</p><div class="caption">Phone number</div><input type="tel" id="r8"></div>`,
  },
  {
    name: "a recovery-code field known only by its caption",
    html: `<div><h1>Two-factor authentication</h1><p>Enter one of your recovery codes</p><input type="text" id="r9"></div>`,
  },
  {
    name: "a captcha under 'Type the above number', a hidden input between (Bitwarden #15113)",
    html: `<form><div label="Required verification field"><div id="CaptchaDiv">48 21 93</div><div class="capbox-inner"><div class="CaptchaText">Type the above number:</div>
      <input type="hidden" id="txtCaptcha"><input type="text" name="website_code" id="website_code" size="15"></div></div><button>Send</button></form>`,
  },
  {
    name: "a gift-card PIN known only by its caption",
    html: `<div><h1>Redeem</h1><p>Enter the code on the back of the card</p><div class="label">Gift card PIN</div><input type="text" id="r10" inputmode="numeric" maxlength="6"></div>`,
  },
];

describe("finding the code field", () => {
  for (const c of found) {
    it(c.name, () => {
      const doc = page(c.html, c.title);
      const f = best(doc);
      assert.ok(f, "no field found");
      assert.equal(fieldInputs(f)[0], doc.querySelector("[data-expect]"));
      assert.equal(f.score >= CONFIDENT, c.confident, `score ${f.score}`);
      if (c.split) {
        assert.equal(f.kind, "split");
        assert.equal(fieldInputs(f).length, c.split);
      } else assert.equal(f.kind, "single");
    });
  }
});

describe("never a decoy", () => {
  for (const c of decoys) {
    it(c.name, () => {
      const f = best(page(c.html));
      assert.equal(f, null, f ? `took ${fieldInputs(f)[0]!.outerHTML} (score ${f.score})` : "");
    });
  }
});

describe("shadow DOM", () => {
  it("finds a field in nested open shadow roots", () => {
    const doc = page(`<otp-widget></otp-widget>`);
    const outer = doc.querySelector("otp-widget")!.attachShadow({ mode: "open" });
    outer.innerHTML = `<div><inner-box></inner-box></div>`;
    const inner = outer.querySelector("inner-box")!.attachShadow({ mode: "open" });
    inner.innerHTML = `<label for="c">Verification code</label><input id="c" autocomplete="one-time-code">`;
    const f = best(doc);
    assert.ok(f);
    assert.equal(fieldInputs(f)[0], inner.querySelector("input"));
  });
  it("finds a shadow root on a plain <div> when thorough, or when the <div> itself is looked at", () => {
    const doc = page(`<div id="host"></div>`);
    const host = doc.getElementById("host")!;
    const sr = host.attachShadow({ mode: "open" });
    sr.innerHTML = `<input name="otp" autocomplete="one-time-code">`;
    const quick = new Set<ShadowRoot>();
    findShadowRoots(doc, quick);
    assert.equal(quick.size, 0);
    const thorough = new Set<ShadowRoot>();
    findShadowRoots(doc, thorough, undefined, true);
    assert.deepEqual([...thorough], [sr]);
    const added = new Set<ShadowRoot>();
    findShadowRoots(host, added);
    assert.deepEqual([...added], [sr]);
  });
  it("remembers custom elements without a shadow root for a second look", () => {
    const doc = page(`<late-widget></late-widget><p>text</p>`);
    const later: Element[] = [];
    findShadowRoots(doc, new Set(), later);
    assert.deepEqual(later.map((e) => e.localName), ["late-widget"]);
  });
  it("reads the caption in the host's tree, past the field's own floating label (Home Assistant)", () => {
    const doc = page(`<ha-auth-flow></ha-auth-flow>`);
    const flow = doc.querySelector("ha-auth-flow")!.attachShadow({ mode: "open" });
    flow.innerHTML = `<form><h2>Two-factor authentication</h2><p>Open your authenticator app and enter the two-factor authentication code.</p><ha-textfield></ha-textfield></form>`;
    const tf = flow.querySelector("ha-textfield")!.attachShadow({ mode: "open" });
    tf.innerHTML = `<label><span id="label">Code</span><input type="text" aria-labelledby="label" inputmode="numeric"></label>`;
    const f = best(doc);
    assert.ok(f);
    assert.equal(fieldInputs(f)[0], tf.querySelector("input"));
    assert.ok(f.score >= CONFIDENT, `score ${f.score}`);
  });
  it("reads labels inside the shadow root", () => {
    const doc = page(`<x-otp></x-otp>`);
    const sr = doc.querySelector("x-otp")!.attachShadow({ mode: "open" });
    sr.innerHTML = `<span id="l">Promo code</span><input aria-labelledby="l" maxlength="6">`;
    assert.equal(best(doc), null);
  });
});

describe("choosing between fields", () => {
  it("prefers the one-time-code field over a generic code field", () => {
    const doc = page(`<form><input name="code"><input name="x" autocomplete="one-time-code" data-expect></form>`);
    assert.equal(fieldInputs(best(doc)!)[0], doc.querySelector("[data-expect]"));
  });
  it("keeps separate box groups apart", () => {
    const boxes = (n: number) => Array.from({ length: n }, () => `<input maxlength="1" inputmode="numeric">`).join("");
    const doc = page(`<form><p>Verification code</p><div id="a">${boxes(6)}</div></form><section><div id="b">${boxes(2)}</div></section>`);
    const f = best(doc)!;
    assert.equal(f.kind, "split");
    assert.equal(fieldInputs(f).length, 6);
    assert.ok(fieldInputs(f).every((i) => i.parentElement!.id === "a"));
  });
});

describe("layout", () => {
  // Visibility needs a layout; a page still loading has none yet, so asking forces one on the page's main thread.
  const counting = () => {
    const env = { calls: 0, visible: (el: HTMLElement) => (env.calls++, testEnv.visible(el)) };
    return env;
  };
  it("is not asked of fields that words rule out or that score too low", () => {
    const doc = page(`<table><tr><td><a href="#">Show HN: a story</a></td></tr></table>
      <form action="/hnsearch"><label for="q">Search:</label><input type="text" id="q" name="q" size="17" autocomplete="off"></form>
      <form><input name="username"><input type="password" name="password"><input name="comment" maxlength="200"></form>`);
    const env = counting();
    assert.equal(bestField(collectInputs([doc]), env), null);
    assert.equal(env.calls, 0);
  });
  it("is asked of a field that could be offered, and a hidden one is not taken", () => {
    const doc = page(`<form><input name="otp" autocomplete="one-time-code" hidden></form>`);
    const env = counting();
    assert.equal(bestField(collectInputs([doc]), env), null);
    assert.ok(env.calls > 0);
  });
  it("a hidden input between boxes does not split them; a visible one does", () => {
    const boxes = (n: number) => Array.from({ length: n }, () => `<input maxlength="1" inputmode="numeric">`).join("");
    const hidden = page(`<form><p>Verification code</p><div>${boxes(3)}<input name="real" hidden>${boxes(3)}</div></form>`);
    const f = best(hidden)!;
    assert.equal(f.kind, "split");
    assert.equal(fieldInputs(f).length, 6);
    const shown = page(`<form><p>Verification code</p><div>${boxes(3)}<input name="other">${boxes(3)}</div></form>`);
    const g = best(shown);
    assert.ok(!g || g.kind !== "split", "two groups of three are not a code field");
  });
});

describe("normalize", () => {
  for (const [input, want] of [
    ["user[otp_attempt]", "user otp attempt"],
    ["mfaCode", "mfa code"],
    ["idTxtBx_SAOTCC_OTC", "id txt bx saotcc otc"],
    ["credentials.passcode", "credentials passcode"],
    ["  Two-Factor   Code ", "two factor code"],
    ["Código de verificación:", "codigo de verificacion"],
    ["Bestätigungscode", "bestatigungscode"],
  ]) {
    it(input!, () => assert.equal(normalize(input!), want));
  }
  for (const [input, want] of [
    ["確認コード", "確認コード"],
    ["인증 코드", "인증 코드"],
    ["Κωδικός επαλήθευσης", "κωδικος επαληθευσης"],
    ["Код подтверждения:", "код подтверждения"],
    ["सत्यापन कोड", "सत्यापन कोड"],
    ["رمزُ التحقّق", "رمز التحقق"],
  ]) {
    it(`${input} (not ASCII)`, () => assert.equal(normalize(input!), want));
  }
  it("EXCLUDED is far below any score", () => assert.ok(EXCLUDED < -100));
  // Lexicons take their keywords as written (no normalize() on a page's first scan): each must be normalised already.
  it("every keyword is written normalised", () => {
    let n = 0;
    for (const [name, v] of Object.entries(keywords)) {
      if (!(v instanceof Lexicon)) continue;
      for (const k of v.keywords()) {
        const bare = k.endsWith("*") ? k.slice(0, -1) : k;
        assert.equal(normalize(bare), bare, `${name}: ${JSON.stringify(k)}`);
        assert.ok(bare.length > 0, `${name}: an empty keyword`);
        n++;
      }
    }
    assert.ok(n > 300, `only ${n} keywords seen`);
  });
});

describe("keyword matching", () => {
  const lex = new Lexicon("tel|auth code|captcha*|验证码*");
  for (const [text, want] of [
    ["Tel.", true],
    ["telegram handle", false],
    ["Auth-Code", true],
    ["oauth code", false],
    ["authCode", true],
    ["g-recaptcha-response", true],
    ["请输入验证码", true],
    ["", false],
  ] as const) {
    it(`${JSON.stringify(text)} → ${want}`, () => assert.equal(lex.test(words(text)), want));
  }
});
