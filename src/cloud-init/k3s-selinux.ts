/**
 * k3s's SELinux policy on EL7 cluster nodes, pinned to the last build for EL7
 * (src/compat/requirements.ts K3S_SELINUX_EL7, with its source). The k3s installer
 * is told to skip its own rpm step, whose EL7 branch fails under `set -e` once the
 * repository has nothing for it; k3s then runs with `selinux: true`.
 *
 * It gets a yum call of its own, after the main package step: its container-selinux
 * range (2:2.107-3 up to 2:2.164.2) must not be able to fail Docker's and Longhorn's
 * packages with it. The k3s install runs only once it succeeded (src/cluster/k3s-config.ts).
 */
import { K3S_SELINUX_EL7 } from "../compat/requirements";
import { CloudInitFragment, yumRepoFile } from "./fragment";

export const K3S_SELINUX_REPO_ID = "rancher-k3s-common-el7";

export const K3S_SELINUX_INSTALL = `yum install -y ${K3S_SELINUX_EL7.package}-${K3S_SELINUX_EL7.version}`;

export function k3sSelinuxRepoFragment(): CloudInitFragment {
  return {
    writeFiles: [yumRepoFile(K3S_SELINUX_REPO_ID, { id: K3S_SELINUX_REPO_ID, name: "Rancher k3s common (EL7, pinned)", baseUrl: K3S_SELINUX_EL7.repoBaseUrl, gpgKey: K3S_SELINUX_EL7.repoGpgKey })],
  };
}
