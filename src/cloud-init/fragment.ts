/**
 * cloud-config is assembled from fragments, one per concern (Docker, storage
 * prerequisites, firewall, and later the Kubernetes bootstrap), merged in order.
 * Everything here is pure: config in, YAML text out.
 */
import { stringify } from "yaml";

export interface WriteFile {
  readonly path: string;
  readonly content: string;
  /** Octal string, e.g. "0644". */
  readonly permissions: string;
  readonly owner?: string;
}

/** A package, optionally pinned: cloud-init installs `[name, version]` as `name-version`. */
export type Package = string | readonly [name: string, version: string];

export interface CloudInitFragment {
  /** Runs early on every boot, before packages are installed. */
  readonly bootcmd?: readonly string[];
  readonly writeFiles?: readonly WriteFile[];
  readonly packages?: readonly Package[];
  /** Runs once, on first boot, after packages are installed. */
  readonly runcmd?: readonly string[];
  readonly users?: readonly Record<string, unknown>[];
  /** Groups created before users, e.g. `docker` before its package exists. */
  readonly groups?: readonly string[];
  /** Host keys to install instead of generated ones (`ecdsa_private`, `ecdsa_public`, ...). */
  readonly sshKeys?: Readonly<Record<string, string>>;
}

/** Merges fragments in order and renders `#cloud-config` YAML. */
export function renderCloudConfig(fragments: readonly CloudInitFragment[]): string {
  const all = <K extends Exclude<keyof CloudInitFragment, "sshKeys">>(k: K) => fragments.flatMap((f) => (f[k] ?? []) as NonNullable<CloudInitFragment[K]>[number][]);
  const doc: Record<string, unknown> = {
    // A full `yum update` at boot would float every package we pinned.
    package_update: false,
    package_upgrade: false,
  };
  const bootcmd = all("bootcmd");
  const users = all("users");
  const groups = all("groups");
  const sshKeys = Object.assign({}, ...fragments.map((f) => f.sshKeys ?? {}));
  const writeFiles = all("writeFiles");
  const packages = all("packages");
  const runcmd = all("runcmd");
  if (bootcmd.length) doc.bootcmd = bootcmd;
  // "default" keeps the image's own user (opc), which receives the SSH key.
  if (groups.length) doc.groups = [...new Set(groups)];
  if (users.length) doc.users = ["default", ...users];
  if (Object.keys(sshKeys).length) doc.ssh_keys = sshKeys;
  if (writeFiles.length) doc.write_files = writeFiles.map((f) => ({ path: f.path, content: f.content, permissions: f.permissions, ...(f.owner ? { owner: f.owner } : {}) }));
  if (packages.length) doc.packages = packages.map((p) => (typeof p === "string" ? p : [...p]));
  if (runcmd.length) doc.runcmd = runcmd;
  return `#cloud-config\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/**
 * A yum repository file, signature checks on: `/etc/yum.repos.d/<file>.repo` with
 * one section. Every third-party repository a node uses is written through this.
 */
export function yumRepoFile(file: string, r: { readonly id: string; readonly name: string; readonly baseUrl: string; readonly gpgKey: string }): WriteFile {
  const content = [`[${r.id}]`, `name=${r.name}`, `baseurl=${r.baseUrl}`, "enabled=1", "gpgcheck=1", `gpgkey=${r.gpgKey}`, ""].join("\n");
  return { path: `/etc/yum.repos.d/${file}.repo`, content, permissions: "0644" };
}
