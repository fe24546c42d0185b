// Hostile pages (issue 9): a site that shows "recovery codes" of its own in
// the tab where a key was just saved on github.com, a page that frames the
// extension's web-accessible pages or navigates itself to them, and a same-site
// frame navigated to another site between the extension's choice of frame and
// its fill. The pages are in fixtures/sites/evil.example/ and
// fixtures/sites/www.wellsbank.com/hostile/.
//
// These secrets are test data, published here on purpose: they protect nothing.

const std = { algorithm: 'SHA1', digits: 6, period: 30 };

/** Hosts only these tests serve (the certificate and the browsers' name resolution need them). */
export const hostileHosts = ['evil.example'];

/** An entry in each browser's store before the suite (the bank whose frame is hijacked). */
export const bank = {
  name: 'wellsbank.com/alice',
  key: { issuer: 'Wells Bank', account: 'alice', secret: 'JV3WC2LMOFXXG5DBNZSWE4TBNZVQGZLB', ...std },
  page: 'https://www.wellsbank.com/hostile/frame-nav.html',
  frameHost: 'auth.wellsbank.com',
  evilFrame: 'https://evil.example/otp.html',
};

export const pages = {
  githubSetup: 'https://github.com/settings/two_factor_authentication/setup/intro',
  githubRecovery: 'https://github.com/settings/auth/recovery-codes',
  /** GitHub after "Generate new recovery codes": other codes, to replace the saved ones (and undo that). */
  githubRegenerated: 'https://github.com/settings/auth/regenerated',
  evilRecovery: 'https://evil.example/recovery-codes.html',
  evilFrames: 'https://evil.example/frames.html',
};

/** The codes GitHub's regenerated page shows. */
export const regeneratedCodes = ['0e4a7-91c3b', '10f2d-6b8a1', '23c9e-a4d05', '371b6-2e8f9', '4c5d0-9f3a7', '58a2f-4c1e6', '6b7e3-0d5a2', '72d8c-e6b14', '8f1a9-7c3d8', '946e0-b2f95', 'a9b5d-1a7c0', 'be3c8-5f0a6', 'c0a7f-d9b23', 'd5e1b-84c7d', 'ed6f2-3a0e9', 'f7c4a-e1d58'];

/** The codes the evil page shows (never to be saved anywhere). */
export const evilCodes = Array.from('0123456789abcdef', (c) => `${c}badc-0ffee`);
