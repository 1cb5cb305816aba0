// The admin dashboard: sign-in, the panels, sign-out, the experiment stop button and the copy generator.

import { AdminApiError, api, session, signInProblem } from "./admin-api.js";
import { el } from "./admin-charts.js";
import { activityPanel, cataloguePanel, experimentsPanel, segmentsPanel, sentimentPanel, unansweredPanel } from "./admin-panels.js";
import { render as renderReplies, repliesPanel, saveReplies } from "./admin-replies.js";

const $ = (selector) => document.querySelector(selector);
const form = $('[data-concierge="admin-token"]');
const formError = $("#signin-error");
const dashboard = $("#dashboard");
const signOutButton = $("#signout");
const status = $("#status");

/** What the page has done, for tests and for anyone curious: read-only. */
const state = { signedIn: false, mode: null, loaded: false, panels: {}, errors: [] };
window.conciergeAdmin = state;

async function probe(token) {
  await api("/api/admin/experiments", { token });
}

function showForm(message) {
  state.signedIn = false;
  dashboard.hidden = true;
  signOutButton.hidden = true;
  form.hidden = false;
  formError.textContent = message ?? "";
  form.querySelector("input").focus();
}

async function enter(mode) {
  state.signedIn = true;
  state.mode = mode;
  form.hidden = true;
  formError.textContent = "";
  signOutButton.hidden = false;
  dashboard.hidden = false;
  $("#who").textContent = mode === "loopback" ? "Signed in as this machine (the service has no admin token, so only this computer may use it)." : "Signed in with the admin token.";
  await loadAll();
}

const PANELS = {
  activity: () => activityPanel($("#activity"), $("#activity select[name=bucket]").value),
  catalogue: () => cataloguePanel($("#catalogue")),
  segments: async () => fillSegments(await segmentsPanel($("#segments"))),
  experiments: () => experimentsPanel($("#experiments"), $("#experiments select[name=experiment]").value),
  sentiment: () => sentimentPanel($("#sentiment")),
  unanswered: () => unansweredPanel($("#unanswered")),
  replies: () => repliesPanel($("#replies")),
};

async function loadPanel(name) {
  const section = $(`#${name}`);
  const problem = section.querySelector(".panel-error");
  problem.textContent = "";
  try {
    await PANELS[name]();
    state.panels[name] = "ok";
  } catch (err) {
    state.panels[name] = "error";
    state.errors.push({ panel: name, message: err.message });
    if (err instanceof AdminApiError && err.status === 401) {
      session.signOut();
      showForm("The admin token is no longer accepted; sign in again.");
      return;
    }
    problem.textContent = `Could not load this panel: ${err.message}`;
  }
}

async function loadAll() {
  state.loaded = false;
  status.textContent = "Loading…";
  await Promise.all(Object.keys(PANELS).map(loadPanel));
  status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  state.loaded = true;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const token = form.querySelector("input[name=token]").value.trim();
  formError.textContent = "Checking…";
  try {
    await probe(token);
  } catch (err) {
    formError.textContent = signInProblem(err);
    return;
  }
  session.signIn(token);
  form.reset();
  await enter(token ? "token" : "loopback");
});

signOutButton.addEventListener("click", () => {
  session.signOut();
  showForm("Signed out.");
});

$("#refresh").addEventListener("click", () => loadAll());
$("#activity select[name=bucket]").addEventListener("change", () => loadPanel("activity"));
$("#experiments select[name=experiment]").addEventListener("change", () => loadPanel("experiments"));
$("#replies select[name=locale]").addEventListener("change", () => renderReplies($("#replies")));
$('[data-concierge="replies-save"]').addEventListener("click", () => saveReplies($("#replies")));

$("#experiments").addEventListener("click", async (event) => {
  const button = event.target.closest('[data-concierge="experiment-stop"]');
  if (!button) return;
  button.disabled = true;
  try {
    await api(`/api/admin/experiments/${encodeURIComponent(button.dataset.id)}/stop`, { method: "POST" });
  } catch (err) {
    $("#experiments .panel-error").textContent = `Could not stop it: ${err.message}`;
    button.disabled = false;
    return;
  }
  await loadPanel("experiments");
});

// ── the copy generator ──
const copyForm = $("#copy-form");
const copyResult = $("#copy-result");
let lastCopy = null;

function fillSegments(segments) {
  // Suggestions for the product field: each segment's favourite products.
  const seen = new Set();
  const options = segments.flatMap((s) => s.topItems ?? []).filter((p) => !seen.has(p.id) && seen.add(p.id));
  $("#copy-products").replaceChildren(...options.map((p) => el("option", { value: p.id, label: p.title })));
  const select = copyForm.querySelector("select[name=segmentId]");
  const kept = select.value;
  select.replaceChildren(el("option", { value: "", text: "everyone" }), ...segments.map((s) => el("option", { value: String(s.id), selected: String(s.id) === kept, text: s.name })));
}

copyForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = new FormData(copyForm);
  const body = { productId: String(data.get("productId")).trim(), tone: data.get("tone"), channel: data.get("channel"), variants: Number(data.get("variants")) };
  if (data.get("segmentId")) body.segmentId = Number(data.get("segmentId"));
  copyResult.replaceChildren(el("p", { text: "Writing…" }));
  try {
    lastCopy = await api("/api/admin/copy", { body });
  } catch (err) {
    lastCopy = null;
    copyResult.replaceChildren(el("p", { class: "error", role: "alert", text: err.message }));
    return;
  }
  const variants = lastCopy.variants.map((v) =>
    el(
      "article",
      { class: "variant", "data-concierge": "copy-variant" },
      el("h4", { text: `Variant ${v.name}${v.source === "template" ? " (template)" : ""}` }),
      el("dl", {}, ...Object.entries(v.fields).flatMap(([k, text]) => [el("dt", { text: k }), el("dd", { text })])),
    ),
  );
  const start =
    lastCopy.variants.length >= 2
      ? el("button", { type: "button", id: "copy-experiment", "data-concierge": "copy-start-test", text: "Start an A/B test with these variants" })
      : el("p", { class: "muted", text: "Ask for two or more variants to test them against each other." });
  copyResult.replaceChildren(
    el("p", { class: "muted", text: lastCopy.fallbackReason ? `Written from templates: ${lastCopy.fallbackReason}` : lastCopy.usedModel ? "Written by the local language model." : "Written from templates." }),
    ...variants,
    start,
  );
});

copyResult.addEventListener("click", async (event) => {
  if (!event.target.closest("#copy-experiment") || !lastCopy) return;
  event.target.disabled = true;
  const name = `${lastCopy.channel} copy for ${lastCopy.productId} (${lastCopy.tone})`;
  try {
    const experiment = await api("/api/admin/experiments", {
      body: { name, description: `Copy variants written by the copy generator for product ${lastCopy.productId}`, variants: lastCopy.variants.map((v) => ({ name: v.name, config: { copy: JSON.stringify(v.fields) } })) },
    });
    copyResult.append(el("p", { class: "ok", role: "status", text: `Experiment “${experiment.name}” started (${experiment.id}).` }));
    $("#experiments select[name=experiment]").replaceChildren(el("option", { value: experiment.id, selected: true, text: experiment.name }));
    await loadPanel("experiments");
  } catch (err) {
    copyResult.append(el("p", { class: "error", role: "alert", text: `Could not start the test: ${err.message}` }));
    event.target.disabled = false;
  }
});

// ── start: a stored token, or this machine without one, signs in by itself ──
(async () => {
  const token = session.token();
  if (token) {
    try {
      await probe(token);
      return enter("token");
    } catch (err) {
      session.signOut();
      return showForm(signInProblem(err));
    }
  }
  if (!session.signedOut()) {
    try {
      await probe("");
      return enter("loopback");
    } catch {
      // A service with a token: ask for it.
    }
  }
  showForm();
})();
