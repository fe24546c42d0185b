// HOTP and auto-fill in real browsers (issue 13, item 4): once the host has
// decrypted an HOTP entry (here `otpfill code` in a terminal, which shares the
// host's state folder), `match` says its type, and auto-fill on its site
// offers the field without asking for a code: the counter in the store does
// not move until the user asks. Before `match` carried the type, the first
// page load spent a counter step to learn it. Chromium and Firefox, each with
// a pass store of its own holding one HOTP entry.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { closeDriver, launchChromium, launchFirefox } from '../lib/browsers.js';
import { must, notSelected, run, skipReason, sleep } from '../lib/proc.js';
import { suiteStore } from '../lib/store.js';
import { paths, setupWorld, toolRequirements } from '../lib/world.js';

const extensionBuilt = (dir) => (fs.existsSync(path.join(dir, 'manifest.json')) ? dir : '');
const common = toolRequirements();
const chromiumSkip = notSelected('chromium') || skipReason({ ...common, chromium: paths.chromium, 'extension/dist-e2e/chromium (cd extension && npm run build:e2e)': extensionBuilt(paths.chromiumExtension) });
const firefoxSkip = notSelected('firefox') || skipReason({ ...common, 'firefox-esr': paths.firefox, 'extension/dist-e2e/firefox (cd extension && npm run build:e2e)': extensionBuilt(paths.firefoxExtension) });

// Test data: this secret protects nothing. The page is the FortiGate-style VPN
// login of the fill corpus (a type=password token field, confidently detected).
const NAME = 'acmecorp.com/alice';
const SECRET = 'MFZWIZLTMFZWIZLTMFZWIZLTMFZWIZLT';
const COUNTER = 5;
const PAGE = 'https://vpn.acmecorp.com/remote/login';
const hotpURI = `otpauth://hotp/ACME%20VPN:alice?secret=${SECRET}&issuer=ACME%20VPN&counter=${COUNTER}`;

let world;
if (!chromiumSkip || !firefoxSkip) {
  before(async () => {
    world = await setupWorld({ only: [] }); // certificate, servers, GnuPG home; each browser gets its own store
  });
  after(async () => {
    await world?.teardown();
  });
}

async function oathtoolHOTP(counter) {
  const { stdout } = await must('oathtool', ['--hotp', '-c', String(counter), '-b', '-'], { input: SECRET + '\n' });
  return stdout.trim();
}

function hotpSuite(name, launch, { skip }) {
  describe(`HOTP auto-fill in ${name}`, { skip }, () => {
    let driver;
    let storeEnv; // pass's environment for this browser's store
    let hostEnv; // the environment the browser starts the host with

    before(async () => {
      const made = await suiteStore(world, `${name}-hotp-store`, { [NAME]: hotpURI });
      storeEnv = made.env;
      const browserEnv = made.world.browserEnv;
      made.world.browserEnv = (n) => {
        const r = browserEnv(n);
        hostEnv = r.env;
        return r;
      };
      driver = await launch(made.world);
    });
    after(async () => {
      await closeDriver(driver);
    });

    const counter = async () => {
      const { stdout } = await run('pass', ['show', NAME], { env: storeEnv });
      return Number(/[?&]counter=(\d+)/.exec(stdout)?.[1]);
    };

    test('an entry the host knows is HOTP is offered on its site, and no counter is spent', async () => {
      // The user takes a code in a terminal: the host learns the entry's type.
      const { stdout } = await must(paths.otpfill, ['code', NAME], { env: hostEnv });
      assert.equal(stdout.trim().split('\n').pop(), await oathtoolHOTP(COUNTER + 1), 'otpfill code');
      assert.equal(await counter(), COUNTER + 1);

      const page = await driver.newPage();
      await page.goto(PAGE);
      const state = await page.waitFor(() => {
        const s = document.documentElement.getAttribute('data-otpfill-state');
        return ['offered', 'filled', 'error', 'no-match', 'weak'].includes(s) && s;
      }, null, { timeout: 15_000 });
      assert.equal(state, 'offered', 'the HOTP entry is offered, not filled');
      await sleep(1_500); // the content script's rescan; a code request would land by now
      const s = await page.evaluate(() => ({ seen: window.__seen, fields: window.e2eFields() }));
      assert.equal(s.seen, null, 'the page got a code');
      assert.ok(s.fields.every((f) => f.value === f.initial), 'a field changed');
      assert.equal(await counter(), COUNTER + 1, 'auto-fill spent an HOTP counter step without the user');
    });

    test('an HOTP code whose counter git cannot commit: filled from the page, the toolbar button says so, and the popup shows it on the entry (issue 10)', async () => {
      // The store becomes a git repository whose pre-commit hook refuses
      // every commit, for this test only.
      const dir = storeEnv.PASSWORD_STORE_DIR;
      const gitDir = path.join(dir, '.git');
      const page = await driver.newPage();
      const ext = await driver.newPage();
      const popup = await driver.newPage();
      try {
        const who = { GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.invalid', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.invalid' };
        await must('pass', ['git', 'init'], { env: { ...storeEnv, ...who } });
        for (const [k, v] of [['user.name', 'e2e'], ['user.email', 'e2e@example.invalid']]) await must('git', ['-C', dir, 'config', k, v], { env: storeEnv });
        fs.writeFileSync(path.join(gitDir, 'hooks', 'pre-commit'), "#!/bin/sh\necho 'commits are refused here' >&2\nexit 1\n", { mode: 0o755 });
        await driver.openExtensionPage(ext, 'options.html');

        await page.goto(`${PAGE}?uncommitted`); // a URL of its own: the tab is found by it
        await page.waitFor(() => ['offered', 'filled'].includes(document.documentElement.getAttribute('data-otpfill-state')), null, { timeout: 15_000 });
        // A fill the user starts on the page: the keyboard shortcut.
        await driver.shortcut(page, 'fill-code');
        const seen = await page.waitFor(() => window.__seen, null, { timeout: 15_000 });
        assert.equal(seen, await oathtoolHOTP(await counter()), 'the page got the code of the counter now in the store');
        const status = await must('git', ['-C', dir, 'status', '--porcelain', '--', `${NAME}.gpg`], { env: storeEnv });
        assert.match(status.stdout, /^(M |MM| M) /, `the counter is written, uncommitted: git status ${JSON.stringify(status.stdout)}`);

        const tabId = await ext.evaluate(async (url) => (await (globalThis.browser ?? globalThis.chrome).tabs.query({})).find((t) => t.url === url)?.id, page.url());
        assert.ok(tabId !== undefined, `no tab shows ${page.url()}`);
        const badge = async (id) => {
          const a = (globalThis.browser ?? globalThis.chrome).action;
          return { text: await a.getBadgeText({ tabId: id }), title: await a.getTitle({ tabId: id }) };
        };
        const marked = await ext.waitFor(async (id) => {
          const a = (globalThis.browser ?? globalThis.chrome).action;
          const text = await a.getBadgeText({ tabId: id });
          return text === '!' && { text, title: await a.getTitle({ tabId: id }) };
        }, tabId, { timeout: 10_000 }).catch(async () => {
          const kept = await ext.evaluate(async () => (globalThis.browser ?? globalThis.chrome).storage.session.get(null));
          assert.fail(`the toolbar button is not marked: ${JSON.stringify(await ext.evaluate(badge, tabId))}; storage.session: ${JSON.stringify(kept)}`);
        });
        assert.ok(marked.title.includes(`${NAME} was changed but not committed to git`) && marked.title.includes('commits are refused here'),
          `the toolbar button's tooltip: ${JSON.stringify(marked.title)}, want the host's warning`);

        await driver.openExtensionPage(popup, `popup.html?tab=${tabId}`);
        const line = await popup.waitFor((name) => document.querySelector(`li.entry[data-name="${name}"] .entry-warning`)?.textContent, NAME, { timeout: 15_000 });
        assert.ok(line.includes(`${NAME} was changed but not committed to git`) && line.includes('commits are refused here'), `the popup's line under ${NAME}: ${JSON.stringify(line)}`);
        const after = await ext.waitFor(async (id) => {
          const a = (globalThis.browser ?? globalThis.chrome).action;
          return (await a.getBadgeText({ tabId: id })) === '' && 'cleared';
        }, tabId, { timeout: 10_000 }).catch(() => null);
        assert.equal(after, 'cleared', `the popup showed the warning, so the button's mark goes: ${JSON.stringify(await ext.evaluate(badge, tabId).catch(() => null))}`);
      } finally {
        await popup.close();
        await ext.close();
        await page.close();
        fs.rmSync(gitDir, { recursive: true, force: true });
      }
    });
  });
}

hotpSuite('chromium', launchChromium, { skip: chromiumSkip });
hotpSuite('firefox', launchFirefox, { skip: firefoxSkip });
