// The setup-capture corpus: 2FA *setup* pages (the site shows a new secret as
// a QR code, a setup key or an otpauth:// link, and recovery codes), each
// modelled on a real setup flow, with the secret the page shows and the entry
// the extension must save. The pages are in fixtures/sites/<host>/...; the QR
// images they use are made from this file by `node lib/make-setup-qr.js`
// (qrencode), and committed.
//
// These secrets are test data, published here on purpose: they protect
// nothing.

const std = { algorithm: 'SHA1', digits: 6, period: 30 };

function key(id, { issuer, account, secret, ...params }) {
  return { id, issuer, account, secret, ...std, ...params };
}

/** The secrets the setup pages show. */
export const setupKeys = {
  github: key('github', { issuer: 'GitHub', account: 'alice', secret: 'N3KQ7TCXWFNZ6D2BGYR4O5LJHQ2VXPIM' }),
  google: key('google', { issuer: 'Google', account: 'alice@gmail.com', secret: 'BXQ4MZK7WGDR2NJ5T3LPYHC6AUFVEO7S' }),
  gitlab: key('gitlab', { issuer: 'GitLab', account: 'alice@example.com', secret: 'H6VJ2KQ4XRMZ3TWPLB5YCN7DFGS2AUEQ' }),
  dropbox: key('dropbox', { issuer: 'Dropbox', account: 'alice@example.com', secret: 'QF7ZK2MVRT4XW6BNHJ3PYLD5CG2ESAUO' }),
  paypal: key('paypal', { issuer: 'PayPal', account: 'alice@example.com', secret: 'T2WM6XKQ5ZRJ7VNB4HPLYC3DGF6ESAUQ' }),
  npm: key('npm', { issuer: 'npmjs.com', account: 'alice', secret: 'KZ4QW7MXR2TJ6VNB5HPLYC3DGFESAUQO' }),
  fastmail: key('fastmail', { issuer: 'Fastmail', account: 'alice@fastmail.com', secret: 'M5XQ2KZ7WRTJ4VNB6HPLYC3DGFESAUQW' }),
  nordbank: key('nordbank', { issuer: 'Nordbank', account: 'alice', secret: 'R7WQ4XKZ2MTJ5VNB3HPLYC6DGFESAUQMZX4T', algorithm: 'SHA256', digits: 8, period: 60 }),
  vercel: key('vercel', { issuer: 'Vercel', account: 'alice', secret: 'W3ZQ6XKM2RTJ7VNB4HPLYC5DGFESAUQK' }),
  stripe: key('stripe', { issuer: 'Stripe', account: 'alice', secret: 'X2QZ7WKM5RTJ3VNB6HPLYC4DGFESAUQZ' }),
  atlassian: key('atlassian', { issuer: 'Atlassian', account: 'alice', secret: 'Z5QX3WKM7RTJ2VNB4HPLYC6DGFESAUQX' }),
  attack: key('attack', { issuer: 'Shopwise', account: 'alice', secret: 'Y4QX2WKM6RTJ5VNB7HPLYC3DGFESAUQY' }),
};

/** An entry already in each browser's store before the suite: saving over it needs the second confirmation. */
export const existingEntries = [
  { name: 'stripe.com/alice', issuer: 'Stripe', account: 'alice', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', ...std },
];

/** The otpauth URI a page shows for a key. */
export function keyURI(k) {
  const label = encodeURIComponent(k.issuer) + ':' + encodeURIComponent(k.account);
  const q = new URLSearchParams({ secret: k.secret, issuer: k.issuer });
  if (k.algorithm !== 'SHA1') q.set('algorithm', k.algorithm);
  if (k.digits !== 6) q.set('digits', String(k.digits));
  if (k.period !== 30) q.set('period', String(k.period));
  return `otpauth://totp/${label}?${q}`;
}

/** Recovery codes shown on the pages (GitHub: 16 of xxxxx-xxxxx; Google: 10 of "1234 5678"; Vercel: 8 grouped). */
export const recoveryCodes = {
  github: ['3f9a1-c27e4', '8b0d5-61fa9', 'a4e7c-0b938', '52cd8-f1e07', '9e61b-4d2ac', 'c0f83-7a5e1', '1d7e9-b8c40', '6ab24-e93f5',
    'f58c0-2d716', '07b3e-a9c58', 'e2d96-53b0f', '4c1fa-8e6d2', 'b9a07-1f3ce', '75e2d-c04a9', 'd3b81-6f7e0', '2a6fc-95d1b'],
  google: ['4821 0937', '7305 6612', '1958 4470', '6024 8391', '3776 1059', '8140 2265', '5593 7048', '2617 9934', '9082 3516', '0469 5781'],
  vercel: ['KQ7M-2XRT', 'P4WZ-9HNB', 'L3YC-6DGF', 'E5SA-8UQJ', 'V2TN-4MKX', 'R6HB-7PLW', 'C9DG-3FES', 'J8UQ-5AZY'],
};

function page(id, url, note, extra = {}) {
  return { id, url, note, ...extra };
}

/**
 * Setup pages where one click on the offer must save the key. `name` is the
 * entry the host derives (registrable domain / account); `source` is where
 * the scanner must have found the key; `via` says how the save is clicked.
 */
export const setupPages = [
  page('github-qr-img', 'https://github.com/settings/two_factor_authentication/setup/intro', 'GitHub: same-origin QR <img>, a "setup key" link that shows the key in a dialog',
    { key: setupKeys.github, name: 'github.com/alice', source: 'img' }),
  page('google-canvas', 'https://myaccount.google.com/two-step-verification/authenticator', 'Google: QR drawn on a <canvas> by the page\'s script, "Can\'t scan it?"',
    { key: setupKeys.google, name: 'google.com/alice@gmail.com', source: 'canvas' }),
  page('gitlab-svg', 'https://gitlab.com/-/profile/two_factor_auth', 'GitLab: inline <svg> QR inserted by the page\'s script, key below',
    { key: setupKeys.gitlab, name: 'gitlab.com/alice@example.com', source: 'svg' }),
  page('dropbox-cross-origin', 'https://www.dropbox.com/account/security/two_step', 'Dropbox: QR <img> from another host (qr.dropboxstatic.com), no CORS: read from a capture of the tab',
    { key: setupKeys.dropbox, name: 'dropbox.com/alice@example.com', source: 'capture' }),
  page('npm-text-key', 'https://www.npmjs.com/settings/alice/tfa', 'npm: no QR, only the key as text in groups ("enter this code manually")',
    { key: setupKeys.npm, name: 'npmjs.com/alice', source: 'key' }),
  page('fastmail-link', 'https://app.fastmail.com/settings/security/totp', 'Fastmail: an otpauth:// link ("open in your authenticator app")',
    { key: setupKeys.fastmail, name: 'fastmail.com/alice@fastmail.com', source: 'link' }),
  page('nordbank-sha256', 'https://online.nordbank.com/security/authenticator/setup', 'Nordbank: data-URL QR <img>, SHA256, 8 digits, 60 s',
    { key: setupKeys.nordbank, name: 'nordbank.com/alice', source: 'img' }),
  page('vercel-spa', 'https://vercel.com/account/security', 'Vercel: single-page app; the QR appears after "Enable", recovery codes after "Continue"',
    { key: setupKeys.vercel, name: 'vercel.com/alice', source: 'img', spa: true }),
];

/** Pages the suite uses for one case each. */
export const setupSpecial = {
  githubRecovery: page('github-recovery', 'https://github.com/settings/auth/recovery-codes', 'GitHub: 16 recovery codes xxxxx-xxxxx (entry saved by github-qr-img)',
    { codes: recoveryCodes.github, name: 'github.com/alice' }),
  googleRecovery: page('google-recovery', 'https://myaccount.google.com/two-step-verification/backup-codes', 'Google: 10 backup codes "1234 5678" (entry saved by google-canvas)',
    { codes: recoveryCodes.google, name: 'google.com/alice@gmail.com' }),
  overwrite: page('stripe-overwrite', 'https://dashboard.stripe.com/settings/user/two-factor', 'Stripe: the entry exists: a second, explicit confirmation, then undo restores it',
    { key: setupKeys.stripe, name: 'stripe.com/alice', source: 'img', existing: existingEntries[0] }),
  undo: page('atlassian-undo', 'https://id.atlassian.com/manage-profile/security/two-step-verification', 'Atlassian: saved, then undone: the new entry is removed',
    { key: setupKeys.atlassian, name: 'atlassian.com/alice', source: 'img' }),
  popup: page('paypal-tainted-canvas', 'https://www.paypal.com/myaccount/security/two-step', 'PayPal: cross-origin image drawn on a <canvas> (tainted): capture; saved from the popup',
    { key: setupKeys.paypal, name: 'paypal.com/alice@example.com', source: 'capture' }),
  qrLate: page('gitlab-svg-late', 'https://gitlab.com/-/profile/two_factor_auth?qr=late', 'GitLab: the QR code arrives after the key shown as text was offered: it replaces the key in the offer',
    { key: setupKeys.gitlab, name: 'gitlab.com/alice@example.com', source: 'svg' }),
  attack: page('attack', 'https://account.shopwise.example/security/2fa', 'a page whose script tries to read and click the offer',
    { key: setupKeys.attack, name: 'shopwise.example/alice' }),
  // e2e/test/clickjack.test.js: ?v=<trick>; the key's account (and the entry) is alice-<trick>.
  clickjack: page('clickjack', 'https://account.trapshop.example/security/2fa', 'a page that tries to get a real click onto the offer while showing something else',
    { name: 'trapshop.example/alice-' }),
};

/**
 * Recovery codes on a site with no entry (its 2FA is by text message): the
 * offer proposes a new entry of the codes alone, SITE/ACCOUNT with the
 * account the page shows (Facebook shows none: the user completes the
 * name), Save creates it, and the site's own 2FA page (`login`) is then not
 * auto-filled with anything.
 */
export const recoveryOnlyPages = [
  page('linkedin-sms-recovery', 'https://www.linkedin.com/mypreferences/d/two-factor-authentication', 'LinkedIn: two-step verification by SMS, 10 recovery codes of 8 letters and digits, "Signed in as alice@example.com"',
    { codes: ['k7w2m9qa', 'p3x8d4tn', 'b6r1z5hc', 'u9f2j7ve', 'm4s8y3lg', 'e1t6q2wr', 'h5n9c7kd', 'z2a4v8pb', 'q8k3g1ms', 'w6d7x4fy'],
      proposed: 'linkedin.com/alice@example.com', name: 'linkedin.com/alice@example.com', login: 'https://www.linkedin.com/checkpoint/challenge/verify' }),
  page('facebook-sms-recovery', 'https://www.facebook.com/security/2fac/recovery_codes', 'Facebook: two-factor by SMS, 10 recovery codes "1234 5678", the account shown by its profile name only',
    { codes: ['7312 0485', '5920 3361', '0847 2296', '6631 9078', '2285 4410', '9154 7723', '4406 1839', '1768 5502', '8093 6647', '3529 0914'],
      proposed: 'facebook.com', name: 'facebook.com/alice.example', login: 'https://www.facebook.com/checkpoint/' }),
];

/** Pages that must show no offer. */
export const noOfferPages = [
  page('no-secret', 'https://github.com/settings/security', 'GitHub security settings: 2FA words, an avatar image, no secret'),
  page('url-qr', 'https://app.asana.com/-/mobile', 'a QR code of an ordinary https URL ("get the mobile app")'),
];

/** Hosts the setup pages need (served from fixtures/sites/<host>/). */
export function setupHosts() {
  const hosts = new Set(['qr.dropboxstatic.com', 'www.paypalobjects.com']);
  for (const p of [...setupPages, ...Object.values(setupSpecial), ...noOfferPages, ...recoveryOnlyPages]) hosts.add(new URL(p.url).hostname);
  return [...hosts];
}
