// The offer's view, shared by offer.html (framed on the setup page) and the
// popup: what the host's preview says about the key the page shows (never the
// key itself), the entry name (editable here, in the extension's own page:
// the web page cannot set it), the store, and real <button>s that save. A
// save that meets an existing secret turns into a second, explicit
// confirmation. After saving: the current code, whether the site's
// verification field was filled, and Undo. Recovery codes: their count and a
// "Save recovery codes …" button. Replacing a secret or recovery codes an
// entry holds is confirmed in the popup only: the frame on the page says so.

import { api, send } from "../shared/api";
import type { ClickPoint, OfferRef, OfferView, SaveStore, SightCommand, ViewCommand } from "../shared/setup";
import { ARM_MS, OFFER_PORT, SIGHT_PORT } from "../shared/setup";

const STORE_LABEL: Record<SaveStore, string> = { pass: "pass", keyring: "the keyring", both: "pass and the keyring" };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...kids: (Node | string)[]) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...kids);
  return e;
}

function button(id: string, text: string, cls = ""): HTMLButtonElement {
  return el("button", { type: "button", id, className: cls, textContent: text });
}

function grouped(code: string): string {
  if (code.length === 6) return `${code.slice(0, 3)} ${code.slice(3)}`;
  if (code.length === 8) return `${code.slice(0, 4)} ${code.slice(4)}`;
  return code;
}

function storesText(stores: string[]): string {
  return stores.length ? stores.join(" and ") : "the store";
}

export interface OfferUi {
  /** The state, as a test hook on the root: loading, offer, confirm, saved, undone, error, empty. */
  state: string;
}

/**
 * Renders the offer into root and keeps it current. onSize reports the
 * content's height (the frame follows it); onEmpty runs when there is nothing
 * to offer (the popup then shows nothing).
 */
export function mountOffer(root: HTMLElement, ref: OfferRef, hooks: { onSize?: (h: number) => void; onEmpty?: () => void } = {}): void {
  const arm = "token" in ref ? armed(root) : null; // the popup is the browser's own: nothing to guard there
  /** A click on a button that saves, replaces or takes back: counted only while the frame is armed. */
  const guarded = (b: HTMLButtonElement, act: (at: ClickPoint | undefined) => void): HTMLButtonElement => {
    b.dataset.guarded = "";
    b.addEventListener("click", (e) => {
      if (!arm) return act(undefined);
      const counts = e.isTrusted && arm.now();
      // e2e build: which button a click reached, and whether it counted (inside the extension's frame: no page reads it).
      if (__OTPFILL_TEST_HOOKS__) root.dataset.clicked = `${b.id}:${counts ? "counted" : "ignored"}`;
      if (!counts) return;
      // A key press on the focused button has no pointer: its centre, which the page shows as the frame's too.
      const r = b.getBoundingClientRect();
      act(e.detail === 0 ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : { x: e.clientX, y: e.clientY });
    });
    return b;
  };
  let current: OfferView | null = null;
  let confirming: string[] | null = null;
  let nameTouched = false;
  /** The name the user typed for a new entry of recovery codes, kept across renders. */
  let recoveryName: string | undefined;
  let busy = false;
  let problem = "";
  let codeTimer = 0;

  const setState = (s: string) => {
    root.dataset.state = s;
  };

  const reportSize = () => hooks.onSize?.(Math.ceil(root.getBoundingClientRect().height) + 2);

  async function load(name?: string, store?: SaveStore, cancel = false): Promise<void> {
    const r = await send({ type: "offer-init", ref, ...(name !== undefined ? { name } : {}), ...(store ? { store } : {}), ...(cancel ? { cancel } : {}) });
    if ("error" in r) {
      current = null;
      problem = r.error;
      return render();
    }
    current = r;
    // A Replace pending for this name and store (a first click here, in the frame, or in the popup).
    confirming = r.secret?.confirm ?? null;
    render();
  }

  function secretCard(v: OfferView): HTMLElement | null {
    const s = v.secret;
    const saved = v.saved;
    if (saved && !saved.undone) return savedCard(v);
    if (!s) {
      if (!saved?.undone) return null;
      setState("undone");
      return el("div", {}, ...undoneNote(saved));
    }
    const card = el("section", { className: "card", id: "secret" });
    card.setAttribute("aria-labelledby", "secret-title");
    const title = el("h2", { id: "secret-title" }, `Save this site's 2FA key?`);
    const who = el("p", { className: "who" });
    who.append(el("strong", { id: "issuer", textContent: s.issuer || v.site }), s.account ? " · " : "", el("span", { id: "account", textContent: s.account }));
    const params = el("p", { className: "params", id: "params" });
    params.textContent = [s.type.toUpperCase(), s.algorithm, `${s.digits} digits`, s.period ? `${s.period} s` : ""].filter(Boolean).join(" · ");
    params.dataset.algorithm = s.algorithm;
    params.dataset.digits = String(s.digits);
    if (s.period) params.dataset.period = String(s.period);

    const name = el("input", { id: "name", type: "text", value: s.name, spellcheck: false, autocomplete: "off" });
    name.setAttribute("aria-label", "Entry name");
    name.addEventListener("input", () => {
      nameTouched = true;
      confirming = null;
    });
    name.addEventListener("change", () => void load(name.value.trim(), store.value as SaveStore));
    const store = el("select", { id: "store" });
    store.setAttribute("aria-label", "Store");
    for (const k of (v.available.length ? v.available : [v.store]) as SaveStore[]) {
      store.append(el("option", { value: k, textContent: k, selected: k === v.store }));
    }
    store.addEventListener("change", () => {
      confirming = null;
      void load(nameTouched ? name.value.trim() : undefined, store.value as SaveStore);
    });
    const fields = el("div", { className: "fields" }, el("label", { htmlFor: "name", textContent: "Name" }), name, el("label", { htmlFor: "store", textContent: "Store" }), store);

    card.append(title, who, params, fields);
    if (v.saved?.undone) card.prepend(...undoneNote(v.saved));
    const target = STORE_LABEL[v.store] ?? v.store;
    if (confirming && "token" in ref) {
      // Replacing is confirmed in the toolbar popup, which no page can cover or restyle.
      setState("confirm-in-popup");
      const warn = el("p", { className: "warn", id: "confirm-text", role: "alert" } as Partial<HTMLParagraphElement>);
      warn.textContent = `${name.value} already holds a 2FA secret in ${storesText(confirming)}. To replace it, open the otpfill toolbar button; or save under another name.`;
      const no = button("cancel", "Cancel");
      no.addEventListener("click", () => void load(undefined, undefined, true));
      card.append(warn, el("div", { className: "actions" }, no));
    } else if (confirming) {
      setState("confirm");
      const warn = el("p", { className: "warn", id: "confirm-text", role: "alert" } as Partial<HTMLParagraphElement>);
      warn.textContent = `${name.value} already holds a 2FA secret in ${storesText(confirming)}. Replacing it cannot be undone once you leave this page.`;
      const yes = button("confirm", `Replace existing secret in ${storesText(confirming)}`, "danger");
      const no = button("cancel", "Cancel");
      guarded(yes, (at) => void save(name.value.trim(), store.value as SaveStore, true, at));
      no.addEventListener("click", () => void load(undefined, undefined, true));
      card.append(warn, el("div", { className: "actions" }, yes, no));
    } else {
      setState("offer");
      if (s.exists.length) card.append(el("p", { className: "warn", id: "exists", textContent: `${s.name} already holds a 2FA secret in ${storesText(s.exists)}.` }));
      const go = button("save", `Save to ${target}`, "primary");
      guarded(go, (at) => void save(name.value.trim(), store.value as SaveStore, false, at));
      card.append(el("div", { className: "actions" }, go));
    }
    return card;
  }

  /** "The save was taken back", and what the host warned about the undo (not committed to git). */
  function undoneNote(saved: NonNullable<OfferView["saved"]>): HTMLElement[] {
    const out = [el("p", { className: "note", id: "undone" }, "The save was taken back.")];
    if (saved.undoWarning) out.push(el("p", { className: "warn", id: "undone-warning", textContent: saved.undoWarning }));
    return out;
  }

  function savedCard(v: OfferView): HTMLElement {
    const s = v.saved!;
    setState("saved");
    const card = el("section", { className: "card", id: "saved" });
    card.append(el("h2", { id: "saved-title" }, `Saved to ${storesText(s.stores)} as `, el("span", { id: "saved-name", textContent: s.name })));
    if (s.warning) card.append(el("p", { className: "warn", id: "saved-warning", textContent: s.warning }));
    const code = el("div", { className: "code-row" });
    const c = el("output", { id: "code", textContent: s.code ? grouped(s.code) : "—" });
    c.dataset.code = s.code ?? "";
    c.setAttribute("aria-label", s.code ? `current code ${s.code.split("").join(" ")}` : "no code");
    const bar = el("span", { className: "bar", id: "bar" }, el("span"));
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-label", "seconds left");
    code.append(c, bar);
    card.append(code);
    card.append(
      el("p", {
        className: "note",
        id: "verify",
        textContent: s.filled
          ? "Filled in the site's verification field: press the site's own button to finish."
          : "Type this code into the site's verification field to finish.",
      }),
    );
    if (s.canUndo) {
      const undo = button("undo", "Undo");
      undo.title = undo.dataset.help = "If the site rejects the code: take the save back";
      guarded(undo, (at) => void act(() => send({ type: "offer-undo", ref, ...(at ? { at } : {}) })));
      card.append(el("div", { className: "actions" }, undo, el("span", { className: "hint", textContent: "if the site rejects the code" })));
    }
    tickCode(c, bar, s.expiresAt, s.period);
    return card;
  }

  function tickCode(c: HTMLElement, bar: HTMLElement, expiresAt?: number, period?: number): void {
    clearInterval(codeTimer);
    if (!expiresAt || !period) {
      bar.hidden = true;
      return;
    }
    let exp = expiresAt;
    const paint = () => {
      const left = Math.max(0, exp - Date.now());
      (bar.firstElementChild as HTMLElement).style.width = `${Math.min(100, (left / (period * 1000)) * 100)}%`;
      bar.setAttribute("aria-valuenow", String(Math.ceil(left / 1000)));
      if (left <= 0 && !busy) {
        busy = true;
        void send({ type: "offer-code", ref })
          .then((r) => {
            if ("error" in r) return;
            c.textContent = grouped(r.code);
            c.dataset.code = r.code;
            if (r.expiresAt) exp = r.expiresAt;
          })
          .finally(() => {
            busy = false;
          });
      }
    };
    paint();
    codeTimer = setInterval(paint, 250) as unknown as number;
  }

  function recoveryCard(v: OfferView): HTMLElement | null {
    const r = v.recovery;
    if (!r) return null;
    const card = el("section", { className: "card", id: "recovery" });
    card.append(el("h2", { id: "recovery-title", textContent: r.count === 1 ? "A recovery code on this page" : `${r.count} recovery codes on this page` }));
    if (r.saved) {
      card.dataset.state = "saved";
      const was = r.saved.replaced ? ` They replace the ${r.saved.replaced} codes it held.` : "";
      card.append(el("p", { className: "ok", id: "recovery-saved", textContent: `Saved with ${r.saved.name} in ${storesText(r.saved.stores)}.${was}` }));
      if (r.saved.warning) card.append(el("p", { className: "warn", id: "recovery-warning", textContent: r.saved.warning }));
      if (r.canUndo) {
        const undo = button("undo-recovery", "Undo");
        undo.title = undo.dataset.help = r.saved.replaced ? "Put back the recovery codes that were there" : "Take these codes out again";
        guarded(undo, (at) => void act(() => send({ type: "offer-recovery-undo", ref, ...(at ? { at } : {}) })));
        card.append(el("div", { className: "actions" }, undo));
      }
      return card;
    }
    if (r.undone) card.append(el("p", { className: "note", id: "recovery-undone", textContent: "The save of these codes was taken back." }));
    if (r.undone && r.undoWarning) card.append(el("p", { className: "warn", id: "recovery-undone-warning", textContent: r.undoWarning }));
    if (r.target && r.create) return newRecoveryEntry(card, v, r.target);
    // No entry of this site saved here just now, nor a single one in the store: nothing to keep them with.
    if (!r.target) {
      card.dataset.state = "none";
      card.append(el("p", { className: "note", id: "recovery-none", textContent: `No entry of ${v.site} to keep them with. Save the site's 2FA key first.` }));
      return card;
    }
    // Replacing codes an entry may hold is confirmed in the toolbar popup, which no page can cover or restyle.
    if (r.confirm && "token" in ref) {
      card.dataset.state = "confirm-in-popup";
      card.append(el("p", { className: "warn", id: "recovery-confirm", textContent: `${r.target} may already hold recovery codes. To replace them, open the otpfill toolbar button.` }));
      return card;
    }
    card.dataset.state = r.confirm ? "confirm" : "offer";
    card.append(el("p", { className: "note", textContent: "Keep them with the 2FA key: they let you in if you lose it." }));
    const go = r.confirm
      ? button("replace-recovery", `Replace recovery codes in ${r.target}`, "danger")
      : button("save-recovery", `Save recovery codes to ${r.target}`, v.secret && !v.saved ? "" : "primary");
    if (r.confirm) card.append(el("p", { className: "warn", id: "recovery-confirm", textContent: `${r.target} may already hold recovery codes: these replace them (Undo puts them back).` }));
    guarded(go, (at) => void act(() => send({ type: "offer-recovery", ref, ...(r.confirm ? { confirm: true } : {}), ...(at ? { at } : {}) })));
    card.append(el("div", { className: "actions" }, go));
    return card;
  }

  /**
   * A site with no entry (its 2FA is by text message, or its key is kept
   * elsewhere): the codes go into a new entry of their own, named after the
   * site and the account the page shows; the name is the user's to edit here,
   * in the extension's own page.
   */
  function newRecoveryEntry(card: HTMLElement, v: OfferView, proposed: string): HTMLElement {
    card.dataset.state = "create";
    card.append(el("p", { className: "note", id: "recovery-new", textContent: `No entry of ${v.site} yet: otpfill can keep them in one of their own. They let you in if you lose your phone.` }));
    const name = el("input", { id: "recovery-name", type: "text", value: recoveryName ?? proposed, spellcheck: false, autocomplete: "off" });
    name.setAttribute("aria-label", "Entry name for the recovery codes");
    const go = button("save-recovery", "", "primary");
    const label = () => {
      go.textContent = `Save recovery codes as ${name.value.trim() || proposed}`;
    };
    label();
    name.addEventListener("input", () => {
      recoveryName = name.value;
      label();
      reportSize();
    });
    guarded(go, (at) => void act(() => send({ type: "offer-recovery", ref, name: name.value.trim() || proposed, ...(at ? { at } : {}) })));
    card.append(el("div", { className: "fields" }, el("label", { htmlFor: "recovery-name", textContent: "Name" }), name), el("div", { className: "actions" }, go));
    return card;
  }

  async function act(fn: () => Promise<OfferView | { error: string }>): Promise<void> {
    if (busy) return;
    busy = true;
    problem = "";
    setState("saving");
    try {
      const r = await fn();
      if ("error" in r) problem = r.error;
      else current = r;
    } finally {
      busy = false;
    }
    render();
  }

  async function save(name: string, store: SaveStore, overwrite: boolean, at?: ClickPoint): Promise<void> {
    if (busy) return;
    busy = true;
    problem = "";
    setState("saving");
    try {
      const r = await send({ type: "offer-save", ref, name, store, overwrite, ...(at ? { at } : {}) });
      if ("error" in r) {
        problem = r.error;
      } else {
        current = r.view;
        confirming = r.confirm ?? null;
      }
    } finally {
      busy = false;
    }
    render();
  }

  function render(): void {
    clearInterval(codeTimer);
    const head = el("header", {}, el("span", { className: "logo", ariaHidden: "true" } as Partial<HTMLSpanElement>), el("h1", { textContent: "otpfill" }));
    if (current?.site) head.append(el("span", { className: "site", textContent: current.site }));
    const close = button("dismiss", "×", "dismiss");
    close.setAttribute("aria-label", "Not now");
    close.title = "Not now";
    close.addEventListener("click", () => void send({ type: "offer-dismiss", ref }));
    if ("token" in ref) head.append(close);
    const parts: HTMLElement[] = [head];
    if (problem) parts.push(el("p", { className: "problem", id: "problem", role: "alert", textContent: problem } as Partial<HTMLParagraphElement>));
    if (current?.problem) parts.push(el("p", { className: "problem", id: "host-problem", role: "alert", textContent: current.problem } as Partial<HTMLParagraphElement>));
    const secret = current ? secretCard(current) : null;
    const recovery = current ? recoveryCard(current) : null;
    if (secret) parts.push(secret);
    if (recovery) parts.push(recovery);
    if (!secret && !recovery) {
      setState(problem ? "error" : "empty");
      if (!problem && !current?.problem) hooks.onEmpty?.();
    } else if (problem && root.dataset.state === "saving") setState("error");
    if (secret === null && recovery && !problem) setState(current?.saved?.undone ? "undone" : "recovery");
    root.replaceChildren(...parts);
    arm?.shown();
    // Test hook: when the offer first had something to show (unix ms), for the speed figures.
    if ((secret || recovery) && !root.dataset.readyAt) root.dataset.readyAt = String(Date.now());
    // Now, so that whoever shows the view (the popup's box) follows the
    // state in the same task; and again after layout settles.
    reportSize();
    requestAnimationFrame(reportSize);
  }

  // The background says when something changed (codes found later, a save from the popup).
  const port = api.runtime.connect({ name: `${OFFER_PORT}:${JSON.stringify(ref)}` });
  port.onMessage.addListener((m: unknown) => {
    const cmd = m as ViewCommand;
    if (cmd.type === "refresh" && !busy) void load();
    if (cmd.type === "close") {
      current = null;
      render();
    }
  });
  setState("loading");
  void load().catch((e: unknown) => {
    problem = `otpfill's background did not answer (${String(e)}).`;
    render();
  });
}

/**
 * The offer frame's arming (docs/DECISIONS.md "Clickjacking"): its buttons
 * that save, replace or undo are enabled only while
 * - the scanner, which owns the frame's element on the page, says the frame
 *   has been fully shown, unobscured and unmoved for ARM_MS (both browsers;
 *   heard through the background, which the page cannot speak for);
 * - where the browser has IntersectionObserver v2 (Chromium), it has also
 *   said the frame is visible (no opacity, filter, transform or cover
 *   anywhere up the page) for ARM_MS;
 * - and those buttons have been on screen for ARM_MS (a double click cannot
 *   land on a button that replaced the one under the pointer).
 * Any change disarms at once and starts the wait again.
 */
function armed(root: HTMLElement): { now: () => boolean; shown: () => void } {
  let sight = false;
  let buttonsAt = performance.now();
  let buttons = "";
  const v2 = typeof IntersectionObserverEntry !== "undefined" && "isVisible" in IntersectionObserverEntry.prototype;
  let visibleSince: number | null = null;

  const now = (): boolean => {
    const t = performance.now();
    return sight && t - buttonsAt >= ARM_MS && (!v2 || (visibleSince !== null && t - visibleSince >= ARM_MS));
  };
  const paint = () => {
    const ok = now();
    root.dataset.armed = ok ? "yes" : "no"; // inside the extension's frame: the page cannot read it
    // aria-disabled, not disabled: a click on a disarmed button still reaches
    // the handler above, which ignores it (and the e2e build records it).
    for (const b of Array.from(root.querySelectorAll<HTMLButtonElement>("button[data-guarded]"))) {
      b.setAttribute("aria-disabled", String(!ok));
      if (ok) b.title = b.dataset.help ?? "";
      else b.title = "Not yet: otpfill's offer must be fully shown, and left in place, for half a second. If the page keeps covering or moving it, use otpfill's toolbar button.";
    }
  };

  if (v2) {
    const io = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const seen = (e as IntersectionObserverEntry & { isVisible?: boolean }).isVisible === true;
          visibleSince = seen ? (visibleSince ?? performance.now()) : null;
        }
        paint();
      },
      { threshold: [0], trackVisibility: true, delay: 100 } as IntersectionObserverInit,
    );
    io.observe(document.documentElement);
  }
  const port = api.runtime.connect({ name: SIGHT_PORT });
  port.onMessage.addListener((m: unknown) => {
    sight = (m as SightCommand).type === "sight" && (m as SightCommand).armed === true;
    paint();
  });
  port.onDisconnect.addListener(() => {
    sight = false;
    paint();
  });
  setInterval(paint, 100);
  return {
    now,
    shown() {
      const ids = Array.from(root.querySelectorAll("button[data-guarded]"), (b) => b.id).join(" ");
      if (ids !== buttons) {
        buttons = ids;
        buttonsAt = performance.now();
      }
      paint();
    },
  };
}
