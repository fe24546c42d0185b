// The options page: auto-fill, auto-submit per site, clipboard clearing, and
// the fields the user taught (src/shared/taught.ts), each with Forget.

import { api } from "../shared/api";
import { loadOptions, saveOptions } from "../shared/options";
import type { Options } from "../shared/messages";
import { parseTaught, TAUGHT_PREFIX, type TaughtField } from "../shared/taught";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let options: Options;

function siteOf(text: string): string {
  const t = text.trim().toLowerCase();
  if (!t) return "";
  try {
    return new URL(t.includes("://") ? t : `https://${t}`).hostname;
  } catch {
    return "";
  }
}

async function save(what: string): Promise<void> {
  await saveOptions(options);
  $("saved").textContent = `Saved: ${what}.`;
}

function render(): void {
  $<HTMLInputElement>("autofill").checked = options.autofill;
  $<HTMLInputElement>("clipboardClear").checked = options.clipboardClear;
  $<HTMLSelectElement>("saveStore").value = options.saveStore;
  $("sites").replaceChildren(
    ...options.autoSubmitSites.map((site) => {
      const li = document.createElement("li");
      li.textContent = site;
      const rm = document.createElement("button");
      rm.type = "button";
      rm.textContent = "Remove";
      rm.setAttribute("aria-label", `Stop submitting on ${site}`);
      rm.addEventListener("click", () => {
        options.autoSubmitSites = options.autoSubmitSites.filter((s) => s !== site);
        render();
        void save(`no auto-submit on ${site}`);
      });
      li.append(rm);
      return li;
    }),
  );
}

function addSite(): void {
  const input = $<HTMLInputElement>("newSite");
  const site = siteOf(input.value);
  if (!site) {
    $("saved").textContent = "Type a site such as github.com.";
    return;
  }
  if (!options.autoSubmitSites.includes(site)) options.autoSubmitSites.push(site);
  input.value = "";
  render();
  void save(`auto-submit on ${site}`);
}

async function renderTaught(): Promise<void> {
  const all = (await api.storage.local.get(null)) as Record<string, unknown>;
  const items: HTMLLIElement[] = [];
  for (const key of Object.keys(all).filter((k) => k.startsWith(TAUGHT_PREFIX)).sort()) {
    const site = key.slice(TAUGHT_PREFIX.length);
    for (const t of parseTaught(all[key])) items.push(taughtItem(key, site, t));
  }
  $("taught").replaceChildren(...items);
  $("no-taught").hidden = items.length > 0;
}

function taughtItem(key: string, site: string, t: TaughtField): HTMLLIElement {
  const li = document.createElement("li");
  li.dataset.site = site;
  li.dataset.path = t.path;
  const where = document.createElement("span");
  where.textContent = `${site}${t.path} `;
  const sel = document.createElement("code");
  sel.textContent = t.selector;
  const forget = document.createElement("button");
  forget.type = "button";
  forget.className = "forget";
  forget.textContent = "Forget";
  forget.setAttribute("aria-label", `Forget the field taught on ${site}${t.path}`);
  forget.addEventListener("click", async () => {
    const got = (await api.storage.local.get(key)) as Record<string, unknown>;
    const rest = parseTaught(got[key]).filter((x) => x.path !== t.path || x.selector !== t.selector);
    if (rest.length) await api.storage.local.set({ [key]: rest });
    else await api.storage.local.remove(key);
    await renderTaught();
    $("saved").textContent = `Forgot the field on ${site}${t.path}.`;
  });
  li.append(where, sel, " ", forget);
  return li;
}

async function start(): Promise<void> {
  options = await loadOptions();
  render();
  await renderTaught();
  // A field taught in the popup meanwhile shows up here at once.
  api.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && Object.keys(changes).some((k) => k.startsWith(TAUGHT_PREFIX))) void renderTaught();
  });
  $("autofill").addEventListener("change", (e) => {
    options.autofill = (e.target as HTMLInputElement).checked;
    void save(options.autofill ? "auto-fill on" : "auto-fill off");
  });
  $("clipboardClear").addEventListener("change", (e) => {
    options.clipboardClear = (e.target as HTMLInputElement).checked;
    void save(options.clipboardClear ? "clipboard clearing on" : "clipboard clearing off");
  });
  $("saveStore").addEventListener("change", (e) => {
    options.saveStore = (e.target as HTMLSelectElement).value as Options["saveStore"];
    void save(`setup capture saves to ${options.saveStore}`);
  });
  $("addSite").addEventListener("click", addSite);
  $("newSite").addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      addSite();
    }
  });
}

void start();
