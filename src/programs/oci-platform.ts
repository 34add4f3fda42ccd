/**
 * The `oci-platform` program: network, VMs and the ingress load balancer on
 * Oracle Cloud, the k3s cluster on the VMs, and the CI apps on the cluster.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { isClusterRole, NODE_ROLES, NodeRole, ROLE_CONFIG_KEY } from "../cloud-init/roles";
import { serverPrivateIps } from "../config/addresses";
import { Cluster } from "../cluster/cluster";
import { etcdS3CredentialsDropin, EtcdSnapshots, K3S_CA_CERT_FILES, K3S_CA_KEY_FILES, K3sCaCertFile, K3sCaKeyFile } from "../cluster/k3s-config";
import { NodeOsFacts, nodeOsOf } from "../compat/node-os";
import { compatFindings, kubeletArgs } from "../compat/rules";
import { BackupStore, backupBucketName } from "../oci/backup-store";
import { BootstrapVault } from "../oci/bootstrap-vault";
import { cronIntervalHours } from "../config/platform-apps";
import { K3S } from "../versions";
import { ConfigError, SECRET_PLACEHOLDER } from "../base/errors";
import type { OciPlatformSettings } from "../config/oci-platform";
import { rollingInstances } from "../config/rolling";
import { JenkinsAgentKeys } from "../apps/jenkins-agent-keys";
import { bootVolumeProblems, ChosenImage, ImageChoice, lookupImage } from "../oci/image";
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
  // So must the node OS: cgroup v1 and the kubelet, the agents' Java, Docker's EL7 dependencies.
  const os = nodeOsOf(s.image);
  const pinProblems = [...platformPinProblems(), ...compatFindings([os.id], new Date()).problems];
  if (pinProblems.length) throw new ConfigError(pinProblems);

  // Look-ups and the checks that need them come first: a boot volume smaller than
  // its image must stop the run before any resource exists.
  const ads = (await oci.identity.getAvailabilityDomains({ compartmentId })).availabilityDomains.map((a) => a.name);
  const groups = NODE_ROLES.map((role) => ({ role, key: ROLE_CONFIG_KEY[role], ...s.nodes[ROLE_CONFIG_KEY[role]] })).filter((g) => g.count > 0);
  const choices = new Map<string, ImageChoice>();
  for (const shape of new Set(groups.map((g) => g.shape))) {
    choices.set(shape, await lookupImage({ compartmentId, operatingSystem: s.image.operatingSystem, version: s.image.version, shape, imageId: s.image.id, pinnedId: s.image.pinned[shape] }));
  }
  const images = new Map<string, ChosenImage>([...choices].map(([shape, c]) => [shape, c.image]));
  const problems = bootVolumeProblems(groups.map((g) => ({ key: ["nodes", g.key, "bootVolumeGbs"], count: g.count, bootVolumeGbs: g.bootVolumeGbs, image: images.get(g.shape)! })));
  if (problems.length) throw new ConfigError(problems);

  const ports = { http: s.ingress.httpNodePort, https: s.ingress.httpsNodePort, health: s.ingress.healthNodePort };
  const network = new Network(`${stack}-net`, {
    compartmentId,
    vcnCidr: s.network.vcnCidr,
    lbSubnetCidr: s.network.lbSubnetCidr,
    nodeSubnetCidr: s.network.nodeSubnetCidr,
    adminCidrs: s.network.adminCidrs,
    clientCidrs: s.network.clientCidrs,
    ports,
  });
  const lb = new IngressLoadBalancer(`${stack}-ingress`, {
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
    serverIps,
    apiAddress: lb.ipAddress,
    protectCa: s.protect,
    readyTimeoutSeconds: s.cluster.readyTimeoutSeconds,
  });
  // Off-cluster copies: etcd snapshots and Longhorn backups, with the identity that writes them.
  const etcdSnap = s.cluster.etcdSnapshots;
  const backups =
    etcdSnap.enabled || s.longhorn.backup.enabled
      ? new BackupStore(`${stack}-backups`, {
          compartmentId,
          tenancyId: s.oci.tenancyId,
          region: s.oci.region,
          namespace: s.longhorn.backup.namespace ?? (await oci.objectstorage.getNamespace({ compartmentId })).namespace,
          // k3s prunes by count; the lifecycle rule is a backstop at twice the window it keeps.
          etcdMaxAgeDays: Math.ceil((2 * etcdSnap.retention * (cronIntervalHours(etcdSnap.scheduleCron) ?? 24)) / 24),
          credentials: s.longhorn.backup.accessKeyId && s.longhorn.backup.secretAccessKey ? { accessKeyId: s.longhorn.backup.accessKeyId, secretAccessKey: s.longhorn.backup.secretAccessKey } : undefined,
          protect: s.protect,
        })
      : undefined;

  // The CA keys (and the servers' S3 keys) go to OCI Vault; servers read them at boot, so no key is in user_data.
  const etcdS3Secret = "etcd-s3.yaml";
  const bootstrapVault = new BootstrapVault(`${stack}-bootstrap`, {
    compartmentId,
    tenancyId: s.oci.tenancyId,
    secrets: {
      ...cluster.caKeys,
      ...(backups && etcdSnap.enabled ? { [etcdS3Secret]: pulumi.all([backups.accessKeyId, backups.secretAccessKey]).apply(([a, k]) => etcdS3CredentialsDropin(a, k)) } : {}),
    },
    protect: s.protect,
  });
  const etcdSnapshots =
    backups && etcdSnap.enabled
      ? bootstrapVault.secretIds.apply((ids) => ({
          scheduleCron: etcdSnap.scheduleCron,
          retention: etcdSnap.retention,
          s3: { endpoint: backups.endpoint, bucket: backupBucketName(stack, "etcd"), region: s.oci.region, folder: stack },
          credentialsSecretId: ids[etcdS3Secret],
        }))
      : undefined;
  const clusterBootstrap = cluster.bootstrap(
    bootstrapVault.secretIds.apply((ids) => ({ secretIds: ids as Record<K3sCaKeyFile, string>, region: s.oci.region })),
    etcdSnapshots,
  );
  const agentKeys = new JenkinsAgentKeys(`${stack}-jenkins-agent-keys`, { agentCount: s.nodes.ciAgent.count });

  /** Each VM's cloud-config; secret, since it carries a join token (ci-agents: a host key). */
  const userData = (role: NodeRole, index: number): pulumi.Output<string> => {
    if (role !== "ci-agent") return pulumi.secret(clusterBootstrap.apply((c) => nodeUserData(role, index, { docker: s.docker, os, cluster: c })));
    const k = agentKeys.hostKeys[index];
    return pulumi.secret(
      pulumi.all([agentKeys.controllerPublicKey, k.privateKey, k.publicKey]).apply(([controllerPublicKey, hostPrivateKey, hostPublicKey]) =>
        nodeUserData(role, index, { docker: s.docker, os, agentKeys: { controllerPublicKey, hostPrivateKey, hostPublicKey } }),
      ),
    );
  };

  const rolling = rollingInstances();
  const pools = {} as Partial<Record<NodeRole, NodePool>>;
  for (const g of groups) {
    pools[g.role] = new NodePool(`${stack}-${g.role}`, {
      compartmentId,
      role: g.role,
      count: g.count,
      shape: g.shape,
      shapeConfig: g.flex ? { ocpus: g.ocpus, memoryGbs: g.memoryGbs } : undefined,
      bootVolumeGbs: g.bootVolumeGbs,
      image: images.get(g.shape)!,
      availabilityDomains: ads,
      subnetId: network.nodeSubnetId,
      // CI jobs are root on their VM: ci-agents get an NSG of their own, outside the cluster's.
      nsgIds: [isClusterRole(g.role) ? network.nodeNsgId : network.ciAgentNsgId],
      sshPublicKey: s.nodes.sshPublicKey,
      privateIps: g.role === "server" ? serverIps : undefined,
      userData: (i) => userData(g.role, i),
      rolling,
    });
  }
  if (pools.server) bootstrapVault.grantReadTo("server", pools.server.instances);
  const ipsOf = (roles: readonly NodeRole[]) => roles.flatMap((r) => pools[r]?.privateIps ?? []);
  lb.addBackends(ipsOf(NODE_ROLES.filter(isClusterRole)), ipsOf(["server"]));

  const provider = cluster.connect([...(pools.server?.instances ?? []), lb.apiListener]);
  const apps = platformApps(stack, s, {
    provider,
    agents: (pools["ci-agent"]?.privateIps ?? []).map((ip, i) => ({ name: `ci-agent-${i}`, ip, hostPublicKey: agentKeys.hostKeys[i].publicKey })),
    agentPrivateKey: agentKeys.controllerPrivateKey,
    volumeBackups:
      backups && s.longhorn.backup.enabled
        ? { bucket: backupBucketName(stack, "volumes"), endpoint: backups.endpoint, accessKeyId: backups.accessKeyId, secretAccessKey: backups.secretAccessKey }
        : undefined,
    // The test matrices' jobs, seeded into Jenkins on start (see src/matrix).
    jobDsl: renderJobDsl(),
  });

  return {
    outputs: {
      loadBalancerIp: lb.ipAddress,
      // `npm run roll` asks this load balancer whether a replaced VM is healthy.
      loadBalancerId: lb.loadBalancerId,
      nodeIps: Object.fromEntries(Object.entries(pools).map(([role, pool]) => [role, pool!.privateIps])),
      ports: { ...ports, healthPath: s.ingress.healthPath },
      nodeHosts: nodeHostFacts(os),
      // What `npm run verify` holds the newest copies against (older than twice the interval fails).
      backupSchedules: {
        etcd: etcdSnap.enabled ? { cron: etcdSnap.scheduleCron, everyHours: cronIntervalHours(etcdSnap.scheduleCron), keep: etcdSnap.retention, bucket: backupBucketName(stack, "etcd") } : null,
        volumes: s.longhorn.backup.enabled
          ? { cron: s.longhorn.backup.schedule.backupCron, everyHours: cronIntervalHours(s.longhorn.backup.schedule.backupCron), keep: s.longhorn.backup.schedule.backupRetain, bucket: backupBucketName(stack, "volumes") }
          : null,
      },
      // What each shape boots; `newer` when the pin is behind the newest platform image (or nothing is pinned).
      images: Object.fromEntries(
        [...choices].map(([shape, c]) => [shape, { id: c.image.id, displayName: c.image.displayName, pinned: c.pinned, ...(c.newer ? { newer: { id: c.newer.id, displayName: c.newer.displayName } } : {}) }]),
      ),
      kubeApiUrl: cluster.apiUrl,
      kubeconfig: cluster.kubeconfig,
      // Public: what a CA rotation (`k3s certificate rotate-ca`) needs beside the keys in Vault.
      caCertificates: cluster.caCerts,
      ...apps.outputs,
    },
    artifacts: {
      ...cloudInitArtifacts(s, os, serverIps, backups && etcdSnap.enabled ? { scheduleCron: etcdSnap.scheduleCron, retention: etcdSnap.retention, s3: { endpoint: backups.endpoint, bucket: backupBucketName(stack, "etcd"), region: s.oci.region, folder: stack }, credentialsSecretId: `<vault-secret-ocid:${etcdS3Secret}>` } : undefined),
      ...apps.artifacts,
    },
  };
}

/**
 * The plan's view of each role's cloud-config: the same renderer with every
 * secret (token, CA keys, host keys) replaced by the placeholder. The first
 * server, a joining one, an agent and a ci-agent differ; other VMs repeat them.
 */
function cloudInitArtifacts(s: OciPlatformSettings, os: NodeOsFacts, serverIps: string[], etcdSnapshots: EtcdSnapshots | undefined): Record<string, string> {
  const inputs = {
    docker: s.docker,
    os,
    cluster: {
      token: SECRET_PLACEHOLDER,
      agentToken: SECRET_PLACEHOLDER,
      apiAddress: "<load-balancer-ip>",
      serverIps,
      caCerts: Object.fromEntries(K3S_CA_CERT_FILES.map((f) => [f, `<${f}>`])) as Record<K3sCaCertFile, string>,
      caKeys: { region: s.oci.region, secretIds: Object.fromEntries(K3S_CA_KEY_FILES.map((f) => [f, `<vault-secret-ocid:${f}>`])) as Record<K3sCaKeyFile, string> },
      etcdSnapshots,
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

/** What the plan planned the nodes for: the summary and `pulumi stack output` show it. */
function nodeHostFacts(os: NodeOsFacts): Record<string, unknown> {
  return { os: os.id, kernel: `${os.kernel.release} (${os.kernel.name})`, cgroup: `v${os.cgroup}`, systemd: os.systemd, kubernetes: K3S.version, kubeletArgs: kubeletArgs(os, K3S.version) };
}
