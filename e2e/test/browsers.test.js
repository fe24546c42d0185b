// The real-browser suite: Chromium (playwright-core) and Firefox ESR
// (puppeteer-core, WebDriver BiDi) with the built extension and the otpfill
// host against a real pass store. One store and one pair of servers for both.
import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { launchChromium, launchFirefox } from '../lib/browsers.js';
import { notSelected, skipReason } from '../lib/proc.js';
import { browserSuite } from '../lib/suite.js';
import { paths, setupWorld, toolRequirements, updateArtifact } from '../lib/world.js';

const extensionBuilt = (dir) => (fs.existsSync(path.join(dir, 'manifest.json')) ? dir : '');

// Outside CI a missing piece skips with the reason; in CI it fails (skipReason throws).
const common = toolRequirements();
const chromiumSkip = notSelected('chromium') || skipReason({ ...common, chromium: paths.chromium, 'extension/dist-e2e/chromium (cd extension && npm ci && npm run build:e2e)': extensionBuilt(paths.chromiumExtension) });
const firefoxSkip = notSelected('firefox') || skipReason({ ...common, 'firefox-esr': paths.firefox, 'extension/dist-e2e/firefox (cd extension && npm ci && npm run build:e2e)': extensionBuilt(paths.firefoxExtension) });

let world;
if (!chromiumSkip || !firefoxSkip) {
  before(async () => {
    // This run's browsers start afresh; the other half of scripts/run.js writes its own at the same time.
    updateArtifact('speed.json', (all) => {
      for (const b of ['chromium', 'firefox']) if (!notSelected(b)) delete all[b];
    });
    world = await setupWorld();
  });
  after(async () => {
    await world?.teardown();
  });
}

browserSuite('chromium', launchChromium, () => world, { skip: chromiumSkip });
browserSuite('firefox', launchFirefox, () => world, { skip: firefoxSkip });
