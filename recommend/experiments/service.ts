import { randomBytes } from "node:crypto";
import { ConciergeError, NotFoundError, ValidationError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { parseInput } from "../../core/validation.ts";
import type { Experiment, ExperimentEvent, ExperimentVariant, ExposedItem, ExposedItems, Store } from "../../store/types.ts";
import { assignVariant } from "./assign.ts";
import { buildReport, type ExperimentReport } from "./report.ts";
import { createExperimentSchema, EXPERIMENT_ID, parseExperimentEvents } from "./schemas.ts";

export interface ExperimentsDeps {
  store: Store;
  logger?: Logger;
  /**
   * Ranking strategies the recommender can run; when given, a variant naming another one is refused
   * at creation (otherwise any well-formed name is accepted and the ranking code decides).
   */
  rankingStrategies?: readonly string[] | ((name: string) => boolean);
  /** How the accepted strategies are described in the error for an unknown one (with a predicate above). */
  strategyHelp?: string;
  /** How long running experiments are cached for assignment (default 30 s: a stop on another replica shows within it). */
  cacheTtlMs?: number;
  now?: () => number;
}

/** A shopper's variant in one running experiment, as the ranking and copy code needs it. */
export interface Assignment {
  experimentId: string;
  variant: string;
  control: boolean;
  config: ExperimentVariant["config"];
}

/**
 * A/B experiments: define, assign (deterministically, by hashed shopper id), record exposures and
 * conversions, report, stop. State lives in the store, so every replica assigns and counts alike.
 */
export class Experiments {
  private running: { at: number; experiments: Experiment[] } | undefined;

  constructor(private readonly deps: ExperimentsDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  async create(input: unknown): Promise<Experiment> {
    const spec = parseInput(createExperimentSchema, input, "experiment");
    const known = this.deps.rankingStrategies;
    if (known) {
      spec.variants.forEach((v, i) => {
        const ok = typeof known === "function" ? known : (name: string) => known.includes(name);
        if (v.config.ranking && !ok(v.config.ranking)) {
          const expected = typeof known === "function" ? (this.deps.strategyHelp ?? "a known strategy") : known.join(", ");
          throw new ValidationError(`invalid experiment: variants.${i}.config.ranking: unknown ranking strategy "${v.config.ranking}"; expected one of ${expected}`);
        }
      });
    }
    const now = this.now();
    const experiment: Experiment = {
      id: spec.id ?? generateId(spec.name),
      name: spec.name,
      ...(spec.description ? { description: spec.description } : {}),
      variants: spec.variants.map((v) => ({ name: v.name, weight: v.weight, config: v.config })),
      primaryMetric: spec.primaryMetric,
      status: "running",
      createdAt: now,
      startedAt: now,
    };
    await this.deps.store.experiments.createExperiment(experiment);
    this.running = undefined;
    this.deps.logger?.info({ experiment: experiment.id, variants: experiment.variants.map((v) => v.name) }, "experiment started");
    return experiment;
  }

  list(): Promise<Experiment[]> {
    return this.deps.store.experiments.listExperiments();
  }

  async get(id: string): Promise<Experiment> {
    const experimentId = checkId(id);
    const experiment = await this.deps.store.experiments.getExperiment(experimentId);
    if (!experiment) throw new NotFoundError(`no experiment "${experimentId}"`);
    return experiment;
  }

  /** Stops assigning and counting; the report is kept. Stopping twice keeps the first stop time. */
  async stop(id: string): Promise<Experiment> {
    const experimentId = checkId(id);
    const stopped = await this.deps.store.experiments.stopExperiment(experimentId, this.now());
    if (!stopped) throw new NotFoundError(`no experiment "${experimentId}"`);
    this.running = undefined;
    this.deps.logger?.info({ experiment: experimentId }, "experiment stopped");
    return stopped;
  }

  async report(id: string): Promise<ExperimentReport> {
    const experiment = await this.get(id);
    return buildReport(experiment, await this.deps.store.experiments.experimentTallies(experiment.id), this.now());
  }

  /**
   * Records exposures and conversions. Without `variant` an event goes to the shopper's assigned
   * variant; with one it must name a variant of the experiment. A stopped experiment refuses
   * events (409), so its report stays as it was when stopped.
   */
  async record(id: string, input: unknown, shopperId: string): Promise<{ accepted: number; events: { type: string; variant: string }[] }> {
    const experiment = await this.get(id);
    const events = parseExperimentEvents(input);
    if (experiment.status !== "running") throw new ConciergeError("experiment_stopped", `experiment "${experiment.id}" is stopped and records no more events`, 409);
    const names = experiment.variants.map((v) => v.name);
    const ts = this.now();
    const rows: ExperimentEvent[] = events.map((e, i) => {
      if (e.variant !== undefined && !names.includes(e.variant)) {
        const where = Array.isArray(input) ? `events: events[${i}].variant` : "event: variant";
        throw new ValidationError(`invalid ${where}: unknown variant "${e.variant}"; experiment "${experiment.id}" has ${names.join(", ")}`);
      }
      return { experimentId: experiment.id, userId: shopperId, variant: e.variant ?? assignVariant(experiment, shopperId).name, type: e.type, ts };
    });
    await this.deps.store.experiments.addExperimentEvents(rows);
    return { accepted: rows.length, events: rows.map((r) => ({ type: r.type, variant: r.variant })) };
  }

  /** Running experiments, cached briefly: assignment happens on every ranked list. */
  private async runningExperiments(): Promise<Experiment[]> {
    const ttl = this.deps.cacheTtlMs ?? 30_000;
    if (!this.running || Date.now() - this.running.at >= ttl) {
      const all = await this.deps.store.experiments.listExperiments();
      this.running = { at: Date.now(), experiments: all.filter((e) => e.status === "running") };
    }
    return this.running.experiments;
  }

  /** The shopper's variant in a running experiment; null when it does not exist or has stopped (serve the default). */
  async assignVariant(experimentId: string, userId: string): Promise<Assignment | null> {
    const experiment = (await this.runningExperiments()).find((e) => e.id === experimentId);
    return experiment ? assignmentOf(experiment, userId) : null;
  }

  /**
   * The experiment deciding how this shopper's recommendations are ranked: the oldest running one
   * with a ranking strategy in any variant (its control may have none: the status quo), and the
   * shopper's variant in it; null when no ranking experiment runs.
   */
  async rankingAssignment(userId: string): Promise<Assignment | null> {
    const experiment = (await this.runningExperiments())
      .slice()
      .reverse()
      .find((e) => e.variants.some((v) => v.config.ranking));
    return experiment ? assignmentOf(experiment, userId) : null;
  }

  /**
   * Records exposures and conversions the service observed itself (recommendations shown, items
   * clicked, carted, bought from them). Events of experiments that are no longer running are
   * dropped, as the public endpoint would refuse them.
   */
  async logEvents(events: ExperimentEvent[]): Promise<number> {
    const running = new Set((await this.runningExperiments()).map((e) => e.id));
    const kept = events.filter((e) => running.has(e.experimentId));
    if (kept.length) await this.deps.store.experiments.addExperimentEvents(kept);
    return kept.length;
  }

  /**
   * What live ranking showed each shopper, kept in the store so a conversion is credited whichever
   * replica it reaches (see live.ts for the window and the bound).
   */
  recordShown(shown: ExposedItems, bound: { keep: number; since: number }): Promise<void> {
    return this.deps.store.experiments.recordExposedItems(shown, bound);
  }

  shownItems(keys: { userId: string; itemId: string }[], since: number): Promise<ExposedItem[]> {
    return this.deps.store.experiments.exposedItems(keys, since);
  }

  pruneShown(before: number): Promise<number> {
    return this.deps.store.experiments.pruneExposedItems(before);
  }

  /** The shopper's variants in every running experiment (oldest experiment first). */
  async variantsFor(userId: string): Promise<Assignment[]> {
    return (await this.runningExperiments())
      .slice()
      .reverse()
      .map((e) => assignmentOf(e, userId));
  }
}

function assignmentOf(experiment: Experiment, userId: string): Assignment {
  const v = assignVariant(experiment, userId);
  return { experimentId: experiment.id, variant: v.name, control: v === experiment.variants[0], config: v.config };
}

function checkId(id: string): string {
  if (typeof id !== "string" || !EXPERIMENT_ID.test(id)) throw new ValidationError(`invalid id: "${String(id).slice(0, 80)}" is not an experiment id (lower-case letters, digits, '_' or '-')`);
  return id;
}

/** "Ranking: blend vs default" → "ranking-blend-vs-default-3f9a1c". */
function generateId(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return `${slug || "experiment"}-${randomBytes(3).toString("hex")}`;
}
