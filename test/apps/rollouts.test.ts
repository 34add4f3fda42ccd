/**
 * Day-2 rollouts: an upgrade of the ingress controller must make progress and a
 * node drain must be allowed, on every cluster size we ship; an app whose data is
 * a ReadWriteOnce claim behind a Deployment must stop the old pod before the new
 * one starts. The rendered values are merged over the chart's own defaults (read
 * at the pinned chart versions, below) and judged the way Kubernetes would.
 */
import { describe, expect, it } from "vitest";
import { ingressNginxValues, traefikValues, IngressContract } from "../../src/apps/ingress-values";
import { grafanaValues, prometheusValues } from "../../src/apps/monitoring";

/**
 * The charts' defaults when our values say nothing:
 * - traefik/traefik-helm-chart traefik/values.yaml@v41.3.0: `updateStrategy` RollingUpdate
 *   maxUnavailable 0, maxSurge 1; `podDisruptionBudget.enabled: false`.
 * - kubernetes/ingress-nginx charts/ingress-nginx/values.yaml@helm-chart-4.15.1:
 *   `controller.updateStrategy: {}` (so Kubernetes' 25 % / 25 %), `controller.minAvailable: 1`;
 *   templates/controller-poddisruptionbudget.yaml renders the PDB only for a Deployment
 *   with more than one replica, with maxUnavailable when that key is set.
 */
const TRAEFIK_DEFAULT_STRATEGY = { maxSurge: 1 as number | string, maxUnavailable: 0 as number | string };
const K8S_DEFAULT_STRATEGY = { maxSurge: "25%", maxUnavailable: "25%" };

interface Rollout {
  kind: "Deployment" | "DaemonSet";
  pods: number;
  maxSurge: number;
  maxUnavailable: number;
  /** Disruptions the PDB allows with every pod healthy; undefined without a PDB. */
  pdbAllows?: number;
  /** Required pod anti-affinity on the hostname: one pod per node. */
  onePerNode: boolean;
}

/** Kubernetes resolves percentages: surge rounds up, unavailable rounds down. */
function resolve(v: number | string, pods: number, up: boolean): number {
  if (typeof v === "number") return v;
  const x = (Number(v.replace("%", "")) / 100) * pods;
  return up ? Math.ceil(x) : Math.floor(x);
}

function traefikRollout(c: IngressContract & { nodes: number }): Rollout {
  const v = traefikValues(c) as any;
  const kind = v.deployment.kind as Rollout["kind"];
  const pods = kind === "DaemonSet" ? c.nodes : v.deployment.replicas;
  const s = { ...TRAEFIK_DEFAULT_STRATEGY, ...(v.updateStrategy?.rollingUpdate ?? {}) };
  const pdb = v.podDisruptionBudget;
  const pdbAllows = pdb?.enabled ? (pdb.maxUnavailable ? resolve(pdb.maxUnavailable, pods, false) : pods - resolve(pdb.minAvailable, pods, true)) : undefined;
  return { kind, pods, maxSurge: resolve(s.maxSurge, pods, true), maxUnavailable: resolve(s.maxUnavailable, pods, false), pdbAllows, onePerNode: JSON.stringify(v.affinity ?? {}).includes("requiredDuringScheduling") };
}

function nginxRollout(c: IngressContract & { nodes: number }): Rollout {
  const v = (ingressNginxValues(c) as any).controller;
  const kind = v.kind as Rollout["kind"];
  const pods = kind === "DaemonSet" ? c.nodes : v.replicaCount;
  const s = { ...K8S_DEFAULT_STRATEGY, ...(v.updateStrategy?.rollingUpdate ?? {}) };
  let pdbAllows: number | undefined;
  if (kind === "Deployment" && pods > 1) pdbAllows = "maxUnavailable" in v ? resolve(v.maxUnavailable, pods, false) : pods - resolve(v.minAvailable ?? 1, pods, true);
  return { kind, pods, maxSurge: resolve(s.maxSurge, pods, true), maxUnavailable: resolve(s.maxUnavailable, pods, false), pdbAllows, onePerNode: JSON.stringify(v.affinity ?? {}).includes("requiredDuringScheduling") };
}

/**
 * Whether a rolling update can replace the first pod. A DaemonSet's surge pod lands
 * on the same node as the pod it replaces; a Deployment's surge pod needs a node
 * without a pod when they are spread one per node.
 */
function rolloutProgresses(r: Rollout, nodes: number): boolean {
  if (r.maxUnavailable >= 1) return true;
  if (r.maxSurge < 1) return false;
  return r.kind === "DaemonSet" || !r.onePerNode || r.pods + 1 <= nodes;
}

/** A drain evicts the node's pod: a PDB must allow one disruption (DaemonSet pods are not evicted). */
function drainAllowed(r: Rollout): boolean {
  return r.kind === "DaemonSet" || r.pdbAllows === undefined || r.pdbAllows >= 1;
}

const base = { httpNodePort: 30080, httpsNodePort: 30443, healthNodePort: 30254, proxyProtocolFrom: ["10.0.0.0/24"] };
// replicas are capped at the node count by the program (src/programs/platform-apps.ts).
const sizes: [string, IngressContract & { nodes: number }][] = [
  ["staging: 1 node, 1 replica", { ...base, controller: "traefik", externalTrafficPolicy: "Cluster", nodes: 1, replicas: 1 }],
  ["2 nodes, 2 replicas", { ...base, controller: "traefik", externalTrafficPolicy: "Cluster", nodes: 2, replicas: 2 }],
  ["prod: 5 nodes, 2 replicas", { ...base, controller: "traefik", externalTrafficPolicy: "Cluster", nodes: 5, replicas: 2 }],
  ["3 nodes, Local policy (DaemonSet)", { ...base, controller: "traefik", externalTrafficPolicy: "Local", nodes: 3, replicas: 2 }],
  ["1 node, Local policy (DaemonSet)", { ...base, controller: "traefik", externalTrafficPolicy: "Local", nodes: 1, replicas: 1 }],
];

describe("ingress controller rollouts progress and drains are allowed", () => {
  it.each(sizes)("traefik, %s", (_n, c) => {
    const r = traefikRollout(c);
    expect(rolloutProgresses(r, c.nodes), `strategy surge ${r.maxSurge} / unavailable ${r.maxUnavailable} with ${r.pods} pods on ${c.nodes} nodes`).toBe(true);
    expect(drainAllowed(r), `PDB allows ${r.pdbAllows} disruptions of ${r.pods} pods`).toBe(true);
  });

  it.each(sizes)("ingress-nginx, %s", (_n, c) => {
    const r = nginxRollout({ ...c, controller: "ingress-nginx" });
    expect(rolloutProgresses(r, c.nodes), `strategy surge ${r.maxSurge} / unavailable ${r.maxUnavailable} with ${r.pods} pods on ${c.nodes} nodes`).toBe(true);
    expect(drainAllowed(r), `PDB allows ${r.pdbAllows} disruptions of ${r.pods} pods`).toBe(true);
  });

  it("keeps capacity during upgrades when a spare node exists, and keeps a PDB where there is more than one pod", () => {
    const prod = traefikRollout(sizes[2][1]);
    expect(prod).toMatchObject({ maxSurge: 1, maxUnavailable: 0, pdbAllows: 1 });
    const full = traefikRollout(sizes[1][1]);
    expect(full).toMatchObject({ maxSurge: 0, maxUnavailable: 1, pdbAllows: 1 });
    // One pod: a PDB could only forbid the drain.
    expect(traefikRollout(sizes[0][1]).pdbAllows).toBeUndefined();
    expect((traefikValues(sizes[0][1]) as any).podDisruptionBudget.enabled).toBe(false);
    expect(nginxRollout({ ...sizes[2][1], controller: "ingress-nginx" })).toMatchObject({ maxSurge: 1, maxUnavailable: 0, pdbAllows: 1 });
  });

  it("the judge fails the chart defaults on a full cluster (so passing means something)", () => {
    const r: Rollout = { kind: "Deployment", pods: 1, maxSurge: 1, maxUnavailable: 0, pdbAllows: 0, onePerNode: true };
    expect(rolloutProgresses(r, 1)).toBe(false);
    expect(drainAllowed(r)).toBe(false);
  });
});

describe("ReadWriteOnce data behind a Deployment is replaced with Recreate", () => {
  // A Longhorn RWO volume attaches to one node: the new pod of a RollingUpdate waits
  // for a volume the old pod never releases.
  it("Grafana (its data is the grafana-data claim): deploymentStrategy Recreate", () => {
    const v = grafanaValues({ hostname: "grafana.example.org", ingressClassName: "traefik", tls: { mode: "acme", issuer: "letsencrypt-staging", server: "staging" }, webhook: false }) as any;
    expect(v.persistence.existingClaim).toBe("grafana-data");
    // grafana-community/helm-charts charts/grafana/values.yaml@grafana-12.11.1 defaults to RollingUpdate.
    expect(v.deploymentStrategy).toEqual({ type: "Recreate" });
  });

  it("Prometheus server (a chart-made RWO volume): strategy Recreate, stated rather than left to the chart", () => {
    const v = prometheusValues({ retentionDays: 15, storageGbs: 50 }) as any;
    expect(v.server.persistentVolume.enabled).toBe(true);
    expect(v.server.strategy).toEqual({ type: "Recreate" });
  });
});
