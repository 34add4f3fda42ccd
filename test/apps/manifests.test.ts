/**
 * Every Kubernetes object the project writes itself, validated against the
 * Kubernetes API schemas (kubernetes-models), with secrets as placeholders.
 */
import { describe, expect, it } from "vitest";
import { certManagerPolicies } from "../../src/apps/cert-manager";
import { botDeployment, botIngress, botPolicies, botSecret, botService } from "../../src/apps/github-bot";
import { ingressControllerPolicies } from "../../src/apps/ingress-values";
import { agentKeySecret, jenkinsAdminSecret, jenkinsPolicies } from "../../src/apps/jenkins";
import { backupSecret, retainedClaim, retainStorageClass } from "../../src/apps/longhorn-values";
import { Manifest, namespace } from "../../src/apps/manifest";
import { dashboardsConfigMap, monitoringPolicies } from "../../src/apps/monitoring";
import { rancherBootstrapSecret, rancherCaSecret, rancherPolicies } from "../../src/apps/rancher";
import { clusterIssuer, tlsSecret } from "../../src/apps/tls";

const bot = { image: "registry.example.org/github-bot@sha256:" + "a".repeat(64), hostname: "bot.example.org", ingressClassName: "traefik", tls: { mode: "acme" as const, issuer: "letsencrypt-production", server: "production" as const }, basicAuthUser: "github", access: { controller: "traefik" as const, clientCidrs: ["192.30.252.0/22"] } };
const open = { controller: "traefik" as const };

const manifests: [string, Manifest][] = [
  ["namespace", namespace("jenkins")],
  ["bot secret", botSecret("[secret]", "[secret]", "github")],
  ["bot deployment", botDeployment(bot)],
  ["bot service", botService()],
  ["bot ingress", botIngress(bot)],
  ["jenkins admin secret", jenkinsAdminSecret("admin", "[secret]")],
  ["jenkins agent key", agentKeySecret("[secret]")],
  ["retained claim", retainedClaim("jenkins-home", "jenkins", 50)],
  ["retain storage class", retainStorageClass(3)],
  ["backup secret", backupSecret("longhorn-backup", "https://ns.compat.objectstorage.us-ashburn-1.oraclecloud.com", "[secret]", "[secret]")],
  ["dashboards", dashboardsConfigMap()],
  ["rancher bootstrap", rancherBootstrapSecret("[secret]")],
  ["tls secret", tlsSecret("jenkins", "[secret]", "[secret]")],
  ["rancher CA bundle", rancherCaSecret("-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n")],
  ...[
    ...ingressControllerPolicies({ controller: "traefik", httpNodePort: 30080, httpsNodePort: 30443, healthNodePort: 30254, externalTrafficPolicy: "Cluster", replicas: 2, nodes: 3, proxyProtocolFrom: [] }),
    ...ingressControllerPolicies({ controller: "ingress-nginx", httpNodePort: 30080, httpsNodePort: 30443, healthNodePort: 30254, externalTrafficPolicy: "Cluster", replicas: 2, nodes: 3, proxyProtocolFrom: [] }),
    ...certManagerPolicies(),
    ...rancherPolicies(open),
    ...jenkinsPolicies(open),
    ...monitoringPolicies(open),
    ...botPolicies(open),
  ].map((m): [string, Manifest] => [`network policy ${m.metadata.namespace}/${m.metadata.name}`, m]),
];

async function modelFor(m: Manifest): Promise<{ validate(): void } | undefined> {
  const [group, version] = m.apiVersion.includes("/") ? m.apiVersion.split("/") : ["", m.apiVersion];
  const mod = group === "" ? await import("kubernetes-models/v1") : group === "apps" ? await import("kubernetes-models/apps/v1") : group === "networking.k8s.io" ? await import("kubernetes-models/networking.k8s.io/v1") : group === "storage.k8s.io" ? await import("kubernetes-models/storage.k8s.io/v1") : undefined;
  const Model = (mod as Record<string, new (x: unknown) => { validate(): void }> | undefined)?.[m.kind];
  expect(version).toBe("v1");
  return Model ? new Model(m) : undefined;
}

describe("Kubernetes objects written by ci-infra", () => {
  it.each(manifests)("%s is valid against the Kubernetes schema", async (_n, m) => {
    const model = await modelFor(m);
    expect(model, `${m.apiVersion} ${m.kind} has a schema`).toBeDefined();
    expect(() => model!.validate()).not.toThrow();
  });

  it("the validator rejects a broken object (so passing means something)", async () => {
    const broken = botDeployment(bot) as any;
    broken.spec.template.spec.containers[0].ports[0].containerPort = "8080";
    await expect((async () => (await modelFor(broken))!.validate())()).rejects.toThrow(/containerPort must be integer/);
  });

  it("the ACME ClusterIssuer solves HTTP-01 through the ingress class behind port 80", () => {
    expect(clusterIssuer("staging", "ops@example.org", "traefik")).toMatchObject({
      kind: "ClusterIssuer",
      spec: { acme: { server: "https://acme-staging-v02.api.letsencrypt.org/directory", email: "ops@example.org", solvers: [{ http01: { ingress: { ingressClassName: "traefik" } } }] } },
    });
  });

  it("the bot: secrets by reference, TCP probes on 8080 (it has no health path), limits set", () => {
    const c = (botDeployment(bot) as any).spec.template.spec.containers[0];
    expect(c.env.map((e: any) => [e.name, e.valueFrom.secretKeyRef.name])).toEqual([["GITHUB_TOKEN", "github-bot"], ["FLASK_USERNAME", "github-bot"], ["FLASK_PASSWORD", "github-bot"]]);
    expect(c.readinessProbe.tcpSocket.port).toBe(8080);
    expect(c.livenessProbe.tcpSocket.port).toBe(8080);
    expect(c.resources.limits).toEqual({ cpu: "500m", memory: "256Mi" });
    expect((botIngress(bot) as any).spec.rules[0].host).toBe("bot.example.org");
  });
});
