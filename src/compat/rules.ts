/**
 * The compatibility rules: the platform's pins (Kubernetes of K3S, Jenkins of its
 * chart, Longhorn, Docker) against the node OS facts and the requirements, each
 * with its source. A combination known to fail is a problem (exit 2, one line
 * naming both pins and the source); a known risk is a warning in the plan summary.
 */
import semver from "semver";
import { CHARTS, K3S } from "../versions";
import { NODE_OS, NodeOsFacts, NodeOsId } from "./node-os";
import { ADOPTIUM_EL7, DOCKER_EL7_REQUIRES, JENKINS_JAVA, KUBELET_CGROUP_V1, LONGHORN_HOST } from "./requirements";
import type { Source } from "./sources";

/** Everything the rules read; tests pass a broken copy to see each rule fail. */
export interface CompatCatalog {
  readonly os: Readonly<Record<string, NodeOsFacts>>;
  readonly cgroupV1: { readonly failsByDefaultFrom: string; readonly kubeletArg: string; readonly verifiedThrough: string; readonly removalNoEarlierThan: string; readonly sources: readonly Source[] };
  readonly jenkinsJava: readonly { readonly fromJenkins: string; readonly java: number; readonly source: Source }[];
  readonly adoptiumEl7: { readonly javaMajors: readonly number[]; readonly source: Source };
  readonly dockerEl7Requires: { readonly packages: readonly string[]; readonly source: Source };
  readonly longhornHost: { readonly recommendedKernel: string; readonly sources: readonly Source[] };
}

export const COMPAT: CompatCatalog = {
  os: NODE_OS,
  cgroupV1: KUBELET_CGROUP_V1,
  jenkinsJava: JENKINS_JAVA,
  adoptiumEl7: ADOPTIUM_EL7,
  dockerEl7Requires: DOCKER_EL7_REQUIRES,
  longhornHost: LONGHORN_HOST,
};

/** The pins the rules judge; defaults are src/versions.ts. */
export interface CompatPins {
  readonly k3s: string;
  readonly jenkins: string;
  readonly longhorn: string;
}

export const PINS: CompatPins = { k3s: K3S.version, jenkins: CHARTS.jenkins.appVersion, longhorn: CHARTS.longhorn.version };

export interface CompatFindings {
  readonly problems: string[];
  readonly warnings: string[];
}

const cite = (s: Source | readonly Source[]) => (Array.isArray(s) ? (s as readonly Source[]) : [s as Source]).map((x) => x.at).join("; ");
const minorOf = (v: string) => {
  const p = semver.coerce(v);
  return p ? `${p.major}.${p.minor}` : v;
};
const atLeast = (v: string, min: string) => semver.gte(semver.coerce(v) ?? "0.0.0", semver.coerce(min) ?? "0.0.0");

/** The Java major the Jenkins at `jenkinsVersion` needs on its controller and agents. */
export function jenkinsAgentJava(jenkinsVersion: string, catalog: CompatCatalog = COMPAT): number {
  const applicable = catalog.jenkinsJava.filter((e) => atLeast(jenkinsVersion, e.fromJenkins));
  if (!applicable.length) throw new Error(`no Java requirement recorded for Jenkins ${jenkinsVersion} (src/compat/requirements.ts)`);
  return applicable.reduce((a, b) => (atLeast(b.fromJenkins, a.fromJenkins) ? b : a)).java;
}

/** Extra kubelet flags a node on `os` needs to run the Kubernetes of `k3sVersion`. */
export function kubeletArgs(os: NodeOsFacts, k3sVersion: string, catalog: CompatCatalog = COMPAT): string[] {
  return os.cgroup === 1 && atLeast(k3sVersion, catalog.cgroupV1.failsByDefaultFrom) ? [catalog.cgroupV1.kubeletArg] : [];
}

/**
 * Judges the pins against each node OS in use. `usedOs` are the OS ids of the
 * stack's node pools; `asOf` dates the support warnings.
 */
export function compatFindings(usedOs: readonly NodeOsId[], asOf: Date, pins: CompatPins = PINS, catalog: CompatCatalog = COMPAT): CompatFindings {
  const problems: string[] = [];
  const warnings: string[] = [];
  const k8s = semver.coerce(pins.k3s)?.version ?? pins.k3s;
  const k8sMinor = minorOf(k8s);
  for (const id of new Set(usedOs)) {
    const os = catalog.os[id];
    if (!os) {
      problems.push(`node OS ${id}: must be described in src/compat/node-os.ts before nodes can run it [compat-os-known]`);
      continue;
    }
    const osName = `node OS ${id}`;
    const subject = `${osName} with K3S ${pins.k3s}`;
    if (os.cgroup === 1) {
      const cg = catalog.cgroupV1;
      if (semver.gt(`${k8sMinor}.0`, `${cg.verifiedThrough}.0`)) {
        problems.push(
          `${subject}: Kubernetes ${k8sMinor} on cgroup v1 is not verified (checked through ${cg.verifiedThrough}; removal of cgroup v1 support is announced for no earlier than ${cg.removalNoEarlierThan}); keep K3S at ${cg.verifiedThrough} or move the pools to a cgroup v2 OS (source: ${cite(cg.sources)}) [compat-cgroup-v1]`,
        );
      } else if (atLeast(k8s, cg.failsByDefaultFrom)) {
        warnings.push(`${subject}: cgroup v1 host; the kubelet runs with --${cg.kubeletArg} (Kubernetes ${cg.failsByDefaultFrom}+ refuses cgroup v1 by default, and its removal is planned; source: ${cite(cg.sources[0])})`);
      }
    }
    if (os.packageManager === "yum" && os.major === 7) {
      const java = jenkinsAgentJava(pins.jenkins, catalog);
      if (!catalog.adoptiumEl7.javaMajors.includes(java)) {
        problems.push(`${osName} with Jenkins ${pins.jenkins}: agents need Java ${java}, which Adoptium does not publish for EL7 (it has ${catalog.adoptiumEl7.javaMajors.join(", ")}; source: ${cite(catalog.adoptiumEl7.source)}) [compat-agent-java]`);
      }
      const provided = new Set(os.repos.flatMap((r) => r.for));
      const missing = catalog.dockerEl7Requires.packages.filter((p) => !provided.has(p));
      if (missing.length) {
        problems.push(`${osName} with Docker's EL7 packages: ${missing.join(", ")} must come from a repository the nodes enable (enabled: ${os.repos.map((r) => r.id).join(", ") || "none"}; source: ${cite(catalog.dockerEl7Requires.source)}) [compat-docker-deps]`);
      }
    }
    if (semver.lt(semver.coerce(os.kernel.release)!, semver.coerce(catalog.longhornHost.recommendedKernel)!)) {
      warnings.push(
        `${osName} with Longhorn ${pins.longhorn}: kernel ${os.kernel.release} (${os.kernel.name}) is below the ${catalog.longhornHost.recommendedKernel} Longhorn recommends; volumes work, filesystem optimisations and snapshot freeze do not (source: ${cite(catalog.longhornHost.sources[0])})`,
      );
    }
    if (new Date(`${os.premierSupportEnds}T23:59:59Z`) < asOf) warnings.push(`${osName}: Oracle premier support ended on ${os.premierSupportEnds}; plan the move to a supported release`);
  }
  return { problems, warnings };
}
