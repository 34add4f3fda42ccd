/**
 * The `oci-platform` program: network, VMs and the ingress load balancer on
 * Oracle Cloud, the k3s cluster on the VMs, and the CI apps on the cluster.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { isClusterRole, NODE_ROLES, NodeRole, ROLE_CONFIG_KEY } from "../cloud-init/roles";
import { serverPrivateIps } from "../cluster/addresses";
import { Cluster } from "../cluster/cluster";
import { K3S_CA_FILES, K3sCaFile } from "../cluster/k3s-config";
import { ConfigError, SECRET_PLACEHOLDER } from "../config/errors";
import type { OciPlatformSettings } from "../config/oci-platform";
import { JenkinsAgentKeys } from "../apps/jenkins-agent-keys";
import { bootVolumeProblems, ChosenImage, lookupImage } from "../oci/image";
import { IngressLoadBalancer } from "../oci/load-balancer";
import { Network } from "../oci/network";
import { NodePool } from "../oci/node-pool";
import { renderJobDsl } from "../matrix/render/job-dsl";
import { platformPinProblems } from "../matrix/pins";
import { nodeUserData } from "./node-user-data";
import { platformApps } from "./platform-apps";
import type { ProgramResult } from "./types";

export async function ociPlatform(stack: string, s: OciPlatformSettings): Promise<ProgramResult> {
  const compartmentId = s.oci.compartmentId;
  // The pinned Kubernetes must satisfy every chart's kubeVersion (Rancher's is an upper bound).
  const pinProblems = platformPinProblems();
  if (pinProblems.length) throw new ConfigError(pinProblems);

  // Look-ups and the checks that need them come first: a boot volume smaller than
  // its image must stop the run before any resource exists.
  const ads = (await oci.identity.getAvailabilityDomains({ compartmentId })).availabilityDomains.map((a) => a.name);
  const groups = NODE_ROLES.map((role) => ({ role, key: ROLE_CONFIG_KEY[role], ...s.nodes[ROLE_CONFIG_KEY[role]] })).filter((g) => g.count > 0);
  const images = new Map<string, ChosenImage>();
  for (const shape of new Set(groups.map((g) => g.shape))) {
    images.set(shape, await lookupImage({ compartmentId, operatingSystem: s.image.operatingSystem, version: s.image.version, shape, imageId: s.image.id }));
  }
  const problems = bootVolumeProblems(groups.map((g) => ({ key: ["nodes", g.key, "bootVolumeGbs"], count: g.count, bootVolumeGbs: g.bootVolumeGbs, image: images.get(g.shape)! })));
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
    protect: s.protect,
  });

  const serverIps = serverPrivateIps(s.network.nodeSubnetCidr, s.nodes.server.count);
  const cluster = new Cluster(`${stack}-k3s`, {
    stack,
    serverIps,
    apiAddress: lb.ipAddress,
    protectCa: s.protect,
    readyTimeoutSeconds: s.cluster.readyTimeoutSeconds,
  });
  const agentKeys = new JenkinsAgentKeys(`${stack}-jenkins-agent-keys`, { agentCount: s.nodes.ciAgent.count });

  /** Each VM's cloud-config; secret, since it carries the join token and keys. */
  const userData = (role: NodeRole, index: number): pulumi.Output<string> => {
    if (role !== "ci-agent") return pulumi.secret(cluster.bootstrap.apply((c) => nodeUserData(role, index, { docker: s.docker, cluster: c })));
    const k = agentKeys.hostKeys[index];
    return pulumi.secret(
      pulumi.all([agentKeys.controllerPublicKey, k.privateKey, k.publicKey]).apply(([controllerPublicKey, hostPrivateKey, hostPublicKey]) =>
        nodeUserData(role, index, { docker: s.docker, agentKeys: { controllerPublicKey, hostPrivateKey, hostPublicKey } }),
      ),
    );
  };

  const pools = {} as Partial<Record<NodeRole, NodePool>>;
  for (const g of groups) {
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
      privateIps: g.role === "server" ? serverIps : undefined,
      userData: (i) => userData(g.role, i),
    });
  }
  const ipsOf = (roles: readonly NodeRole[]) => roles.flatMap((r) => pools[r]?.privateIps ?? []);
  lb.addBackends(ipsOf(NODE_ROLES.filter(isClusterRole)), ipsOf(["server"]));

  const provider = cluster.connect([...(pools.server?.instances ?? []), lb.apiListener]);
  const apps = platformApps(stack, s, {
    provider,
    agents: (pools["ci-agent"]?.privateIps ?? []).map((ip, i) => ({ name: `ci-agent-${i}`, ip, hostPublicKey: agentKeys.hostKeys[i].publicKey })),
    agentPrivateKey: agentKeys.controllerPrivateKey,
    // The test matrices' jobs, seeded into Jenkins on start (see src/matrix).
    jobDsl: renderJobDsl(),
  });

  return {
    outputs: {
      loadBalancerIp: lb.ipAddress,
      nodeIps: Object.fromEntries(Object.entries(pools).map(([role, pool]) => [role, pool!.privateIps])),
      ports: { ...ports, healthPath: s.ingress.healthPath },
      images: Object.fromEntries([...images].map(([shape, img]) => [shape, { id: img.id, displayName: img.displayName }])),
      kubeApiUrl: cluster.apiUrl,
      kubeconfig: cluster.kubeconfig,
      ...apps.outputs,
    },
    artifacts: { ...cloudInitArtifacts(s, serverIps), ...apps.artifacts },
  };
}

/**
 * The plan's view of each role's cloud-config: the same renderer with every
 * secret (token, CA keys, host keys) replaced by the placeholder. The first
 * server, a joining one, an agent and a ci-agent differ; other VMs repeat them.
 */
function cloudInitArtifacts(s: OciPlatformSettings, serverIps: string[]): Record<string, string> {
  const inputs = {
    docker: s.docker,
    cluster: {
      token: SECRET_PLACEHOLDER,
      apiAddress: "<load-balancer-ip>",
      serverIps,
      caFiles: Object.fromEntries(K3S_CA_FILES.map((f) => [f, SECRET_PLACEHOLDER])) as Record<K3sCaFile, string>,
    },
    agentKeys: { controllerPublicKey: "ssh-ed25519 <controller-public-key>", hostPrivateKey: SECRET_PLACEHOLDER, hostPublicKey: "ecdsa-sha2-nistp256 <host-public-key>" },
  };
  const views: [string, NodeRole, number, number][] = [
    ["server", "server", 0, s.nodes.server.count],
    ["server-join", "server", 1, s.nodes.server.count],
    ["agent", "agent", 0, s.nodes.agent.count],
    ["ci-agent", "ci-agent", 0, s.nodes.ciAgent.count],
  ];
  return Object.fromEntries(views.filter(([, , index, count]) => index < count).map(([file, role, index]) => [`cloud-init/${file}.yaml`, nodeUserData(role, index, inputs)]));
}
