// The options page: auto-fill, auto-submit per site, clipboard clearing.

import { loadOptions, saveOptions } from "../shared/options";
import type { Options } from "../shared/messages";

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

async function start(): Promise<void> {
  options = await loadOptions();
  render();
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
