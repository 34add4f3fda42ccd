/**
 * The `oci-platform` program: network, VMs and the ingress load balancer on
 * Oracle Cloud, the k3s cluster on the VMs, and the CI apps on the cluster.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { renderCloudConfig } from "../cloud-init/fragment";
import { jenkinsAgentFragment } from "../cloud-init/jenkins-agent";
import { hostFragments, isClusterRole, NODE_ROLES, NodeRole, ROLE_CONFIG_KEY } from "../cloud-init/roles";
import { serverPrivateIps } from "../cluster/addresses";
import { Cluster } from "../cluster/cluster";
import { K3S_CA_FILES, K3sCaFile, k3sFragments } from "../cluster/k3s-config";
import { ConfigError, SECRET_PLACEHOLDER } from "../config/errors";
import type { OciPlatformSettings } from "../config/oci-platform";
import { JenkinsAgentKeys } from "../apps/jenkins-agent-keys";
import { bootVolumeProblems, ChosenImage, lookupImage } from "../oci/image";
import { IngressLoadBalancer } from "../oci/load-balancer";
import { Network } from "../oci/network";
import { NodePool } from "../oci/node-pool";
import { renderJobDsl } from "../matrix/render/job-dsl";
import { platformPinProblems } from "../matrix/pins";
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

  /** Each VM's cloud-config: host setup, then the role's bootstrap. Secret: it carries keys. */
  const userData = (role: NodeRole, index: number): pulumi.Output<string> => {
    const host = hostFragments(role, s.docker);
    if (role === "ci-agent") {
      const k = agentKeys.hostKeys[index];
      return pulumi.secret(
        pulumi.all([agentKeys.controllerPublicKey, k.privateKey, k.publicKey]).apply(([controllerPublicKey, hostPrivateKey, hostPublicKey]) =>
          renderCloudConfig([...host, jenkinsAgentFragment({ controllerPublicKey, hostPrivateKey, hostPublicKey })]),
        ),
      );
    }
    return pulumi.secret(cluster.nodeFragments(role, index).apply((k3s) => renderCloudConfig([...host, ...k3s])));
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
 * The plan's view of each role's cloud-config: the same renderers with every
 * secret (token, CA keys, host keys) replaced by the placeholder.
 */
function cloudInitArtifacts(s: OciPlatformSettings, serverIps: string[]): Record<string, string> {
  const caFiles = Object.fromEntries(K3S_CA_FILES.map((f) => [f, SECRET_PLACEHOLDER])) as Record<K3sCaFile, string>;
  const apiAddress = "<load-balancer-ip>";
  const firstServer = `https://${serverIps[0]}:6443`;
  const out: Record<string, string> = {};
  const common = { token: SECRET_PLACEHOLDER, tlsSans: [apiAddress, ...serverIps] };
  if (s.nodes.server.count > 0) {
    out["cloud-init/server.yaml"] = renderCloudConfig([
      ...hostFragments("server", s.docker),
      ...k3sFragments({ ...common, nodeIp: serverIps[0], bootstrap: { kind: "first-server", clusterInit: serverIps.length > 1, caFiles } }),
    ]);
  }
  if (s.nodes.server.count > 1) {
    out["cloud-init/server-join.yaml"] = renderCloudConfig([
      ...hostFragments("server", s.docker),
      ...k3sFragments({ ...common, nodeIp: serverIps[1], bootstrap: { kind: "joining-server", serverUrl: firstServer } }),
    ]);
  }
  if (s.nodes.agent.count > 0) {
    out["cloud-init/agent.yaml"] = renderCloudConfig([...hostFragments("agent", s.docker), ...k3sFragments({ ...common, nodeIp: undefined, bootstrap: { kind: "agent", serverUrl: firstServer } })]);
  }
  if (s.nodes.ciAgent.count > 0) {
    out["cloud-init/ci-agent.yaml"] = renderCloudConfig([
      ...hostFragments("ci-agent", s.docker),
      jenkinsAgentFragment({ controllerPublicKey: "ssh-ed25519 <controller-public-key>", hostPrivateKey: SECRET_PLACEHOLDER, hostPublicKey: "ecdsa-sha2-nistp256 <host-public-key>" }),
    ]);
  }
  return out;
}
