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
