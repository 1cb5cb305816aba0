// Charts on chart.js (served by the service at /admin/chart.umd.min.js), each with a plain
// table of its numbers for screen readers and for anyone who wants the figures.

const Chart = globalThis.Chart;

Chart.defaults.animation = false;
Chart.defaults.responsive = true;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family = "system-ui, sans-serif";
Chart.defaults.color = "#333";

export const COLOURS = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563", "#65a30d", "#9333ea"];

/** Draws each dataset's 95 % intervals (`dataset.intervals[i] = [low, high]`) as whiskers on its bars. */
const intervalWhiskers = {
  id: "intervalWhiskers",
  afterDatasetsDraw(chart) {
    const { ctx, scales } = chart;
    const y = scales.y;
    chart.data.datasets.forEach((dataset, d) => {
      if (!dataset.intervals || !chart.isDatasetVisible(d)) return;
      const meta = chart.getDatasetMeta(d);
      meta.data.forEach((bar, i) => {
        const interval = dataset.intervals[i];
        if (!interval) return;
        const top = y.getPixelForValue(interval[1]);
        const bottom = y.getPixelForValue(interval[0]);
        ctx.save();
        ctx.strokeStyle = "#111";
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(bar.x, top);
        ctx.lineTo(bar.x, bottom);
        ctx.moveTo(bar.x - 6, top);
        ctx.lineTo(bar.x + 6, top);
        ctx.moveTo(bar.x - 6, bottom);
        ctx.lineTo(bar.x + 6, bottom);
        ctx.stroke();
        ctx.restore();
      });
    });
  },
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== undefined && c !== null) node.append(c);
  return node;
}
export { el };

/**
 * A chart in `host`: a <canvas data-concierge="chart"> with its label, or "No data yet" when
 * there is nothing to draw, and the numbers as a table. Replaces what `host` showed before.
 */
export function renderChart(host, spec) {
  const previous = host.querySelector("canvas");
  if (previous) Chart.getChart(previous)?.destroy();
  host.replaceChildren();
  const hasData = spec.data.datasets.some((ds) => ds.data.some((v) => v !== null && v !== undefined && (typeof v === "number" ? Number.isFinite(v) : true)));
  const title = el("h3", { text: spec.title });
  host.append(title);
  if (!hasData || spec.data.labels.length === 0) {
    host.append(el("p", { class: "empty", text: spec.empty ?? "No data yet." }));
    return undefined;
  }
  const canvas = el("canvas", { "data-concierge": "chart", "data-chart": spec.id, role: "img", "aria-label": `${spec.title}. ${spec.summary ?? ""}`.trim() });
  const box = el("div", { class: `chart-box ${spec.tall ? "tall" : ""}` }, canvas);
  host.append(box, numbersTable(spec));
  const chart = new Chart(canvas, {
    type: spec.type,
    data: spec.data,
    options: spec.options ?? {},
    plugins: spec.data.datasets.some((d) => d.intervals) ? [intervalWhiskers] : [],
  });
  return chart;
}

function numbersTable(spec) {
  const head = el("tr", {}, el("th", { scope: "col", text: spec.labelHeading ?? "" }), ...spec.data.datasets.map((d) => el("th", { scope: "col", text: d.label })));
  const rows = spec.data.labels.map((label, i) =>
    el(
      "tr",
      {},
      el("th", { scope: "row", text: Array.isArray(label) ? label.join(" ") : String(label) }),
      ...spec.data.datasets.map((d) => {
        const v = d.data[i];
        const interval = d.intervals?.[i];
        const shown = v === null || v === undefined ? "–" : typeof v === "number" ? format(v) : String(v);
        return el("td", { text: interval ? `${shown} (${format(interval[0])}–${format(interval[1])})` : shown });
      }),
    ),
  );
  return el("details", { class: "numbers" }, el("summary", { text: "Show the numbers" }), el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows)));
}

export function format(v) {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString("en");
  return Math.abs(v) < 1 ? v.toFixed(3) : v.toFixed(1);
}
