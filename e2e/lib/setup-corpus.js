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
  // Manual-key pages of identity servers: parameters stated only in text (issue 13 item 6); issuer = the site.
  keycloak: key('keycloak', { issuer: 'acmecorp.com', account: 'alice@acmecorp.com', secret: '5T34YGD4GC2CBO4DMEVN7MQ7T7XMQAHT', algorithm: 'SHA256', digits: 8, period: 60 }),
  authelia: key('authelia', { issuer: 'nordlight.io', account: 'alice', secret: 'K6OIUTTOAJEHN2RJUXPVII3FUO6M3TJQ', algorithm: 'SHA512', digits: 8 }),
  freeipa: key('freeipa', { issuer: 'hausmann.net', account: 'alice', secret: 'FI4BVJBB33FVLIBVYZVW2S2BULG3UZ5Q', algorithm: 'SHA256', period: 60 }),
  // Frames (item 5): the secret is shown in a same-site frame.
  zoho: key('zoho', { issuer: 'Zoho', account: 'alice@zohomail.com', secret: 'SNWO37GLO7WW4AMR7IOBPT5MIGB6JXJE' }),
  ovh: key('ovh', { issuer: 'OVHcloud', account: 'ab12345-ovh', secret: 'BCYRSZLL65YGJV3IV6CIPSPW3HUUPVFT' }),
  // A wizard whose last step shows one long recovery code (item 8).
  bitwarden: key('bitwarden', { issuer: 'Bitwarden', account: 'alice@example.com', secret: 'OZ5ILBL6SOG3ILFPDX43ACLMZIIT2RT2' }),
  x: key('x', { issuer: 'X', account: 'alice', secret: 'MVLS4H6TPARTF5OMWWIOKYDHNEZENKAD' }),
  discord: key('discord', { issuer: 'Discord', account: 'alice', secret: 'JVRVWJUTIO6D6ZLFV32JGB3KR4NBFGUP' }),
  reddit: key('reddit', { issuer: 'Reddit', account: 'alice', secret: 'O5ALD6QWL4B6VS474ALO5TOWJBORZ2FQ' }),
  amazon: key('amazon', { issuer: 'Amazon', account: 'alice@example.com', secret: 'N7MTJHI7WZJGY33WBE3QSQXGGZETQLVH' }),
  microsoft: key('microsoft', { issuer: 'live.com', account: 'alice@outlook.com', secret: 'ZRQB2INFUWKZ7KWA' }),
  cloudflare: key('cloudflare', { issuer: 'Cloudflare', account: 'alice@example.com', secret: 'VEWATNIOW3GSONCDDN4DHXLXIYJ6L3DK' }),
  digitalocean: key('digitalocean', { issuer: 'DigitalOcean', account: 'alice@example.com', secret: 'NFXEW6FFL3EBX35R2UTKSVUWPP5K5NOE' }),
  hetzner: key('hetzner', { issuer: 'Hetzner', account: 'alice', secret: 'UQVQ7UDWLW3UGZSQ7R7J6U4BA3555GPR' }),
  linode: key('linode', { issuer: 'Linode', account: 'alice', secret: 'RVZKM2WQ5NJ4DO5XLPZGDERQH2WSSV6H' }),
  namecheap: key('namecheap', { issuer: 'namecheap.com', account: 'alice', secret: 'SZZJA3Q3VAXY3B33E2HLNFJX5ZZWNQOF' }),
  coinbase: key('coinbase', { issuer: 'Coinbase', account: 'alice@example.com', secret: 'DYDEG7HA46R4WMXNM2F2LB63TLSVGLIN' }),
  kraken: key('kraken', { issuer: 'Kraken', account: 'alice', secret: 'JU3AW7ZCLJFYD4TOZJYVAKRYEBNFTZT6' }),
  bitbucket: key('bitbucket', { issuer: 'Bitbucket', account: 'alice', secret: '2CNC5DBNWVC5YV3QGXDCYTH2VZTKNLSB' }),
  pypi: key('pypi', { issuer: 'PyPI', account: 'alice', secret: 'UT43CJ6LYVOPXUZDVMANRJYGWV4MUBV4' }),
  sentry: key('sentry', { issuer: 'Sentry', account: 'alice@example.com', secret: 'ZL4KQTOBHU3SAQZC5LX77XOOLWFRL4RG' }),
  slack: key('slack', { issuer: 'Slack', account: 'alice@acme.com', secret: 'RDFR5R6W7AISWDWOPRW4R2WIWDTKM5ZL' }),
  zoom: key('zoom', { issuer: 'Zoom', account: 'alice@example.com', secret: 'A23724GOLCHPQ6PIWBXAOUXLAC25HNG3' }),
  codeberg: key('codeberg', { issuer: 'Codeberg', account: 'alice', secret: 'WBKA6KU7JQTIDE3II2KQVHLGOXRRQIJG' }),
  wordpress: key('wordpress', { issuer: 'WordPress.com', account: 'alice', secret: 'SJOSZU5PKSQQU562DCWLRJ4HVE4GZCDA' }),
  nextcloud: key('nextcloud', { issuer: 'Nextcloud', account: 'alice', secret: 'G44Q6QBVJ2UCXCUR2MJTDGZEWG266BKX' }),
  docker: key('docker', { issuer: 'Docker', account: 'alice', secret: '724DQE6AA3QGI45LEGAN4ZRXT6YZWKXQ' }),
  // Decoy (cross-site frame): an ad frame of another site shows an otpauth QR code; never scanned.
  adframe: key('adframe', { issuer: 'AdNet', account: 'victim', secret: 'SXBNCOZEPYSRACGTRHO2TRVBNL6QTYMH' }),
};

/** An entry already in each browser's store before the suite: saving over it needs the second confirmation. */
export const existingEntries = [
  { name: 'stripe.com/alice', issuer: 'Stripe', account: 'alice', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', ...std },
  // The site's single exact match: the recovery key page of dashlane.com goes there (confirmed in the popup).
  { name: 'dashlane.com/alice@example.com', issuer: 'Dashlane', account: 'alice@example.com', secret: '6D3LASSRXMOBB2QHCNCSJKOYQ3S3FHPZ', ...std },
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
  docker: ['4hx2-p7qk', 'm3za-92wd', 'tr6v-k8ce', 'ub5n-3yqf', 'w7gd-4mpx', 'e2ks-9rhv', 'n6tq-5wab', 'c8yf-2jzm'],
  // One long code each, base32-shaped: a recovery code, never a TOTP secret (issue 13 item 8).
  bitwarden: ['KE4E 6PPT FQJU 6FDV GDOH GV62 35QD A44B'],
  dashlane: ['QM7X-4KTR-2WZB-N6HP-LY3C-DGFE'],
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
  // Manual-key pages with parameters stated only in text (issue 13 item 6).
  page('keycloak-manual', 'https://sso.acmecorp.com/realms/acme/login-actions/required-action?execution=CONFIGURE_TOTP&mode=manual', 'Keycloak login-config-totp, "Unable to scan?" mode: grouped key, Type/Algorithm/Digits/Interval listed (SHA256, 8, 60)',
    { key: setupKeys.keycloak, name: 'acmecorp.com/alice@acmecorp.com', source: 'key' }),
  page('authelia-manual', 'https://auth.nordlight.io/settings/two-factor-authentication', 'Authelia one-time password registration, "Manual" tab: secret text, Algorithm SHA512 and 8 digits in a table',
    { key: setupKeys.authelia, name: 'nordlight.io/alice', source: 'key' }),
  page('freeipa-manual', 'https://ipa.hausmann.net/ipa/ui/otp-token', 'FreeIPA web UI: OTP token details, dashed key, "Algorithm: sha256", "Clock interval: 60"',
    { key: setupKeys.freeipa, name: 'hausmann.net/alice', source: 'key' }),
  // Same-site frames (issue 13 item 5): the offer is shown in the frame, the save is bound to the frame's URL.
  page('zoho-frame', 'https://mail.zoho.com/zm/settings/security', 'Zoho Mail settings framing accounts.zoho.com\'s MFA setup (another host, same site): QR <img> in the frame',
    { key: setupKeys.zoho, name: 'zoho.com/alice@zohomail.com', source: 'img', frame: 'https://accounts.zoho.com/home/mfa/totp-setup' }),
  page('ovh-frame', 'https://www.ovh.com/manager/dedicated/useraccount/security', 'OVHcloud manager: the legacy 2FA page in a same-origin iframe, QR drawn on a <canvas>',
    { key: setupKeys.ovh, name: 'ovh.com/ab12345-ovh', source: 'canvas', frame: 'https://www.ovh.com/manager/legacy/double-auth/totp.html' }),
  // A wizard whose last step shows one long recovery code (issue 13 item 8): saved as a recovery code.
  page('bitwarden-wizard', 'https://vault.bitwarden.com/settings/security/two-factor', 'Bitwarden web vault: "Authenticator app" dialog (QR <img> and key), then "View recovery code": one 32-character code in groups',
    { key: setupKeys.bitwarden, name: 'bitwarden.com/alice@example.com', source: 'img', spa: true, recovery: recoveryCodes.bitwarden }),
  page('docker-wizard', 'https://app.docker.com/settings/account-settings/two-factor', 'Docker Hub: "Enable 2FA" wizard, password step, then QR <img>; recovery codes on the next step',
    { key: setupKeys.docker, name: 'docker.com/alice', source: 'img', spa: true, recovery: recoveryCodes.docker }),
  page('x-img', 'https://x.com/settings/account/login_verification/enrollment', 'X (Twitter): "Link the app to your X account" QR <img>, "Can\'t scan the QR code?" key',
    { key: setupKeys.x, name: 'x.com/alice', source: 'img' }),
  page('discord-svg', 'https://discord.com/settings/account/mfa', 'Discord: "Enable Two-Factor Auth" modal, inline <svg> QR and a "2FA key (manual entry)"',
    { key: setupKeys.discord, name: 'discord.com/alice', source: 'svg' }),
  page('reddit-dataimg', 'https://www.reddit.com/2fa/enable', 'Reddit: QR as a data: URL <img>',
    { key: setupKeys.reddit, name: 'reddit.com/alice', source: 'img' }),
  page('amazon-img', 'https://www.amazon.com/a/settings/approval/setup/register', 'Amazon: "Authenticator App" option, QR <img>, "Can\'t scan the barcode?"',
    { key: setupKeys.amazon, name: 'amazon.com/alice@example.com', source: 'img' }),
  page('microsoft-key', 'https://account.live.com/proofs/AddTotp', 'Microsoft account: "Can\'t scan image?" mode, account name and a 16-character secret key only',
    { key: setupKeys.microsoft, name: 'live.com/alice@outlook.com', source: 'key' }),
  page('cloudflare-svg', 'https://dash.cloudflare.com/profile/authentication', 'Cloudflare dashboard: "Mobile App Authentication", inline <svg> QR',
    { key: setupKeys.cloudflare, name: 'cloudflare.com/alice@example.com', source: 'svg' }),
  page('digitalocean-canvas', 'https://cloud.digitalocean.com/account/security', 'DigitalOcean: "Set up two-factor authentication", QR on a <canvas>',
    { key: setupKeys.digitalocean, name: 'digitalocean.com/alice@example.com', source: 'canvas' }),
  page('hetzner-link', 'https://accounts.hetzner.com/account/security/otp', 'Hetzner accounts: an otpauth:// link ("open in an authenticator app on this device") beside the key',
    { key: setupKeys.hetzner, name: 'hetzner.com/alice', source: 'link' }),
  page('linode-img', 'https://login.linode.com/profile/auth/tfa', 'Linode (Akamai) Cloud Manager: QR <img> and "Secret Key"',
    { key: setupKeys.linode, name: 'linode.com/alice', source: 'img' }),
  page('namecheap-key', 'https://www.namecheap.com/myaccount/twofa/totp/setup', 'Namecheap: "TOTP via authenticator app", key only with the username',
    { key: setupKeys.namecheap, name: 'namecheap.com/alice', source: 'key' }),
  page('coinbase-canvas', 'https://www.coinbase.com/settings/security/2fa/authenticator', 'Coinbase: QR drawn on a <canvas> in a dialog, "Copy code" key',
    { key: setupKeys.coinbase, name: 'coinbase.com/alice@example.com', source: 'canvas' }),
  page('kraken-img', 'https://www.kraken.com/u/security/2fa/totp', 'Kraken: "Authenticator app" QR <img>, setup key below',
    { key: setupKeys.kraken, name: 'kraken.com/alice', source: 'img' }),
  page('bitbucket-img', 'https://bitbucket.org/account/settings/two-step-verification/', 'Bitbucket: "Two-step verification" QR <img> (Atlassian markup), key in a <code>',
    { key: setupKeys.bitbucket, name: 'bitbucket.org/alice', source: 'img' }),
  page('pypi-img', 'https://pypi.org/manage/account/totp-provision', 'PyPI (Warehouse): QR <img> served from /manage/account/totp-provision/image, "Can\'t scan?" key',
    { key: setupKeys.pypi, name: 'pypi.org/alice', source: 'img' }),
  page('sentry-svg', 'https://sentry.io/settings/account/security/mfa/totp/enroll/', 'Sentry: TOTP enrolment, inline <svg> QR from a React component, "Authenticator secret"',
    { key: setupKeys.sentry, name: 'sentry.io/alice@example.com', source: 'svg' }),
  page('slack-img', 'https://acme.slack.com/account/settings/two_factor', 'Slack: "Use an authentication app", QR <img>, "Can\'t scan the code?"',
    { key: setupKeys.slack, name: 'slack.com/alice@acme.com', source: 'img' }),
  page('zoom-dataimg', 'https://zoom.us/profile/setting/2fa', 'Zoom: two-factor setup dialog, QR as a data: URL <img>',
    { key: setupKeys.zoom, name: 'zoom.us/alice@example.com', source: 'img' }),
  page('codeberg-dataimg', 'https://codeberg.org/user/settings/security/two_factor/enroll', 'Codeberg (Forgejo): QR as a data: URL <img>, "Secret: …"',
    { key: setupKeys.codeberg, name: 'codeberg.org/alice', source: 'img' }),
  page('wordpress-link', 'https://wordpress.com/me/security/two-step', 'WordPress.com: two-step setup, an otpauth:// link for phones, QR hidden on small screens',
    { key: setupKeys.wordpress, name: 'wordpress.com/alice', source: 'link' }),
  page('nextcloud-svg', 'https://cloud.familie-meier.de/settings/user/security', 'Nextcloud: TOTP app settings, inline <svg> QR and "Your new TOTP secret is: …"',
    { key: setupKeys.nextcloud, name: 'familie-meier.de/alice', source: 'svg' }),
];

/** Pages the suite uses for one case each. */
export const setupSpecial = {
  githubRecovery: page('github-recovery', 'https://github.com/settings/auth/recovery-codes', 'GitHub: 16 recovery codes xxxxx-xxxxx (entry saved by github-qr-img)',
    { codes: recoveryCodes.github, name: 'github.com/alice' }),
  googleRecovery: page('google-recovery', 'https://myaccount.google.com/two-step-verification/backup-codes', 'Google: 10 backup codes "1234 5678" (entry saved by google-canvas)',
    { codes: recoveryCodes.google, name: 'google.com/alice@gmail.com' }),
  overwrite: page('stripe-overwrite', 'https://dashboard.stripe.com/settings/user/two-factor', 'Stripe: the entry exists: a second, explicit confirmation in the toolbar popup, then undo restores it',
    { key: setupKeys.stripe, name: 'stripe.com/alice', source: 'img', existing: existingEntries[0] }),
  undo: page('atlassian-undo', 'https://id.atlassian.com/manage-profile/security/two-step-verification', 'Atlassian: saved, then undone: the new entry is removed',
    { key: setupKeys.atlassian, name: 'atlassian.com/alice', source: 'img' }),
  popup: page('paypal-tainted-canvas', 'https://www.paypal.com/myaccount/security/two-step', 'PayPal: cross-origin image drawn on a <canvas> (tainted): capture; saved from the popup',
    { key: setupKeys.paypal, name: 'paypal.com/alice@example.com', source: 'capture' }),
  qrLate: page('gitlab-svg-late', 'https://gitlab.com/-/profile/two_factor_auth?qr=late', 'GitLab: the QR code arrives after the key shown as text was offered: it replaces the key in the offer',
    { key: setupKeys.gitlab, name: 'gitlab.com/alice@example.com', source: 'svg' }),
  attack: page('attack', 'https://account.shopwise.example/security/2fa', 'a page whose script tries to read and click the offer',
    { key: setupKeys.attack, name: 'shopwise.example/alice' }),
  recoveryKey: page('dashlane-recovery-key', 'https://app.dashlane.com/settings/security/recovery-key', 'Dashlane-style account recovery key: one 24-character key in dashed groups (the site has an entry: confirmed in the popup); never offered as a TOTP key',
    { codes: recoveryCodes.dashlane, name: 'dashlane.com/alice@example.com' }),
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
  page('payment-qr', 'https://www.wellsbank.com/invoices/pay', 'an invoice with an EPC (SEPA credit transfer) QR code: "scan the QR code with your banking app"'),
  page('wifi-qr', 'https://router.fritz.box.example/wlan/guest', 'a router\'s guest Wi-Fi page (FRITZ!Box-like): a WIFI: QR code to "scan this" and join'),
  page('license-key', 'https://account.sublimehq.example/licenses', 'a software licence page: a base32-shaped licence key in dashed groups, a "scan the QR code" mobile-app hint'),
  page('api-key', 'https://console.hetzner.cloud/projects/1/security/api-tokens', 'API tokens settings beside the 2FA section ("recovery codes"): a base32-shaped API key'),
  page('cross-site-frame', 'https://www.techdigest.example/guides/two-factor', 'a guide page ("scan the QR code") with an ad frame of another site showing an otpauth QR code: the frame is never scanned',
    { adFrame: 'https://ads.adnet.example/serve/qr-demo.html' }),
];

/** Hosts the setup pages need (served from fixtures/sites/<host>/). */
export function setupHosts() {
  const hosts = new Set(['qr.dropboxstatic.com', 'www.paypalobjects.com']);
  for (const p of [...setupPages, ...Object.values(setupSpecial), ...noOfferPages, ...recoveryOnlyPages]) {
    for (const u of [p.url, p.frame, p.adFrame]) if (u) hosts.add(new URL(u).hostname);
  }
  return [...hosts];
}
