// The throwaway GnuPG home and pass store the browsers' host reads, made with
// the real gpg, pass and pass-otp, and the expected codes computed by oathtool.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { must, run } from './proc.js';
import { steamCode } from './steam.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** randomSecret returns a fresh base32 secret of n bytes (160 bits by default). */
export function randomSecret(n = 20) {
  const bytes = crypto.randomBytes(n);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** otpauthURI builds the URI that `pass otp insert` reads on stdin. */
export function otpauthURI(e) {
  const label = encodeURIComponent(e.issuer) + ':' + encodeURIComponent(e.account);
  const q = new URLSearchParams({ secret: e.secret, issuer: e.issuer });
  if (e.algorithm !== 'SHA1') q.set('algorithm', e.algorithm);
  if (e.digits !== 6) q.set('digits', String(e.digits));
  if (e.period !== 30) q.set('period', String(e.period));
  if (e.encoder) q.set('encoder', e.encoder);
  return `otpauth://totp/${label}?${q}`;
}

/**
 * makeGnupgHome creates a GNUPGHOME under a short /tmp path (the agent's
 * socket path has a length limit) with one passphrase-less key.
 */
export async function makeGnupgHome(root) {
  const home = fs.mkdtempSync(path.join(root, 'g'));
  fs.chmodSync(home, 0o700);
  const env = { ...process.env, GNUPGHOME: home };
  await must('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'T <t@example.invalid>', 'future-default', 'default', 'never'], { env, timeoutMs: 120_000 });
  const { stdout } = await must('gpg', ['--batch', '--with-colons', '--list-secret-keys'], { env });
  const fpr = stdout.split('\n').find((l) => l.startsWith('fpr:'))?.split(':')[9];
  if (!fpr) throw new Error('gpg made a key but did not list its fingerprint');
  return { home, fingerprint: fpr };
}

export async function killAgent(gnupgHome) {
  await run('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: gnupgHome } });
}

/**
 * makePassStore runs `pass init` and inserts every entry: `pass otp insert`
 * for plain entries (the URI on stdin), `pass insert -m` for the multi-line
 * ones (password first, the otpauth line further down).
 */
export async function makePassStore(root, gnupg, entries) {
  const dir = path.join(root, 'store');
  const env = { ...process.env, GNUPGHOME: gnupg.home, PASSWORD_STORE_DIR: dir };
  delete env.PASSWORD_STORE_KEY;
  await must('pass', ['init', gnupg.fingerprint], { env });
  // A few at a time: each insert runs gpg, and the machine has 2 cores.
  const queue = [...entries];
  const worker = async () => {
    for (let e = queue.shift(); e; e = queue.shift()) {
      const uri = otpauthURI(e);
      if (e.multiline) {
        const body = `${e.multiline.password}\nlogin: ${e.account}\nurl: https://${e.site}/\n${uri}\nnote: added by the e2e suite\n`;
        await must('pass', ['insert', '-m', e.name], { env, input: body });
      } else {
        await must('pass', ['otp', 'insert', e.name], { env, input: uri + '\n' });
      }
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return { dir, env };
}

/**
 * suiteStore makes an empty pass store of one suite's own for one browser,
 * in the world's folder, with `uris` ({name: otpauth URI}) inserted by
 * `pass otp insert`, and a copy of `world` whose browsers' host reads it.
 */
export async function suiteStore(world, folder, uris = {}) {
  const env = { ...process.env, GNUPGHOME: world.gnupgHome, PASSWORD_STORE_DIR: path.join(world.root, folder) };
  delete env.PASSWORD_STORE_KEY;
  const { stdout } = await must('gpg', ['--batch', '--with-colons', '--list-secret-keys'], { env });
  const fpr = stdout.split('\n').find((l) => l.startsWith('fpr:'))?.split(':')[9];
  await must('pass', ['init', fpr], { env });
  for (const [name, uri] of Object.entries(uris)) await must('pass', ['otp', 'insert', name], { env, input: uri + '\n' });
  const browserWorld = {
    ...world,
    browserEnv(n) {
      const r = world.browserEnv(n);
      r.env.PASSWORD_STORE_DIR = env.PASSWORD_STORE_DIR;
      return r;
    },
  };
  return { env, world: browserWorld };
}

/** The codes of an entry's recovery-codes block, as `pass show` prints it (the host's format: a header, then the codes indented). */
export function recoveryBlock(text) {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.trim().toLowerCase() === 'recovery-codes:');
  if (at < 0) return [];
  const out = [];
  for (const l of lines.slice(at + 1)) {
    if (!/^\s+\S/.test(l)) break;
    out.push(l.trim());
  }
  return out;
}

/**
 * expectedCodes returns oathtool's codes for the time step at `at` and its
 * neighbours (the extension may wait for the next code when the current one
 * is about to expire, and a slow run can straddle a step).
 */
export async function expectedCodes(e, at = Date.now()) {
  const t = Math.floor(at / 1000);
  const steps = [t - e.period, t, t + e.period];
  const out = [];
  // oathtool has no Steam encoder: lib/steam.js, checked against the Steam app's codes.
  if (e.encoder === 'steam') return steps.map((s) => steamCode(e.secret, s, e.period));
  for (const s of steps) {
    const args = [`--totp=${e.algorithm.toLowerCase()}`, '-d', String(e.digits), '-s', `${e.period}s`, '-N', `@${s}`, '-b', '-'];
    const { stdout } = await must('oathtool', args, { input: e.secret + '\n' });
    out.push(stdout.trim());
  }
  return out;
}

/** currentCode is oathtool's code at the current step only. */
export async function currentCode(e, at = Date.now()) {
  return (await expectedCodes(e, at))[1];
}
