/**
 * The jobs a catalog implies, before any rendering: one per matrix combination
 * and one per kOps upgrade path. Renderers and reports read these, so a job's
 * name and versions are worked out in one place.
 */
import { KOPS_JOB } from "./data/kops";
import { combinationLabel } from "./rules/problem";
import { pathLabel } from "./rules/kops";
import type { Catalog, ChartMatrix, Combination, SkipEntry, UpgradePath } from "./types";
import { kubernetesOf } from "./version";

export interface CombinationJob {
  readonly matrix: ChartMatrix;
  readonly combination: Combination;
  /** Jenkins folder (the matrix name). */
  readonly folder: string;
  /** Job name inside the folder. */
  readonly name: string;
  readonly label: string;
  /** Kubernetes version of the RKE2 release, `1.30.13`. */
  readonly kubernetes: string;
  readonly rancherKubeVersion?: string;
}

export interface UpgradeJob {
  readonly path: UpgradePath;
  readonly name: string;
  readonly label: string;
  /** Exact Kubernetes versions the job pins, `v1.24.17`. */
  readonly kubernetesFrom: string;
  readonly kubernetesTo: string;
  readonly skips: readonly SkipEntry[];
  /** The skips' regexes as one alternation; "" when nothing is skipped. */
  readonly skipRegex: string;
}

/** Jenkins job names allow neither '/' nor '+'; keep them URL-friendly. */
export function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

export function combinationJobs(catalog: Catalog): CombinationJob[] {
  return catalog.matrices.flatMap((m) =>
    m.combinations.map((c) => ({
      matrix: m,
      combination: c,
      folder: m.name,
      name: slug([`rancher ${c.rancher}`, c.harvester ? `harvester ${c.harvester}` : "", `rke2 ${c.rke2}`, c.os].filter(Boolean).join(" ")),
      label: combinationLabel(c),
      kubernetes: kubernetesOf(c.rke2) ?? "unknown",
      rancherKubeVersion: catalog.rancher.find((r) => r.version === c.rancher)?.kubeVersion,
    })),
  );
}

/** `1.24` → `124`, as kOps job names write versions. */
const short = (minor: string) => minor.replace(".", "");

export function upgradeJobs(catalog: Catalog): UpgradeJob[] {
  const patch = (minor: string) => {
    const p = catalog.kubernetes.find((m) => m.minor === minor)?.latestPatch;
    return p ? `v${p}` : "unknown";
  };
  return catalog.kops.paths.map((path) => {
    // The job runs the e2e suite of its `to` version, so it needs that version's skips.
    const skips = dedupe(catalog.kops.skips[path.to] ?? []);
    return {
      path,
      // kOps' own naming: k<kubernetes>-ko<kops>; kOps releases track Kubernetes minors.
      name: `e2e-kops-${KOPS_JOB.cloud}-upgrade-k${short(path.from)}-ko${short(path.from)}-to-k${short(path.to)}-ko${short(path.to)}`,
      label: pathLabel(path),
      kubernetesFrom: patch(path.from),
      kubernetesTo: patch(path.to),
      skips,
      skipRegex: skips.map((s) => s.regex).join("|"),
    };
  });
}

function dedupe(entries: readonly SkipEntry[]): SkipEntry[] {
  return entries.filter((e, i) => entries.findIndex((o) => o.regex === e.regex) === i);
}
