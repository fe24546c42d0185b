// Hostile pages in real browsers (issue 9): no page can steer a save or a fill
// to another site. Chromium (playwright-core) and Firefox ESR (puppeteer-core,
// WebDriver BiDi), each with a pass store of its own.
// 1. Recovery codes: after a key is saved on github.com, the same tab goes to
//    another site that shows "recovery codes": nothing offers to save them
//    into github.com's entry, and that entry is unchanged. The same site's
//    recovery page, in that tab, saves into it with one click.
// 2. A page that frames chooser.html / offer.html, navigates itself to them,
//    or opens offer.html with window.open, and makes them send the
//    extension's messages gets no code and no entry names (each of the four
//    ways got a code on main before issue 9), and cannot make the extension
//    alias an entry to a site (a top-level offer.html was taken for the
//    popup, whose "Remember" sends the host's alias). In Chromium, by the
//    fixed id nothing loads (use_dynamic_url); by the per-session id, as if
//    the page had learnt it, each way loads and must get nothing too.
// 3. A same-site frame with the code field is navigated to another site after
//    the extension recorded it: the popup's fill does not reach that site's
//    document.
// 4. Another site's entry name typed into the offer (a page may talk the user
//    into it): the save reaches the host through the protocol with the tab's
//    URL, and the host refuses it (forbidden); recovery codes saved as a new
//    entry under that name are refused too (exists). The entry is unchanged.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { closeDriver, launchChromium, launchFirefox } from '../lib/browsers.js';
import { bank, evilCodes, pages, regeneratedCodes } from '../lib/hostile.js';
import { frameLocation, notSelected, run, skipReason, sleep } from '../lib/proc.js';
import { keyURI, recoveryCodes } from '../lib/setup-corpus.js';
import { expectedCodes, recoveryBlock, suiteStore } from '../lib/store.js';
import { paths, setupWorld, toolRequirements } from '../lib/world.js';

const extensionBuilt = (dir) => (fs.existsSync(path.join(dir, 'manifest.json')) ? dir : '');
const common = toolRequirements();
const chromiumSkip = notSelected('chromium') || skipReason({ ...common, chromium: paths.chromium, 'extension/dist/chromium (cd extension && npm ci && npm run build)': extensionBuilt(paths.chromiumExtension) });
const firefoxSkip = notSelected('firefox') || skipReason({ ...common, 'firefox-esr': paths.firefox, 'extension/dist/firefox (cd extension && npm ci && npm run build)': extensionBuilt(paths.firefoxExtension) });

const FORGED_TOKEN = '00000000-0000-4000-8000-000000000000';

let world;

if (!chromiumSkip || !firefoxSkip) {
  before(async () => {
    world = await setupWorld({ only: [] }); // certificate, servers, GnuPG home; each browser gets its own store below
  });
  after(async () => {
    await world?.teardown();
  });
}

async function assertCode(key, value, what) {
  const codes = await expectedCodes(key);
  assert.ok(codes.includes(value), `${what}: got ${JSON.stringify(value)}, oathtool says ${codes.join(' / ')}`);
}

/** Whatever an extension page could send the background to get a code or entry names (run in that page). */
async function probeMessages({ entry, tabId, token, siteTabId }) {
  const api = globalThis.browser ?? globalThis.chrome;
  const tries = {
    code: { type: 'code', entry },
    list: { type: 'list' },
    'popup-init': { type: 'popup-init', tabId },
    'popup-fill': { type: 'popup-fill', tabId, entry },
    // The popup's "Remember" for a tab whose site the entry matches (the host would take it): an alias is a write.
    alias: { type: 'alias', tabId: siteTabId ?? tabId, entry },
    teach: { type: 'teach', tabId: siteTabId ?? tabId },
    'chooser-init': { type: 'chooser-init', token },
    'chooser-code': { type: 'chooser-code', token, entry },
    'chooser-fill': { type: 'chooser-fill', token, entry },
    'offer-init': { type: 'offer-init', ref: { tabId } },
    'offer-code': { type: 'offer-code', ref: { tabId } },
  };
  const out = {};
  for (const [k, m] of Object.entries(tries)) {
    try {
      const r = await Promise.race([api.runtime.sendMessage(m), new Promise((res) => setTimeout(() => res('timeout'), 8000))]);
      out[k] = JSON.stringify(r ?? null);
    } catch (e) {
      out[k] = `error: ${e.message}`;
    }
  }
  return out;
}

function hostileSuite(name, launch, { skip }) {
  describe(`hostile pages in ${name}`, { skip }, () => {
    let driver;
    let env;
    let ext; // an extension page, to find tab ids

    before(async () => {
      const made = await suiteStore(world, `${name}-hostile-store`, { [bank.name]: keyURI(bank.key) });
      env = made.env;
      driver = await launch(made.world);
      ext = await driver.newPage();
      await driver.openExtensionPage(ext, 'options.html');
    });
    after(async () => {
      await closeDriver(driver);
    });

    const show = (entry) => run('pass', ['show', entry], { env });

    async function tabIdOf(url) {
      const tabs = await ext.evaluate(async () => (await (globalThis.browser ?? globalThis.chrome).tabs.query({})).map((t) => ({ id: t.id, url: t.url })));
      const tab = tabs.find((t) => t.url === url);
      assert.ok(tab, `no tab shows ${url}`);
      return tab.id;
    }

    /** A URL of the extension's, by its fixed id (Chromium shows a page loaded by its per-session id under the fixed one). */
    const fixedId = (url, origin) => (url.startsWith(`${origin}/`) ? driver.extensionOrigin + url.slice(origin.length) : url);

    /** Frames of a page showing an extension page (BiDi keeps a framed moz-extension URL as about:blank: each frame is asked). */
    async function extensionFrames(page, file, origin = driver.extensionOrigin) {
      const prefix = driver.extensionURL(file);
      const out = [];
      for (const f of page.raw.frames()) {
        if (f === page.raw.mainFrame()) continue;
        const url = fixedId(f.url().startsWith(prefix) ? f.url() : await frameLocation(f), origin);
        if (url.startsWith(prefix)) out.push({ frame: f, url });
      }
      return out;
    }

    /** The offer frame the extension put on the page (not a forged one). */
    async function offerFrame(page, timeout = 15_000) {
      const deadline = Date.now() + timeout;
      for (;;) {
        const f = (await extensionFrames(page, 'offer.html')).find((x) => !x.url.includes(FORGED_TOKEN))?.frame;
        if (f) return f;
        if (Date.now() > deadline) throw new Error(`no offer frame on ${page.url()} within ${timeout} ms`);
        await sleep(100);
      }
    }

    async function frameWait(frame, fn, arg, timeout = 15_000) {
      const deadline = Date.now() + timeout;
      for (;;) {
        const v = await frame.evaluate(fn, arg).catch(() => false);
        if (v) return v;
        if (Date.now() > deadline) throw new Error(`timed out waiting in a frame for ${fn}`);
        await sleep(100);
      }
    }

    /** A real click on an offer button once the offer has armed it (docs/DECISIONS.md "Clickjacking"). */
    async function armedClick(frame, selector) {
      await frameWait(frame, (sel) => document.querySelector(sel)?.getAttribute('aria-disabled') === 'false', selector);
      await frame.click(selector);
    }

    const offerState = (frame, states) => frameWait(frame, (s) => s.includes(document.getElementById('offer')?.dataset.state) && document.getElementById('offer').dataset.state, states);

    test('recovery codes on another site in the same tab are not offered for the entry saved on github.com', async () => {
      const page = await driver.newPage();
      const popup = await driver.newPage();
      try {
        await page.bringToFront();
        await page.goto(pages.githubSetup);
        let frame = await offerFrame(page);
        await offerState(frame, ['offer']);
        await armedClick(frame, '#save');
        await offerState(frame, ['saved']);
        const saved = await show('github.com/alice');
        assert.equal(saved.code, 0, 'the key was saved as github.com/alice');

        // The same tab, right after: a hostile site showing "recovery codes".
        await page.goto(pages.evilRecovery);
        frame = await offerFrame(page);
        await offerState(frame, ['recovery']);
        await sleep(500); // the view settles (target looked up)
        const offered = await frame.evaluate(() => ({
          card: document.getElementById('recovery')?.dataset.state ?? null,
          save: document.getElementById('save-recovery')?.textContent ?? null,
          replace: document.getElementById('replace-recovery')?.textContent ?? null,
          text: document.getElementById('recovery')?.textContent ?? '',
        }));
        // What a user would do with a "Save recovery codes" button: click it.
        if (offered.save) {
          await armedClick(frame, '#save-recovery');
          await sleep(1_500);
        }
        const after = await show('github.com/alice');
        assert.deepEqual(recoveryBlock(after.stdout), recoveryBlock(saved.stdout), 'github.com/alice is unchanged');
        assert.ok(!evilCodes.some((c) => after.stdout.includes(c)), 'no code of evil.example in github.com/alice');
        // The one save on offer is a new entry of evil.example's own (recovery codes only).
        assert.ok(offered.save === null || /^Save recovery codes as evil\.example\b/.test(offered.save), `no offer to save evil.example's codes into another site's entry (offered: ${offered.save})`);
        assert.equal(offered.replace, null);
        assert.ok(!offered.text.includes('github.com'), `the offer does not name github.com's entry: ${offered.text}`);
        if (offered.save) {
          const own = await show('evil.example');
          assert.equal(own.code, 0, 'the click created evil.example\'s own entry');
          assert.deepEqual(recoveryBlock(own.stdout), evilCodes, 'holding the codes evil.example showed');
        }
        // Nor does the toolbar popup on that tab.
        await driver.openExtensionPage(popup, `popup.html?tab=${await tabIdOf(page.url())}`);
        await popup.waitFor(() => document.querySelector('#setup-offer #recovery')?.dataset.state, null, { timeout: 15_000 });
        const inPopup = await popup.evaluate(() => ({
          replace: !!document.querySelector('#setup-offer #replace-recovery'),
          github: document.querySelector('#setup-offer')?.textContent.includes('github.com') ?? false,
        }));
        assert.deepEqual(inPopup, { replace: false, github: false }, 'the popup offers nothing into github.com\'s entry either');
        await popup.close();

        // The same site's own recovery page, still in that tab: one click saves into the entry just created.
        await page.bringToFront();
        await page.goto(pages.githubRecovery);
        frame = await offerFrame(page);
        await frameWait(frame, () => document.getElementById('recovery')?.dataset.state === 'offer');
        assert.equal(await frame.evaluate(() => document.getElementById('save-recovery')?.textContent), 'Save recovery codes to github.com/alice');
        await armedClick(frame, '#save-recovery');
        await frameWait(frame, () => document.getElementById('recovery')?.dataset.state === 'saved');
        assert.deepEqual(recoveryBlock((await show('github.com/alice')).stdout), recoveryCodes.github, 'github.com\'s own codes, in github.com/alice');

        // GitHub regenerates the codes: replacing the saved ones asks a second time, in the
        // toolbar popup (the frame on the page only says so), and Undo puts them back.
        await page.goto(pages.githubRegenerated);
        frame = await offerFrame(page);
        await frameWait(frame, () => document.getElementById('recovery')?.dataset.state === 'confirm-in-popup');
        assert.equal(await frame.evaluate(() => document.querySelector('#recovery button:not(.dismiss)')), null, 'no button to replace them in the page\'s frame');
        const again = await driver.newPage();
        try {
          await driver.openExtensionPage(again, `popup.html?tab=${await tabIdOf(page.url())}`);
          await again.waitFor(() => !!document.querySelector('#setup-offer #replace-recovery'), null, { timeout: 15_000 });
          assert.deepEqual(recoveryBlock((await show('github.com/alice')).stdout), recoveryCodes.github, 'unchanged before the confirmation');
          await again.click('#setup-offer #replace-recovery');
          await again.waitFor(() => document.querySelector('#setup-offer #recovery')?.dataset.state === 'saved', null, { timeout: 15_000 });
          assert.match(await again.evaluate(() => document.querySelector('#setup-offer #recovery-saved').textContent), /replace the 16 codes/);
          assert.deepEqual(recoveryBlock((await show('github.com/alice')).stdout), regeneratedCodes, 'the new codes replaced the old ones');
          await again.click('#setup-offer #undo-recovery');
          await again.waitFor(() => !!document.querySelector('#setup-offer #recovery-undone'), null, { timeout: 15_000 });
          assert.deepEqual(recoveryBlock((await show('github.com/alice')).stdout), recoveryCodes.github, 'Undo put the old codes back');
        } finally {
          await again.close();
        }
      } finally {
        await popup.close();
        await page.close();
      }
    });

    test('a page framing chooser.html / offer.html, or navigating itself to them, gets no code, no entry and no alias', async () => {
      const page = await driver.newPage();
      const bankTab = await driver.newPage();
      try {
        await page.goto(`${pages.evilFrames}?ext=${encodeURIComponent(driver.extensionOrigin)}`);
        const tabId = await tabIdOf(page.url());
        // A tab on the bank's site: an alias of the bank's entry to it is one the host would make.
        await bankTab.goto(bank.page);
        const siteTabId = await tabIdOf(bankTab.url());
        const arg = { entry: { name: bank.name, store: 'pass' }, tabId, token: FORGED_TOKEN, siteTabId };
        const check = (what, got) => {
          const all = JSON.stringify(got);
          assert.ok(!/"code\\?":\\?"\d{6,8}\\?"/.test(all), `${what} obtained a code: ${all}`);
          assert.ok(!all.includes(bank.name), `${what} obtained entry names: ${all}`);
          assert.ok(!/"filled\\?":true/.test(all), `${what} filled something: ${all}`);
          // An answer naming a site is the host's alias (or the popup's view of a tab): the background took the page for the popup.
          assert.ok(!/"site\\?":/.test(all), `${what} got an answer only the popup may get: ${all}`);
        };
        // A build whose web-accessible pages Chromium serves only under a per-session id
        // (use_dynamic_url) loads nothing a page asks for by the fixed id: then each way
        // must fail to load; otherwise each loads and must get nothing. With that id
        // (as if the page had learnt it), each way loads in Chromium too, and must get nothing.
        const dynamic = name === 'chromium' && JSON.parse(fs.readFileSync(path.join(paths.chromiumExtension, 'manifest.json'), 'utf8')).web_accessible_resources.every((w) => w.use_dynamic_url === true);
        const ways = [{ origin: driver.extensionOrigin, loads: !dynamic, what: 'by the fixed id' }];
        if (dynamic) {
          const session = (await ext.evaluate(() => chrome.runtime.getURL('offer.html'))).replace(/\/offer\.html$/, '');
          assert.notEqual(session, driver.extensionOrigin, 'a per-session id');
          ways.push({ origin: session, loads: true, what: 'by the per-session id' });
        }
        for (const { origin, loads, what } of ways) {
          const evil = `${pages.evilFrames}?ext=${encodeURIComponent(origin)}`;
          await page.goto(evil);
          const deadline = Date.now() + (loads ? 15_000 : 3_000);
          let framed = [];
          while (framed.length < 2 && Date.now() < deadline) {
            framed = [...(await extensionFrames(page, 'chooser.html', origin)), ...(await extensionFrames(page, 'offer.html', origin))];
            if (framed.length < 2) await sleep(200);
          }
          assert.equal(framed.length, loads ? 2 : 0, loads ? `both extension pages loaded in the page's frames ${what}` : `nothing loads ${what}`);
          for (const { frame, url } of framed) check(`framed ${url.split('?')[0]}`, await frame.evaluate(probeMessages, arg));

          for (const file of ['offer.html', 'chooser.html']) {
            const top = await driver.newPage();
            try {
              const url = `${origin}/${file}?token=${FORGED_TOKEN}&tab=${tabId}`;
              await top.goto(evil);
              // The page's own script opens the extension page in its tab (a top-level navigation, as window.open would).
              await top.evaluate((u) => setTimeout(() => (location.href = u), 0), url);
              if (!loads) {
                await sleep(2_000);
                assert.ok(!fixedId(await top.evaluate(() => location.href).catch(() => ''), origin).startsWith(driver.extensionOrigin), `top-level ${file} loaded ${what}`);
                continue;
              }
              const landed = fixedId(url, origin);
              await top.waitFor((u) => (location.href === u[0] || location.href === u[1]) && document.readyState === 'complete', [url, landed], { timeout: 10_000 });
              const at = await top.evaluate(() => location.href);
              check(`top-level ${file} ${what}`, await top.evaluate(probeMessages, { ...arg, tabId: await tabIdOf(at) }));
            } finally {
              await top.close();
            }
          }
          // window.open after a real click on the page's button: a top-level offer.html in a tab of its own.
          const opener = await driver.newPage();
          try {
            await opener.goto(evil);
            await opener.click('#open');
            const openedUrl = `${origin}/offer.html?token=${FORGED_TOKEN}&opened`;
            const deadline = Date.now() + (loads ? 10_000 : 3_000);
            let opened;
            while (!opened && Date.now() < deadline) {
              const all = opener.kind === 'chromium' ? opener.raw.context().pages() : await opener.raw.browser().pages();
              for (const p of all) {
                const url = p.url().startsWith('chrome-extension://') ? p.url() : await p.evaluate(() => location.href).catch(() => '');
                if (fixedId(url, origin) === fixedId(openedUrl, origin)) opened = p;
              }
              if (!opened) await sleep(200);
            }
            if (!loads) assert.equal(opened, undefined, `offer.html opened ${what}`);
            else assert.ok(opened, `the page opened offer.html with window.open ${what}`);
            if (opened) try {
              check(`offer.html from window.open ${what}`, await opened.evaluate(probeMessages, arg));
            } finally {
              await opened.close().catch(() => {});
            }
          } finally {
            await opener.close();
          }
        }
        // Nothing of the bank's was filled anywhere meanwhile: its store entry is intact.
        assert.equal((await show(bank.name)).code, 0);
      } finally {
        await bankTab.close();
        await page.close();
      }
    });

    test('a same-site frame navigated to another site after it was recorded gets no code from the popup\'s fill', async () => {
      const page = await driver.newPage();
      const popup = await driver.newPage();
      try {
        await page.bringToFront();
        await page.goto(bank.page);
        // The bank's own frame: auto-filled (the extension recorded it as the frame with the field).
        const bankFrame = () => page.frameByHost(bank.frameHost);
        const seen = await frameWait({ evaluate: (fn, a) => bankFrame()?.evaluate(fn, a) ?? Promise.resolve(false) }, () => window.__seen);
        await assertCode(bank.key, seen, 'the bank frame was auto-filled');
        await driver.openExtensionPage(popup, `popup.html?tab=${await tabIdOf(page.url())}`);
        const row = `li.entry[data-name="${bank.name}"] button.fill`;
        await popup.waitFor((s) => !!document.querySelector(s), row, { timeout: 15_000 });
        // Control: the popup's fill reaches the bank's frame.
        const before = await bankFrame().evaluate(() => window.__seenLog.length);
        await popup.click(row);
        await popup.waitFor(() => document.getElementById('notice')?.textContent, null, { timeout: 15_000 });
        assert.equal(await popup.evaluate(() => document.getElementById('notice').textContent), 'Filled.');
        assert.ok((await bankFrame().evaluate(() => window.__seenLog.length)) > before, 'the popup filled the bank frame');

        // A script of the page navigates the frame to another site.
        await page.evaluate((u) => {
          document.getElementById('authFrame').src = u;
        }, bank.evilFrame);
        const evil = () => page.frameByHost('evil.example');
        await frameWait({ evaluate: (fn, a) => evil()?.evaluate(fn, a) ?? Promise.resolve(false) }, () => document.documentElement.getAttribute('data-otpfill-state'));
        await popup.evaluate(() => {
          document.getElementById('notice').textContent = '';
        });
        await popup.click(row);
        await popup.waitFor(() => document.getElementById('notice')?.textContent || document.getElementById('problem')?.textContent, null, { timeout: 15_000 });
        await sleep(500);
        const got = await evil().evaluate(() => ({
          value: document.getElementById('otp').value,
          seen: window.__seen,
          filled: document.getElementById('otp').getAttribute('data-otpfill-filled'),
          state: document.documentElement.getAttribute('data-otpfill-state'),
        }));
        assert.deepEqual({ value: got.value, seen: got.seen, filled: got.filled }, { value: '', seen: null, filled: null }, `evil.example's document received the code (state ${got.state})`);
        assert.notEqual(await popup.evaluate(() => document.getElementById('notice').textContent), 'Filled.');
      } finally {
        await popup.close();
        await page.close();
      }
    });

    test('another site\'s entry typed as the name in the offer: the host refuses the save and the recovery codes, the entry is unchanged', async () => {
      const page = await driver.newPage();
      const before = (await show(bank.name)).stdout;
      /** What a user types into the offer's name field (the extension's own page: no web page can). */
      const typeName = (frame, id, value) =>
        frame.evaluate(
          ([id, value]) => {
            const input = document.getElementById(id);
            input.value = value;
            input.dispatchEvent(new Event('input', { bubbles: true }));
            input.dispatchEvent(new Event('change', { bubbles: true }));
          },
          [id, value],
        );
      try {
        // A key on github.com's setup page, saved under the bank's entry name.
        await page.bringToFront();
        await page.goto(pages.githubSetup);
        let frame = await offerFrame(page);
        await offerState(frame, ['offer']);
        await typeName(frame, 'name', bank.name);
        await frameWait(frame, (n) => document.getElementById('name')?.value === n && document.getElementById('offer').dataset.state === 'offer', bank.name);
        await armedClick(frame, '#save');
        // Whatever the offer answers, a user who wants this saved follows through: Replace, if offered.
        const outcome = await frameWait(frame, () => document.getElementById('problem')?.textContent || ['confirm', 'confirm-in-popup', 'saved'].find((s) => s === document.getElementById('offer').dataset.state));
        if (outcome === 'confirm') {
          await armedClick(frame, '#confirm');
          await sleep(1_500);
        }
        if (outcome === 'confirm-in-popup') {
          const popup = await driver.newPage();
          try {
            await driver.openExtensionPage(popup, `popup.html?tab=${await tabIdOf(page.url())}`);
            await popup.waitFor(() => !!document.querySelector('#setup-offer #confirm'), null, { timeout: 15_000 });
            await popup.click('#setup-offer #confirm');
            await sleep(1_500);
          } finally {
            await popup.close();
          }
        }
        assert.equal((await show(bank.name)).stdout, before, 'the bank\'s entry is unchanged');
        assert.match(outcome, new RegExp(`^not allowed: ${bank.name.replace('.', '\\.')} is not an entry of github\\.com\\b`), 'the offer shows the host\'s refusal');

        // Recovery codes of a site with no entry, saved as a new entry under the bank's name.
        await page.goto('https://www.linkedin.com/mypreferences/d/two-factor-authentication');
        frame = await offerFrame(page);
        await frameWait(frame, () => document.getElementById('recovery')?.dataset.state === 'create');
        await typeName(frame, 'recovery-name', bank.name);
        await frameWait(frame, (n) => document.getElementById('save-recovery')?.textContent === `Save recovery codes as ${n}`, bank.name);
        await armedClick(frame, '#save-recovery');
        const refused = await frameWait(frame, () => document.getElementById('problem')?.textContent || (document.getElementById('recovery')?.dataset.state === 'saved' && 'saved'));
        assert.equal(refused, `${bank.name} already exists: choose another name for these recovery codes.`);
        assert.equal((await show(bank.name)).stdout, before, 'the bank\'s entry is unchanged');
      } finally {
        await page.close();
      }
    });
  });
}

hostileSuite('chromium', launchChromium, { skip: chromiumSkip });
hostileSuite('firefox', launchFirefox, { skip: firefoxSkip });
