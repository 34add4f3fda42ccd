/**
 * The `oci-platform` program: network, VMs and the ingress load balancer on
 * Oracle Cloud.
 */
import * as oci from "@pulumi/oci";
import { renderNodeCloudInit, NODE_ROLES, NodeRole, ROLE_CONFIG_KEY, isClusterRole } from "../cloud-init/roles";
import { ConfigError } from "../config/errors";
import type { OciPlatformSettings } from "../config/oci-platform";
import { bootVolumeProblems, ChosenImage, lookupImage } from "../oci/image";
import { IngressLoadBalancer } from "../oci/load-balancer";
import { Network } from "../oci/network";
import { NodePool } from "../oci/node-pool";
import type { ProgramResult } from "./types";

export async function ociPlatform(stack: string, s: OciPlatformSettings): Promise<ProgramResult> {
  const compartmentId = s.oci.compartmentId;

  // Look-ups and the checks that need them come first: a boot volume smaller than
  // its image must stop the run before any resource exists.
  const ads = (await oci.identity.getAvailabilityDomains({ compartmentId })).availabilityDomains.map((a) => a.name);
  const groups = NODE_ROLES.map((role) => ({ role, key: ROLE_CONFIG_KEY[role], ...s.nodes[ROLE_CONFIG_KEY[role]] }));
  const images = new Map<string, ChosenImage>();
  for (const shape of new Set(groups.filter((g) => g.count > 0).map((g) => g.shape))) {
    images.set(shape, await lookupImage({ compartmentId, operatingSystem: s.image.operatingSystem, version: s.image.version, shape, imageId: s.image.id }));
  }
  const problems = bootVolumeProblems(
    groups.filter((g) => g.count > 0).map((g) => ({ key: ["nodes", g.key, "bootVolumeGbs"], count: g.count, bootVolumeGbs: g.bootVolumeGbs, image: images.get(g.shape)! })),
  );
  if (problems.length) throw new ConfigError(problems);

  const ports = { http: s.ingress.httpNodePort, https: s.ingress.httpsNodePort, health: s.ingress.healthNodePort };
  const network = new Network(`${stack}-net`, {
    stack,
    compartmentId,
    vcnCidr: s.network.vcnCidr,
    lbSubnetCidr: s.network.lbSubnetCidr,
    nodeSubnetCidr: s.network.nodeSubnetCidr,
    adminCidrs: s.network.adminCidrs,
    clientCidrs: s.network.clientCidrs,
    ports,
  });

  const cloudInit = (role: NodeRole) => renderNodeCloudInit(role, s.docker);
  const pools = {} as Record<NodeRole, NodePool>;
  for (const g of groups) {
    if (g.count === 0) continue;
    pools[g.role] = new NodePool(`${stack}-${g.role}`, {
      stack,
      compartmentId,
      role: g.role,
      count: g.count,
      shape: g.shape,
      shapeConfig: g.flex ? { ocpus: g.ocpus, memoryGbs: g.memoryGbs } : undefined,
      bootVolumeGbs: g.bootVolumeGbs,
      image: images.get(g.shape)!,
      availabilityDomains: ads,
      subnetId: network.nodeSubnetId,
      nsgIds: [network.nodeNsgId],
      sshPublicKey: s.nodes.sshPublicKey,
      userData: () => cloudInit(g.role),
    });
  }

  const ipsOf = (roles: NodeRole[]) => roles.flatMap((r) => pools[r]?.privateIps ?? []);
  const lb = new IngressLoadBalancer(`${stack}-ingress`, {
    stack,
    compartmentId,
    subnetId: network.lbSubnetId,
    nsgIds: [network.lbNsgId],
    minBandwidthMbps: s.loadBalancer.minBandwidthMbps,
    maxBandwidthMbps: s.loadBalancer.maxBandwidthMbps,
    ports,
    healthPath: s.ingress.healthPath,
    healthCheck: s.loadBalancer.healthCheck,
    nodeIps: ipsOf(NODE_ROLES.filter(isClusterRole)),
    serverIps: ipsOf(["server"]),
  });

  const artifacts: Record<string, string> = {};
  for (const g of groups) if (g.count > 0) artifacts[`cloud-init/${g.role}.yaml`] = cloudInit(g.role);

  return {
    outputs: {
      loadBalancerIp: lb.ipAddress,
      nodeIps: Object.fromEntries(Object.entries(pools).map(([role, pool]) => [role, pool.privateIps])),
      ports: { ...ports, healthPath: s.ingress.healthPath },
      images: Object.fromEntries([...images].map(([shape, img]) => [shape, { id: img.id, displayName: img.displayName }])),
    },
    artifacts,
  };
}
