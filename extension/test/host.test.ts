// The host connection against a fake native port: answers, errors, timeouts,
// disconnects and reconnects, without a browser.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

type Listener = (...a: unknown[]) => void;
class FakePort {
  sent: Record<string, unknown>[] = [];
  disconnected = false;
  private msg: Listener[] = [];
  private disc: Listener[] = [];
  onMessage = { addListener: (l: Listener) => this.msg.push(l) };
  onDisconnect = { addListener: (l: Listener) => this.disc.push(l) };
  postMessage(m: Record<string, unknown>) {
    this.sent.push(m);
  }
  disconnect() {
    this.disconnected = true;
  }
  answer(m: unknown) {
    for (const l of this.msg) l(m);
  }
  die(error?: string) {
    fake.lastError = error ? { message: error } : undefined;
    for (const l of this.disc) l(this);
    fake.lastError = undefined;
  }
}

const fake = {
  ports: [] as FakePort[],
  lastError: undefined as { message: string } | undefined,
};
(globalThis as Record<string, unknown>).chrome = {
  runtime: {
    connectNative(name: string) {
      assert.equal(name, "io.github.otpfill");
      const p = new FakePort();
      fake.ports.push(p);
      return p;
    },
    get lastError() {
      return fake.lastError;
    },
  },
};

let mod: typeof import("../src/background/host");
before(async () => {
  mod = await import("../src/background/host");
});
const last = () => fake.ports[fake.ports.length - 1]!;
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("host client", () => {
  it("sends {id, action, ...params} and resolves with the answer to that id", async () => {
    const h = new mod.HostClient();
    const p = h.request("match", { url: "https://github.com/" });
    const req = last().sent[0]!;
    assert.equal(req.action, "match");
    assert.equal(req.url, "https://github.com/");
    assert.equal(typeof req.id, "string");
    last().answer({ id: "someone-else", ok: true, protocol: 1, entries: [] });
    last().answer({ id: req.id, ok: true, protocol: 1, entries: [{ name: "github.com/a", store: "pass", strength: "exact" }] });
    const r = await p;
    assert.deepEqual(r.entries.map((e) => e.name), ["github.com/a"]);
    assert.deepEqual(h.status, { ok: true });
  });

  it("rejects with HostError carrying the code and candidates", async () => {
    const h = new mod.HostClient();
    const p = h.request("code", { url: "https://github.com/" });
    const id = last().sent[0]!.id;
    const candidates = [{ name: "a", store: "pass" }, { name: "b", store: "pass" }];
    last().answer({ id, ok: false, protocol: 1, error: { code: "ambiguous", message: "2 entries match", candidates } });
    await assert.rejects(p, (e: unknown) => e instanceof mod.HostError && e.code === "ambiguous" && e.candidates?.length === 2);
    assert.equal(h.status.ok, true, "an error answer is not a broken host");
  });

  it("fails pending requests with the browser's reason when the host cannot start, then reconnects", async () => {
    const h = new mod.HostClient();
    const p = h.request("hello", {});
    const first = last();
    first.die("Specified native messaging host not found.");
    await assert.rejects(p, (e: unknown) => e instanceof mod.HostUnavailable && /not found/.test((e as Error).message));
    assert.deepEqual(h.status, { ok: false, error: "Specified native messaging host not found." });
    const again = h.request("hello", {});
    assert.notEqual(last(), first, "a new port after a disconnect");
    last().answer({ id: last().sent[0]!.id, ok: true, protocol: 1, version: "1", stores: [] });
    await again;
    assert.deepEqual(h.status, { ok: true });
  });

  it("reads Firefox's port.error when there is no lastError", async () => {
    const h = new mod.HostClient();
    const p = h.request("hello", {});
    (last() as unknown as { error: { message: string } }).error = { message: "No such native application io.github.otpfill" };
    last().die();
    await assert.rejects(p, /No such native application/);
  });

  it("times out a request that gets no answer", async () => {
    const h = new mod.HostClient();
    await assert.rejects(h.request("match", { url: "https://x.example/" }, 20), (e: unknown) => e instanceof mod.HostUnavailable && /did not answer "match"/.test((e as Error).message));
  });

  it("refuses another protocol version", async () => {
    const h = new mod.HostClient();
    const p = h.request("hello", {});
    last().answer({ id: last().sent[0]!.id, ok: true, protocol: 2, version: "9", stores: [] });
    await assert.rejects(p, /protocol 2/);
    assert.equal(h.status.ok, false);
  });

  it("keeps one port for many requests and closes it when idle", async () => {
    const h = new mod.HostClient(undefined, 10);
    const before = fake.ports.length;
    const a = h.request("match", { url: "https://a.example/" });
    const b = h.request("match", { url: "https://b.example/" });
    assert.equal(fake.ports.length, before + 1);
    const port = last();
    for (const m of port.sent) port.answer({ id: m.id, ok: true, protocol: 1, entries: [] });
    await Promise.all([a, b]);
    await new Promise((r) => setTimeout(r, 30));
    assert.ok(port.disconnected);
    await tick();
  });
});
