import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { registry } from "../../core/metrics.ts";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML, read field by field below
type Doc = { kind: string; metadata: { name: string }; spec: Record<string, any> };
const manifests: Doc[] = readdirSync(path.join(root, "deploy/k8s"))
  .filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")
  .flatMap((f) => parseAllDocuments(read(`deploy/k8s/${f}`)).map((d) => d.toJS() as Doc));
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);

/** Names the service exports, with the series a histogram adds. */
async function exportedMetricNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const metric of await registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (["histogram", "summary"].includes(String(metric.type))) for (const s of ["_bucket", "_sum", "_count"]) names.add(metric.name + s);
  }
  return names;
}
const queriedMetrics = (expr: string) => expr.match(/\bconcierge_[a-z0-9_]+/g) ?? [];

describe("Kubernetes manifests", () => {
  it("kustomization lists every manifest in the folder", () => {
    const listed = (parseYaml(read("deploy/k8s/kustomization.yaml")) as { resources: string[] }).resources.sort();
    const present = readdirSync(path.join(root, "deploy/k8s")).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml").sort();
    expect(listed).toEqual(present);
  });

  it("the Deployment probes /healthz and /readyz on the port the container exposes, and outlives the shutdown drain", () => {
    const [deployment] = byKind("Deployment");
    const pod = deployment!.spec.template.spec;
    const container = pod.containers[0];
    const portNames = container.ports.map((p: { name: string }) => p.name);
    expect(container.ports.find((p: { name: string }) => p.name === "http").containerPort).toBe(3978);
    expect(container.livenessProbe.httpGet).toMatchObject({ path: "/healthz" });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: "/readyz" });
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) expect(portNames).toContain(probe.httpGet.port);
    // SHUTDOWN_DRAIN_MS defaults to 10 s: the kubelet must not kill a replica that is finishing turns.
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(10);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.envFrom.map((e: Record<string, { name: string }>) => Object.keys(e)[0])).toEqual(["configMapRef", "secretRef"]);
  });

  it("the Service, autoscaler and disruption budget point at the Deployment, and metrics stay off the Service", () => {
    const [deployment] = byKind("Deployment");
    const container = deployment!.spec.template.spec.containers[0];
    const [service] = byKind("Service");
    for (const port of service!.spec.ports) expect(container.ports.map((p: { name: string }) => p.name)).toContain(port.targetPort);
    expect(service!.spec.ports.map((p: { targetPort: string }) => p.targetPort)).not.toContain("metrics");
    const [hpa] = byKind("HorizontalPodAutoscaler");
    expect(hpa!.spec.scaleTargetRef).toMatchObject({ kind: "Deployment", name: deployment!.metadata.name });
    expect(hpa!.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(byKind("PodDisruptionBudget")).toHaveLength(1);
    const [config] = byKind("ConfigMap") as unknown as { data: Record<string, string> }[];
    const metricsPort = container.ports.find((p: { name: string }) => p.name === "metrics").containerPort;
    expect(config!.data.CONCIERGE_METRICS_PORT).toBe(String(metricsPort));
  });
});

describe("Grafana dashboard and alert rules", () => {
  it("every dashboard panel queries metrics the service exports, and is labelled", async () => {
    const exported = await exportedMetricNames();
    const dashboard = JSON.parse(read("deploy/grafana/concierge-dashboard.json")) as { panels: { title: string; targets: { expr: string }[] }[] };
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(8);
    for (const panel of dashboard.panels) {
      expect(panel.title.length).toBeGreaterThan(0);
      expect(panel.targets.length).toBeGreaterThan(0);
      for (const target of panel.targets) {
        const used = queriedMetrics(target.expr);
        expect(used.length, `${panel.title}: ${target.expr}`).toBeGreaterThan(0);
        for (const name of used) expect(exported, `${panel.title} queries ${name}`).toContain(name);
      }
    }
  });

  it("every alert has a severity, a summary and an expression over exported metrics", async () => {
    const exported = await exportedMetricNames();
    const rules = (parseYaml(read("deploy/prometheus/alerts.yml")) as { groups: { rules: { alert: string; expr: string; labels: { severity: string }; annotations: { summary: string } }[] }[] }).groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThanOrEqual(4);
    for (const rule of rules) {
      expect(["critical", "warning"]).toContain(rule.labels.severity);
      expect(rule.annotations.summary.length).toBeGreaterThan(0);
      for (const name of queriedMetrics(rule.expr)) expect(exported, `${rule.alert} queries ${name}`).toContain(name);
    }
  });
});

describe("docker-compose and the image", () => {
  it("compose holds no password and requires the secrets it needs from the environment", () => {
    const compose = parseYaml(read("docker-compose.yml")) as { services: Record<string, { environment?: Record<string, string> }> };
    const env = Object.values(compose.services).flatMap((s) => Object.entries(s.environment ?? {}));
    const value = (key: string) => env.find(([k]) => k === key)?.[1];
    expect(value("POSTGRES_PASSWORD")).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    expect(value("CONCIERGE_ADMIN_TOKEN")).toMatch(/^\$\{CONCIERGE_ADMIN_TOKEN:\?/);
    expect(value("DATABASE_URL")).toMatch(/:\$\{POSTGRES_PASSWORD\}@/);
    // a literal password would be a value with no ${...} in a secret-looking key
    for (const [key, v] of env) if (/PASSWORD|TOKEN|SECRET/.test(key)) expect(String(v), key).toMatch(/^\$\{/);
  });

  it("every stage of the image is Node 22, and tests and benches stay out of it", () => {
    const froms = read("Dockerfile").match(/^FROM\s+\S+/gm) ?? [];
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toMatch(/^FROM node:22-/);
    const ignored = read(".dockerignore").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
    for (const folder of ["node_modules", "test", "bench", "data", ".git"]) expect(ignored).toContain(folder);
  });

  it("the CUDA image takes Node 22 and the CUDA 12 runtime, and runs as a user of its own", () => {
    const cuda = read("Dockerfile.cuda");
    const froms = cuda.match(/^FROM\s+\S+/gm) ?? [];
    expect(froms.filter((f) => f.startsWith("FROM node:")).every((f) => f.startsWith("FROM node:22-"))).toBe(true);
    expect(froms.at(-1)).toMatch(/^FROM nvidia\/cuda:12\./);
    expect(cuda).toMatch(/^USER (?!root)\w+/m);
    expect(cuda).toContain("npm ci --omit=dev");
  });
});
