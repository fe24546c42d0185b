// Makes the QR codes the setup fixture pages show, from lib/setup-corpus.js,
// with qrencode (Debian package qrencode). Run it after changing a key there:
//   node lib/make-setup-qr.js
// The outputs are small and committed, so the suite needs no encoder. The
// URI goes to qrencode on stdin, never in its argv.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { must } from './proc.js';
import { keyURI, setupKeys } from './setup-corpus.js';

const sites = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'sites');

async function qrencode(type, text, extra = []) {
  const { stdout } = await must('qrencode', ['-t', type, '-o', '-', ...extra], { input: text });
  return stdout;
}

async function png(file, text, scale = 6) {
  const out = path.join(sites, file);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // qrencode writes PNG bytes to stdout; run() gives text, so write through a file instead.
  await must('sh', ['-c', `qrencode -t PNG -s ${scale} -m 2 -o "$1"`, 'sh', out], { input: text });
  return out;
}

async function svg(file, text) {
  const out = path.join(sites, file);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await must('sh', ['-c', 'qrencode -t SVG --rle -s 6 -m 2 -o "$1"', 'sh', out], { input: text });
  return out;
}

/** The module matrix as rows of "0"/"1", for the canvas page's own drawing code. */
async function matrix(file, text) {
  const ascii = String(await qrencode('ASCII', text, ['-m', '0']));
  const rows = ascii.split('\n').filter((l) => l.length).map((l) => {
    let row = '';
    for (let i = 0; i < l.length; i += 2) row += l[i] === '#' ? '1' : '0';
    return row;
  });
  const out = path.join(sites, file);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(rows) + '\n');
  return out;
}

async function dataURLScript(file, variable, text) {
  const tmp = path.join(fs.mkdtempSync('/tmp/qr'), 'qr.png');
  await must('sh', ['-c', 'qrencode -t PNG -s 5 -m 2 -o "$1"', 'sh', tmp], { input: text });
  const b64 = fs.readFileSync(tmp).toString('base64');
  fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
  const out = path.join(sites, file);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `// Made by e2e/lib/make-setup-qr.js: the QR code as the page's server would inline it.\nwindow.${variable} = "data:image/png;base64,${b64}";\n`);
  return out;
}

const k = setupKeys;
const made = [
  await png('github.com/settings/two_factor_authentication/setup/qr.png', keyURI(k.github)),
  await matrix('myaccount.google.com/two-step-verification/qr-matrix.json', keyURI(k.google)),
  await svg('gitlab.com/-/profile/qr.svg', keyURI(k.gitlab)),
  await png('qr.dropboxstatic.com/2fa/qr.png', keyURI(k.dropbox)),
  await png('www.paypalobjects.com/2fa/qr.png', keyURI(k.paypal)),
  await dataURLScript('online.nordbank.com/security/authenticator/qr.js', 'NORDBANK_QR', keyURI(k.nordbank)),
  await png('vercel.com/account/security/qr.png', keyURI(k.vercel)),
  await png('dashboard.stripe.com/settings/user/qr.png', keyURI(k.stripe)),
  await png('id.atlassian.com/manage-profile/security/qr.png', keyURI(k.atlassian)),
  await png('account.shopwise.example/security/qr.png', keyURI(k.attack)),
  await png('app.asana.com/-/qr.png', 'https://asana.com/download?utm_source=qr'),
];
for (const f of made) console.log(path.relative(sites, f), fs.statSync(f).size, 'bytes');
