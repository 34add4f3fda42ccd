/**
 * Every pinned version of software this project installs, in one place. Bump here,
 * and the plan diff of the PR shows exactly what moves.
 */

/**
 * Docker CE from its CentOS 7 repository: the last line published for EL7 is 26.1
 * (BRIEF §1), so newer pins would not resolve. containerd.io 1.6.33 is the last
 * containerd built for EL7.
 */
export const DOCKER = {
  version: "26.1.4",
  packageRelease: "1.el7",
  containerdPackage: "1.6.33-3.1.el7",
  /**
   * Pinned: on RHEL-family 7 `$releasever` can read `7Server`, which does not exist
   * in Docker's tree, so the repo URL spells out `7`.
   */
  repoBaseUrl: "https://download.docker.com/linux/centos/7/$basearch/stable",
  repoGpgKey: "https://download.docker.com/linux/centos/gpg",
} as const;

/** The Oracle Linux release the platform's cloud-init targets (Docker-native, see BRIEF §1). */
export const ORACLE_LINUX = { operatingSystem: "Oracle Linux", version: "7.9" } as const;
