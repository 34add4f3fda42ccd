/**
 * A pinned Helm chart installed as a `helm.sh/v3` Release: the chart, repository
 * and version come from src/versions.ts, the values from a pure renderer. Values
 * never hold secrets: charts get them by reference to Kubernetes Secrets.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ChartPin } from "../versions";

export interface ReleaseArgs {
  /** Helm release name. */
  readonly name: string;
  /** Namespace the release goes to (created by its app component). */
  readonly namespace: string;
  /** Chart, repository and version, pinned in src/versions.ts. */
  readonly chart: ChartPin;
  /** May wait on outputs (e.g. VM addresses); never holds secrets. */
  readonly values: pulumi.Input<Record<string, unknown>>;
  /** Seconds Helm waits for the release's resources to become ready. */
  readonly timeoutSeconds?: number;
}

export function chartRelease(logicalName: string, a: ReleaseArgs, opts: pulumi.CustomResourceOptions): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(logicalName, {
    name: a.name,
    namespace: a.namespace,
    createNamespace: true,
    chart: a.chart.chart,
    version: a.chart.version,
    repositoryOpts: { repo: a.chart.repo },
    values: a.values,
    // A failed upgrade rolls back instead of leaving a half-applied release.
    atomic: true,
    timeout: a.timeoutSeconds ?? 900,
  }, opts);
}
