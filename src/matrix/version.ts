/** Version arithmetic on top of `semver`, for the spellings matrices use. */
import semver from "semver";

/**
 * The Kubernetes version inside a distribution version: `v1.30.13+rke2r1` →
 * `1.30.13`, `v1.36.3+k3s1` → `1.36.3` (the `+…` part is semver build metadata).
 */
export function kubernetesOf(distributionVersion: string): string | undefined {
  return semver.parse(distributionVersion)?.version;
}

/** `1.30.13` → `1.30`. */
export function minorOf(version: string): string | undefined {
  const v = semver.parse(version) ?? semver.coerce(version);
  return v ? `${v.major}.${v.minor}` : undefined;
}

/** Orders Kubernetes minors (`1.9` < `1.10`); NaN-free only for valid minors. */
export function compareMinors(a: string, b: string): number {
  return semver.compare(toVersion(a), toVersion(b));
}

export function isMinor(v: string): boolean {
  return /^\d+\.\d+$/.test(v);
}

function toVersion(minor: string): string {
  if (!isMinor(minor)) throw new Error(`not a Kubernetes minor: ${minor}`);
  return `${minor}.0`;
}

/**
 * Does `kubernetes` satisfy a chart's `kubeVersion`? Charts write `< 1.32.0-0` so
 * that pre-releases count; `includePrerelease` keeps that meaning here.
 */
export function satisfiesKubeVersion(kubernetes: string, kubeVersion: string): boolean {
  return semver.satisfies(kubernetes, kubeVersion, { includePrerelease: true });
}

export function isValidRange(range: string): boolean {
  return semver.validRange(range) !== null;
}

/** A version semver can read, `v` prefix allowed (`v2.10.6`, `0.2.1000`). */
export function isVersion(v: string): boolean {
  return semver.valid(v) !== null;
}

/**
 * Would Rancher `server` list a release KDM bounds with [min, max]? Rancher's channel
 * server keeps a release when `serverVersion.GE(min) && serverVersion.LE(max)`
 * (rancher/channelserver pkg/config/get.go, blang/semver ParseTolerant), so
 * `v2.10.0-alpha1` admits every v2.10 release and `v2.9.99` ends at 2.9.
 */
export function channelServerAllows(server: string, min: string, max: string): boolean {
  return semver.gte(server, min) && semver.lte(server, max);
}

/**
 * The version Rancher's UI compares with Harvester's `harvester-csi-ccm-versions`
 * range: the chart version RKE2 bundles with one trailing "00" removed (`0.2.1000` →
 * `0.2.10`), as rancher/dashboard rke2.vue isHarvesterIncompatible does at v2.10.6
 * and v2.11.2.
 */
export function dashboardChartVersion(packaged: string): string {
  return packaged.endsWith("00") ? packaged.slice(0, -2) : packaged;
}

/**
 * Does the rke2-charts packaging `packaged` (X.Y.(Z*100+N)) package upstream X.Y.Z?
 * (`0.2.1000` packages `0.2.10`, `0.2.900` packages `0.2.9`.)
 */
export function packagesUpstream(packaged: string, upstream: string): boolean {
  const p = semver.parse(packaged);
  const u = semver.parse(upstream);
  if (!p || !u) return false;
  return p.major === u.major && p.minor === u.minor && Math.floor(p.patch / 100) === u.patch;
}

/** semver.satisfies as Rancher's UI calls it: no options, so a pre-release never matches. */
export function satisfiesAsRancherUi(version: string, range: string): boolean {
  return semver.satisfies(version, range);
}
