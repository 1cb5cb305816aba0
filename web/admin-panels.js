// One function per dashboard panel: fetch what it shows from /api/admin/… and draw it.

import { api } from "./admin-api.js";
import { COLOURS, el, format, renderChart } from "./admin-charts.js";

const pct = (x) => `${(x * 100).toFixed(1)}%`;
const shortTime = (iso, bucket) => (bucket === "day" ? iso.slice(5, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`);

export async function activityPanel(section, bucket = "hour") {
  const report = await api(`/api/admin/activity?bucket=${bucket}`);
  const labels = report.buckets.map((b) => shortTime(b.start, report.range.bucket));
  section.querySelector("[data-total=turns]").textContent = format(report.totals.turns);
  section.querySelector("[data-total=errors]").textContent = format(report.totals.errors);
  const busy = report.buckets.some((b) => b.turns || b.conversations);
  renderChart(section.querySelector("[data-panel=volume]"), {
    id: "activity-volume",
    title: "Conversations and turns",
    summary: `${format(report.totals.turns)} turns in the range, per ${report.range.bucket}.`,
    type: "line",
    labelHeading: report.range.bucket,
    data: {
      labels: busy ? labels : [],
      datasets: [
        { label: "conversations", data: report.buckets.map((b) => b.conversations), borderColor: COLOURS[0], backgroundColor: COLOURS[0], tension: 0.2 },
        { label: "turns", data: report.buckets.map((b) => b.turns), borderColor: COLOURS[2], backgroundColor: COLOURS[2], tension: 0.2 },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  // p95 solid, p50 dashed, one colour per stage; a bucket without that stage is a gap.
  const datasets = report.stages.flatMap((stage, i) => [
    { label: `${stage} p95`, data: report.buckets.map((b) => b.latency[stage]?.p95Ms ?? null), borderColor: COLOURS[i % COLOURS.length], backgroundColor: COLOURS[i % COLOURS.length], spanGaps: true },
    { label: `${stage} p50`, data: report.buckets.map((b) => b.latency[stage]?.p50Ms ?? null), borderColor: COLOURS[i % COLOURS.length], backgroundColor: COLOURS[i % COLOURS.length], borderDash: [5, 4], spanGaps: true },
  ]);
  renderChart(section.querySelector("[data-panel=latency]"), {
    id: "activity-latency",
    title: "Latency per stage (ms, p50 dashed, p95 solid)",
    summary: `Stages: ${report.stages.join(", ") || "none yet"}.`,
    type: "line",
    labelHeading: report.range.bucket,
    data: { labels: report.stages.length ? labels : [], datasets },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: "ms" } } } },
  });
  const codes = [...new Set(report.buckets.flatMap((b) => Object.keys(b.errorsByCode)))].sort();
  renderChart(section.querySelector("[data-panel=errors]"), {
    id: "activity-errors",
    title: "Errors",
    summary: `${format(report.totals.errors)} errors answered in the range, by code.`,
    type: "bar",
    labelHeading: report.range.bucket,
    empty: "No errors yet.",
    data: { labels: codes.length ? labels : [], datasets: codes.map((code, i) => ({ label: code, data: report.buckets.map((b) => b.errorsByCode[code] ?? 0), backgroundColor: COLOURS[(i + 1) % COLOURS.length] })) },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
  });
}

export async function cataloguePanel(section) {
  const { products, imports } = await api("/api/admin/catalogue?limit=20");
  section.querySelector("[data-total=products]").textContent = format(products);
  const list = [...imports].reverse();
  renderChart(section.querySelector("[data-panel=imports]"), {
    id: "catalogue-imports",
    title: "Import history",
    summary: `${imports.length} imports; the catalogue holds ${format(products)} products.`,
    type: "bar",
    labelHeading: "import",
    data: {
      labels: list.map((i) => [`${i.atIso.slice(0, 10)} ${i.atIso.slice(11, 16)}`, i.source]),
      datasets: [
        { label: "added", data: list.map((i) => i.added), backgroundColor: COLOURS[2], maxBarThickness: 56 },
        { label: "updated", data: list.map((i) => i.updated), backgroundColor: COLOURS[0], maxBarThickness: 56 },
        { label: "unchanged", data: list.map((i) => i.unchanged), backgroundColor: "#9ca3af", maxBarThickness: 56 },
        { label: "rejected", data: list.map((i) => i.rejected), backgroundColor: COLOURS[1], maxBarThickness: 56 },
      ],
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
  });
}

export async function segmentsPanel(section) {
  const { segmentation } = await api("/api/admin/segments");
  const segments = segmentation?.segments ?? [];
  renderChart(section.querySelector("[data-panel=sizes]"), {
    id: "segments-sizes",
    title: "Segment sizes (shoppers)",
    summary: segmentation ? `${segmentation.shoppers} shoppers in ${segments.length} segments.` : "",
    type: "bar",
    labelHeading: "segment",
    empty: "No segmentation yet: run one with POST /api/admin/segments/run or `concierge segments`.",
    data: { labels: segments.map((s) => s.name), datasets: [{ label: "shoppers", data: segments.map((s) => s.size), backgroundColor: segments.map((_, i) => COLOURS[i % COLOURS.length]) }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  const shares = (list) => list.slice(0, 3).map((c) => `${c.name} ${pct(c.share)}`).join(", ") || "–";
  const table = section.querySelector("[data-list=segments]");
  table.replaceChildren(
    ...segments.map((s) => el("tr", {}, el("th", { scope: "row", text: s.name }), el("td", { text: format(s.size) }), el("td", { text: shares(s.topCategories) }), el("td", { text: shares(s.topBrands) }))),
  );
  return segments;
}

export async function experimentsPanel(section, selectedId) {
  const { experiments } = await api("/api/admin/experiments");
  const select = section.querySelector("select[name=experiment]");
  const chosen = experiments.find((e) => e.id === selectedId) ?? experiments.find((e) => e.status === "running") ?? experiments[0];
  select.replaceChildren(...experiments.map((e) => el("option", { value: e.id, selected: e === chosen, text: `${e.name} (${e.status})` })));
  const host = section.querySelector("[data-panel=rates]");
  const details = section.querySelector("[data-experiment]");
  if (!chosen) {
    renderChart(host, { id: "experiment-rates", title: "Variants", type: "bar", data: { labels: [], datasets: [] }, empty: "No experiments yet: start one from the copy generator below." });
    details.replaceChildren();
    return;
  }
  const report = await api(`/api/admin/experiments/${encodeURIComponent(chosen.id)}/report`);
  const conversion = report.primaryMetric === "click" ? "purchase" : report.primaryMetric;
  const variants = report.variants;
  const interval = (m) => [m.ci95.low, m.ci95.high];
  renderChart(host, {
    id: "experiment-rates",
    title: `${chosen.name}: click-through and ${conversion} rate per variant (95% intervals)`,
    summary: report.verdict,
    type: "bar",
    labelHeading: "variant",
    data: {
      labels: variants.map((v) => `${v.name}${v.control ? " (control)" : ""} · ${v.exposures} exposed`),
      datasets: [
        { label: "click-through", data: variants.map((v) => v.metrics.click.rate), intervals: variants.map((v) => interval(v.metrics.click)), backgroundColor: COLOURS[0] },
        { label: `${conversion} conversion`, data: variants.map((v) => v.metrics[conversion].rate), intervals: variants.map((v) => interval(v.metrics[conversion])), backgroundColor: COLOURS[2] },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { callback: (v) => pct(v) } } } },
  });
  const rows = report.comparisons.map((c) =>
    el(
      "tr",
      {},
      el("td", { text: `${c.variant} vs ${c.control}` }),
      el("td", { text: c.metric }),
      el("td", { text: `${pct(c.controlRate)} → ${pct(c.variantRate)}` }),
      el("td", { text: c.pValue < 0.001 ? "<0.001" : c.pValue.toFixed(3) }),
      el("td", { class: c.significant ? "yes" : "no", text: c.significant ? "significant" : "not yet" }),
    ),
  );
  const srm = report.sampleRatio.mismatch
    ? el("p", { class: "warning", role: "alert", "data-concierge": "sample-ratio-warning", text: `Sample ratio mismatch: the exposures per variant do not fit the weights (p ${report.sampleRatio.pValue < 0.001 ? "< 0.001" : `= ${report.sampleRatio.pValue.toFixed(4)}`}). Check assignment and exposure logging before trusting the results.` })
    : el("p", { class: "ok", text: "Sample ratio: the exposures fit the weights." });
  const stop =
    chosen.status === "running"
      ? el("button", { type: "button", class: "danger", "data-concierge": "experiment-stop", "data-id": chosen.id, text: "Stop this experiment (everyone gets the control)" })
      : el("p", { class: "status", text: `Stopped ${chosen.stoppedAt ? new Date(chosen.stoppedAt).toISOString().slice(0, 16).replace("T", " ") : ""}` });
  details.replaceChildren(
    // The warning below says it already; the verdict keeps only its own words.
    el("p", { class: "verdict", text: report.verdict.replace(/^warning: sample ratio mismatch.*?before trusting this\.\s*/, "") }),
    srm,
    el("table", {}, el("thead", {}, el("tr", {}, ...["comparison", "metric", "rate", "p", "significance"].map((h) => el("th", { scope: "col", text: h })))), el("tbody", {}, ...rows)),
    stop,
  );
}

export async function sentimentPanel(section) {
  const report = await api("/api/admin/sentiment?bucket=day&top=8&examples=3");
  const labels = report.overTime.map((b) => b.start.slice(5, 10));
  const any = report.total.count > 0;
  renderChart(section.querySelector("[data-panel=over-time]"), {
    id: "sentiment-over-time",
    title: "Sentiment over time (messages and feedback per day)",
    summary: `${report.total.count} read: ${report.total.positive} positive, ${report.total.neutral} neutral, ${report.total.negative} negative.`,
    type: "bar",
    labelHeading: "day",
    data: {
      labels: any ? labels : [],
      datasets: [
        { label: "positive", data: report.overTime.map((b) => b.positive), backgroundColor: COLOURS[2], stack: "s" },
        { label: "neutral", data: report.overTime.map((b) => b.neutral), backgroundColor: "#9ca3af", stack: "s" },
        { label: "negative", data: report.overTime.map((b) => b.negative), backgroundColor: COLOURS[1], stack: "s" },
      ],
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
  });
  const top = report.topNegative;
  renderChart(section.querySelector("[data-panel=negative]"), {
    id: "sentiment-negative",
    title: "Most negative products (share of negative messages and feedback)",
    summary: top.map((p) => `${p.title ?? p.itemId}: ${pct(p.negativeShare)} of ${p.count}`).join("; "),
    type: "bar",
    labelHeading: "product",
    empty: "No negative messages or feedback yet.",
    data: { labels: top.map((p) => p.title ?? p.itemId), datasets: [{ label: "negative share", data: top.map((p) => p.negativeShare), backgroundColor: COLOURS[1] }] },
    options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, max: 1, ticks: { callback: (v) => pct(v) } } } },
  });
  section.querySelector("[data-list=negative]").replaceChildren(
    ...top.map((p) =>
      el(
        "li",
        {},
        el("strong", { text: `${p.title ?? p.itemId} ` }),
        el("span", { class: "muted", text: `(${p.itemId}; ${p.negative} negative of ${p.count})` }),
        el("ul", {}, ...(p.examples ?? []).map((e) => el("li", { text: `“${e.text}” — ${e.source}` }))),
      ),
    ),
  );
}

export async function unansweredPanel(section) {
  const report = await api("/api/admin/unanswered?limit=8");
  for (const [key, title, colour] of [
    ["outOfScope", "Out-of-scope questions (the assistant had no answer)", COLOURS[3]],
    ["unsure", "Unsure questions (understood with low confidence)", COLOURS[4]],
  ]) {
    const { groups, messages } = report[key];
    renderChart(section.querySelector(`[data-panel=${key}]`), {
      id: `unanswered-${key}`,
      title,
      summary: `${messages} messages in ${groups.length} groups; ${groups.map((g) => `“${g.examples[0]}” ×${g.seen}`).join("; ")}`,
      type: "bar",
      labelHeading: "question",
      empty: "Nothing here yet.",
      data: { labels: groups.map((g) => truncate(g.examples[0], 48)), datasets: [{ label: "times asked", data: groups.map((g) => g.seen), backgroundColor: colour }] },
      options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    section.querySelector(`[data-list=${key}]`).replaceChildren(
      ...groups.map((g) => el("li", {}, el("span", { text: g.examples.map((t) => `“${t}”`).join(" · ") }), el("span", { class: "muted", text: ` — asked ${g.seen}×, ${g.locale}` }))),
    );
  }
}

function truncate(text, n) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}
