/**
 * What each VM role gets at first boot. The Kubernetes bootstrap arrives as extra
 * fragments for the cluster roles (see src/cluster/), so this file stays about
 * the host: Docker, storage prerequisites, firewall.
 */
import type { NodeOsFacts } from "../compat/node-os";
import { dockerFragment, DockerSettings, osReposFragment } from "./docker";
import { clusterNodeFirewallFragment, standaloneFirewallFragment } from "./firewall";
import { CloudInitFragment, renderCloudConfig } from "./fragment";
import { longhornPrerequisitesFragment } from "./storage";

/** VM roles, as named in resource names, tags and plan artifacts. */
export const NODE_ROLES = ["server", "agent", "ci-agent"] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** The config key (`ci-infra:nodes.<key>`) of each role. */
export const ROLE_CONFIG_KEY = { server: "server", agent: "agent", "ci-agent": "ciAgent" } as const satisfies Record<NodeRole, string>;

/** Roles that are Kubernetes nodes, and so load-balancer backends and Longhorn hosts. */
export function isClusterRole(role: NodeRole): boolean {
  return role !== "ci-agent";
}

/**
 * The host setup of a VM, in the order its commands must run: the OS repositories,
 * then the firewall (stopping or starting firewalld rewrites iptables, which would
 * drop the chains Docker creates when it starts), then Docker, then storage.
 */
export function hostFragments(role: NodeRole, docker: DockerSettings, os: NodeOsFacts): CloudInitFragment[] {
  const firewall = isClusterRole(role) ? clusterNodeFirewallFragment() : standaloneFirewallFragment();
  const fragments = [osReposFragment(os), firewall, dockerFragment(docker)];
  if (isClusterRole(role)) fragments.push(longhornPrerequisitesFragment());
  return fragments;
}

/** The whole cloud-config of one VM: host setup, then whatever the role adds. */
export function renderNodeCloudInit(role: NodeRole, docker: DockerSettings, os: NodeOsFacts, extra: readonly CloudInitFragment[] = []): string {
  return renderCloudConfig([...hostFragments(role, docker, os), ...extra]);
}
