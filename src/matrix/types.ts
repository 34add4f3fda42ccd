/**
 * The shapes of matrix data. Versions are written as upstream spells them
 * (`v2.9.10`, `v1.30.13+rke2r1`); Kubernetes minors as `1.30`.
 */

/** One Kubernetes minor and its upstream support window. */
export interface KubernetesMinor {
  /** `1.30` */
  readonly minor: string;
  /** Release date of x.y.0 (ISO), when recorded. */
  readonly released?: string;
  /** Upstream end of life (ISO date): no patches after it. */
  readonly endOfLife: string;
  /** True when the end of life is the one the release cycle projects, not yet a past event. */
  readonly endOfLifeProjected?: boolean;
  /** Newest patch we test with (`1.24.17`); needed by any minor a kOps upgrade job uses. */
  readonly latestPatch?: string;
}

/** A Rancher release and the `kubeVersion` constraint of its Helm chart. */
export interface RancherRelease {
  readonly version: string;
  /** The chart's `kubeVersion`, as in its Chart.yaml (a semver range). */
  readonly kubeVersion: string;
}

/** An RKE2 release; its Kubernetes version is the version without `+rke2rN`. */
export interface Rke2Release {
  readonly version: string;
  /** Charts it bundles that we have checked in its release manifest: chart name → version. */
  readonly charts: Readonly<Record<string, string>>;
}

export interface HarvesterRelease {
  readonly version: string;
}

/** An operating system the test nodes run. */
export interface NodeOs {
  /** `ubuntu-24.04`: what combinations and job names use. */
  readonly id: string;
  readonly name: string;
  readonly version: string;
}

/** One row of a chart validation matrix. */
export interface Combination {
  readonly rancher: string;
  readonly rke2: string;
  /** Absent when the combination runs without Harvester (as upstream validated it). */
  readonly harvester?: string;
  /** A NodeOs id. */
  readonly os: string;
}

/** Where a matrix job gets its test code and what it runs. */
export interface TestEntry {
  readonly repository: string;
  readonly ref: string;
  /** Shell command run from the checkout; the combination arrives as environment variables. */
  readonly command: string;
}

/** A chart validated across version combinations: one Jenkins job per combination. */
export interface ChartMatrix {
  /** Folder and file name: lowercase letters, digits, '.', '-'. */
  readonly name: string;
  readonly title: string;
  /** The chart under test; every RKE2 release of the matrix must bundle this version. */
  readonly chart: { readonly name: string; readonly version: string };
  readonly test: TestEntry;
  readonly combinations: readonly Combination[];
}

/** A test skip: a regex over test names, why, and the last version that may keep it. */
export interface SkipEntry {
  readonly regex: string;
  readonly reason: string;
  /** Kubernetes minor after which the skip must be gone (listed for newer minors = error). */
  readonly removeAfter: string;
}

/** A kOps upgrade test: a cluster on `from` upgraded to `to` (Kubernetes minors). */
export interface UpgradePath {
  readonly from: string;
  readonly to: string;
}

export interface KopsUpgrades {
  /** Oldest and newest Kubernetes minor with upgrade jobs; paths outside are dropped. */
  readonly window: { readonly oldest: string; readonly newest: string };
  readonly paths: readonly UpgradePath[];
  /**
   * Skips per Kubernetes minor. A job runs the e2e suite of its `to` version
   * (kOps' upgrade-ab scenario tests with `--test-package-version=$K8S_VERSION_B`),
   * so it takes the list of its `to` minor.
   */
  readonly skips: Readonly<Record<string, readonly SkipEntry[]>>;
}

/** Everything the rules and renderers read. Tests pass edited copies. */
export interface Catalog {
  readonly kubernetes: readonly KubernetesMinor[];
  readonly rancher: readonly RancherRelease[];
  readonly rke2: readonly Rke2Release[];
  readonly harvester: readonly HarvesterRelease[];
  readonly os: readonly NodeOs[];
  readonly matrices: readonly ChartMatrix[];
  readonly kops: KopsUpgrades;
}
