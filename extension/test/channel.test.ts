// Which code a 2FA page asks for: the authenticator app's, or one the site
// sent (text message, e-mail, voice call, another device). A page asking for a
// sent code must never get the TOTP code by itself: a wrong code burns an attempt.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bestField, collectInputs, CONFIDENT, fieldInputs, loginName, sentChannel, shownAccounts } from "../src/content/detect";
import { page, testEnv } from "./dom";

function field(doc: Document) {
  const f = bestField(collectInputs([doc]), testEnv);
  assert.ok(f, "no field found");
  return f;
}

const boxes = (first: string) =>
  [1, 2, 3, 4, 5, 6].map((i) => `<input type="tel" maxlength="1" autocomplete="off" class="form-security-code-input" aria-label="${i === 1 ? first + " Digit 1" : "Digit " + i}">`).join("");

// Modelled on the sites' markup; each is a page a TOTP code must not be auto-filled into.
const sent: { name: string; html: string; title?: string; want: string }[] = [
  {
    name: "GitHub's SMS step (its field is called sms_totp)",
    want: "sms",
    html: `<form action="/sessions/two-factor" method="post"><h1>Two-factor authentication</h1>
      <label for="sms_totp">Authentication code</label>
      <input type="text" name="sms_otp" id="sms_totp" autocomplete="one-time-code" inputmode="numeric" maxlength="6" placeholder="XXXXXX">
      <button type="submit">Verify</button>
      <p>We just sent you a message via SMS with your authentication code. Enter the code in the form above to verify your identity.</p>
      <button type="button">Resend SMS</button></form>
      <p><a href="/sessions/two-factor/app">Use your authenticator app</a></p>`,
  },
  {
    name: "Google's 'text message sent'",
    want: "sms",
    title: "Google Accounts",
    html: `<div><h1>2-Step Verification</h1><p>To help keep your account safe, Google wants to make sure it's really you trying to sign in</p>
      <div>alice@gmail.com</div>
      <div><p>A text message with a 6-digit verification code was just sent to •••• ••• ••89</p>
      <div><input type="tel" name="idvPin" id="idvPin" aria-label="Enter code" pattern="[0-9 ]*" autocomplete="off"></div></div>
      <div role="button">Next</div><div role="button">Try another way</div></div>`,
  },
  {
    name: "Microsoft's 'we texted'",
    want: "sms",
    html: `<form><div role="heading">Enter code</div>
      <div id="idDiv_SAOTCC_Description">We texted your phone +X XXXXXXXX12. Please enter the code to sign in.</div>
      <input name="otc" type="tel" id="idTxtBx_SAOTCC_OTC" maxlength="8" aria-label="Code" placeholder="Code" autocomplete="off">
      <a href="#">Having trouble? Sign in another way</a><a href="#">I can't use my Microsoft Authenticator app right now</a>
      <input type="submit" value="Verify"></form>`,
  },
  {
    name: "Amazon's OTP e-mail",
    want: "email",
    html: `<form name="claimspicker"><h1>Verify that it's you</h1>
      <p>To continue, complete this verification step. We've sent a One Time Password (OTP) to the email a•••@example.com. Please enter it below.</p>
      <label for="input-box-otp">Enter OTP</label>
      <input type="text" maxlength="6" id="input-box-otp" name="code" autocomplete="one-time-code">
      <input type="submit" value="Submit code"><a href="#">Resend OTP</a></form>`,
  },
  {
    name: "GitHub's e-mailed device verification",
    want: "email",
    title: "Device verification · GitHub",
    html: `<form><h1>Device verification</h1>
      <p>We just sent your authentication code via email to a•••@example.com. The code will expire at 10:42 UTC.</p>
      <label for="otp">Device Verification Code</label>
      <input type="text" id="otp" name="otp" autocomplete="one-time-code" inputmode="numeric" maxlength="6" placeholder="XXXXXX">
      <button type="submit">Verify</button><a href="#">Re-send the authentication code</a></form>`,
  },
  {
    name: "Apple's code sent to the trusted devices",
    want: "device",
    html: `<div class="verify-device"><h1>Two-Factor Authentication</h1>
      <p>A message with a verification code has been sent to your devices. Enter the code to continue.</p>
      <div class="form-security-code"><div class="boxes">${boxes("Enter verification code.")}</div></div>
      <p><a href="#">Didn't get a verification code?</a></p></div>`,
  },
  {
    name: "a voice call (Google's 'calling')",
    want: "voice",
    html: `<div><h1>2-Step Verification</h1><p>Google is calling •••• ••• ••89 with a 6-digit verification code.</p>
      <div><input type="tel" name="idvPin" aria-label="Enter code" pattern="[0-9 ]*"></div></div>`,
  },
  {
    name: "a field named for SMS, nothing else said",
    want: "sms",
    html: `<form><label for="c">SMS code</label><input id="c" name="sms_code" inputmode="numeric" maxlength="6"></form>`,
  },
];

// Pages that take the authenticator app's code, and say it while mentioning the other methods.
const app: { name: string; html: string }[] = [
  {
    name: "GitHub's app step, with a link to send a code by SMS",
    html: `<form><h1>Two-factor authentication</h1><label for="app_totp">Authentication code</label>
      <input type="text" name="app_otp" id="app_totp" autocomplete="one-time-code" inputmode="numeric" maxlength="6">
      <button type="submit">Verify</button>
      <p>Open your two-factor authenticator (TOTP) app or browser extension to view your authentication code.</p></form>
      <p>Having problems? <a href="#">Use a recovery code</a> or <a href="#">send a code via SMS</a>.</p>`,
  },
  {
    name: "a page taking the app's code or the one texted ('either')",
    html: `<form><label for="c">Verification code</label><input id="c" name="code" autocomplete="one-time-code">
      <p>Enter the code from your authenticator app, or the one we sent you by text message.</p></form>`,
  },
  {
    name: "AWS's MFA step showing the account's e-mail address",
    html: `<form><h1>Multi-factor authentication</h1><p>Your account is secured using multi-factor authentication (MFA). To finish signing in, turn on or view your MFA device and type the authentication code below.</p>
      <p>Email address: alice@example.com</p><label for="mfaCode">MFA code</label><input id="mfaCode" name="mfaCode" inputmode="numeric" maxlength="6"></form>`,
  },
  {
    name: "a 'remember this device' box and a resend-by-SMS button",
    html: `<form><label for="t">One-time password</label><input id="t" name="_otp" autocomplete="one-time-code">
      <label><input type="checkbox"> Remember this device for 30 days</label><button type="button">Text me a code instead</button></form>`,
  },
];

describe("which code the page asks for", () => {
  for (const c of sent) {
    it(`${c.name}: ${c.want}`, () => {
      const doc = page(c.html, c.title);
      assert.equal(sentChannel(field(doc), testEnv), c.want);
    });
  }
  for (const c of app) {
    it(`${c.name}: the app's`, () => {
      const doc = page(c.html);
      assert.equal(sentChannel(field(doc), testEnv), null);
    });
  }
  it("the sent-code pages are confident fields (the policy, not detection, keeps them from auto-fill)", () => {
    for (const c of [sent[0]!, sent[2]!, sent[3]!, sent[4]!]) assert.ok(field(page(c.html, c.title)).score >= CONFIDENT, c.name);
  });

  it("a page that lets the user switch follows what is shown now", () => {
    const doc = page(`<form><h1>Two-step verification</h1>
      <p id="app">Enter the 6-digit code from your authenticator app.</p>
      <p id="sms" hidden>We sent a text message with a code to (•••) •••-••42.</p>
      <label for="c">Code</label><input id="c" name="verification_code" autocomplete="one-time-code" maxlength="6">
      <button type="button" id="switch">Use a text message instead</button></form>`);
    const f = field(doc);
    assert.equal(sentChannel(f, testEnv), null, "authenticator shown");
    doc.getElementById("app")!.hidden = true;
    doc.getElementById("sms")!.hidden = false;
    assert.equal(sentChannel(f, testEnv), "sms", "text message shown");
    doc.getElementById("sms")!.style.display = "none";
    doc.getElementById("app")!.hidden = false;
    assert.equal(sentChannel(f, testEnv), null, "back to the app");
    assert.equal(fieldInputs(f)[0], doc.getElementById("c"));
  });
});

describe("which account is signing in", () => {
  const form = `<form><p>Enter the code from your authenticator app</p><input name="otp" autocomplete="one-time-code"></form>`;
  it("a user name after 'Signed in as' and 'Hi'", () => {
    assert.deepEqual(shownAccounts(field(page(`<main><p>Signed in as Alice</p>${form}</main>`)), testEnv), ["alice"]);
    assert.deepEqual(shownAccounts(field(page(`<main><h1>Hi, bob!</h1>${form}</main>`)), testEnv), ["bob"]);
  });
  it("Keycloak's attempted user name and a read-only user name field", () => {
    assert.deepEqual(shownAccounts(field(page(`<main><div id="kc-username"><label id="kc-attempted-username">carol</label><a href="#">Restart login</a></div>${form}</main>`)), testEnv), ["carol"]);
    assert.deepEqual(shownAccounts(field(page(`<main><form><input name="user" value="dave" readonly><p>Enter the code from your authenticator app</p><input name="otp" autocomplete="one-time-code"></form></main>`)), testEnv), ["dave"]);
  });
  it("a hidden user name is not shown", () => {
    assert.deepEqual(shownAccounts(field(page(`<main><p hidden>Signed in as eve</p><span class="username" hidden>eve</span>${form}</main>`)), testEnv), []);
  });
  it("Microsoft's identity banner above the form", () => {
    const doc = page(`<main><div class="logo">Microsoft</div><div class="identityBanner"><button aria-label="Back">←</button><div id="displayName">Bob@Outlook.com</div></div>
      <div role="heading">Enter code</div><div>Enter the code displayed in the authenticator app on your mobile device</div>
      <form><input name="otc" type="tel" maxlength="8" placeholder="Code" aria-label="Code"><input type="submit" value="Verify"></form></main>`);
    assert.deepEqual(shownAccounts(field(doc), testEnv), ["bob@outlook.com"]);
  });
  it("Google's account chip inside the challenge", () => {
    const doc = page(sent[1]!.html.replace("A text message with a 6-digit verification code was just sent to •••• ••• ••89", "Get a verification code from the Google Authenticator app"));
    assert.deepEqual(shownAccounts(field(doc), testEnv), ["alice@gmail.com"]);
  });
  it("masked and hidden addresses are not accounts; links are left out", () => {
    const doc = page(`<main><p>We sent a code to a•••••@example.com</p><p hidden>carol@example.com</p><a href="#">Not dave@example.com?</a>
      <form><label for="c">Verification code</label><input id="c" name="code" autocomplete="one-time-code"></form></main>`);
    assert.deepEqual(shownAccounts(field(doc), testEnv), []);
  });
});

describe("the user name a login form sends", () => {
  const form = (html: string) => page(`<form>${html}</form>`).querySelector("form")!;
  it("the username field of a username + password form, never the password", () => {
    assert.equal(loginName(form(`<input name="login" value=" Alice "><input type="password" name="password" value="hunter2">`)), "Alice");
    assert.equal(loginName(form(`<input type="email" name="e" value="a@b.example"><input type="password" value="x">`)), "a@b.example");
  });
  it("an identifier-first step marked autocomplete=username", () => {
    assert.equal(loginName(form(`<input name="identifier" autocomplete="username" value="bob">`)), "bob");
  });
  it("nothing from a form with no password and no username field: search, newsletter", () => {
    assert.equal(loginName(form(`<input name="q" value="alice">`)), "");
    assert.equal(loginName(form(`<input type="email" name="newsletter" value="a@b.example">`)), "");
    assert.equal(loginName(form(`<input type="password" name="password" value="hunter2">`)), "");
  });
});
