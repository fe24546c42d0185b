// Decoding a QR code from pixels (jsQR), used in the page by the scanner and
// in the background for captures of the visible tab. Only otpauth://totp and
// otpauth://hotp content is returned: any other QR code is ignored.

import jsQR from "jsqr";
import { isOtpauth } from "./key";

/** RGBA pixels, as ImageData holds them. */
export interface Pixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** The otpauth URI in the pixels, or null. */
export function decodeOtpauth(px: Pixels): string | null {
  const r = jsQR(px.data, px.width, px.height, { inversionAttempts: "attemptBoth" });
  const text = r?.data ?? "";
  return isOtpauth(text) ? text.trim() : null;
}

/** The canvas size for drawing a source of w×h: small codes are scaled up, large ones down; a white margin added (the quiet zone a page may crop). */
export function layout(w: number, h: number): { scale: number; pad: number; width: number; height: number } {
  const longest = Math.max(w, h, 1);
  const scale = longest < 240 ? Math.ceil(240 / longest) : longest > 1000 ? 1000 / longest : 1;
  const pad = Math.round(Math.max(w, h) * scale * 0.08) + 4;
  return { scale, pad, width: Math.round(w * scale) + 2 * pad, height: Math.round(h * scale) + 2 * pad };
}

type Ctx = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/**
 * Draws a source into a fresh canvas with a white margin and decodes it.
 * Throws a SecurityError when the source is cross-origin (tainted canvas):
 * the caller falls back to a capture of the visible tab.
 */
export function decodeDrawable(
  make: (w: number, h: number) => { ctx: Ctx | null },
  draw: (ctx: Ctx, x: number, y: number, w: number, h: number) => void,
  w: number,
  h: number,
): string | null {
  const l = layout(w, h);
  const { ctx } = make(l.width, l.height);
  if (!ctx) return null;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, l.width, l.height);
  ctx.imageSmoothingEnabled = false;
  draw(ctx, l.pad, l.pad, Math.round(w * l.scale), Math.round(h * l.scale));
  return decodeOtpauth(ctx.getImageData(0, 0, l.width, l.height));
}
