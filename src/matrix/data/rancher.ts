/**
 * Rancher releases and their chart's `kubeVersion` (the rancher chart's
 * Chart.yaml; BRIEF §3 and §5). Helm refuses to install the chart on a cluster
 * outside the range, so a combination outside it can only fail.
 */
import type { RancherRelease } from "../types";

export const RANCHER: readonly RancherRelease[] = [
  { version: "v2.9.10", kubeVersion: "< 1.31.0-0" },
  { version: "v2.10.6", kubeVersion: "< 1.32.0-0" },
  { version: "v2.11.2", kubeVersion: "< 1.33.0-0" },
  { version: "v2.12.12", kubeVersion: "< 1.34.0-0" },
  { version: "v2.13.8", kubeVersion: "< 1.35.0-0" },
  { version: "v2.14.4", kubeVersion: "< 1.36.0-0" },
  // Newest stable as of 2026-11 (BRIEF §5).
  { version: "v2.15.0", kubeVersion: "< 1.37.0-0" },
];
