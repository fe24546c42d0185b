// Clickjacking the setup offer (issue 9), in real Chromium and real Firefox:
// a hostile setup page (fixtures/sites/account.trapshop.example) shows a
// real key, lets otpfill put its offer on the page, and then tries to get the
// user's real click onto the offer's Save button while showing something
// else: the offer made transparent under a decoy button, an opaque overlay
// that clicks go through (pointer-events: none), the same overlay in a closed
// shadow root, page elements covering all
// of the offer but Save, the offer scaled down to a few pixels under a
// decoy, and the offer moved under the pointer just before the click. Each
// click is a real mouse click at page coordinates (the browser's own input
// path, not a script's click()); the click reaches Save, and the store must
// not change. The control: the same page without a trick, where the same
// real click saves once the offer has been shown, unmoved, for 500 ms.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { closeDriver, launchChromium, launchFirefox } from '../lib/browsers.js';
import { frameLocation, notSelected, skipReason, sleep } from '../lib/proc.js';
import { setupSpecial } from '../lib/setup-corpus.js';
import { suiteStore } from '../lib/store.js';
import { paths, setupWorld, toolRequirements } from '../lib/world.js';

const extensionBuilt = (dir) => (fs.existsSync(path.join(dir, 'manifest.json')) ? dir : '');
const common = toolRequirements();
const chromiumSkip = notSelected('chromium') || skipReason({ ...common, chromium: paths.chromium, 'extension/dist-e2e/chromium (cd extension && npm ci && npm run build:e2e)': extensionBuilt(paths.chromiumExtension) });
const firefoxSkip = notSelected('firefox') || skipReason({ ...common, 'firefox-esr': paths.firefox, 'extension/dist-e2e/firefox (cd extension && npm ci && npm run build:e2e)': extensionBuilt(paths.firefoxExtension) });

const PAGE = setupSpecial.clickjack;
/** The tricks the page plays (its ?v=), each a way to click Save unseen. */
const TRICKS = [
  ['opacity', 'the offer made transparent (opacity 0) over a decoy button'],
  ['overlay', 'an opaque overlay over the offer with pointer-events: none, in the top layer above it'],
  ['shadow', 'the same overlay inside a closed shadow root of the page'],
  ['cover', 'page elements (in the top layer) cover all of the offer but a hole over Save'],
  ['scale', 'the offer scaled to a few pixels around Save, under a decoy label'],
  ['move', 'the offer moved under the pointer 30 ms before the click'],
];

let world;
if (!chromiumSkip || !firefoxSkip) {
  before(async () => {
    world = await setupWorld({ only: [] });
  });
  after(async () => {
    await world?.teardown();
  });
}

/** The entries in the store (`pass` files), sorted. */
function entries(env) {
  const out = [];
  const walk = (d) => {
    for (const f of fs.readdirSync(d, { withFileTypes: true })) {
      if (f.name.startsWith('.')) continue;
      const p = path.join(d, f.name);
      if (f.isDirectory()) walk(p);
      else if (f.name.endsWith('.gpg')) out.push(path.relative(env.PASSWORD_STORE_DIR, p).replace(/\.gpg$/, ''));
    }
  };
  walk(env.PASSWORD_STORE_DIR);
  return out.sort();
}

function clickjackSuite(name, launch, { skip }) {
  describe(`clickjacking the offer in ${name}`, { skip }, () => {
    let driver;
    let env;

    before(async () => {
      const made = await suiteStore(world, `${name}-clickjack-store`, {});
      env = made.env;
      driver = await launch(made.world);
    });
    after(async () => {
      await closeDriver(driver);
    });

    /** The extension's offer frame on the page (Puppeteer over BiDi keeps a framed extension page's URL as about:blank: ask the frame). */
    async function offerFrame(page, timeout = 15_000) {
      const prefix = driver.extensionURL('offer.html');
      const deadline = Date.now() + timeout;
      for (;;) {
        for (const f of page.raw.frames()) {
          if (f === page.raw.mainFrame()) continue;
          const url = f.url().startsWith(prefix) ? f.url() : await frameLocation(f);
          if (url.startsWith(prefix)) return f;
        }
        if (Date.now() > deadline) throw new Error(`no offer frame on ${page.url()} within ${timeout} ms`);
        await sleep(100);
      }
    }

    async function offerState(frame, want, timeout = 15_000) {
      const deadline = Date.now() + timeout;
      let last = '';
      for (;;) {
        last = await frame.evaluate(() => document.getElementById('offer')?.dataset.state ?? 'none').catch((e) => `gone: ${e.message}`);
        if (want.includes(last)) return last;
        if (Date.now() > deadline) throw new Error(`offer state ${last}, want one of ${want.join(', ')}`);
        await sleep(100);
      }
    }

    /** Opens the page with a trick, waits for the offer, and returns the frame and the Save button's centre inside it. */
    async function open(page, trick) {
      await page.bringToFront();
      await page.goto(`${PAGE.url}?v=${trick}`);
      const frame = await offerFrame(page);
      await offerState(frame, ['offer']);
      const save = await frame.evaluate(() => {
        const r = document.getElementById('save').getBoundingClientRect();
        return { x: Math.round(r.left + r.width / 2), y: Math.round(r.top + r.height / 2) };
      });
      return { frame, save };
    }

    for (const [trick, what] of TRICKS) {
      test(`${trick}: ${what} — a real click saves nothing`, async () => {
        const entry = `${PAGE.name}${trick}`;
        const page = await driver.newPage();
        try {
          const { frame, save } = await open(page, trick);
          await sleep(1_000); // the offer as the extension shows it, long enough to arm
          const at = await page.evaluate((save) => window.__attack(save), save);
          if (trick === 'move') {
            await sleep(1_200); // the decoy shows a while; the offer waits aside, armed
            await page.evaluate(() => window.__moveNow());
            await sleep(30);
          } else {
            await sleep(1_200); // the user reads the decoy
          }
          const before = entries(env);
          await page.mouseClick(at.x, at.y);
          await sleep(2_500);
          assert.deepEqual(entries(env), before, `${trick}: the store is unchanged`);
          assert.ok(!entries(env).includes(entry), `${trick}: ${entry} was not saved`);
          const seen = await frame.evaluate(() => ({ state: document.getElementById('offer').dataset.state, clicked: document.getElementById('offer').dataset.clicked ?? '' }));
          assert.notEqual(seen.state, 'saved', `${trick}: the offer did not save`);
          // Not a vacuous pass: the real click did reach the offer's Save button, which ignored it.
          assert.equal(seen.clicked, 'save:ignored', `${trick}: the click reached Save and did not count`);
        } finally {
          await page.close();
        }
      });
    }

    test('control: the offer shown unmoved for 500 ms takes the same real click', async () => {
      const trick = 'none';
      const entry = `${PAGE.name}${trick}`;
      const page = await driver.newPage();
      try {
        const { frame, save } = await open(page, trick);
        const at = await page.evaluate((save) => window.__attack(save), save);
        // Armed: the offer's buttons are enabled once it has been seen, unobscured and unmoved, for 500 ms.
        const deadline = Date.now() + 5_000;
        while ((await frame.evaluate(() => document.getElementById('save').getAttribute('aria-disabled'))) !== 'false') {
          assert.ok(Date.now() < deadline, 'the offer armed within 5 s');
          await sleep(100);
        }
        await page.mouseClick(at.x, at.y);
        await offerState(frame, ['saved']);
        assert.ok(entries(env).includes(entry), `${entry} saved by the real click`);
        assert.equal(await frame.evaluate(() => document.getElementById('offer').dataset.clicked), 'save:counted');
      } finally {
        await page.close();
      }
    });
  });
}

clickjackSuite('chromium', launchChromium, { skip: chromiumSkip });
clickjackSuite('firefox', launchFirefox, { skip: firefoxSkip });
