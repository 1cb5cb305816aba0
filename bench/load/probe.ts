/**
 * What a running service says about itself on /metrics (loopback needs no token): resident memory,
 * JS heap, CPU seconds so far and the event loop's delay since the previous scrape — the figures
 * the load and soak benches print, read the way an operator's Prometheus would read them.
 */
export interface ServiceSample {
  at: number;
  rssBytes: number;
  heapUsedBytes: number;
  cpuSeconds: number;
  /** p99 of the event-loop delay over the window since the last scrape (prom-client resets it). */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

const metric = (text: string, name: string): number => {
  // Unlabelled samples only: "name value" at the start of a line.
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`/metrics has no ${name}`);
  return Number(line.slice(name.length + 1));
};

export async function sampleService(port: number): Promise<ServiceSample> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
  const text = await response.text();
  return {
    at: Date.now(),
    rssBytes: metric(text, "concierge_process_resident_memory_bytes"),
    heapUsedBytes: metric(text, "concierge_nodejs_heap_size_used_bytes"),
    cpuSeconds: metric(text, "concierge_process_cpu_seconds_total"),
    loopDelayP99Ms: metric(text, "concierge_nodejs_eventloop_lag_p99_seconds") * 1000,
    loopDelayMaxMs: metric(text, "concierge_nodejs_eventloop_lag_max_seconds") * 1000,
  };
}

export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

