// Injected on demand (teach.js), only after the user filled by hand a field
// the content script had not detected: builds the selector the popup may then
// remember for the site (content/teach.ts fieldSelector). Kept out of the
// content script, which runs in every frame. The content script left the
// input in its isolated world's global; this leaves the selector there for the
// background to read, and the page sees neither.

import { fieldSelector } from "./teach";

const g = globalThis as { otpfillTeachInput?: HTMLInputElement | null; otpfillTeachSelector?: string | null };
const el = g.otpfillTeachInput;
g.otpfillTeachInput = null;
g.otpfillTeachSelector = el?.isConnected ? fieldSelector(el) : null;
