/**
 * The whole cloud-config of one VM: host setup (Docker, storage prerequisites,
 * firewall), then what its role needs to join: k3s for the cluster roles, the
 * Jenkins agent user and keys for ci-agents. Pure: the program passes real
 * secrets, the plan's artifacts pass placeholders, through the same code.
 */
import type { DockerSettings } from "../cloud-init/docker";
import { jenkinsAgentFragment, JenkinsAgentKeys } from "../cloud-init/jenkins-agent";
import { NodeRole, renderNodeCloudInit } from "../cloud-init/roles";
import { ClusterBootstrap, k3sFragments, nodeBootstrap } from "../cluster/k3s-config";
import type { NodeOsFacts } from "../compat/node-os";
import { kubeletArgs } from "../compat/rules";
import { K3S } from "../versions";

export interface NodeUserDataInputs {
  readonly docker: DockerSettings;
  /** The OS the VM boots (src/compat/node-os.ts). */
  readonly os: NodeOsFacts;
  /** Needed by `server` and `agent` VMs only. */
  readonly cluster?: ClusterBootstrap;
  /** Needed by `ci-agent` VMs only. */
  readonly agentKeys?: JenkinsAgentKeys;
}

export function nodeUserData(role: NodeRole, index: number, i: NodeUserDataInputs): string {
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${role} VMs need ${what} for their cloud-init`);
    return v;
  };
  // Oracle Linux runs SELinux enforcing by default; k3s then needs its policy and `selinux: true`
  // (harmless where an operator made it permissive).
  const host = { kubeletArgs: kubeletArgs(i.os, K3S.version), selinux: i.os.major === 7, ociCliPackage: i.os.ociCliPackage };
  const join = role === "ci-agent" ? [jenkinsAgentFragment(need(i.agentKeys, "the Jenkins agent keys"))] : k3sFragments(nodeBootstrap(need(i.cluster, "the cluster bootstrap"), role, index, host));
  return renderNodeCloudInit(role, i.docker, i.os, join);
}
