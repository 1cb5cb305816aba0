import type { ConversionType, Experiment, ExperimentTally, ExperimentVariant } from "../../store/types.ts";
import { METRICS } from "./schemas.ts";
import { sampleRatioTest, sampleSizePerGroup, twoProportionZTest, wilsonInterval } from "./stats.ts";

/** Family-wise significance level of the comparisons with the control on one metric. */
export const ALPHA = 0.05;
/** Power the "need ~N more exposures" estimate is for. */
export const POWER = 0.8;
/** Below this the exposure split is called a sample ratio mismatch (the usual industry threshold). */
export const SRM_ALPHA = 0.001;

export interface MetricResult {
  /** Exposed shoppers with at least one such event. */
  conversions: number;
  /** All such events, repeats included. */
  events: number;
  /** conversions / exposures (for click, the CTR). */
  rate: number;
  ci95: { low: number; high: number };
}

export interface VariantReport {
  name: string;
  weight: number;
  config: ExperimentVariant["config"];
  control: boolean;
  /** Distinct shoppers exposed. */
  exposures: number;
  exposureEvents: number;
  metrics: Record<ConversionType, MetricResult>;
}

export interface Comparison {
  metric: ConversionType;
  control: string;
  variant: string;
  controlRate: number;
  variantRate: number;
  /** variantRate − controlRate. */
  difference: number;
  /** difference / controlRate; null when the control rate is 0. */
  relativeLift: number | null;
  z: number;
  pValue: number;
  /** The threshold p is held to: ALPHA split over the comparisons (Bonferroni). */
  alpha: number;
  significant: boolean;
  /** Shoppers per variant a test at `alpha` needs to detect the observed difference with 80% power; null when it cannot be said. */
  neededPerVariant: number | null;
  verdict: string;
}

export interface ExperimentReport {
  experiment: Experiment;
  generatedAt: number;
  primaryMetric: ConversionType;
  variants: VariantReport[];
  /** Every non-control variant against the control, on every metric (primary metric first). */
  comparisons: Comparison[];
  sampleRatio: { chiSquare: number; df: number; pValue: number; mismatch: boolean };
  /** Conversions from shoppers never exposed to the variant: not counted in any rate. */
  unexposedConversions: number;
  /** Plain words about the primary metric. */
  verdict: string;
}

export const METRIC_LABEL: Record<ConversionType, string> = { click: "CTR", cart: "add-to-cart rate", purchase: "purchase conversion" };

export function buildReport(experiment: Experiment, tallies: ExperimentTally[], now = Date.now()): ExperimentReport {
  let unexposedConversions = 0;
  const variants: VariantReport[] = experiment.variants.map((v, i) => {
    const of = (type: ExperimentTally["type"]) => tallies.find((t) => t.variant === v.name && t.type === type);
    const exposure = of("exposure");
    const exposures = exposure?.users ?? 0;
    const metrics = {} as Record<ConversionType, MetricResult>;
    for (const m of METRICS) {
      const t = of(m);
      const conversions = t?.exposedUsers ?? 0;
      unexposedConversions += (t?.users ?? 0) - conversions;
      metrics[m] = { conversions, events: t?.events ?? 0, rate: exposures ? conversions / exposures : 0, ci95: wilsonInterval(conversions, exposures) };
    }
    return { name: v.name, weight: v.weight, config: v.config, control: i === 0, exposures, exposureEvents: exposure?.events ?? 0, metrics };
  });
  const control = variants[0]!;
  const alpha = ALPHA / Math.max(1, variants.length - 1);
  const metrics = [experiment.primaryMetric, ...METRICS.filter((m) => m !== experiment.primaryMetric)];
  const comparisons = metrics.flatMap((m) => variants.slice(1).map((v) => compare(control, v, m, alpha)));
  const srm = sampleRatioTest(
    variants.map((v) => v.exposures),
    variants.map((v) => v.weight),
  );
  const sampleRatio = { ...srm, mismatch: srm.pValue < SRM_ALPHA };

  const primary = comparisons.filter((c) => c.metric === experiment.primaryMetric).map((c) => c.verdict);
  let verdict = primary.join("; ");
  if (sampleRatio.mismatch) {
    const split = variants.map((v) => `${v.name} ${v.exposures}`).join(" / ");
    verdict = `warning: sample ratio mismatch (exposures ${split} do not fit the weights, ${formatP(sampleRatio.pValue)}): check assignment and exposure logging before trusting this. ${verdict}`;
  }
  if (experiment.status === "stopped") verdict = `stopped. ${verdict}`;
  return { experiment, generatedAt: now, primaryMetric: experiment.primaryMetric, variants, comparisons, sampleRatio, unexposedConversions, verdict };
}

function compare(control: VariantReport, variant: VariantReport, metric: ConversionType, alpha: number): Comparison {
  const a = control.metrics[metric];
  const b = variant.metrics[metric];
  const nA = control.exposures;
  const nB = variant.exposures;
  const { z, pValue } = twoProportionZTest(a.conversions, nA, b.conversions, nB);
  const significant = nA > 0 && nB > 0 && pValue < alpha;
  const difference = b.rate - a.rate;
  const label = METRIC_LABEL[metric];
  const rates = `${pct(b.rate)} vs ${pct(a.rate)}`;
  const versus = `${variant.name} ${pct(b.rate)} vs ${control.name} ${pct(a.rate)}`;
  let neededPerVariant: number | null = null;
  let verdict: string;
  if (nA === 0 || nB === 0) {
    const missing = [control, variant].filter((v) => v.exposures === 0).map((v) => v.name);
    verdict = `too early: no exposures of ${missing.join(" or ")} yet`;
  } else if (significant) {
    const lift = a.rate > 0 ? `, ${difference > 0 ? "+" : ""}${(100 * (difference / a.rate)).toFixed(0)}%` : "";
    verdict = `${variant.name} ${difference > 0 ? "beats" : "does worse than"} ${control.name} on ${label}: ${rates}${lift}, ${formatP(pValue)}`;
  } else if (a.conversions + b.conversions === 0) {
    verdict = `no ${label} conversions yet in ${control.name} or ${variant.name} (${nA + nB} exposures)`;
  } else {
    const needed = sampleSizePerGroup(a.rate, b.rate, alpha, POWER);
    const threshold = alpha < ALPHA ? `, above the ${Number(alpha.toPrecision(2))} threshold for ${Math.round(ALPHA / alpha)} comparisons` : "";
    if (!Number.isFinite(needed)) {
      verdict = `no difference between ${variant.name} and ${control.name} on ${label} so far (both ${pct(a.rate)})`;
    } else {
      neededPerVariant = needed;
      const more = needed - Math.min(nA, nB);
      verdict =
        more > 0
          ? `not significant yet (${label} ${versus}, ${formatP(pValue)}${threshold}): need ~${roughly(more)} more exposures per variant to tell a difference this size`
          : `no significant difference between ${variant.name} and ${control.name} on ${label} (${versus}, ${formatP(pValue)}${threshold}); there were enough exposures to see a difference this size, so any real one is smaller`;
    }
  }
  return {
    metric,
    control: control.name,
    variant: variant.name,
    controlRate: a.rate,
    variantRate: b.rate,
    difference,
    relativeLift: a.rate > 0 ? difference / a.rate : null,
    z,
    pValue,
    alpha,
    significant,
    neededPerVariant,
    verdict,
  };
}

/** "p=0.012" (two significant figures), or "p<0.001". */
export function formatP(p: number): string {
  if (p < 0.001) return "p<0.001";
  return `p=${Number(p.toPrecision(2))}`;
}

function pct(rate: number): string {
  return `${(100 * rate).toFixed(rate > 0 && rate < 0.1 ? 2 : 1)}%`;
}

/** Two significant figures: "~1,300 more" reads better than "~1,287 more" for an estimate. */
function roughly(n: number): string {
  const digits = Math.max(0, Math.floor(Math.log10(n)) - 1);
  const r = Math.ceil(n / 10 ** digits) * 10 ** digits;
  return r.toLocaleString("en-US");
}
