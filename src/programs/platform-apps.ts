/**
 * What runs on the cluster, in dependency order: storage and the ingress
 * controller first, then certificates, then the apps that need both.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AppComponent } from "../apps/app-component";
import { CertManager } from "../apps/cert-manager";
import type { AppAccess } from "../apps/client-access";
import { GithubBot } from "../apps/github-bot";
import { appHosts } from "../apps/hosts";
import { IngressController } from "../apps/ingress-controller";
import { Jenkins, JenkinsAgentRef } from "../apps/jenkins";
import { Longhorn } from "../apps/longhorn";
import { Monitoring } from "../apps/monitoring";
import { Rancher } from "../apps/rancher";
import { TlsPlan } from "../apps/tls";
import { POD_CIDR } from "../cluster/k3s-config";
import { targetCredentials } from "../matrix/targets";
import type { OciPlatformSettings } from "../config/oci-platform";

export interface ClusterHandles {
  readonly provider: k8s.Provider;
  readonly agents: readonly JenkinsAgentRef[];
  readonly agentPrivateKey: pulumi.Output<string>;
  /** Where Longhorn backs volumes up (the stack's backup store), when backups are on. */
  readonly volumeBackups?: { readonly bucket: string; readonly endpoint: string; readonly accessKeyId: pulumi.Output<string>; readonly secretAccessKey: pulumi.Output<string> };
  /** Job DSL of the test matrices, seeded into Jenkins. */
  readonly jobDsl?: string;
}

export function platformApps(stack: string, s: OciPlatformSettings, c: ClusterHandles): { outputs: Record<string, unknown>; artifacts: Record<string, pulumi.Input<string>> } {
  const provider = c.provider;
  const hosts = appHosts(s.domain, { rancher: s.rancher.hostname, jenkins: s.jenkins.hostname, grafana: s.grafana.hostname, bot: s.githubBot.hostname });
  const clusterNodes = s.nodes.server.count + s.nodes.agent.count;
  const components: AppComponent[] = [];
  const add = <T extends AppComponent>(x: T): T => (components.push(x), x);

  const storage = add(new Longhorn(`${stack}-longhorn`, {
    provider,
    region: s.oci.region,
    replicaCount: s.longhorn.replicaCount,
    orphanAutoDeletion: s.longhorn.orphanAutoDeletion,
    orphanGracePeriodSeconds: s.longhorn.orphanGracePeriodSeconds,
    backup: c.volumeBackups && s.longhorn.backup.enabled
      ? {
          ...c.volumeBackups,
          schedule: {
            backupCron: s.longhorn.backup.schedule.backupCron,
            backupRetain: s.longhorn.backup.schedule.backupRetain,
            snapshotCron: s.longhorn.backup.schedule.snapshotCron,
            snapshotRetain: s.longhorn.backup.schedule.snapshotRetain,
          },
        }
      : undefined,
  }));
  const ingress = add(new IngressController(`${stack}-ingress-controller`, {
    provider,
    contract: {
      controller: s.ingress.controller,
      httpNodePort: s.ingress.httpNodePort,
      httpsNodePort: s.ingress.httpsNodePort,
      healthNodePort: s.ingress.healthNodePort,
      externalTrafficPolicy: s.ingress.externalTrafficPolicy,
      // Required anti-affinity: never more replicas than nodes to spread them on.
      replicas: Math.min(s.ingress.replicas, clusterNodes),
      // k3s servers run workloads too: every cluster node can hold a controller pod.
      nodes: clusterNodes,
      proxyProtocolFrom: s.ingress.externalTrafficPolicy === "Local" ? [s.network.lbSubnetCidr] : [s.network.lbSubnetCidr, s.network.nodeSubnetCidr, POD_CIDR],
    },
  }));

  let tls: TlsPlan;
  const ready = [storage.ready, ingress.ready];
  if (s.tls.mode === "acme") {
    const cm = add(new CertManager(`${stack}-cert-manager`, { provider, acmeServer: s.tls.acmeServer, acmeEmail: s.tls.acmeEmail!, ingressClassName: ingress.ingressClassName, dependsOn: [ingress.ready] }));
    tls = { mode: "acme", issuer: cm.issuer, server: s.tls.acmeServer };
    ready.push(cm.ready);
  } else {
    // Each app puts the supplied certificate in its own namespace.
    tls = { mode: "secret", certificate: s.tls.certificate!, privateKey: s.tls.privateKey!, caCertificate: s.tls.caCertificate };
  }
  const web = { ingressClassName: ingress.ingressClassName, tls };
  // Each app's own client list, enforced by the ingress controller (src/apps/client-access.ts).
  const access = (clientCidrs?: readonly string[]): AppAccess => ({ controller: s.ingress.controller, clientCidrs });

  const rancher = add(new Rancher(`${stack}-rancher`, { provider, ...web, hostname: hosts.rancher, access: access(s.rancher.clientCidrs), replicas: Math.min(s.nodes.server.count, 3), dependsOn: ready }));
  const jenkins = add(new Jenkins(`${stack}-jenkins`, {
    provider,
    ...web,
    hostname: hosts.jenkins,
    access: access(s.jenkins.clientCidrs),
    storageGbs: s.jenkins.storageGbs,
    executorsPerAgent: s.jenkins.executorsPerAgent,
    agents: c.agents,
    agentPrivateKey: c.agentPrivateKey,
    jobDsl: c.jobDsl,
    // The environments the matrix jobs run against, as Jenkins credentials (src/matrix/targets.ts).
    matrixCredentials: s.matrixTargets ? targetCredentials(s.matrixTargets) : undefined,
    protect: s.protect,
    dependsOn: ready,
  }));
  const monitoring = add(new Monitoring(`${stack}-monitoring`, {
    provider,
    ...web,
    hostname: hosts.grafana,
    access: access(s.grafana.clientCidrs),
    grafanaStorageGbs: s.grafana.storageGbs,
    prometheusStorageGbs: s.prometheus.storageGbs,
    retentionDays: s.prometheus.retentionDays,
    alertWebhookUrl: s.grafana.alertWebhookUrl,
    protect: s.protect,
    dependsOn: ready,
  }));
  const outputs: Record<string, unknown> = {
    rancherUrl: rancher.url,
    rancherBootstrapPassword: rancher.bootstrapPassword,
    jenkinsUrl: jenkins.url,
    jenkinsAdminPassword: jenkins.adminPassword,
    grafanaUrl: monitoring.url,
    grafanaAdminPassword: monitoring.grafanaAdminPassword,
  };
  if (s.githubBot.enabled) {
    const bot = add(new GithubBot(`${stack}-github-bot`, {
      provider,
      ...web,
      hostname: hosts.bot,
      access: access(s.githubBot.clientCidrs),
      image: s.githubBot.image!,
      basicAuthUser: s.githubBot.basicAuthUser,
      githubToken: s.githubBot.githubToken!,
      dependsOn: ready,
    }));
    outputs.botUrl = bot.url;
    outputs.botWebhookUrl = bot.webhookUrl;
  }
  return { outputs, artifacts: Object.assign({}, ...components.map((x) => x.artifacts)) };
}
