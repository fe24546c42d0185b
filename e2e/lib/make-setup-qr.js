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
  // The pages added for issue 13 (setup corpus of 30+).
  await png('accounts.zoho.com/home/mfa/qr.png', keyURI(k.zoho)),
  await matrix('www.ovh.com/manager/legacy/double-auth/qr-matrix.json', keyURI(k.ovh)),
  await png('vault.bitwarden.com/settings/security/qr.png', keyURI(k.bitwarden)),
  await png('app.docker.com/settings/account-settings/qr.png', keyURI(k.docker)),
  await png('x.com/settings/account/login_verification/qr.png', keyURI(k.x)),
  await svg('discord.com/settings/account/qr.svg', keyURI(k.discord)),
  await dataURLScript('www.reddit.com/2fa/qr.js', 'REDDIT_QR', keyURI(k.reddit)),
  await png('www.amazon.com/a/settings/approval/setup/qr.png', keyURI(k.amazon)),
  await svg('dash.cloudflare.com/profile/qr.svg', keyURI(k.cloudflare)),
  await matrix('cloud.digitalocean.com/account/qr-matrix.json', keyURI(k.digitalocean)),
  await png('login.linode.com/profile/auth/qr.png', keyURI(k.linode)),
  await matrix('www.coinbase.com/settings/security/2fa/qr-matrix.json', keyURI(k.coinbase)),
  await png('www.kraken.com/u/security/2fa/qr.png', keyURI(k.kraken)),
  await png('bitbucket.org/account/settings/two-step-verification/qr.png', keyURI(k.bitbucket)),
  await png('pypi.org/manage/account/totp-provision/image.png', keyURI(k.pypi)),
  await svg('sentry.io/settings/account/security/mfa/totp/enroll/qr.svg', keyURI(k.sentry)),
  await png('acme.slack.com/account/settings/qr.png', keyURI(k.slack)),
  await dataURLScript('zoom.us/profile/setting/qr.js', 'ZOOM_QR', keyURI(k.zoom)),
  await dataURLScript('codeberg.org/user/settings/security/two_factor/qr.js', 'CODEBERG_QR', keyURI(k.codeberg)),
  await svg('cloud.familie-meier.de/settings/user/qr.svg', keyURI(k.nextcloud)),
  // No-offer decoys: QR codes that are not otpauth, and an otpauth QR code in another site's frame.
  await png('www.wellsbank.com/invoices/qr.png', 'BCD\n002\n1\nSCT\nWELLDEFFXXX\nWells Bank Card Services\nDE89370400440532013000\nEUR412.37\n\n\nInvoice 2026-1187\n'),
  await png('router.fritz.box.example/wlan/qr.png', 'WIFI:T:WPA;S:FRITZ!Box Gastzugang;P:N3KQ7TCXWFNZ6D2B;;'),
  await png('account.sublimehq.example/qr.png', 'https://www.sublimehq.example/mobile?utm_source=licenses'),
  await png('ads.adnet.example/serve/qr.png', keyURI(k.adframe)),
];
for (const f of made) console.log(path.relative(sites, f), fs.statSync(f).size, 'bytes');
