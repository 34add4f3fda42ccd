/**
 * The Harvester and Rancher environments the matrix jobs run against. They are
 * stack config (`ci-infra:matrixTargets`, keyed by version); the jobs are not: the
 * Job DSL is the same for every stack and reaches an environment only through
 * Jenkins credentials whose IDs follow from the version. This file is the one home
 * of those IDs, of the pytest options each environment contributes, and of which
 * environments the matrices need.
 */
import type { Catalog } from "./types";
import { combinationSubject } from "./rules/problem";

/** What the stack says about one Harvester cluster the jobs may use. */
export interface HarvesterTarget<S = unknown> {
  readonly endpoint: string;
  readonly username: string;
  readonly password: S;
  readonly vlanId: number;
  readonly vlanNic: string;
  readonly ipPool: { readonly subnet: string; readonly start: string; readonly end: string };
  readonly imageCacheUrl?: string;
}

/** What the stack says about one Rancher server the jobs may use. */
export interface RancherTarget<S = unknown> {
  readonly endpoint: string;
  readonly adminPassword: S;
}

export interface MatrixTargets<S = unknown> {
  readonly harvester: Readonly<Record<string, HarvesterTarget<S>>>;
  readonly rancher: Readonly<Record<string, RancherTarget<S>>>;
}

/** Jenkins credential IDs of the environment of a Harvester release. */
export function harvesterCredentialIds(version: string) {
  return { login: `matrix-harvester-${version}`, options: `matrix-harvester-${version}-options` } as const;
}

/** Jenkins credential IDs of the environment of a Rancher release. */
export function rancherCredentialIds(version: string) {
  return { adminPassword: `matrix-rancher-${version}-admin-password`, options: `matrix-rancher-${version}-options` } as const;
}

/**
 * The conftest options an environment contributes, as one string the job puts in
 * PYTEST_ADDOPTS (pytest splits it with shlex; the config refuses whitespace and
 * quotes in these values). Only options declared at the pinned commit appear here.
 */
export function harvesterOptions(t: HarvesterTarget): string {
  const opts = [
    `--endpoint=${t.endpoint}`,
    `--vlan-id=${t.vlanId}`,
    `--vlan-nic=${t.vlanNic}`,
    `--ip-pool-subnet=${t.ipPool.subnet}`,
    `--ip-pool-start=${t.ipPool.start}`,
    `--ip-pool-end=${t.ipPool.end}`,
  ];
  if (t.imageCacheUrl) opts.push(`--image-cache-url=${t.imageCacheUrl}`);
  return opts.join(" ");
}

export function rancherOptions(t: RancherTarget): string {
  return `--rancher-endpoint=${t.endpoint}`;
}

/** Every option the two functions above can produce (checked against the conftest). */
export const TARGET_OPTIONS = ["--endpoint", "--vlan-id", "--vlan-nic", "--ip-pool-subnet", "--ip-pool-start", "--ip-pool-end", "--image-cache-url", "--rancher-endpoint"] as const;

/** A Jenkins credential whose secret values come from the stack (Pulumi secrets). */
export type TargetCredential<S> =
  | { readonly kind: "usernamePassword"; readonly id: string; readonly description: string; readonly username: string; readonly password: S }
  | { readonly kind: "string"; readonly id: string; readonly description: string; readonly secret: S | string };

/** The credentials Jenkins needs for the configured environments, in a stable order. */
export function targetCredentials<S>(targets: MatrixTargets<S>): TargetCredential<S>[] {
  const out: TargetCredential<S>[] = [];
  for (const [version, t] of Object.entries(targets.harvester).sort(([a], [b]) => a.localeCompare(b))) {
    const ids = harvesterCredentialIds(version);
    out.push({ kind: "usernamePassword", id: ids.login, description: `Harvester ${version}: login of the matrix jobs (ci-infra:matrixTargets)`, username: t.username, password: t.password });
    out.push({ kind: "string", id: ids.options, description: `Harvester ${version}: harvester/tests options (endpoint, VLAN, IP pool)`, secret: harvesterOptions(t) });
  }
  for (const [version, t] of Object.entries(targets.rancher).sort(([a], [b]) => a.localeCompare(b))) {
    const ids = rancherCredentialIds(version);
    out.push({ kind: "string", id: ids.adminPassword, description: `Rancher ${version}: admin password of the matrix jobs (ci-infra:matrixTargets)`, secret: t.adminPassword });
    out.push({ kind: "string", id: ids.options, description: `Rancher ${version}: harvester/tests options (endpoint)`, secret: rancherOptions(t) });
  }
  return out;
}

/** A target a matrix row needs, with the rows that need it (for the error message). */
export interface NeededTarget {
  readonly kind: "rancher" | "harvester";
  readonly version: string;
  readonly neededBy: readonly string[];
}

/** Every Rancher and Harvester version some matrix combination runs against. */
export function neededTargets(catalog: Catalog): NeededTarget[] {
  const needed = new Map<string, { kind: "rancher" | "harvester"; version: string; neededBy: string[] }>();
  const need = (kind: "rancher" | "harvester", version: string, by: string) => {
    const key = `${kind} ${version}`;
    if (!needed.has(key)) needed.set(key, { kind, version, neededBy: [] });
    needed.get(key)!.neededBy.push(by);
  };
  for (const m of catalog.matrices) {
    for (const c of m.combinations) {
      const by = combinationSubject(m.name, c);
      need("rancher", c.rancher, by);
      if (c.harvester !== undefined) need("harvester", c.harvester, by);
    }
  }
  return [...needed.values()];
}

/**
 * The needed environments `configured` lacks, as config rules: each names the key
 * to add, the version, and the first job that needs it.
 */
export function missingTargets(catalog: Catalog, configured: { readonly rancher: readonly string[]; readonly harvester: readonly string[] }): { kind: "rancher" | "harvester"; message: string }[] {
  return neededTargets(catalog)
    .filter((n) => !configured[n.kind].includes(n.version))
    .map((n) => ({
      kind: n.kind,
      message: `must have an entry for ${n.version}: ${n.neededBy.length === 1 ? "a matrix job runs" : `${n.neededBy.length} matrix jobs run`} against ${n.kind === "rancher" ? "Rancher" : "Harvester"} ${n.version} (${n.neededBy[0]}${n.neededBy.length > 1 ? ", ..." : ""})`,
    }));
}
