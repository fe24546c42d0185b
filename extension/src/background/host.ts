// The connection to the otpfill native host: one port kept open while in use,
// request ids, a timeout per request, reconnect on the next request after a
// disconnect, and a status the popup can show when the host is missing or
// broken.

import { api } from "../shared/api";
import {
  type EntryRef,
  HOST_NAME,
  type HostAction,
  type HostErrorBody,
  type HostParams,
  type HostResults,
  type HostStatus,
  PROTOCOL,
} from "../shared/messages";

/** The host answered with an error (protocol v1 error object). */
export class HostError extends Error {
  readonly code: string;
  readonly candidates?: EntryRef[];
  constructor(body: HostErrorBody) {
    super(body.message || body.code);
    this.name = "HostError";
    this.code = body.code;
    if (Array.isArray(body.candidates)) this.candidates = body.candidates;
  }
}

/** The host could not be reached, went away, or did not answer in time. */
export class HostUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HostUnavailable";
  }
}

/** Timeouts: decrypting may wait for the user at a pinentry prompt, so codes get long. */
export const TIMEOUT_MS: Record<HostAction, number> = {
  hello: 10_000,
  list: 20_000,
  match: 10_000,
  code: 60_000,
  save: 60_000,
  save_recovery: 60_000,
  alias: 10_000,
  preview: 10_000,
  undo: 60_000,
};

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class HostClient {
  private port: chrome.runtime.Port | null = null;
  private pending = new Map<string, Pending>();
  private seq = 0;
  private idle: ReturnType<typeof setTimeout> | undefined;
  private answeredOnPort = false;
  /** Last known state: ok until a connection fails. */
  status: HostStatus = { ok: true };

  constructor(
    private readonly name = HOST_NAME,
    private readonly idleMs = 30_000,
  ) {}

  /** Sends one request and resolves with the result fields, or rejects with HostError or HostUnavailable. */
  request<A extends HostAction>(action: A, params: HostParams[A], timeoutMs = TIMEOUT_MS[action]): Promise<HostResults[A]> {
    let port: chrome.runtime.Port;
    try {
      port = this.connect();
    } catch (e) {
      return Promise.reject(this.fail(errorText(e)));
    }
    const id = `${Date.now().toString(36)}-${++this.seq}`;
    return new Promise<HostResults[A]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new HostUnavailable(`the otpfill host did not answer "${action}" within ${Math.round(timeoutMs / 1000)} s`));
        this.armIdle();
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        port.postMessage({ id, action, ...params });
      } catch (e) {
        this.pending.delete(id);
        clearTimeout(timer);
        reject(this.fail(errorText(e)));
      }
    });
  }

  private connect(): chrome.runtime.Port {
    if (this.port) return this.port;
    clearTimeout(this.idle);
    const port = api.runtime.connectNative(this.name);
    this.answeredOnPort = false;
    port.onMessage.addListener((m: unknown) => this.onMessage(m));
    port.onDisconnect.addListener((p) => {
      // Chromium reports why in runtime.lastError, Firefox in port.error.
      const why =
        api.runtime.lastError?.message ?? (p as chrome.runtime.Port & { error?: { message?: string } }).error?.message;
      if (this.port === port) this.port = null;
      const err = this.fail(why ?? "the otpfill host closed the connection", this.answeredOnPort && this.pending.size === 0);
      for (const [, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(err);
      }
      this.pending.clear();
    });
    this.port = port;
    return port;
  }

  /** Records a failure; a clean close after answers (idle exit) does not make the host broken. */
  private fail(message: string, clean = false): HostUnavailable {
    if (!clean) this.status = { ok: false, error: message };
    return new HostUnavailable(message);
  }

  private onMessage(m: unknown): void {
    if (typeof m !== "object" || m === null) return;
    const r = m as { id?: unknown; ok?: unknown; protocol?: unknown; error?: HostErrorBody };
    if (typeof r.id !== "string") return;
    const p = this.pending.get(r.id);
    if (!p) return; // answered after its timeout
    this.pending.delete(r.id);
    clearTimeout(p.timer);
    this.answeredOnPort = true;
    if (r.protocol !== PROTOCOL) {
      const err = this.fail(`the otpfill host speaks protocol ${String(r.protocol)}, this extension speaks ${PROTOCOL}: update both`);
      p.reject(err);
    } else {
      this.status = { ok: true };
      if (r.ok === true) p.resolve(m);
      else p.reject(new HostError(r.error ?? { code: "internal", message: "the host answered with an error it did not describe" }));
    }
    this.armIdle();
  }

  /** Closes the port after a quiet spell, so the host process does not linger. */
  private armIdle(): void {
    clearTimeout(this.idle);
    if (this.pending.size) return;
    this.idle = setTimeout(() => {
      if (this.pending.size || !this.port) return;
      this.port.disconnect();
      this.port = null;
    }, this.idleMs);
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
