// Setup capture in real browsers (issue 5): on 2FA setup pages the extension
// offers to save the secret the page shows; one real click on the offer's own
// button (inside the extension's frame) saves it through the host into a real
// pass store, the code is verified against oathtool and filled into the
// site's verification field, and recovery codes are kept. Pages without a
// secret, or with a QR code of a web link, get no offer; a hostile page
// script cannot read or click the offer. Chromium (playwright-core) and
// Firefox ESR (puppeteer-core, WebDriver BiDi), each with a store of its own.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { closeDriver, launchChromium, launchFirefox } from '../lib/browsers.js';
import { speedPages } from '../lib/corpus.js';
import { frameLocation, notSelected, run, skipReason, sleep } from '../lib/proc.js';
import { existingEntries, keyURI, noOfferPages, recoveryOnlyPages, setupPages, setupSpecial } from '../lib/setup-corpus.js';
import { expectedCodes, recoveryBlock, suiteStore } from '../lib/store.js';
import { artifactsDir, paths, setupWorld, toolRequirements, updateArtifact } from '../lib/world.js';

const extensionBuilt = (dir) => (fs.existsSync(path.join(dir, 'manifest.json')) ? dir : '');
const common = toolRequirements();
const chromiumSkip = notSelected('chromium') || skipReason({ ...common, chromium: paths.chromium, 'extension/dist-e2e/chromium (cd extension && npm ci && npm run build:e2e)': extensionBuilt(paths.chromiumExtension) });
const firefoxSkip = notSelected('firefox') || skipReason({ ...common, 'firefox-esr': paths.firefox, 'extension/dist-e2e/firefox (cd extension && npm ci && npm run build:e2e)': extensionBuilt(paths.firefoxExtension) });

/** Offer states in which the offer shows something to click. */
const SHOWING = ['offer', 'recovery', 'confirm', 'confirm-in-popup', 'saved', 'undone'];
const FORGED_TOKEN = '00000000-0000-4000-8000-000000000000';

let world;
const speed = {};

if (!chromiumSkip || !firefoxSkip) {
  before(async () => {
    world = await setupWorld({ only: [] }); // certificate, servers, GnuPG home; each browser gets its own store below
  });
  after(async () => {
    updateArtifact('setup-speed.json', (all) => Object.assign(all, speed)); // the other half of scripts/run.js writes its browser's
    for (const [b, s] of Object.entries(speed)) console.log(`setup speed (${b}): ${JSON.stringify(s)}`);
    await world?.teardown();
  });
}

function storeTools(env) {
  return {
    env,
    /** `pass otp NAME`: the code pass-otp computes from what was saved. */
    async otp(name) {
      const r = await run('pass', ['otp', name], { env });
      assert.equal(r.code, 0, `pass otp ${name} failed: ${r.stderr.trim()}`);
      return r.stdout.trim();
    },
    async show(name) {
      return run('pass', ['show', name], { env });
    },
    async list() {
      const files = [];
      const walk = (d) => {
        for (const f of fs.readdirSync(d, { withFileTypes: true })) {
          if (f.name.startsWith('.')) continue;
          const p = path.join(d, f.name);
          if (f.isDirectory()) walk(p);
          else if (f.name.endsWith('.gpg')) files.push(path.relative(env.PASSWORD_STORE_DIR, p).replace(/\.gpg$/, ''));
        }
      };
      walk(env.PASSWORD_STORE_DIR);
      return files.sort();
    },
  };
}

/** The bytes a base32 secret stands for, as hex (trailing bits that make no whole byte dropped). */
function base32Bytes(s) {
  let bits = '';
  for (const c of String(s).replace(/=+$/, '').toUpperCase()) bits += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(c).toString(2).padStart(5, '0');
  return (bits.slice(0, bits.length - (bits.length % 8)).match(/.{8}/g) ?? []).map((b) => parseInt(b, 2).toString(16).padStart(2, '0')).join('');
}

async function assertCode(key, value, what) {
  const codes = await expectedCodes(key);
  assert.ok(codes.includes(value), `${what}: got ${JSON.stringify(value)}, oathtool says ${codes.join(' / ')} (previous / current / next step)`);
}

function setupSuite(name, launch, { skip }) {
  describe(`setup capture in ${name}`, { skip }, () => {
    let driver;
    let store;
    let ext; // an extension page, to find tab ids
    const figures = { offerMs: {} };

    before(async () => {
      const made = await suiteStore(world, `${name}-store`, Object.fromEntries(existingEntries.map((e) => [e.name, keyURI(e)])));
      store = storeTools(made.env);
      driver = await launch(made.world);
      ext = await driver.newPage();
      await driver.openExtensionPage(ext, 'options.html');
    });
    after(async () => {
      speed[name] = figures;
      await closeDriver(driver);
    });

    /**
     * The offer frames on a page (extension pages, in a closed shadow root),
     * found through the browser's frame tree. Puppeteer over BiDi keeps a
     * framed moz-extension page's URL as about:blank, so each frame is asked.
     */
    async function offerFrames(page) {
      const prefix = driver.extensionURL('offer.html');
      const out = [];
      for (const f of page.raw.frames()) {
        if (f === page.raw.mainFrame()) continue;
        const url = f.url().startsWith(prefix) ? f.url() : await frameLocation(f);
        if (url.startsWith(prefix)) out.push({ frame: f, forged: url.includes(FORGED_TOKEN) });
      }
      return out;
    }

    /** The offer frame the extension put on the page (not one a page forged). */
    async function offerFrame(page, timeout = 15_000) {
      const deadline = Date.now() + timeout;
      for (;;) {
        const f = (await offerFrames(page)).find((x) => !x.forged)?.frame;
        if (f) return f;
        if (Date.now() > deadline) {
          const hooks = await page.evaluate(() => ['setup', 'setup-scan', 'setup-offer', 'setup-source'].map((k) => `${k}=${document.documentElement.getAttribute('data-otpfill-' + k)}`).join(' ')).catch(() => '?');
          throw new Error(`no offer frame on ${page.url()} within ${timeout} ms (${hooks})`);
        }
        await sleep(100);
      }
    }

    async function tabIdOf(url) {
      const tabs = await ext.evaluate(async () => (await (globalThis.browser ?? globalThis.chrome).tabs.query({})).map((t) => ({ id: t.id, url: t.url })));
      const tab = tabs.find((t) => t.url === url);
      assert.ok(tab, `no tab shows ${url}`);
      return tab.id;
    }

    async function frameWait(frame, fn, timeout = 15_000) {
      const deadline = Date.now() + timeout;
      for (;;) {
        if (await frame.evaluate(fn).catch(() => false)) return;
        if (Date.now() > deadline) throw new Error(`timed out waiting in the offer frame for ${fn}`);
        await sleep(100);
      }
    }

    /**
     * A real click on one of the offer's buttons once it is armed: the offer
     * enables its buttons only after the frame has been fully shown,
     * unobscured and unmoved for 500 ms (docs/DECISIONS.md "Clickjacking").
     */
    async function armedClick(frame, selector) {
      await frameWait(frame, new Function(`const b = document.querySelector(${JSON.stringify(selector)}); return !!b && b.getAttribute('aria-disabled') !== 'true';`));
      await frame.click(selector);
    }

    async function offerState(frame, states = SHOWING, timeout = 15_000) {
      const deadline = Date.now() + timeout;
      let last = '';
      for (;;) {
        last = await frame.evaluate(() => {
          const o = document.getElementById('offer');
          return o ? `${o.dataset.state}|${document.getElementById('problem')?.textContent ?? ''}|${document.getElementById('host-problem')?.textContent ?? ''}` : 'none';
        }).catch((e) => `gone: ${e.message}`);
        if (states.includes(last.split('|')[0])) return last.split('|')[0];
        if (Date.now() > deadline) throw new Error(`offer state ${last}, want one of ${states.join(', ')}`);
        await sleep(100);
      }
    }

    async function readOffer(frame) {
      return frame.evaluate(() => {
        const $ = (id) => document.getElementById(id);
        const p = $('params');
        return {
          state: $('offer').dataset.state,
          readyAt: Number($('offer').dataset.readyAt),
          issuer: $('issuer')?.textContent ?? null,
          account: $('account')?.textContent ?? null,
          name: $('name')?.value ?? null,
          store: $('store')?.value ?? null,
          algorithm: p?.dataset.algorithm ?? null,
          digits: p ? Number(p.dataset.digits) : null,
          period: p?.dataset.period ? Number(p.dataset.period) : null,
          save: $('save')?.textContent ?? null,
          saveTag: $('save')?.tagName ?? null,
          exists: $('exists')?.textContent ?? null,
          confirm: $('confirm')?.textContent ?? null,
          code: $('code')?.dataset.code ?? null,
          verify: $('verify')?.textContent ?? null,
          savedName: $('saved-name')?.textContent ?? null,
          recovery: $('recovery')?.dataset.state ?? null,
          recoveryButton: $('save-recovery')?.textContent ?? null,
          recoveryTitle: $('recovery-title')?.textContent ?? null,
          problem: $('problem')?.textContent ?? null,
        };
      });
    }

    /** Milliseconds from the page's navigation start and from its load event to the offer's first render. */
    async function timeToOffer(page, frame) {
      const { readyAt } = await readOffer(frame);
      const t = await page.evaluate(() => ({ origin: performance.timeOrigin, load: performance.getEntriesByType('navigation')[0]?.loadEventEnd ?? 0 }));
      return { fromNavigationMs: Math.round(readyAt - t.origin), fromLoadMs: Math.round(readyAt - t.origin - t.load) };
    }

    async function pageFilled(page, digits) {
      return page.waitFor((digits) => window.__seen && window.__seen.length >= digits && {
        seen: window.__seen,
        fields: window.e2eFields().filter((f) => f.filled),
        submits: window.__submits,
      }, digits, { timeout: 10_000 });
    }

    /**
     * The document that shows the page's secret: the page itself, or (p.frame)
     * the same-site frame it is shown in, with the page's evaluate and waitFor.
     */
    async function docOf(page, p, timeout = 15_000) {
      if (!p.frame) return page;
      const deadline = Date.now() + timeout;
      for (;;) {
        const f = page.raw.frames().find((x) => x.url().startsWith(p.frame));
        if (f) return { raw: f, evaluate: (fn, arg) => f.evaluate(fn, arg), waitFor: Object.getPrototypeOf(page).waitFor };
        if (Date.now() > deadline) throw new Error(`no frame ${p.frame} in ${page.url()}`);
        await sleep(100);
      }
    }

    /** The otpauth line of `pass show NAME`, as the store holds it: secret and parameters must be the key's. */
    async function assertStoredUri(p) {
      const shown = await store.show(p.name);
      assert.equal(shown.code, 0, `pass show ${p.name}: ${shown.stderr}`);
      const line = shown.stdout.split('\n').find((l) => l.startsWith('otpauth://'));
      assert.ok(line, `${p.id}: an otpauth line in pass show ${p.name}`);
      const u = new URL(line);
      const q = u.searchParams;
      assert.equal(u.host, 'totp', `${p.id}: a TOTP key`);
      assert.equal(base32Bytes(q.get('secret')), base32Bytes(p.key.secret), `${p.id}: the secret the page showed (as bytes: a host may re-encode the last character's unused bits)`);
      assert.deepEqual([(q.get('algorithm') ?? 'SHA1').toUpperCase(), Number(q.get('digits') ?? 6), Number(q.get('period') ?? 30)], [p.key.algorithm, p.key.digits, p.key.period], `${p.id}: algorithm, digits, period in ${line.replace(/secret=[^&]+/, 'secret=…')}`);
    }

    /**
     * Waits (up to timeout) until the offer names the source and issuer the
     * fixture wants: a page may show its text key first and its QR code a
     * moment later, and the offer then moves to the QR code's URI. Returns
     * the source the page's hook names; the callers assert.
     */
    async function offerSettled(p, page, frame, sources, timeout = 10_000) {
      const deadline = Date.now() + timeout;
      const doc = await docOf(page, p);
      for (;;) {
        const source = await doc.evaluate(() => document.documentElement.getAttribute('data-otpfill-setup-source'));
        const issuer = await frame.evaluate(() => document.getElementById('issuer')?.textContent ?? null).catch(() => null);
        if ((!sources || sources.includes(source)) && issuer === p.key.issuer) return source;
        if (Date.now() > deadline) return source;
        await sleep(100);
      }
    }

    /** Opens a setup page, waits for the offer, checks what it shows, clicks Save, and checks the store and the page. */
    async function saveFromOffer(p, page, { open = () => page.goto(p.url) } = {}) {
      await page.bringToFront();
      await open();
      const frame = await offerFrame(page);
      await offerState(frame, ['offer']);
      figures.offerMs[p.id] = await timeToOffer(page, frame);
      // Firefox lets a content script with host permission read a cross-origin <img> (not a tainted canvas): no capture needed there.
      const sources = p.source === 'capture' && name === 'firefox' && p.id === 'dropbox-cross-origin' ? ['capture', 'img'] : p.source ? [p.source] : null;
      const source = await offerSettled(p, page, frame, sources);
      if (p.id === 'github-qr-img') {
        await sleep(300); // the frame's height follows its content
        await page.screenshot(path.join(artifactsDir, `offer-${name}.png`));
      }
      const shown = await readOffer(frame);
      assert.equal(shown.issuer, p.key.issuer, `${p.id}: issuer in the offer`);
      assert.equal(shown.account, p.key.account, `${p.id}: account in the offer`);
      assert.deepEqual([shown.algorithm, shown.digits, shown.period], [p.key.algorithm, p.key.digits, p.key.period], `${p.id}: algorithm, digits, period`);
      assert.equal(shown.name, p.name, `${p.id}: the entry name derived from the site and the account`);
      assert.equal(shown.store, 'pass');
      assert.equal(shown.saveTag, 'BUTTON');
      assert.equal(shown.save, 'Save to pass');
      if (sources) assert.ok(sources.includes(source), `${p.id}: the key was found in ${source}, want ${sources.join(' or ')}`);
      assert.deepEqual((await store.list()).filter((n) => n === p.name), p.existing ? [p.name] : [], `${p.id}: nothing is saved before the click`);
      if (p.frame) {
        // Shown in the frame that holds the secret (not over the page that frames it).
        const offerParent = frame.parentFrame?.() ?? null;
        assert.ok(offerParent && offerParent.url().startsWith(p.frame), `${p.id}: the offer is shown in ${p.frame}, not in ${offerParent?.url()}`);
        assert.equal(await page.evaluate(() => !!document.querySelector('otpfill-offer')), false, `${p.id}: no offer over the framing page`);
      }
      await armedClick(frame, '#save');
      return frame;
    }

    async function checkSaved(p, page, frame) {
      await offerState(frame, ['saved']);
      const done = await readOffer(frame);
      assert.equal(done.savedName, p.name);
      await assertCode(p.key, done.code, `${p.id}: the code the offer shows`);
      await assertCode(p.key, await store.otp(p.name), `${p.id}: pass otp ${p.name}`);
      await assertStoredUri(p);
      const seen = await pageFilled(await docOf(page, p), p.key.digits);
      await assertCode(p.key, seen.seen, `${p.id}: the code in the site's verification field`);
      assert.deepEqual(seen.fields.map((f) => f.filled), ['manual'], `${p.id}: the verification field is filled (and only it)`);
      assert.equal(seen.fields[0].value, seen.seen);
      assert.equal(seen.submits, 0, `${p.id}: the user presses the site's own button`);
      assert.match(done.verify, /Filled/);
    }

    describe('one click saves the key the page shows', () => {
      for (const p of setupPages) {
        test(`${p.id}: ${p.url} — ${p.note}`, async () => {
          const page = await driver.newPage();
          try {
            const open = p.spa
              ? async () => {
                await page.goto(p.url);
                await page.waitFor(() => document.documentElement.hasAttribute('data-otpfill-setup'), null);
                await page.click('#enable'); // the page's own button: the next step shows the QR code
              }
              : undefined;
            const frame = await saveFromOffer(p, page, open ? { open } : {});
            await checkSaved(p, page, frame);
            if (p.spa) {
              // The next step of the app shows recovery codes (or one long recovery code): offered in the same frame, for the entry just saved.
              await page.click('#continue');
              await frameWait(frame, () => document.getElementById('recovery')?.dataset.state === 'offer');
              const r = await readOffer(frame);
              assert.equal(r.recoveryButton, `Save recovery codes to ${p.name}`);
              const codes = p.recovery ?? await page.evaluate(() => [...document.querySelectorAll('ol.codes li')].map((li) => li.textContent));
              assert.equal(r.recoveryTitle, codes.length === 1 ? 'A recovery code on this page' : `${codes.length} recovery codes on this page`);
              await armedClick(frame, '#save-recovery');
              await frameWait(frame, () => document.getElementById('recovery')?.dataset.state === 'saved');
              const shown = await store.show(p.name);
              assert.equal(codes.length, p.recovery?.length ?? 8);
              assert.deepEqual(recoveryBlock(shown.stdout), codes, `${p.id}: the recovery codes in pass show ${p.name}, exactly and in page order`);
              assert.match(shown.stdout, /^otpauth:\/\/totp\//m, `${p.id}: the key is still there`);
            }
          } finally {
            await page.close();
          }
        });
      }
    });

    test(`${setupSpecial.qrLate.id}: ${setupSpecial.qrLate.url} — ${setupSpecial.qrLate.note}`, async () => {
      const p = setupSpecial.qrLate;
      const page = await driver.newPage();
      try {
        await page.bringToFront();
        await page.goto(p.url);
        const frame = await offerFrame(page);
        await offerState(frame, ['offer']);
        const source = await offerSettled(p, page, frame, [p.source]);
        // The page drew its QR code only once the key was offered: the order this test is about did happen.
        assert.equal(await page.evaluate(() => window.__sourceBeforeQr ?? null), 'key', 'the text key was offered before the QR code was drawn');
        assert.equal(source, p.source, `${p.id}: the offer moved to the QR code (source ${source})`);
        const shown = await readOffer(frame);
        assert.equal(shown.state, 'offer', `${p.id}: still an offer, nothing saved`);
        assert.equal(shown.issuer, p.key.issuer, `${p.id}: issuer in the offer`);
        assert.equal(shown.account, p.key.account, `${p.id}: account in the offer`);
        assert.equal(shown.name, p.name, `${p.id}: the entry name`);
        assert.equal((await offerFrames(page)).length, 1, `${p.id}: one offer frame`);
      } finally {
        await page.close();
      }
    });

    describe('recovery codes', () => {
      for (const p of [setupSpecial.githubRecovery, setupSpecial.googleRecovery, setupSpecial.recoveryKey]) {
        test(`${p.id}: ${p.url} — ${p.note}`, async () => {
          const page = await driver.newPage();
          try {
            const keyBefore = (await store.show(p.name)).stdout.split('\n').find((l) => l.startsWith('otpauth://'));
            await page.goto(p.url);
            const frame = await offerFrame(page);
            await offerState(frame, ['recovery']);
            figures.offerMs[p.id] = await timeToOffer(page, frame);
            const r = await readOffer(frame);
            assert.equal(r.recoveryTitle, p.codes.length === 1 ? 'A recovery code on this page' : `${p.codes.length} recovery codes on this page`);
            // Recovery codes only: no secret to save (a long recovery code is never taken for a TOTP key).
            assert.equal(r.save, null, `${p.id}: no "Save to pass" for a key`);
            assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-otpfill-setup-source')), null, `${p.id}: no secret found on the page`);
            // The entry was saved in another tab: it may hold codes already, so
            // the frame on the page only names it, and replacing is confirmed
            // in the toolbar popup (browser-owned UI).
            await frameWait(frame, () => document.getElementById('recovery')?.dataset.state === 'confirm-in-popup');
            assert.match(await frame.evaluate(() => document.getElementById('recovery-confirm').textContent), new RegExp(`^${p.name.replace(/[.@]/g, '\\$&')} may already hold recovery codes`));
            assert.equal(r.recoveryButton, null, 'no button in the page\'s frame');
            const before = (await store.show(p.name)).stdout;
            assert.ok(!before.includes(p.codes[0]), 'no codes before the click');
            const popup = await driver.newPage();
            try {
              await driver.openExtensionPage(popup, `popup.html?tab=${await tabIdOf(p.url)}`);
              await popup.waitFor(() => !!document.querySelector('#setup-offer #replace-recovery'), null, { timeout: 15_000 });
              assert.equal(await popup.evaluate(() => document.querySelector('#setup-offer #replace-recovery').textContent), `Replace recovery codes in ${p.name}`);
              await popup.click('#setup-offer #replace-recovery');
              await popup.waitFor(() => document.querySelector('#setup-offer #recovery')?.dataset.state === 'saved', null, { timeout: 15_000 });
            } finally {
              await popup.close();
            }
            await frameWait(frame, () => document.getElementById('recovery')?.dataset.state === 'saved');
            const shown = (await store.show(p.name)).stdout;
            assert.deepEqual(recoveryBlock(shown), p.codes, `${p.id}: every code in pass show ${p.name}, exactly, in page order`);
            assert.match(shown, /^otpauth:\/\/totp\//m, `${p.id}: the key is still in the entry`);
            if (keyBefore) assert.equal(shown.split('\n').find((l) => l.startsWith('otpauth://')), keyBefore, `${p.id}: the entry's key is unchanged`);
          } finally {
            await page.close();
          }
        });
      }
    });

    describe('recovery codes of a site with no entry (2FA by text message)', () => {
      for (const p of recoveryOnlyPages) {
        test(`${p.id}: ${p.url} — ${p.note}`, async () => {
          const page = await driver.newPage();
          try {
            await page.bringToFront();
            await page.goto(p.url);
            const frame = await offerFrame(page);
            await offerState(frame, ['recovery']);
            await frameWait(frame, () => document.getElementById('recovery')?.dataset.state === 'create');
            figures.offerMs[p.id] = await timeToOffer(page, frame);
            const r = await readOffer(frame);
            assert.equal(r.recoveryTitle, `${p.codes.length} recovery codes on this page`);
            assert.equal(await frame.evaluate(() => document.getElementById('recovery-name').value), p.proposed, `${p.id}: the proposed entry name (site, and the account the page shows)`);
            assert.equal(r.recoveryButton, `Save recovery codes as ${p.proposed}`);
            assert.ok(!(await store.list()).some((n) => n.startsWith(p.proposed)), `${p.id}: nothing saved before the click`);
            if (p.name !== p.proposed) {
              // The page shows no account: the user completes the name, in the offer's own field.
              await frame.evaluate(() => { document.getElementById('recovery-name').value = ''; });
              await frame.type('#recovery-name', p.name);
              await frameWait(frame, new Function(`return document.getElementById('save-recovery').textContent === ${JSON.stringify(`Save recovery codes as ${p.name}`)};`));
            }
            const exact = `recovery-codes:\n${p.codes.map((c) => `  ${c}\n`).join('')}`;
            const saveOnce = async () => {
              await armedClick(frame, '#save-recovery');
              await frameWait(frame, () => document.getElementById('recovery')?.dataset.state === 'saved');
              assert.equal(await frame.evaluate(() => document.getElementById('recovery-saved').textContent), `Saved with ${p.name} in pass.`);
              assert.equal((await store.show(p.name)).stdout, exact, `${p.id}: pass show ${p.name} holds exactly the codes, in page order, and no key`);
            };
            await saveOnce();
            if (p === recoveryOnlyPages[0]) {
              // Undo takes the new entry away; the offer proposes it again, and saves it again.
              await armedClick(frame, '#undo-recovery');
              await frameWait(frame, () => document.getElementById('recovery')?.dataset.state === 'create' && !!document.getElementById('recovery-undone'));
              assert.notEqual((await store.show(p.name)).code, 0, `${p.id}: the entry is gone after Undo`);
              await saveOnce();
            }
            // The site's own 2FA page: the entry has no code, so nothing is filled there.
            const login = await driver.newPage();
            const popup = await driver.newPage();
            try {
              await login.bringToFront();
              await login.goto(p.login);
              const outcome = await login.waitFor(() => {
                const state = document.documentElement.getAttribute('data-otpfill-state');
                return state && state !== 'no-field' && performance.now() > 1600 && { state, seen: window.__seen, filled: document.querySelectorAll('[data-otpfill-filled]').length };
              }, null, { timeout: 15_000 });
              assert.deepEqual(outcome, { state: 'no-match', seen: null, filled: 0 }, `${p.id}: ${p.login} is not filled from an entry of recovery codes`);
              // The popup lists the entry, without a code.
              await driver.openExtensionPage(popup, `popup.html?tab=${await tabIdOf(p.login)}`);
              const row = await popup.waitFor((name) => {
                const li = [...document.querySelectorAll('#exact li.entry')].find((l) => l.dataset.name === name);
                return li && li.querySelector('.code').textContent && { type: li.dataset.type ?? null, code: li.querySelector('.code').textContent };
              }, p.name, { timeout: 15_000 });
              assert.deepEqual(row, { type: 'recovery', code: 'recovery codes only' }, `${p.id}: the popup lists ${p.name} without a code`);
            } finally {
              await popup.close();
              await login.close();
            }
          } finally {
            await page.close();
          }
        });
      }
    });

    test('an existing secret is replaced only after a second, explicit confirmation in the toolbar popup; undo restores it', async () => {
      const p = setupSpecial.overwrite;
      const page = await driver.newPage();
      const popup = await driver.newPage();
      try {
        const frame = await saveFromOffer(p, page);
        // The frame on the page only says so: Replace is in browser-owned UI no page can cover or restyle.
        await offerState(frame, ['confirm-in-popup']);
        const c = await readOffer(frame);
        assert.equal(c.confirm, null, 'no Replace button in the frame on the page');
        assert.match(await frame.evaluate(() => document.getElementById('confirm-text').textContent), new RegExp(`^${p.name} already holds a 2FA secret in pass\\. To replace it, open the otpfill toolbar button`));
        await assertCode(p.existing, await store.otp(p.name), 'after the first click the old secret is still there');
        await driver.openExtensionPage(popup, `popup.html?tab=${await tabIdOf(p.url)}`);
        await popup.waitFor(() => document.querySelector('#setup-offer')?.dataset.state === 'confirm', null, { timeout: 15_000 });
        assert.equal(await popup.evaluate(() => document.querySelector('#setup-offer #confirm').textContent), 'Replace existing secret in pass');
        await assertCode(p.existing, await store.otp(p.name), 'the popup showing Replace changed nothing yet');
        await popup.click('#setup-offer #confirm');
        await popup.waitFor(() => document.querySelector('#setup-offer')?.dataset.state === 'saved', null, { timeout: 15_000 });
        await page.bringToFront();
        await checkSaved(p, page, frame); // the frame on the page follows: the save, its code, the verification field filled
        await armedClick(frame, '#undo');
        await offerState(frame, ['offer', 'undone']);
        await assertCode(p.existing, await store.otp(p.name), 'undo put the old secret back');
      } finally {
        await popup.close();
        await page.close();
      }
    });

    test('undo after saving a new entry removes it', async () => {
      const p = setupSpecial.undo;
      const page = await driver.newPage();
      try {
        const frame = await saveFromOffer(p, page);
        await checkSaved(p, page, frame);
        await armedClick(frame, '#undo');
        await offerState(frame, ['offer', 'undone']);
        const r = await store.show(p.name);
        assert.notEqual(r.code, 0, `pass show ${p.name} should fail after undo`);
        assert.ok(!(await store.list()).includes(p.name));
        // The page still shows the key: it is offered again, and can be saved again.
        await offerState(frame, ['offer']);
      } finally {
        await page.close();
      }
    });

    test('a save git cannot commit is kept, and the offer says it is not committed and why (issue 10)', async () => {
      // The store becomes a git repository whose pre-commit hook refuses
      // every commit, for this test only.
      const p = setupSpecial.undo;
      const dir = store.env.PASSWORD_STORE_DIR;
      const gitDir = path.join(dir, '.git');
      const page = await driver.newPage();
      try {
        const who = { GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.invalid', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.invalid' };
        const init = await run('pass', ['git', 'init'], { env: { ...store.env, ...who } });
        assert.equal(init.code, 0, `pass git init: ${init.stderr}`);
        // The host's commits need a name too on a machine without one.
        for (const [k, v] of [['user.name', 'e2e'], ['user.email', 'e2e@example.invalid']]) await run('git', ['-C', dir, 'config', k, v], { env: store.env });
        fs.writeFileSync(path.join(gitDir, 'hooks', 'pre-commit'), "#!/bin/sh\necho 'commits are refused here' >&2\nexit 1\n", { mode: 0o755 });
        const frame = await saveFromOffer(p, page);
        await checkSaved(p, page, frame);
        const warning = await frame.evaluate(() => document.getElementById('saved-warning')?.textContent ?? null);
        assert.ok(warning && warning.includes(p.name) && warning.includes('not committed') && warning.includes('commits are refused here'),
          `the offer's warning: ${JSON.stringify(warning)}, want one naming ${p.name}, that it is not committed, and git's reason`);
        const status = await run('git', ['-C', dir, 'status', '--porcelain', '--', `${p.name}.gpg`], { env: store.env });
        assert.match(status.stdout, /^(A |\?\?) /, `the entry is saved, uncommitted: git status ${JSON.stringify(status.stdout)}`);
        await armedClick(frame, '#undo');
        await offerState(frame, ['offer', 'undone']);
        assert.ok(!(await store.list()).includes(p.name), 'undo removed the uncommitted entry');
        // An entry git never recorded, removed again, leaves git nothing to commit: no warning.
        assert.equal(await frame.evaluate(() => document.getElementById('undone-warning')?.textContent ?? null), null, 'the undo warns of nothing left uncommitted');
      } finally {
        await page.close();
        fs.rmSync(gitDir, { recursive: true, force: true });
      }
    });

    test('the popup shows the same offer, and saves from there (tainted canvas: read from a capture of the tab)', async () => {
      const p = setupSpecial.popup;
      const page = await driver.newPage();
      const popup = await driver.newPage();
      try {
        await page.bringToFront();
        await page.goto(p.url);
        const frame = await offerFrame(page);
        await offerState(frame, ['offer']);
        figures.offerMs[p.id] = await timeToOffer(page, frame);
        assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-otpfill-setup-source')), 'capture');
        await driver.openExtensionPage(popup, `popup.html?tab=${await tabIdOf(p.url)}`);
        await popup.waitFor(() => document.querySelector('#setup-offer')?.dataset.state === 'offer', null, { timeout: 15_000 });
        const shown = await popup.evaluate(() => ({
          hidden: document.querySelector('#setup-offer').hidden,
          save: document.querySelector('#setup-offer #save').textContent,
          name: document.querySelector('#setup-offer #name').value,
          issuer: document.querySelector('#setup-offer #issuer').textContent,
        }));
        assert.deepEqual(shown, { hidden: false, save: 'Save to pass', name: p.name, issuer: p.key.issuer });
        await popup.click('#setup-offer #save');
        await popup.waitFor(() => document.querySelector('#setup-offer')?.dataset.state === 'saved', null, { timeout: 15_000 });
        await assertCode(p.key, await store.otp(p.name), `pass otp ${p.name}`);
        const seen = await pageFilled(page, 6);
        await assertCode(p.key, seen.seen, 'the verification field');
        // The frame on the page follows: it shows the save too.
        await offerState(frame, ['saved']);
      } finally {
        await popup.close();
        await page.close();
      }
    });

    test('a capture of the tab is cropped right at 175% zoom (device pixels per CSS pixel)', async () => {
      const p = setupSpecial.popup; // tainted canvas: capture in both browsers
      const page = await driver.newPage();
      let id;
      try {
        await page.bringToFront();
        await page.goto(`${p.url}?zoom`);
        id = await tabIdOf(page.url());
        await ext.evaluate((id) => (globalThis.browser ?? globalThis.chrome).tabs.setZoom(id, 1.75), id);
        await page.goto(`${p.url}?zoomed`);
        const ratio = await page.evaluate(() => window.devicePixelRatio);
        assert.ok(ratio > 1.5, `the page is zoomed (devicePixelRatio ${ratio})`);
        const frame = await offerFrame(page);
        await offerState(frame, ['offer']);
        assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-otpfill-setup-source')), 'capture');
        const shown = await readOffer(frame);
        assert.deepEqual([shown.issuer, shown.account, shown.name], [p.key.issuer, p.key.account, p.name], 'the QR code read from the zoomed capture');
      } finally {
        if (id !== undefined) await ext.evaluate((id) => (globalThis.browser ?? globalThis.chrome).tabs.setZoom(id, 1), id).catch(() => {});
        await page.close();
      }
    });

    describe('no offer', () => {
      for (const p of noOfferPages) {
        test(`${p.id}: ${p.url} — ${p.note}`, async () => {
          const page = await driver.newPage();
          try {
            const before = await store.list();
            await page.goto(p.url);
            const scan = await page.waitFor(() => document.documentElement.getAttribute('data-otpfill-setup-scan') === 'none' && 'none', null, { timeout: 10_000 });
            assert.equal(scan, 'none');
            await sleep(1_500);
            const hooks = await page.evaluate(() => ({
              host: !!document.querySelector('otpfill-offer'),
              offer: document.documentElement.getAttribute('data-otpfill-setup-offer'),
              probe: document.documentElement.getAttribute('data-otpfill-setup'),
            }));
            assert.deepEqual(hooks, { host: false, offer: null, probe: 'maybe' }, 'the page looked like a setup page, was scanned, and nothing was offered');
            assert.deepEqual(await offerFrames(page), [], 'no offer frame');
            assert.deepEqual(await store.list(), before, 'store unchanged');
            if (p.adFrame) {
              // The other site's frame looks like a setup page to the probe (which runs in every frame), and is never scanned.
              const ad = await docOf(page, { frame: p.adFrame });
              const adHooks = await ad.waitFor(() => document.documentElement.getAttribute('data-otpfill-setup') && {
                probe: document.documentElement.getAttribute('data-otpfill-setup'),
                scan: document.documentElement.getAttribute('data-otpfill-setup-scan'),
                host: !!document.querySelector('otpfill-offer'),
              }, null, { timeout: 10_000 });
              assert.deepEqual(adHooks, { probe: 'maybe', scan: null, host: false }, `${p.adFrame}: probed, not scanned, no offer`);
            }
            if (driver.background) assert.equal(await driver.background(() => globalThis.otpfillSetupTest.pendingTabs()), 0, 'no secret held in the background');
            // Nor in the popup opened on that tab.
            const popup = await driver.newPage();
            try {
              await driver.openExtensionPage(popup, `popup.html?tab=${await tabIdOf(page.url())}`);
              await popup.waitFor(() => document.querySelector('#setup-offer')?.dataset.state === 'empty', null, { timeout: 10_000 });
              assert.equal(await popup.evaluate(() => document.querySelector('#setup-offer').hidden), true, 'the popup shows no offer');
            } finally {
              await popup.close();
            }
          } finally {
            await page.close();
          }
        });
      }
    });

    test('a page script can neither read nor click the offer; a forged offer frame does nothing', async () => {
      const p = setupSpecial.attack;
      const page = await driver.newPage();
      try {
        await page.goto(`${p.url}?ext=${encodeURIComponent(driver.extensionOrigin)}`);
        const frame = await offerFrame(page);
        await offerState(frame, ['offer']);
        const attack = await page.waitFor(() => window.__attack.done && window.__attack.tries, null, { timeout: 10_000 });
        await sleep(2_000);
        const tries = Object.fromEntries(attack.map((t) => [t.what, t.result]));
        assert.equal(tries.shadowRoot, 'null', 'the offer host has a closed shadow root');
        assert.ok(!/HTMLDocument|\[object Document\]/.test(tries['frames[0].document']), `the page read the offer's document: ${tries['frames[0].document']}`);
        assert.ok(!/offer\.html/.test(tries['frames[0].location.href']), 'the page read the offer\'s URL (and token)');
        assert.equal(tries['elementFromPoint at the offer'], 'OTPFILL-OFFER', 'the page sees only the host element');
        assert.equal(await offerState(frame, SHOWING), 'offer', 'the synthetic clicks did not press Save');
        assert.ok(!(await store.list()).includes(p.name), 'nothing saved');
        const forged = (await offerFrames(page)).find((x) => x.forged)?.frame;
        if (name === 'chromium') {
          // Chromium serves web-accessible pages only under a per-session id (use_dynamic_url): the page's guess by the fixed id loads nothing.
          assert.equal(forged, undefined, 'the forged offer frame did not load');
        } else {
          assert.ok(forged, 'the forged offer frame loaded');
          const forgedState = await offerState(forged, ['error', 'empty'], 10_000);
          assert.equal(forgedState, 'error', 'a forged offer frame shows an error');
          assert.match(await forged.evaluate(() => document.getElementById('problem')?.textContent ?? ''), /expired/);
        }
        // The user's own click still works.
        await armedClick(frame, '#save');
        await offerState(frame, ['saved']);
        await assertCode(p.key, await store.otp(p.name), 'after the real click');
      } finally {
        await page.close();
      }
    });

    test('speed: the always-on setup-page check on pages that are not setup pages', async () => {
      const page = await driver.newPage();
      try {
        figures.probe = {};
        for (const [key, url] of Object.entries(speedPages)) {
          const runs = [];
          for (let i = 0; i < 3; i++) {
            await page.goto(`${url}?run=${i}`);
            await page.waitFor(() => document.documentElement.hasAttribute('data-otpfill-setup') && performance.now() > 2500, null, { timeout: 15_000 });
            const m = await page.evaluate(() => ({
              verdict: document.documentElement.getAttribute('data-otpfill-setup'),
              cost: Number(document.documentElement.getAttribute('data-otpfill-setup-cost-ms')),
              elements: document.getElementsByTagName('*').length,
            }));
            assert.equal(m.verdict, 'no', `${url} is not a setup page`);
            runs.push(m);
          }
          const costs = runs.map((r) => r.cost).sort((a, b) => a - b);
          figures.probe[key] = { url, elements: runs[0].elements, medianMs: costs[1], maxMs: costs[2] };
        }
        assert.ok(figures.probe.big.elements >= 10_000);
      } finally {
        await page.close();
      }
    });
  });
}

setupSuite('chromium', launchChromium, { skip: chromiumSkip });
setupSuite('firefox', launchFirefox, { skip: firefoxSkip });
