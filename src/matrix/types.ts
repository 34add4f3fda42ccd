/**
 * The shapes of matrix data. Versions are written as upstream spells them
 * (`v2.9.10`, `v1.30.13+rke2r1`); Kubernetes minors as `1.30`.
 */

/** One Kubernetes minor and its upstream support window. */
export interface KubernetesMinor {
  /** `1.30` */
  readonly minor: string;
  /** Release date of x.y.0 (ISO), when recorded with its source. */
  readonly released?: string;
  /** Upstream end of life (ISO date): no patches after it. */
  readonly endOfLife: string;
  /** True while the end of life is the date the schedule plans, not the final one kubernetes/website records in eol.yaml. */
  readonly endOfLifeProjected?: boolean;
  /** Newest patch we test with (`1.24.17`); needed by any minor a kOps upgrade job uses. */
  readonly latestPatch?: string;
  /** Where the dates and the patch were read: repository, path and version, or the page rendered from them. */
  readonly source: string;
}

/** A Rancher release and the `kubeVersion` constraint of its Helm chart. */
export interface RancherRelease {
  readonly version: string;
  /** The chart's `kubeVersion`, as in its Chart.yaml (a semver range). */
  readonly kubeVersion: string;
}

/**
 * A chart RKE2 bundles, spelled both ways: RKE2's charts/chart_versions.yaml and KDM
 * carry the rke2-charts packaging (`0.2.1000`), the chart under test is named by its
 * upstream version (`0.2.10`, rke2-charts' package.yaml url at the bump).
 */
export interface BundledChart {
  /** As charts/chart_versions.yaml spells it at the RKE2 tag. */
  readonly packaged: string;
  /** The upstream chart release it packages. */
  readonly upstream: string;
}

/**
 * Which Rancher servers offer an RKE2 release for guest clusters: KDM
 * (rancher/kontainer-driver-metadata channels-rke2.yaml) lists each release with a
 * channel-server range, and Rancher's channel server keeps a release when
 * min <= server version <= max (rancher/channelserver pkg/config/get.go).
 */
export interface KdmRange {
  readonly minChannelServerVersion: string;
  readonly maxChannelServerVersion: string;
  /** Repository, path and commit (or branch) the range was read at. */
  readonly source: string;
}

/** An RKE2 release; its Kubernetes version is the version without `+rke2rN`. */
export interface Rke2Release {
  readonly version: string;
  /** Charts it bundles that we have checked in its release manifest: chart name → version. */
  readonly charts: Readonly<Record<string, BundledChart>>;
  /** KDM's range for it; a matrix row with this release needs one (rule kdm-provisionable). */
  readonly kdm?: KdmRange;
}

/** A Harvester release and the guest chart versions it accepts. */
export interface HarvesterRelease {
  readonly version: string;
  /**
   * The default of its `harvester-csi-ccm-versions` setting (pkg/settings/settings.go
   * at the tag): chart name → semver range. Rancher's UI refuses the Harvester cloud
   * provider for an RKE2 release whose bundled chart falls outside it.
   */
  readonly csiCcmVersions?: Readonly<Record<string, string>>;
  readonly source?: string;
}

/** An operating system the test nodes run. */
export interface NodeOs {
  /** `ubuntu-24.04`: what combinations and job names use. */
  readonly id: string;
  readonly name: string;
  readonly version: string;
  /** Cloud image the guest VMs boot from, when a test can use this OS; with where the URL was read. */
  readonly cloudImage?: { readonly url: string; readonly source: string };
}

/** One row of a chart validation matrix. */
export interface Combination {
  readonly rancher: string;
  readonly rke2: string;
  /** The Harvester the guest cluster runs on; required when the chart under test is a Harvester guest chart. */
  readonly harvester?: string;
  /** A NodeOs id. */
  readonly os: string;
}

/**
 * What a matrix job runs: pytest node ids of a repository at a pinned commit, inside
 * a pinned image. The generated job passes the combination and the environment's
 * endpoints and credentials as the options the repository's conftest declares.
 */
export interface TestEntry {
  /** Git URL. */
  readonly repository: string;
  /** 40-hex commit the job checks out. */
  readonly commit: string;
  /** pytest node ids relative to the checkout (`path/to/test_x.py::TestClass`). */
  readonly tests: readonly string[];
  /** Image the tests run in (Python and the repository's requirements installed at run time). */
  readonly image: string;
  /** Whether guests boot from a cloud image the job passes (`--ubuntu-image-url`); the combination's OS must have one. */
  readonly guestOs: "ubuntu";
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
