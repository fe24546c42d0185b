// The fixture corpus: which page is served where, which pass entry exists for
// its site, and what the extension must do there. The pages themselves are in
// fixtures/sites/<host>/<path>.html; this file is the test's view of them.

import { setupHosts } from './setup-corpus.js';
import { hostileHosts } from './hostile.js';

/** TOTP defaults, as `pass otp insert` writes them when the URI omits them. */
const std = { algorithm: 'SHA1', digits: 6, period: 30 };

function entry(name, site, issuer, extra = {}) {
  const account = extra.account ?? name.split('/').pop();
  return { name, site, issuer, account, ...std, ...extra };
}

/** Every entry put in the throwaway pass store. */
export const entries = [
  entry('github.com/alice', 'github.com', 'GitHub'),
  // pass insert -m: password first, otpauth further down (browserpass habit).
  entry('gitlab.com/alice', 'gitlab.com', 'GitLab', { multiline: { password: 'correct horse battery staple' } }),
  entry('google.com/alice', 'accounts.google.com', 'Google', { account: 'alice@gmail.com' }),
  entry('2fa/microsoftonline.com/alice', 'login.microsoftonline.com', 'Microsoft', { account: 'alice@contoso.com' }),
  entry('aws.amazon.com/alice', 'signin.aws.amazon.com', 'Amazon Web Services'),
  entry('pypi.org/alice', 'pypi.org', 'PyPI'),
  entry('npmjs.com/alice', 'www.npmjs.com', 'npm'),
  entry('acme.okta.com/alice', 'acme.okta.com', 'Okta'),
  entry('paypal.com/alice', 'www.paypal.com', 'PayPal'),
  entry('stripe.com/alice', 'dashboard.stripe.com', 'Stripe'),
  entry('dropbox.com/alice', 'www.dropbox.com', 'Dropbox'),
  entry('x.com/alice', 'x.com', 'X'),
  entry('facebook.com/alice', 'www.facebook.com', 'Facebook'),
  entry('discord.com/alice', 'discord.com', 'Discord'),
  entry('reddit.com/alice', 'www.reddit.com', 'Reddit'),
  entry('cloudflare.com/alice', 'dash.cloudflare.com', 'Cloudflare'),
  entry('digitalocean.com/alice', 'cloud.digitalocean.com', 'DigitalOcean'),
  entry('heroku.com/alice', 'id.heroku.com', 'Heroku'),
  entry('atlassian.com/alice', 'id.atlassian.com', 'Atlassian'),
  entry('slack.com/alice', 'acme.slack.com', 'Slack'),
  entry('zoom.us/alice', 'zoom.us', 'Zoom'),
  entry('apple.com/alice', 'appleid.apple.com', 'Apple'),
  entry('www.amazon.com/alice', 'www.amazon.com', 'Amazon'),
  entry('proton.me/alice', 'account.proton.me', 'Proton'),
  entry('fastmail.com/alice', 'app.fastmail.com', 'Fastmail'),
  entry('bitbucket.org/alice', 'bitbucket.org', 'Bitbucket'),
  entry('codeberg.org/alice', 'codeberg.org', 'Codeberg'),
  entry('docker.com/alice', 'login.docker.com', 'Docker'),
  entry('linode.com/alice', 'login.linode.com', 'Linode'),
  entry('hetzner.com/alice', 'accounts.hetzner.com', 'Hetzner'),
  entry('ovh.com/alice', 'www.ovh.com', 'OVHcloud'),
  entry('namecheap.com/alice', 'www.namecheap.com', 'Namecheap'),
  entry('twitch.tv/alice', 'www.twitch.tv', 'Twitch'),
  entry('coinbase.com/alice', 'login.coinbase.com', 'Coinbase'),
  entry('kraken.com/alice', 'www.kraken.com', 'Kraken'),
  entry('salesforce.com/alice', 'login.salesforce.com', 'Salesforce'),
  entry('asana.com/alice', 'app.asana.com', 'Asana'),
  entry('hubspot.com/alice', 'app.hubspot.com', 'HubSpot'),
  entry('vultr.com/alice', 'my.vultr.com', 'Vultr'),
  entry('vercel.com/alice', 'vercel.com', 'Vercel'),
  entry('wellsbank.com/alice', 'www.wellsbank.com', 'Wells Bank'),
  entry('ionos.de/alice', 'login.ionos.de', 'IONOS'),
  entry('leboncoin.fr/alice', 'www.leboncoin.fr', 'leboncoin'),
  entry('mercadolibre.com/alice', 'www.mercadolibre.com', 'Mercado Libre'),
  entry('yahoo.co.jp/alice', 'login.yahoo.co.jp', 'Yahoo! JAPAN'),
  entry('aliyun.com/alice', 'signin.aliyun.com', 'Alibaba Cloud'),
  entry('vk.com/alice', 'id.vk.com', 'VK'),
  entry('allegro.pl/alice', 'allegro.pl', 'Allegro'),
  entry('acmecorp.com/alice', 'vpn.acmecorp.com', 'ACME VPN'),
  // SHA256, 8 digits, 60 s.
  entry('nordbank.com/alice', 'online.nordbank.com', 'Nordbank', { algorithm: 'SHA256', digits: 8, period: 60 }),
  // Two exact matches on one site: a chooser, never a guess.
  entry('notion.so/alice', 'www.notion.so', 'Notion'),
  entry('notion.so/work', 'www.notion.so', 'Notion', { account: 'alice@work.example' }),
  // Two exact matches on one site, named by account: the page shows which one is signing in.
  entry('live.com/alice@outlook.com', 'login.live.com', 'Microsoft'),
  entry('live.com/bob@outlook.com', 'login.live.com', 'Microsoft'),
  // Issuer/account naming: a weak match for weakco.com, offered, not filled.
  entry('Weakco/bob', 'weakco.com', 'Weakco'),
  // An exact match served over plain http: never auto-filled there.
  entry('retroboards.net/alice', 'forum.retroboards.net', 'RetroBoards'),
  // Manual fill paths.
  entry('render.com/alice', 'dashboard.render.com', 'Render'),
  entry('netlify.com/alice', 'app.netlify.com', 'Netlify'),
  // Steam Guard: encoder=steam, five characters of Steam's alphabet.
  entry('steampowered.com/alice', 'store.steampowered.com', 'Steam', { digits: 5, encoder: 'steam' }),
  // A 10 s period so the clipboard test sees a code expire quickly.
  entry('sentry.io/alice', 'sentry.io', 'Sentry', { period: 10 }),
  // Teaching a field: sites whose 2FA field detection does not find.
  entry('contoso.com/alice', 'gateway.contoso.com', 'Contoso Gateway'),
  entry('fabrikam.com/alice', 'dsm.fabrikam.com', 'Synology DSM'),
  // Fields known only by their surroundings, and more real-world markup (issue 13).
  entry('rocket.chat/alice', 'open.rocket.chat', 'Rocket.Chat'),
  // A homelab domain whose self-hosted apps (Proxmox, Home Assistant, Nextcloud, nginx-ui, tinyauth) share one entry.
  entry('nordlab.io/alice', 'pve.nordlab.io', 'nordlab'),
  entry('tuta.com/alice', 'app.tuta.com', 'Tuta'),
  entry('fluigidentity.com/alice', 'totvs.fluigidentity.com', 'Fluig Identity'),
  entry('miles-and-more.com/alice', 'account.miles-and-more.com', 'Miles & More'),
  entry('schwab.com/alice', 'www.schwab.com', 'Charles Schwab'),
  entry('fidelity.com/alice', 'digital.fidelity.com', 'Fidelity'),
  entry('pushover.net/alice', 'pushover.net', 'Pushover'),
  entry('voip.ms/alice', 'voip.ms', 'VoIP.ms'),
  entry('posteo.de/alice', 'posteo.de', 'Posteo'),
  entry('tornadovps.com/alice', 'my.tornadovps.com', 'Tornado VPS'),
  entry('helsinki.fi/alice', 'login.helsinki.fi', 'University of Helsinki'),
  entry('mailfence.com/alice', 'mailfence.com', 'Mailfence'),
  entry('ashesofcreation.com/alice', 'ashesofcreation.com', 'Ashes of Creation'),
  entry('clickup.com/alice', 'app.clickup.com', 'ClickUp'),
  entry('xing.com/alice', 'login.xing.com', 'XING'),
  entry('newegg.com/alice', 'secure.newegg.com', 'Newegg'),
  entry('binance.com/alice', 'accounts.binance.com', 'Binance'),
  entry('ubuntu.com/alice', 'login.ubuntu.com', 'Ubuntu One'),
  entry('backblaze.com/alice', 'secure.backblaze.com', 'Backblaze'),
  entry('gandi.net/alice', 'id.gandi.net', 'Gandi'),
  entry('mastodon.social/alice', 'mastodon.social', 'Mastodon'),
  entry('bitwarden.com/alice', 'vault.bitwarden.com', 'Bitwarden'),
  entry('epicgames.com/alice', 'www.epicgames.com', 'Epic Games'),
  entry('discourse.org/alice', 'meta.discourse.org', 'Discourse Meta'),
  entry('odoo.com/alice', 'www.odoo.com', 'Odoo'),
  entry('wordpress.org/alice', 'login.wordpress.org', 'WordPress.org'),
  entry('mattermost.com/alice', 'community.mattermost.com', 'Mattermost'),
  // Several accounts on one site, by user name: the one the page shows, or the one its login form just sent in this tab.
  entry('redhat.com/alice', 'sso.redhat.com', 'Red Hat'),
  entry('redhat.com/bob', 'sso.redhat.com', 'Red Hat'),
  entry('wolke.net/alice', 'auth.wolke.net', 'Wolke'),
  entry('wolke.net/bob', 'auth.wolke.net', 'Wolke'),
  entry('globex.com/alice', 'login.globex.com', 'Globex'),
  entry('globex.com/carol', 'login.globex.com', 'Globex'),
  entry('homelab-nas.net/admin', 'dsm.homelab-nas.net', 'Synology'),
  entry('homelab-nas.net/michelle', 'dsm.homelab-nas.net', 'Synology'),
  entry('homelab-nas.net/monique', 'dsm.homelab-nas.net', 'Synology'),
  entry('sr.ht/alice', 'meta.sr.ht', 'sourcehut'),
  entry('sr.ht/bob', 'meta.sr.ht', 'sourcehut'),
  entry('www.pythonanywhere.com/alice', 'www.pythonanywhere.com', 'PythonAnywhere'),
  entry('www.pythonanywhere.com/carol', 'www.pythonanywhere.com', 'PythonAnywhere'),
];

export const entryByName = new Map(entries.map((e) => [e.name, e]));

function page(id, url, entryName, note, extra = {}) {
  const e = entryByName.get(entryName);
  if (!e) throw new Error(`corpus: page ${id} names unknown entry ${entryName}`);
  return { id, url, entry: e, note, ...extra };
}

/** Pages where the extension must auto-fill the code and the page must see it. */
export const fillPages = [
  page('github', 'https://github.com/sessions/two-factor/app', 'github.com/alice', 'autocomplete=one-time-code, pattern, maxlength'),
  page('gitlab', 'https://gitlab.com/users/sign_in/two_factor', 'gitlab.com/alice', 'autocomplete=off, user[otp_attempt]; entry made with pass insert -m'),
  page('google', 'https://accounts.google.com/v3/signin/challenge/totp', 'google.com/alice', 'type=tel totpPin; entry for the parent domain'),
  page('microsoft', 'https://login.microsoftonline.com/common/SAS/ProcessAuth', '2fa/microsoftonline.com/alice', 'name=otc, maxlength 8; entry name with a 2fa/ prefix'),
  page('aws', 'https://signin.aws.amazon.com/signin/mfa', 'aws.amazon.com/alice', 'mfaCode, "MFA code"'),
  page('pypi', 'https://pypi.org/account/two-factor/', 'pypi.org/alice', 'totp_value'),
  page('npm', 'https://www.npmjs.com/login/otp', 'npmjs.com/alice', '"One-Time Password"'),
  page('okta', 'https://acme.okta.com/signin/verify/google/totp', 'acme.okta.com/alice', 'credentials.passcode, autocomplete=off'),
  page('paypal', 'https://www.paypal.com/authflow/twofactor/', 'paypal.com/alice', 'six split boxes, input events'),
  page('stripe', 'https://dashboard.stripe.com/login/totp', 'stripe.com/alice', 'six split boxes in two groups, paste handler'),
  page('dropbox', 'https://www.dropbox.com/login/two_factor', 'dropbox.com/alice', '"Security code"'),
  page('x', 'https://x.com/i/flow/login', 'x.com/alice', 'React-controlled name=text field, autocomplete=on'),
  page('facebook', 'https://www.facebook.com/checkpoint/', 'facebook.com/alice', 'approvals_code, placeholder "Login code"'),
  page('discord', 'https://discord.com/login/mfa', 'discord.com/alice', 'React-controlled, maxlength 10 (also takes backup codes)'),
  page('reddit', 'https://www.reddit.com/login/otp', 'reddit.com/alice', 'custom element host, light DOM field'),
  page('cloudflare', 'https://dash.cloudflare.com/two-factor', 'cloudflare.com/alice', 'twofactor_token'),
  page('digitalocean', 'https://cloud.digitalocean.com/login/two_factor', 'digitalocean.com/alice', 'otp_code, "Authentication code"'),
  page('heroku', 'https://id.heroku.com/login/two-factor', 'heroku.com/alice', 'placeholder "Verification code"'),
  page('atlassian', 'https://id.atlassian.com/login/mfa', 'atlassian.com/alice', 'otpCode, "Verification code"'),
  page('slack', 'https://acme.slack.com/checkpoint/2fa', 'slack.com/alice', '2fa_code'),
  page('zoom', 'https://zoom.us/signin/2fa', 'zoom.us/alice', 'six split boxes'),
  page('apple', 'https://appleid.apple.com/auth/verify/trusteddevice', 'apple.com/alice', 'six type=tel boxes, aria "Digit N"'),
  page('amazon', 'https://www.amazon.com/ap/mfa', 'www.amazon.com/alice', 'auth-mfa-otpcode, "Enter OTP"'),
  page('proton', 'https://account.proton.me/login/2fa', 'proton.me/alice', 'id=totp'),
  page('fastmail', 'https://app.fastmail.com/login/totp', 'fastmail.com/alice', '"Verification code"'),
  page('bitbucket', 'https://bitbucket.org/account/two-step-verification/', 'bitbucket.org/alice', 'id_otp_token (django-two-factor)'),
  page('codeberg', 'https://codeberg.org/user/two_factor', 'codeberg.org/alice', 'Gitea passcode'),
  page('dockerhub', 'https://login.docker.com/u/mfa-otp-challenge', 'docker.com/alice', 'Auth0 code field with pattern'),
  page('linode', 'https://login.linode.com/login/tfa', 'linode.com/alice', '"Token", tfa_code'),
  page('hetzner', 'https://accounts.hetzner.com/login/2fa', 'hetzner.com/alice', '"One-time password", _otp'),
  page('ovh', 'https://www.ovh.com/auth/2fa', 'ovh.com/alice', 'totp code, no label element (placeholder only)'),
  page('namecheap', 'https://www.namecheap.com/myaccount/login/2fa', 'namecheap.com/alice', 'TOTP code with aria-describedby help'),
  page('twitch', 'https://www.twitch.tv/login/2fa', 'twitch.tv/alice', 'authy_token, "Token"'),
  page('coinbase', 'https://login.coinbase.com/signin/2fa', 'coinbase.com/alice', 'type=tel inputmode=numeric'),
  page('kraken', 'https://www.kraken.com/sign-in/2fa', 'kraken.com/alice', '"2FA code", otp'),
  page('shadow', 'https://login.salesforce.com/verify', 'salesforce.com/alice', 'field inside an open shadow root (web component)'),
  page('react', 'https://app.asana.com/-/login/2fa', 'asana.com/alice', 'React-style controlled input with a value tracker'),
  page('vue', 'https://app.hubspot.com/login/2fa', 'hubspot.com/alice', 'Vue-style v-model.trim'),
  page('angular', 'https://my.vultr.com/login/2fa', 'vultr.com/alice', 'Angular-style FormControl with validators'),
  page('spa-late', 'https://vercel.com/login/2fa', 'vercel.com/alice', 'SPA adds the field 2 s after load'),
  page('iframe', 'https://www.wellsbank.com/login/', 'wellsbank.com/alice', 'field in a same-site iframe from auth.wellsbank.com', { frameHost: 'auth.wellsbank.com' }),
  page('german', 'https://login.ionos.de/2fa', 'ionos.de/alice', 'German labels'),
  page('french', 'https://www.leboncoin.fr/connexion/2fa', 'leboncoin.fr/alice', 'French labels'),
  page('spanish', 'https://www.mercadolibre.com/jms/login/2fa', 'mercadolibre.com/alice', 'Spanish labels'),
  page('japanese', 'https://login.yahoo.co.jp/config/2fa', 'yahoo.co.jp/alice', 'Japanese labels; co.jp public suffix'),
  page('chinese', 'https://signin.aliyun.com/mfa', 'aliyun.com/alice', 'Chinese labels'),
  page('russian', 'https://id.vk.com/auth/2fa', 'vk.com/alice', 'Russian labels'),
  page('polish', 'https://allegro.pl/logowanie/2fa', 'allegro.pl/alice', 'Polish labels'),
  page('password-type', 'https://vpn.acmecorp.com/remote/login', 'acmecorp.com/alice', 'type=password token field (FortiGate-style VPN)'),
  page('sha256-8', 'https://online.nordbank.com/2fa', 'nordbank.com/alice', 'SHA256, 8 digits, 60 s'),
  page('steam', 'https://store.steampowered.com/login/', 'steampowered.com/alice', 'Steam Guard: five letter-and-digit boxes, encoder=steam'),
  // Fields known only by their surroundings (issue 13, item 1).
  page('rocketchat', 'https://open.rocket.chat/home', 'rocket.chat/alice', 'modal over the login form; random id, placeholder, size=1 (not a split box)'),
  page('proxmox', 'https://pve.nordlab.io/', 'nordlab.io/alice', 'fixed ExtJS window over the login; generated id, caption a label-styled div'),
  page('tuta', 'https://app.tuta.com/login', 'tuta.com/alice', 'no id, no name; caption a label-styled element in a dialog'),
  page('fluig', 'https://totvs.fluigidentity.com/ui/login/mfa', 'fluigidentity.com/alice', 'Portuguese caption div and aria-describedby; Ember id'),
  page('miles-and-more', 'https://account.miles-and-more.com/login/2fa', 'miles-and-more.com/alice', 'Angular Material floating label after the field'),
  page('binance', 'https://accounts.binance.com/en/login/2fa', 'binance.com/alice', 'bare input in a dialog, caption div above'),
  // Reports from KeePassXC-Browser, Bitwarden and others (cited in each fixture).
  page('okta-answer', 'https://acme.okta.com/signin/verify/google/token-software-totp', 'acme.okta.com/alice', "Okta's older widget: name=answer, type=tel"),
  page('kraken-password', 'https://www.kraken.com/sign-in/2fa-password', 'kraken.com/alice', 'type=password 2FA field'),
  page('helsinki-password', 'https://login.helsinki.fi/idp/profile/SAML2/Redirect/SSO', 'helsinki.fi/alice', 'type=password fudis_otp_input'),
  page('mailfence-password', 'https://mailfence.com/sw/login/2fa', 'mailfence.com/alice', 'type=password name=code, caption says TOTP'),
  page('home-assistant', 'https://home.nordlab.io/auth/authorize', 'nordlab.io/alice', 'three nested open shadow roots; caption in the host tree'),
  page('pushover', 'https://pushover.net/login/login', 'pushover.net/alice', 'field rendered after an XHR'),
  page('nginx-ui', 'https://nginx.nordlab.io/login', 'nordlab.io/alice', 'modal mounted late, six unnamed boxes, no form'),
  page('schwab', 'https://www.schwab.com/client-home', 'schwab.com/alice', 'field in a same-site iframe from client.schwab.com', { frameHost: 'client.schwab.com' }),
  page('fidelity', 'https://digital.fidelity.com/prgw/digital/login/2fa', 'fidelity.com/alice', 'maxlength=6 inputmode=numeric, no other hint on the field'),
  page('voipms', 'https://voip.ms/signin/index.php', 'voip.ms/alice', 'six security_code boxes, size=1'),
  page('posteo', 'https://posteo.de/en/login', 'posteo.de/alice', 'six one-time-code boxes, hidden German label'),
  page('tornadovps', 'https://my.tornadovps.com/login', 'tornadovps.com/alice', 'input#otp.form-control'),
  page('ashes', 'https://ashesofcreation.com/en/login/2fa', 'ashesofcreation.com/alice', 'six boxes'),
  page('clickup', 'https://app.clickup.com/login/2fa', 'clickup.com/alice', 'six boxes, paste spread from the first'),
  page('tinyauth', 'https://tinyauth.nordlab.io/totp', 'nordlab.io/alice', 'shadcn InputOTP: one transparent input over six slots'),
  page('citrix', 'https://gateway.acmecorp.com/logon/LogonPoint/tmindex', 'acmecorp.com/alice', 'user name, password and passcode in one form'),
  page('nextcloud', 'https://cloud.nordlab.io/login/challenge/totp', 'nordlab.io/alice', 'name=challenge, type=tel'),
  page('xing', 'https://login.xing.com/tfa', 'xing.com/alice', 'tfa_code, "Security code"'),
  page('newegg', 'https://secure.newegg.com/identity/signin/2fa', 'newegg.com/alice', 'six boxes, aria "verify code N"'),
  page('ubuntu-one', 'https://login.ubuntu.com/two_factor_auth', 'ubuntu.com/alice', 'oath_token'),
  page('backblaze', 'https://secure.backblaze.com/user_signin_2fa', 'backblaze.com/alice', 'id=code, placeholder only'),
  page('gandi', 'https://id.gandi.net/en/login/2fa', 'gandi.net/alice', '"Two-factor authentication code"'),
  // More real sites' 2FA markup, each shape different (the fixture names the source it follows).
  page('mastodon', 'https://mastodon.social/auth/sign_in', 'mastodon.social/alice', 'type=number user[otp_attempt], hint mentions recovery codes'),
  page('bitwarden-vault', 'https://vault.bitwarden.com/#/2fa', 'bitwarden.com/alice', 'Angular FormControl, generated bit-input id, rendered after load'),
  page('authentik', 'https://authentik.nordlab.io/if/flow/default-authentication-flow/', 'nordlab.io/alice', 'three Lit shadow roots rendered after the challenge fetch; label in a fourth'),
  page('epic-games', 'https://www.epicgames.com/id/login/mfa', 'epicgames.com/alice', 'six code-input-N boxes, maxlength only, React state array'),
  page('discourse', 'https://meta.discourse.org/login', 'discourse.org/alice', 'type=tel #login-second-factor revealed in place of the credentials'),
  page('odoo', 'https://www.odoo.com/web/login/totp', 'odoo.com/alice', 'totp_token input with no type attribute'),
  page('wordpress-two-factor', 'https://login.wordpress.org/wp-login.php?action=validate_2fa', 'wordpress.org/alice', 'Two Factor plugin authcode, placeholder "123 456", pattern with a space'),
  page('mattermost', 'https://community.mattermost.com/login', 'mattermost.com/alice', 'React-controlled name=token, placeholder only, rendered after load'),
  // Several accounts on one site (issue 13, item 3): the user name the page shows picks the entry...
  page('keycloak-user', 'https://sso.redhat.com/auth/realms/redhat-external/login-actions/authenticate', 'redhat.com/bob', 'two entries; Keycloak shows the attempted user name bob'),
  page('authelia-user', 'https://auth.wolke.net/', 'wolke.net/alice', 'two entries; "Hi alice" over six boxes'),
  page('okta-identifier', 'https://login.globex.com/signin/verify', 'globex.com/carol', "two entries; Okta Identity Engine's identifier carol"),
  page('synology-user', 'https://dsm.homelab-nas.net/', 'homelab-nas.net/monique', 'three entries; read-only user name field monique'),
  // ...or the user name this tab's login form sent one page earlier.
  page('sourcehut-login', 'https://meta.sr.ht/login/totp', 'sr.ht/bob', 'two entries; the login form one page earlier sent bob',
    { login: { url: 'https://meta.sr.ht/login', fields: { '#username': 'bob', '#password': 'not-a-real-password' } } }),
  page('pythonanywhere-login', 'https://www.pythonanywhere.com/login/token/', 'www.pythonanywhere.com/carol', 'two entries; the login form one page earlier sent carol',
    { login: { url: 'https://www.pythonanywhere.com/login/', fields: { '#id_auth-username': 'carol', '#id_auth-password': 'not-a-real-password' } } }),
];

/** Pages with no 2FA field, on sites that DO have an exact entry: nothing may change. */
export const decoyPages = [
  page('promo', 'https://www.amazon.com/gp/buy/promo', 'www.amazon.com/alice', 'promo code, 6 chars'),
  page('postal', 'https://www.amazon.com/address/new', 'www.amazon.com/alice', 'ZIP code, numeric, maxlength 5'),
  page('giftcard', 'https://www.amazon.com/gc/redeem', 'www.amazon.com/alice', 'gift card claim code'),
  page('quantity', 'https://www.amazon.com/cart', 'www.amazon.com/alice', 'quantity, type=number'),
  page('coupon', 'https://www.dropbox.com/plans/coupon', 'dropbox.com/alice', 'coupon code'),
  page('captcha', 'https://www.reddit.com/register/captcha', 'reddit.com/alice', 'captcha, 6 characters'),
  page('search', 'https://github.com/search', 'github.com/alice', 'search box'),
  page('login', 'https://github.com/login', 'github.com/alice', 'username + password only'),
  page('recovery', 'https://github.com/sessions/two-factor/recovery', 'github.com/alice', '"Enter one of your recovery codes"'),
  page('sms-phone', 'https://accounts.google.com/signin/phone', 'google.com/alice', 'phone number for SMS, type=tel'),
  page('cvc', 'https://dashboard.stripe.com/settings/billing/card', 'stripe.com/alice', 'card CVC, numeric maxlength 4'),
  page('newsletter', 'https://about.gitlab.com/newsletter', 'gitlab.com/alice', 'newsletter email'),
  page('referral', 'https://www.coinbase.com/join', 'coinbase.com/alice', '6-character referral code'),
  page('card-pin', 'https://www.paypal.com/cards/pin', 'paypal.com/alice', 'card PIN, type=password numeric'),
  page('sort-code', 'https://www.paypal.com/myaccount/banks/add', 'paypal.com/alice', 'UK sort code, 6 digits'),
  page('backup-code', 'https://discord.com/login/mfa/backup', 'discord.com/alice', 'Discord 8-character backup code'),
  page('voucher', 'https://www.twitch.tv/redeem', 'twitch.tv/alice', 'gift card / voucher code'),
  page('radios', 'https://accounts.google.com/v3/signin/challenge/selection', 'google.com/alice', 'six radio buttons on a 2FA page (not split boxes)'),
  page('amount', 'https://www.paypal.com/myaccount/transfer/send', 'paypal.com/alice', 'amount field by caption, "security code" nearby'),
  page('promo-caption', 'https://www.namecheap.com/cart/promo', 'namecheap.com/alice', 'promo code known only by its caption'),
  page('captcha-number', 'https://www.ovh.com/contact/', 'ovh.com/alice', 'captcha website_code, "Type the above number"'),
  page('search-aria', 'https://gitlab.com/search', 'gitlab.com/alice', 'search field with only an aria-label'),
  page('phone-2fa', 'https://x.com/i/flow/two-factor-sms-enrollment', 'x.com/alice', 'phone number by caption on a 2FA page'),
  page('giftcard-pin', 'https://store.steampowered.com/account/redeemwalletcode', 'steampowered.com/alice', 'gift-card PIN by caption'),
  page('recovery-caption', 'https://gitlab.com/users/sign_in/recovery', 'gitlab.com/alice', 'recovery code known only by the text above it'),
];

/**
 * Pages that ask for a code the site sent (text message, e-mail, voice call,
 * another device), on sites with one exact TOTP entry: never auto-filled (a
 * wrong code burns an attempt), but offered, the inline button saying which
 * code it fills. channel: what the extension must read from the page.
 */
export const sentCodePages = [
  page('github-sms', 'https://github.com/sessions/two-factor/sms', 'github.com/alice', "GitHub's SMS step, field sms_totp", { channel: 'sms', asked: 'a code sent by text message' }),
  page('google-sms', 'https://accounts.google.com/v3/signin/challenge/ipp', 'google.com/alice', "Google's \"A text message with a 6-digit verification code was just sent\"", { channel: 'sms', asked: 'a code sent by text message' }),
  page('microsoft-sms', 'https://login.microsoftonline.com/common/SAS/EndAuth', '2fa/microsoftonline.com/alice', 'Microsoft\'s "We texted your phone", same otc field as the app step', { channel: 'sms', asked: 'a code sent by text message' }),
  page('amazon-email', 'https://www.amazon.com/ap/cvf/verify', 'www.amazon.com/alice', "Amazon's OTP sent to the e-mail address", { channel: 'email', asked: 'a code sent by e-mail' }),
  page('github-device', 'https://github.com/sessions/verified-device', 'github.com/alice', "GitHub's e-mailed device verification code", { channel: 'email', asked: 'a code sent by e-mail' }),
  page('apple-devices', 'https://appleid.apple.com/auth/verify/devices', 'apple.com/alice', "Apple's code sent to the trusted devices, six boxes", { channel: 'device', asked: 'a code shown on another device' }),
];

/** A page that switches between the SMS and app methods in place; it opens on SMS. */
export const switchPage = page('stripe-switch', 'https://dashboard.stripe.com/login/verify', 'stripe.com/alice', "Stripe's in-place switch between SMS and the authenticator app");

/** Lookalikes of github.com, served the GitHub 2FA page: never filled. */
export const lookalikeHosts = [
  'github.co',
  'github.com.evil.example',
  // "gіthub.com" with a Cyrillic і (U+0456): a homograph.
  new URL('https://g\u0456thub.com/').hostname,
];

/** Hosts served as another host's folder (the lookalikes copy GitHub). */
export const hostAliases = Object.fromEntries(lookalikeHosts.map((h) => [h, 'github.com']));

export const special = {
  chooser: page('chooser', 'https://www.notion.so/login/2fa', 'notion.so/alice', 'two exact matches'),
  // The same two-account site, with the account the page shows: that entry, filled (the other never).
  account: page('account', 'https://login.live.com/ppsecure', 'live.com/bob@outlook.com', 'two exact matches; the page shows bob@outlook.com'),
  weak: page('weak', 'https://weakco.com/login/2fa', 'Weakco/bob', 'Issuer/account entry'),
  http: page('http', 'http://forum.retroboards.net/ucp.php?mode=2fa', 'retroboards.net/alice', 'plain http page with an exact match'),
  command: page('command', 'https://dashboard.render.com/login/2fa', 'render.com/alice', 'keyboard shortcut fill'),
  contextMenu: page('context-menu', 'https://app.netlify.com/login/2fa', 'netlify.com/alice', 'context menu fill'),
  clipboard: page('clipboard', 'https://sentry.io/auth/2fa/', 'sentry.io/alice', '10 s period'),
  popup: page('popup', 'https://github.com/sessions/two-factor/app', 'github.com/alice', 'popup lists live codes'),
  // The fixture server sends a Date header 5 minutes ahead for ?e2e-skew=300.
  skewedClock: page('skewed-clock', 'https://store.steampowered.com/login/?e2e-skew=300', 'steampowered.com/alice', 'Date header 5 minutes ahead'),
  // 45 s ahead: within a period of the 60-second key, past one of the 30-second key.
  skewed60: page('skewed-60', 'https://online.nordbank.com/2fa?e2e-skew=45', 'nordbank.com/alice', 'Date header 45 s ahead, a 60-second key'),
  skewed30: page('skewed-30', 'https://github.com/sessions/two-factor/app?e2e-skew=45', 'github.com/alice', 'Date header 45 s ahead, a 30-second key'),
};

/**
 * Pages whose 2FA field detection does not find (no field, nothing filled),
 * each with the single exact entry of its site: the user fills by the context
 * menu, teaches the field in the popup, and it is auto-filled from then on.
 * field: the input the user right-clicks; selector: what is remembered.
 */
export const teachPages = [
  page('teach-citrix', 'https://gateway.contoso.com/logon/LogonPoint/tmindex.html', 'contoso.com/alice',
    'NetScaler Gateway nFactor dual password: a type=password passwd1 labelled "Password 2:"',
    { field: '#passwd1', selector: 'input[id="passwd1"]', site: 'contoso.com', path: '/logon/LogonPoint/tmindex.html' }),
  page('teach-synology', 'https://dsm.fabrikam.com/webman/index.cgi', 'fabrikam.com/alice',
    'Synology DSM ExtJS widget: generated id, no name, prompt drawn by CSS',
    {
      field: '#ext-comp-1043',
      selector: '[id="sds-login-dialog-form"] > div:nth-of-type(1) > div:nth-of-type(2) > div:nth-of-type(1) > input:nth-of-type(1)',
      site: 'fabrikam.com',
      path: '/webman/index.cgi',
    }),
];

/** A page with no 2FA field on a site with no entry: the popup lists recent, then all entries. */
export const noMatchPage = 'https://news.ycombinator.com/news?popup';

/** Pages for the speed figures: no OTP field, and a 10,000-element page. */
export const speedPages = {
  noField: 'https://news.ycombinator.com/news',
  big: 'https://en.wikipedia.org/wiki/List_of_everything',
};

/** Every host the servers answer for (and the certificate names). */
export function allHosts() {
  const hosts = new Set();
  for (const p of [...fillPages, ...decoyPages, ...sentCodePages, switchPage, ...Object.values(special), ...teachPages]) {
    hosts.add(new URL(p.url).hostname);
    if (p.login) hosts.add(new URL(p.login.url).hostname);
    if (p.frameHost) hosts.add(p.frameHost);
  }
  for (const h of lookalikeHosts) hosts.add(h);
  for (const u of Object.values(speedPages)) hosts.add(new URL(u).hostname);
  for (const h of setupHosts()) hosts.add(h); // the setup-capture pages (setup-corpus.js)
  for (const h of hostileHosts) hosts.add(h); // the hostile pages (hostile.js)
  return [...hosts].sort();
}
