// The Replies panel: every fixed reply with the wording in effect; the shop edits and saves them
// (PUT /api/admin/replies replaces the whole set of overrides, so every locale's edits travel together).

import { api } from "./admin-api.js";
import { el } from "./admin-charts.js";

let loaded = null; // { file, replies: { en: [{ key, text, default, overridden }], zh: [...] } }
const edits = { en: {}, zh: {} }; // key → text as typed (suggestion sets: one per line)

const asText = (value) => (Array.isArray(value) ? value.join("\n") : value);
const sameAs = (typed, value) => typed.trim() === asText(value).trim();

export async function repliesPanel(section) {
  loaded = await api("/api/admin/replies");
  edits.en = {};
  edits.zh = {};
  render(section);
  return loaded;
}

export function render(section) {
  if (!loaded) return;
  const locale = section.querySelector("select[name=locale]").value;
  section.querySelector("[data-replies-file]").textContent = `Saved to ${loaded.file}`;
  const rows = loaded.replies[locale].map((r) => {
    const box = el("textarea", { name: r.key, rows: Array.isArray(r.default) ? 3 : 2, "aria-label": `${locale}.${r.key}` });
    box.value = edits[locale][r.key] ?? asText(r.text);
    box.addEventListener("input", () => {
      edits[locale][r.key] = box.value;
    });
    return el("tr", { "data-key": r.key, class: r.overridden ? "overridden" : "" }, el("th", { scope: "row", text: r.key }), el("td", {}, box), el("td", { class: "muted", text: asText(r.default) }));
  });
  section.querySelector('[data-list="replies"]').replaceChildren(...rows);
}

/** The overrides to send: every key whose text (typed or kept) differs from the shipped one. */
function overrides() {
  const out = {};
  for (const [locale, list] of Object.entries(loaded.replies)) {
    const chosen = {};
    for (const r of list) {
      const typed = edits[locale][r.key] ?? asText(r.text);
      if (!typed.trim() || sameAs(typed, r.default)) continue;
      chosen[r.key] = Array.isArray(r.default) ? typed.split("\n").map((s) => s.trim()).filter(Boolean) : typed;
    }
    out[locale] = chosen;
  }
  return out;
}

export async function saveReplies(section) {
  const status = section.querySelector("[data-replies-status]");
  const problem = section.querySelector(".panel-error");
  problem.textContent = "";
  status.textContent = "Saving…";
  try {
    loaded = await api("/api/admin/replies", { method: "PUT", body: overrides() });
  } catch (err) {
    status.textContent = "";
    problem.textContent = `Not saved: ${err.message}`;
    return false;
  }
  edits.en = {};
  edits.zh = {};
  render(section);
  status.textContent = "Saved: the assistant uses these replies now.";
  return true;
}
