/** The Helm values that matter, from the pure renderers: no mocks needed. */
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { ALERT_RULES, renderAlertRules } from "../../src/apps/alert-rules";
import { certManagerValues } from "../../src/apps/cert-manager";
import { DASHBOARDS } from "../../src/apps/dashboards";
import { ingressNginxValues, traefikValues, TRAEFIK_PING_PORT } from "../../src/apps/ingress-values";
import { agentsCasc, escapeForChartCasc, hostKeyForJenkins } from "../../src/apps/jenkins-casc";
import { jenkinsValues, JENKINS_PLUGINS } from "../../src/apps/jenkins";
import { longhornValues, retainStorageClass } from "../../src/apps/longhorn-values";
import { grafanaValues, prometheusValues } from "../../src/apps/monitoring";
import { rancherValues } from "../../src/apps/rancher";
import { CONTROLLER_HEALTH_PATH } from "../../src/compat/ingress-controllers";

const contract = { httpNodePort: 30080, httpsNodePort: 30443, healthNodePort: 30254, externalTrafficPolicy: "Cluster" as const, replicas: 2, nodes: 3, proxyProtocolFrom: ["10.0.0.0/24", "10.0.1.0/24", "10.42.0.0/16"] };
const acme = { mode: "acme" as const, issuer: "letsencrypt-staging", server: "staging" as const };
const open = { controller: "traefik" as const };

describe("ingress controllers meet one NodePort contract", () => {
  it("traefik: NodePort web/websecure, /ping alone on its own entrypoint at the health NodePort", () => {
    const v = traefikValues({ controller: "traefik", ...contract }) as any;
    expect(v.service.spec).toEqual({ type: "NodePort", externalTrafficPolicy: "Cluster" });
    expect(v.ports.web.nodePort).toBe(30080);
    expect(v.ports.websecure.nodePort).toBe(30443);
    expect(v.ports.ping).toMatchObject({ port: TRAEFIK_PING_PORT, nodePort: 30254, expose: { default: true } });
    expect(v.additionalArguments).toContain("--ping.entrypoint=ping");
    // The chart already passes --ping=true (traefik/templates/_podtemplate.tpl @v41.3.0): no duplicate.
    expect(v.additionalArguments).not.toContain("--ping=true");
    // Probes must follow ping, or pods never become Ready.
    expect(v.deployment.healthchecksPort).toBe(TRAEFIK_PING_PORT);
    expect(v.api.dashboard).toBe(false);
    expect(v.ports.traefik).toBeUndefined();
    expect(CONTROLLER_HEALTH_PATH.traefik).toBe("/ping");
  });

  it("both controllers take the client address from the load balancer's PROXY header, and only from the trusted peers", () => {
    const t = traefikValues({ controller: "traefik", ...contract }) as any;
    for (const ep of ["web", "websecure"]) expect(t.ports[ep].proxyProtocol).toEqual({ trustedIPs: contract.proxyProtocolFrom });
    // The health entrypoint is probed by the checker without a PROXY header.
    expect(t.ports.ping.proxyProtocol).toBeUndefined();
    const n = ingressNginxValues({ controller: "ingress-nginx", ...contract }) as any;
    expect(n.controller.config).toEqual({ "use-proxy-protocol": "true", "proxy-real-ip-cidr": "10.0.0.0/24,10.0.1.0/24,10.42.0.0/16" });
  });

  it("ingress-nginx: NodePorts, /healthz published through the metrics Service (healthCheckNodePort is LoadBalancer-only)", () => {
    const v = ingressNginxValues({ controller: "ingress-nginx", ...contract }) as any;
    expect(v.controller.service).toMatchObject({ type: "NodePort", nodePorts: { http: 30080, https: 30443 } });
    expect(v.controller.metrics).toMatchObject({ enabled: true, service: { type: "NodePort", nodePort: 30254 } });
    expect(JSON.stringify(v)).not.toContain("healthCheckNodePort");
    expect(CONTROLLER_HEALTH_PATH["ingress-nginx"]).toBe("/healthz");
  });

  it.each([["traefik", traefikValues], ["ingress-nginx", ingressNginxValues]] as const)("%s: Cluster policy spreads replicas across nodes; Local runs on every node", (_n, render) => {
    const cluster = JSON.stringify(render({ controller: _n, ...contract }));
    expect(cluster).toContain('"topologyKey":"kubernetes.io/hostname"');
    expect(cluster).toContain('"Deployment"');
    const local = JSON.stringify(render({ controller: _n, ...contract, externalTrafficPolicy: "Local" }));
    expect(local).toContain('"DaemonSet"');
    expect(local).toContain('"externalTrafficPolicy":"Local"');
  });
});

describe("Longhorn", () => {
  it("auto-deletes orphans only after the grace period and never asks for more replicas than configured", () => {
    const v = longhornValues({ replicaCount: 2, orphanAutoDeletion: ["replica-data", "instance"], orphanGracePeriodSeconds: 300 }) as any;
    expect(v.defaultSettings).toMatchObject({ orphanResourceAutoDeletion: "replica-data;instance", orphanResourceAutoDeletionGracePeriod: 300, defaultReplicaCount: { v1: "2", v2: "2" } });
    expect(v.persistence).toMatchObject({ defaultClass: true, defaultClassReplicaCount: 2 });
    expect(v.defaultBackupStore).toBeUndefined();
  });
  it("app data lives on a class whose volumes outlive their claims", () => {
    expect(retainStorageClass(3)).toMatchObject({ reclaimPolicy: "Retain", provisioner: "driver.longhorn.io", parameters: { numberOfReplicas: "3" } });
  });
});

describe("cert-manager", () => {
  it("lets the chart annotate its controller for scraping instead of adding the same annotations again", () => {
    const v = certManagerValues() as any;
    // deploy/charts/cert-manager/templates/deployment.yaml @v1.21.1 adds prometheus.io/{path,scrape,port}
    // itself when prometheus.enabled and neither a ServiceMonitor nor a PodMonitor is on.
    expect(v.prometheus).toEqual({ enabled: true });
    expect(v.podAnnotations).toBeUndefined();
    expect(v.crds).toEqual({ enabled: true, keep: true });
  });
});

describe("Rancher", () => {
  it("uses our ClusterIssuer through a secret-sourced ingress TLS, and never a password value", () => {
    const v = rancherValues({ hostname: "rancher.example.org", replicas: 3, ingressClassName: "traefik", tls: acme, access: open }) as any;
    expect(v).toMatchObject({ hostname: "rancher.example.org", replicas: 3, bootstrapPassword: "" });
    expect(v.ingress).toEqual({ ingressClassName: "traefik", extraAnnotations: { "cert-manager.io/cluster-issuer": "letsencrypt-staging" }, tls: { source: "secret", secretName: "tls-rancher-ingress" } });
  });
});

describe("Jenkins", () => {
  const agents = [{ name: "ci-agent-0", host: "10.0.1.5", hostKey: "ecdsa-sha2-nistp256 AAAAE2Vj host@x\n" }];
  const casc = parseYaml(agentsCasc(agents, 4));

  it("registers every ci-agent as a permanent SSH agent labelled docker, verifying its host key", () => {
    const node = casc.jenkins.nodes[0].permanent;
    expect(node).toMatchObject({ name: "ci-agent-0", labelString: "docker", numExecutors: 4, remoteFS: "/home/jenkins/agent" });
    expect(node.launcher.ssh).toMatchObject({ host: "10.0.1.5", port: 22, credentialsId: "ci-agent-ssh" });
    expect(node.launcher.ssh.sshHostKeyVerificationStrategy).toEqual({ manuallyProvidedKeyVerificationStrategy: { key: "ecdsa-sha2-nistp256 AAAAE2Vj" } });
    expect(hostKeyForJenkins("ssh-ed25519 AAAA comment here")).toBe("ssh-ed25519 AAAA");
  });

  it("reads the agent key from the mounted Secret, never inline", () => {
    const cred = casc.credentials.system.domainCredentials[0].credentials[0].basicSSHUserPrivateKey;
    expect(cred.privateKeySource.directEntry.privateKey).toBe("${jenkins-agent-ssh-privateKey}");
    const v = jenkinsValues({ hostname: "ci.example.org", ingressClassName: "traefik", tls: acme, access: open, agentsCasc: agentsCasc(agents, 2) }) as any;
    expect(v.controller.additionalExistingSecrets).toEqual([{ name: "jenkins-agent-ssh", keyName: "privateKey" }]);
    expect(v.controller.admin).toMatchObject({ existingSecret: "jenkins-admin", createSecret: true });
    expect(v.persistence).toEqual({ enabled: true, existingClaim: "jenkins-home" });
    expect(v.controller.ingress).toMatchObject({ enabled: true, hostName: "ci.example.org", tls: [{ hosts: ["ci.example.org"], secretName: "jenkins-tls" }] });
    expect(v.agent.enabled).toBe(false);
  });

  it("keeps the inbound agent listener (50000) closed: agents connect over SSH", () => {
    const v = jenkinsValues({ hostname: "ci.example.org", ingressClassName: "traefik", tls: acme, access: open, agentsCasc: "" }) as any;
    // No agent Service (charts/jenkins/templates/jenkins-agent-svc.yaml @jenkins-5.9.53) ...
    expect(v.controller.agentListenerEnabled).toBe(false);
    // ... and no listener: the chart's JCasC still sets slaveAgentPort 50000, which the enforced
    // system property overrides with -1 (Jenkins.setSlaveAgentPort ignores it when enforced).
    expect(v.controller.javaOpts).toContain("-Djenkins.model.Jenkins.slaveAgentPort=-1");
    expect(v.controller.javaOpts).toContain("-Djenkins.model.Jenkins.slaveAgentPortEnforce=true");
  });

  it("pins every plugin to a version", () => {
    for (const p of JENKINS_PLUGINS) expect(p).toMatch(/^[a-z0-9-]+:[0-9][\w.-]*$/);
    expect(JENKINS_PLUGINS.map((p) => p.split(":")[0])).toEqual(expect.arrayContaining(["configuration-as-code", "ssh-slaves", "job-dsl", "prometheus"]));
  });

  it("seeds Job DSL with Helm's tpl and JCasC's ${} both escaped", () => {
    expect(escapeForChartCasc("x ${A} {{ b }}")).toBe('x ^${A} {{ "{{" }} b }}');
    const v = jenkinsValues({ hostname: "ci.example.org", ingressClassName: "traefik", tls: acme, access: open, agentsCasc: "", jobDsl: "pipelineJob('a') { println \"${X}\" }" }) as any;
    expect(v.controller.JCasC.configScripts["seed-jobs"]).toContain("^${X}");
  });
});

describe("monitoring", () => {
  it("alerts on a node down, an unhealthy ingress backend, volumes and disks above 85 %, certificates within 14 days, a stuck Jenkins queue", () => {
    const byUid = Object.fromEntries(ALERT_RULES.map((r) => [r.uid, r]));
    expect(Object.keys(byUid)).toEqual(["node-down", "ingress-backend-unhealthy", "volume-usage-high", "disk-usage-high", "certificate-expiring", "jenkins-queue-stuck"]);
    expect(byUid["volume-usage-high"]).toMatchObject({ op: "gt", threshold: 0.85 });
    expect(byUid["disk-usage-high"]).toMatchObject({ op: "gt", threshold: 0.85 });
    expect(byUid["certificate-expiring"]).toMatchObject({ op: "lt", threshold: 14 });
    expect(byUid["certificate-expiring"].expr).toContain("certmanager_certificate_expiration_timestamp_seconds");
    expect(byUid["jenkins-queue-stuck"].expr).toContain("jenkins_queue_stuck_value");
  });

  it("provisions rules in Grafana's format: query, reduce, threshold", () => {
    const rule = (renderAlertRules() as any).groups[0].rules[2];
    expect(rule.condition).toBe("C");
    expect(rule.data.map((d: any) => d.model.type ?? "query")).toEqual(["query", "reduce", "threshold"]);
    expect(rule.data[2].model.conditions[0].evaluator).toEqual({ type: "gt", params: [0.85] });
  });

  it("Grafana: admin from a Secret, Prometheus data source, dashboards for nodes, ingress, Jenkins and Longhorn, retained data", () => {
    const v = grafanaValues({ hostname: "grafana.example.org", ingressClassName: "traefik", tls: acme, webhook: true }) as any;
    expect(v.admin.existingSecret).toBe("grafana-admin");
    expect(v.datasources["datasources.yaml"].datasources[0]).toMatchObject({ type: "prometheus", uid: "prometheus", isDefault: true });
    expect(Object.keys(DASHBOARDS)).toEqual(["nodes", "ingress", "jenkins", "longhorn"]);
    expect(v.persistence).toEqual({ enabled: true, existingClaim: "grafana-data" });
    // The webhook URL arrives through the environment, from a Secret.
    expect(v.envValueFrom.ALERT_WEBHOOK_URL.secretKeyRef).toEqual({ name: "grafana-alerting", key: "webhookUrl" });
    expect(JSON.stringify(v.alerting["contactpoints.yaml"])).toContain("${ALERT_WEBHOOK_URL}");
    expect(grafanaValues({ hostname: "g.example.org", ingressClassName: "traefik", tls: acme, webhook: false })).not.toHaveProperty("envValueFrom");
  });

  it("Prometheus keeps data and leaves alert routing to Grafana", () => {
    expect(prometheusValues({ retentionDays: 15, storageGbs: 50 })).toMatchObject({ server: { retention: "15d", persistentVolume: { enabled: true, size: "50Gi" } }, alertmanager: { enabled: false } });
  });
});
