/**
 * Set by build.mjs: true only in the e2e build (node build.mjs --test-hooks,
 * dist-e2e/), which marks the page (<html> attributes, filled fields) and the
 * background (otpfillTest globals) for the end-to-end tests. The release
 * build (dist/) has none of it: a page cannot tell the extension is there.
 */
declare const __OTPFILL_TEST_HOOKS__: boolean;
