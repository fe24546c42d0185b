// Global setup shared by the browser suites: a throwaway GnuPG home and pass
// store filled with the corpus' entries, a certificate, and the fixture
// servers. Everything lives under one short /tmp folder removed at the end.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { allHosts, entries, hostAliases } from './corpus.js';
import { which } from './proc.js';
import { killAgent, makeGnupgHome, makePassStore, randomSecret } from './store.js';
import { makeCert, startServers } from './server.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const artifactsDir = path.join(repoRoot, 'e2e', 'artifacts');

export const paths = {
  otpfill: process.env.OTPFILL_BIN || path.join(repoRoot, 'bin', 'otpfill'),
  // The e2e build (node build.mjs --test-hooks): the release build has no test hooks to wait on.
  chromiumExtension: path.join(process.env.E2E_EXTENSION_DIST || path.join(repoRoot, 'extension', 'dist-e2e'), 'chromium'),
  firefoxExtension: path.join(process.env.E2E_EXTENSION_DIST || path.join(repoRoot, 'extension', 'dist-e2e'), 'firefox'),
  /** The release build (make build): what users load, for the test that a page cannot detect it. */
  releaseExtension: path.join(process.env.E2E_RELEASE_DIST || path.join(repoRoot, 'extension', 'dist')),
  chromium: process.env.E2E_CHROMIUM || '/usr/lib/chromium/chromium',
  firefox: process.env.E2E_FIREFOX || '/usr/bin/firefox-esr',
};

/**
 * updateArtifact changes one JSON object under artifacts/ (figures keyed by
 * browser, e.g. speed.json): read, changed by change(obj), written to a
 * temporary file and renamed into place. The two halves of scripts/run.js
 * update the same files at the same time, so a lock folder (mkdir either
 * makes it or fails) keeps one half's update from undoing the other's. A lock
 * older than 10 s was left by a killed run and is taken over.
 */
export function updateArtifact(name, change) {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, name);
  const lock = `${file}.lock`;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 10_000) fs.rmdirSync(lock);
      } catch {
        // released meanwhile
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  try {
    let all = {};
    try {
      all = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      // no file yet (or a broken one): start again
    }
    change(all);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(all, null, 2) + '\n');
    fs.renameSync(tmp, file);
  } finally {
    fs.rmdirSync(lock);
  }
}

/** The programs every browser suite needs besides its browser. */
export function toolRequirements() {
  return {
    gpg: which('gpg'),
    gpgconf: which('gpgconf'),
    pass: which('pass'),
    'pass-otp (pass otp)': fs.existsSync('/usr/lib/password-store/extensions/otp.bash') ? '/usr/lib/password-store/extensions/otp.bash' : '',
    oathtool: which('oathtool'),
    openssl: which('openssl'),
    'bin/otpfill (go build -o bin/otpfill ./host/cmd/otpfill)': paths.otpfill,
  };
}

/**
 * setupWorld builds the store and starts the servers. Each entry gets a fresh
 * random secret, kept only in this process' memory (and the encrypted store).
 */
export async function setupWorld({ only } = {}) {
  const root = fs.mkdtempSync('/tmp/oe');
  const made = { root };
  try {
    const wanted = only ? entries.filter((e) => only.includes(e.name)) : entries;
    for (const e of wanted) e.secret = randomSecret();
    const gnupg = await makeGnupgHome(root);
    made.gnupg = gnupg;
    const store = await makePassStore(root, gnupg, wanted);
    const tls = await makeCert(root, allHosts());
    const servers = await startServers({ ...tls, aliases: hostAliases });
    made.servers = servers;
    fs.mkdirSync(artifactsDir, { recursive: true });
    return {
      root,
      gnupgHome: gnupg.home,
      storeDir: store.dir,
      servers,
      /** dirs returns fresh HOME/XDG folders and the environment for one browser. */
      browserEnv(name) {
        const home = fs.mkdtempSync(path.join(root, `${name}-home-`));
        const dirs = {
          HOME: home,
          XDG_CONFIG_HOME: path.join(home, '.config'),
          XDG_CACHE_HOME: path.join(home, '.cache'),
          XDG_STATE_HOME: path.join(home, '.local', 'state'),
          XDG_DATA_HOME: path.join(home, '.local', 'share'),
        };
        for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
        // No backup store: the popup marks each entry as the only copy.
        fs.mkdirSync(path.join(dirs.XDG_CONFIG_HOME, 'otpfill'), { recursive: true });
        fs.writeFileSync(path.join(dirs.XDG_CONFIG_HOME, 'otpfill', 'config.json'), '{"backup": {}}\n', { mode: 0o600 });
        const env = { ...process.env, ...dirs, PASSWORD_STORE_DIR: store.dir, GNUPGHOME: gnupg.home, OTPFILL_LOG: process.env.OTPFILL_LOG || 'debug' };
        delete env.PASSWORD_STORE_KEY;
        delete env.DISPLAY;
        delete env.WAYLAND_DISPLAY;
        return { home, env };
      },
      async teardown() {
        await servers.close();
        await killAgent(gnupg.home);
        if (!process.env.E2E_KEEP) fs.rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await made.servers?.close();
    if (made.gnupg) await killAgent(made.gnupg.home);
    if (!process.env.E2E_KEEP) fs.rmSync(root, { recursive: true, force: true });
    throw err;
  }
}
