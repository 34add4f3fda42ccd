/**
 * Docker on Oracle Linux 7.9, from Docker's CentOS 7 repository with the baseurl
 * pinned (BRIEF §1: `$releasever` can read `7Server` on EL7 and break the URL).
 * CI jobs that run `docker build/run/exec/cp` need a real daemon on the host.
 */
import type { NodeOsFacts } from "../compat/node-os";
import { DOCKER } from "../versions";
import { CloudInitFragment, yumRepoFile } from "./fragment";

export interface DockerSettings {
  readonly logMaxSize: string;
  readonly logMaxFiles: number;
}

/**
 * Pinned and version-locked. docker-ce-rootless-extras is listed because on EL7
 * docker-ce hard-requires it (no weak dependencies), and left alone yum would take
 * whatever the repo's newest is.
 */
export const DOCKER_PACKAGES = ["docker-ce", "docker-ce-cli", "docker-ce-rootless-extras", "containerd.io"] as const;

/** `/etc/docker/daemon.json`: bounded logs, and containers that survive a daemon restart. */
export function dockerDaemonConfig(s: DockerSettings): Record<string, unknown> {
  return {
    "log-driver": "json-file",
    "log-opts": { "max-size": s.logMaxSize, "max-file": String(s.logMaxFiles) },
    // Restarting or upgrading dockerd must not kill running CI builds.
    "live-restore": true,
  };
}

/**
 * Enables the OS repositories the node's packages come from (src/compat/node-os.ts:
 * container-selinux in ol7_addons; slirp4netns and fuse-overlayfs, which Docker's
 * rootless extras require, in ol7_developer). bootcmd runs before cloud-init's
 * package step, and one unresolvable package fails that whole yum transaction.
 */
export function osReposFragment(os: NodeOsFacts): CloudInitFragment {
  return { bootcmd: [`yum-config-manager --enable ${os.repos.map((r) => r.id).join(" ")} >/dev/null`] };
}

export function dockerFragment(s: DockerSettings): CloudInitFragment {
  const dockerVersion = `${DOCKER.version}-${DOCKER.packageRelease}`;
  return {
    writeFiles: [
      yumRepoFile("docker-ce", { id: "docker-ce-stable", name: "Docker CE Stable - $basearch", baseUrl: DOCKER.repoBaseUrl, gpgKey: DOCKER.repoGpgKey }),
      { path: "/etc/docker/daemon.json", content: `${JSON.stringify(dockerDaemonConfig(s), null, 2)}\n`, permissions: "0644" },
    ],
    packages: [
      "yum-plugin-versionlock",
      ["docker-ce", dockerVersion],
      ["docker-ce-cli", dockerVersion],
      ["docker-ce-rootless-extras", dockerVersion],
      ["containerd.io", DOCKER.containerdPackage],
    ],
    runcmd: [
      // A later `yum update` by an operator must not move the pinned engine.
      `yum versionlock add ${DOCKER_PACKAGES.join(" ")}`,
      "systemctl enable --now docker",
    ],
  };
}
