import type { Experiment } from "../../store/index.ts";

/** A running experiment with variants "a" and "b": what rows of experiment events and exposures hang off. */
export function abExperiment(id: string): Experiment {
  return {
    id,
    name: `experiment ${id}`,
    variants: [
      { name: "a", weight: 1, config: {} },
      { name: "b", weight: 1, config: {} },
    ],
    primaryMetric: "click",
    status: "running",
    createdAt: 1,
    startedAt: 1,
  };
}
