/**
 * The jobs a catalog implies, before any rendering: per matrix one validation job
 * per combination and one bundle check per RKE2 release, and one kOps job per
 * upgrade path. Renderers and reports read these, so a job's name and versions are
 * worked out in one place.
 */
import { kopsUpgradeJobName } from "./data/kops";
import { combinationLabel } from "./rules/problem";
import { pathLabel } from "./rules/kops";
import { harvesterCredentialIds, rancherCredentialIds } from "./targets";
import type { BundledChart, Catalog, ChartMatrix, Combination, SkipEntry, UpgradePath } from "./types";
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
  /** The guest image URL of the combination's OS, when recorded. */
  readonly guestImageUrl?: string;
  /** Jenkins credentials the job binds: its Harvester's and its Rancher's. */
  readonly credentials: {
    readonly harvester?: ReturnType<typeof harvesterCredentialIds>;
    readonly rancher: ReturnType<typeof rancherCredentialIds>;
  };
}

/** A cheap check that an RKE2 release bundles the chart version a matrix tests. */
export interface BundleJob {
  readonly matrix: ChartMatrix;
  readonly rke2: string;
  readonly folder: string;
  readonly name: string;
  /**
   * The version charts/chart_versions.yaml must say at the tag: the packaged spelling
   * recorded for the chart under test, or the matrix's own spelling when the data does
   * not record that version (rule chart-bundled then fails the plan anyway).
   */
  readonly expectedPackaged: string;
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
      guestImageUrl: catalog.os.find((o) => o.id === c.os)?.cloudImage?.url,
      credentials: {
        harvester: c.harvester === undefined ? undefined : harvesterCredentialIds(c.harvester),
        rancher: rancherCredentialIds(c.rancher),
      },
    })),
  );
}

/** One bundle check per RKE2 release a matrix uses, in the order the rows first name them. */
export function bundleJobs(catalog: Catalog): BundleJob[] {
  return catalog.matrices.flatMap((m) =>
    [...new Set(m.combinations.map((c) => c.rke2))].map((rke2) => ({
      matrix: m,
      rke2,
      folder: m.name,
      name: slug(`rke2 ${rke2} bundles ${m.chart.name} ${m.chart.version}`),
      expectedPackaged: packagedSpelling(catalog.rke2.find((r) => r.version === rke2)?.charts[m.chart.name], m.chart.version),
    })),
  );
}

function packagedSpelling(bundled: BundledChart | undefined, version: string): string {
  return bundled && (bundled.upstream === version || bundled.packaged === version) ? bundled.packaged : version;
}

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
      // kOps' own naming: k<kubernetes>-ko<kops>, with the kOps releases the path names.
      name: kopsUpgradeJobName(path),
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
