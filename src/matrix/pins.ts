/**
 * The platform's own pins through the matrix rules: the Kubernetes of its
 * distribution (K3S) against every chart pin that declares a `kubeVersion`.
 */
import { ChartPin, CHARTS, K3S } from "../versions";
import { KUBERNETES } from "./data/kubernetes";
import { RANCHER } from "./data/rancher";
import { kubeBoundsRule } from "./rules/kube-bounds";
import { problem, shown } from "./rules/problem";
import type { KubernetesMinor, RancherRelease } from "./types";
import { kubernetesOf, minorOf } from "./version";

export interface PlatformPins {
  readonly k3s: { readonly version: string };
  readonly charts: Readonly<Record<string, ChartPin>>;
  /** Where the Rancher chart's bound comes from: the matrices' Rancher data. */
  readonly rancher: readonly RancherRelease[];
}

const PINS: PlatformPins = { k3s: K3S, charts: CHARTS, rancher: RANCHER };

/** A chart pin's kubeVersion: its own, or for Rancher the bound recorded with its release. */
function boundOf(chart: ChartPin, rancher: readonly RancherRelease[]): string | undefined | null {
  if (chart.kubeVersion !== undefined || chart.chart !== "rancher") return chart.kubeVersion;
  return rancher.find((r) => r.version === `v${chart.version.replace(/^v/, "")}`)?.kubeVersion ?? null;
}

/** One line per broken rule, naming the pins; empty when the pins fit together. */
export function platformPinProblems(pins: PlatformPins = PINS): string[] {
  const subject = `platform pin K3S ${pins.k3s.version}`;
  const kubernetes = kubernetesOf(pins.k3s.version);
  if (kubernetes === undefined) return [problem(subject, `K3S.version must be a version such as v1.36.3+k3s1 (got ${shown(pins.k3s.version)})`, "pin-consistent")];
  const problems: string[] = [];
  for (const [key, chart] of Object.entries(pins.charts)) {
    const bound = boundOf(chart, pins.rancher);
    if (bound === null) {
      problems.push(problem(`${subject} with CHARTS.${key}`, `rancher ${chart.version} must be listed in src/matrix/data/rancher.ts with its chart's kubeVersion`, "pin-consistent"));
      continue;
    }
    if (bound === undefined) continue;
    const broken = kubeBoundsRule(kubernetes, `${chart.chart} ${chart.version}`, bound);
    if (broken) problems.push(problem(`${subject} with CHARTS.${key}`, broken, "kube-within-chart-bounds"));
  }
  return problems;
}

/**
 * Advisory: the platform's Kubernetes minor past its upstream end of life (no more
 * security patches), or missing from the support windows. Dated, so `asOf` comes in.
 */
export function pinSupportWarnings(asOf: Date, pins: PlatformPins = PINS, kubernetes: readonly KubernetesMinor[] = KUBERNETES): string[] {
  const minor = minorOf(kubernetesOf(pins.k3s.version) ?? "");
  const k = kubernetes.find((m) => m.minor === minor);
  if (!k) return [`platform pin K3S ${pins.k3s.version}: Kubernetes ${minor} has no support window in src/matrix/data/kubernetes.ts; add it`];
  if (new Date(`${k.endOfLife}T23:59:59Z`) < asOf) {
    return [`platform pin K3S ${pins.k3s.version}: Kubernetes ${minor} reached end of life on ${k.endOfLife}; bump K3S in src/versions.ts`];
  }
  return [];
}
