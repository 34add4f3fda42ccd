/**
 * The operating systems our VMs run, as facts with their sources: what the kubelet,
 * Docker and Longhorn need from a host is decided against these (src/compat/rules.ts).
 *
 * Oracle Linux 7.9 is the card's OS (Docker-native, BRIEF §1).
 */
import type { Source } from "./sources";

/**
 * Oracle Linux 9 (cgroup v2, dnf) is the way off OL7; it joins this list once its
 * repositories, Docker and OCI CLI packages are checked at their sources.
 */
export const NODE_OS_IDS = ["oracle-linux-7.9"] as const;
export type NodeOsId = (typeof NODE_OS_IDS)[number];

export interface NodeOsFacts {
  readonly id: NodeOsId;
  /** As OCI's image catalogue spells them (`getImages` operatingSystem/operatingSystemVersion). */
  readonly operatingSystem: "Oracle Linux";
  readonly version: string;
  /** The release's major version, as `$releasever`/`VERSION_ID` read it. */
  readonly major: number;
  /** The cgroup hierarchy the image boots with. */
  readonly cgroup: 1 | 2;
  readonly systemd: number;
  /** The kernel the platform image boots. */
  readonly kernel: { readonly name: string; readonly release: string };
  readonly packageManager: "yum" | "dnf";
  /** The OCI CLI's package (the first server reads the bootstrap secrets with it). */
  readonly ociCliPackage: string;
  /** Oracle's end of premier support (no new features; extended support after). */
  readonly premierSupportEnds: string;
  /** Oracle repositories a node enables, each with the packages we need from it. */
  readonly repos: readonly { readonly id: string; readonly for: readonly string[] }[];
  readonly sources: readonly Source[];
}

export const NODE_OS: Readonly<Record<NodeOsId, NodeOsFacts>> = {
  "oracle-linux-7.9": {
    id: "oracle-linux-7.9",
    operatingSystem: "Oracle Linux",
    version: "7.9",
    major: 7,
    cgroup: 1,
    systemd: 219,
    kernel: { name: "UEK R6", release: "5.4.17" },
    packageManager: "yum",
    ociCliPackage: "python36-oci-cli",
    premierSupportEnds: "2024-12-31",
    repos: [
      // docker-ce requires container-selinux >= 2:2.74 on EL7.
      { id: "ol7_addons", for: ["container-selinux"] },
      // docker-ce-rootless-extras (a hard Requires of docker-ce on EL7) needs these;
      // python36-oci-cli reads the bootstrap secrets from OCI Vault.
      { id: "ol7_developer", for: ["slirp4netns", "fuse-overlayfs", "python36-oci-cli"] },
    ],
    sources: [
      { at: "https://docs.oracle.com/en/operating-systems/oracle-linux/7/relnotes7.9/ (Shipped Kernels)", says: "default kernel kernel-uek-5.4.17-2011.6.2.el7uek (UEK R6); systemd 219, cgroup v1 only" },
      { at: "BRIEF §1, §6 (checked upstream 2026-11/12)", says: "OL7 premier support ended 2024-12-31; slirp4netns and fuse-overlayfs are in ol7_developer" },
      { at: "oracle/oci-cli README.rst@v3.89.3", says: "Oracle Linux 7: sudo yum install python36-oci-cli" },
    ],
  },
};

export function nodeOs(id: NodeOsId): NodeOsFacts {
  return NODE_OS[id];
}

/** The node OS of a stack's `image` config (Oracle Linux 7.9 is the only one described yet). */
export function nodeOsOf(image: { readonly version: "7.9" }): NodeOsFacts {
  return NODE_OS[`oracle-linux-${image.version}`];
}
