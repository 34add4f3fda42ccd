/**
 * The cluster and its apps as the offline plan sees them: the real program under
 * mocked providers, asserting wiring, pins, secrets and retention.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { planStack, type PlanResult } from "../../src/plan/run";
import { CHARTS } from "../../src/versions";
import { ofType, plan, problems, parse, set, stackFileWith } from "../helpers";
import { cloudInitSchema, hasCloudInit } from "../schema-validators";
import { removeTempDirs } from "../runtime";

// stackFileWith writes into temporary directories.
afterAll(removeTempDirs);

const RELEASE = "kubernetes:helm.sh/v3:Release";
const SECRET = "kubernetes:core/v1:Secret";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
const BOT_IMAGE = `registry.example.org/longhorn/github-bot@sha256:${"0".repeat(64)}`;

let prod: PlanResult;
let staging: PlanResult;
beforeAll(async () => {
  prod = await plan("oci-prod");
  staging = await plan("oci-staging");
});

const releases = (p: PlanResult) => Object.fromEntries(ofType(p, RELEASE).map((r) => [r.inputs.name as string, r]));

describe("Helm releases", () => {
  it("installs every app from its official chart at the pinned version", () => {
    const r = releases(prod);
    const expected = { traefik: CHARTS.traefik, "cert-manager": CHARTS.certManager, rancher: CHARTS.rancher, jenkins: CHARTS.jenkins, grafana: CHARTS.grafana, prometheus: CHARTS.prometheus, longhorn: CHARTS.longhorn };
    expect(Object.keys(r).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, pin] of Object.entries(expected)) {
      expect(r[name].inputs).toMatchObject({ chart: pin.chart, version: pin.version, repositoryOpts: { repo: pin.repo }, atomic: true });
    }
  });

  it("passes no secret in any values: charts read Secrets by reference", () => {
    for (const rel of ofType(prod, RELEASE)) {
      const values = JSON.stringify(rel.inputs.values);
      expect(values, String(rel.inputs.name)).not.toContain("[secret]");
      expect(values).not.toMatch(/mock-password|PRIVATE KEY/);
    }
    // Secrets built from generated values are secret as a whole.
    const secrets = ofType(prod, SECRET);
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    for (const s of secrets) expect(s.inputs.stringData, (s.inputs.metadata as { name: string }).name).toBe("[secret]");
  });

  it("runs ingress-nginx instead of traefik when asked, on the same NodePorts", async () => {
    const p = await plan("oci-staging", set("ingress.controller", "ingress-nginx"));
    const r = releases(p);
    expect(r.traefik).toBeUndefined();
    expect(r["ingress-nginx"].inputs.values).toMatchObject({ controller: { service: { nodePorts: { http: 30080, https: 30443 } }, metrics: { service: { nodePort: 30254 } } } });
  });
});

describe("the cluster connection", () => {
  it("every Kubernetes object goes through the cluster's provider, which waits for the API to answer", () => {
    const provider = prod.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
    const ready = prod.resources.find((r) => r.type.endsWith("ApiServerReady"))!;
    expect(provider.dependsOn).toContain(ready.urn);
    for (const r of prod.resources.filter((x) => x.type.startsWith("kubernetes:"))) expect(r.provider, r.name).toMatch(new RegExp(`^${provider.urn.replace(/[$]/g, "\\$")}::`));
    const servers = ofType(prod, "oci:Core/instance:Instance").filter((v) => (v.inputs.freeformTags as Record<string, string>).role === "server");
    const listener = ofType(prod, "oci:LoadBalancer/listener:Listener").find((l) => l.inputs.port === 6443)!;
    expect(ready.dependsOn).toEqual(expect.arrayContaining([...servers.map((s) => s.urn), listener.urn]));
    expect(ready.inputs).toMatchObject({ url: `https://${String(prod.outputs.loadBalancerIp)}:6443`, clientKeyPem: "[secret]" });
  });

  it("outputs the kubeconfig as a secret, and the app URLs", () => {
    expect(prod.outputs).toMatchObject({
      kubeconfig: "[secret]",
      rancherUrl: "https://rancher.infra.example.org",
      jenkinsUrl: "https://ci.infra.example.org",
      grafanaUrl: "https://grafana.infra.example.org",
      jenkinsAdminPassword: "[secret]",
      // The mocks derive it from the reserved IP's name (src/plan/mocks.ts): somewhere in TEST-NET-3.
      loadBalancerIp: expect.stringMatching(/^203\.0\.113\.\d+$/),
    });
  });

  it("the API certificate names the load balancer's reserved IP, which exists before any VM", () => {
    const ip = ofType(prod, "oci:Core/publicIp:PublicIp")[0];
    expect(ip.inputs).toMatchObject({ lifetime: "RESERVED" });
    expect(ip.protect).toBe(true);
    expect(ofType(staging, "oci:Core/publicIp:PublicIp")[0].protect).toBe(false);
    const lb = ofType(prod, "oci:LoadBalancer/loadBalancer:LoadBalancer")[0];
    expect(lb.inputs.reservedIps).toEqual([{ id: `${ip.name}-id` }]);
    const server = parseYaml(prod.artifacts["cloud-init/server.yaml"]);
    const k3s = parseYaml(server.write_files.find((f: { path: string }) => f.path === "/etc/rancher/k3s/config.yaml").content);
    expect(k3s["tls-san"][0]).toBe("<load-balancer-ip>");
    expect(k3s.token).toBe("[secret]");
    expect(k3s["cluster-init"]).toBe(true);
    expect(parseYaml(staging.artifacts["cloud-init/server.yaml"]).write_files.some((f: { content: string }) => f.content.includes("cluster-init"))).toBe(false);
  });

  it("protects the CA keys in prod: a replaced CA would orphan the cluster", () => {
    const caKeys = ofType(prod, "tls:index/privateKey:PrivateKey").filter((k) => /-ca-key$|service-account-key$/.test(k.name));
    expect(caKeys).toHaveLength(6);
    expect(caKeys.every((k) => k.protect)).toBe(true);
  });
});

describe("data that must survive", () => {
  it("Jenkins home and Grafana data are our claims on the retained class, kept on delete", () => {
    const claims = ofType(prod, PVC);
    expect(claims.map((c) => (c.inputs.metadata as { name: string }).name).sort()).toEqual(["grafana-data", "jenkins-home"]);
    for (const c of claims) {
      expect(c.retainOnDelete).toBe(true);
      expect(c.protect).toBe(true);
      expect((c.inputs.spec as { storageClassName: string }).storageClassName).toBe("longhorn-retain");
    }
    expect(ofType(staging, PVC).every((c) => c.retainOnDelete && !c.protect)).toBe(true);
  });

  it("Longhorn replicas default to min(3, cluster nodes)", () => {
    const replicas = (p: PlanResult) => (releases(p).longhorn.inputs.values as { persistence: { defaultClassReplicaCount: number } }).persistence.defaultClassReplicaCount;
    expect(replicas(prod)).toBe(3);
    expect(replicas(staging)).toBe(1);
  });

  it("refuses more replicas than nodes that can hold them", () => {
    expect(problems(() => parse("oci-staging", set("longhorn.replicaCount", 2)))).toEqual([
      "ci-infra:longhorn.replicaCount must not exceed the 1 cluster nodes that can hold replicas (nodes.server.count + nodes.agent.count) (got 2)",
    ]);
  });

  it("backs volumes up with the keys from config when they are given (no writer identity is created)", async () => {
    const file = stackFileWith("oci-prod", "  ci-infra:longhorn:\n    backup:\n      enabled: true\n      namespace: axaxnpcrorw5\n      accessKeyId:\n        secure: v1:aWQ=\n      secretAccessKey:\n        secure: v1:a2V5\n");
    const p = await planStack({ stack: "oci-prod", configFile: file });
    const bucket = ofType(p, "oci:ObjectStorage/bucket:Bucket").find((b) => b.inputs.name === "oci-prod-longhorn-backups")!;
    expect(bucket.inputs).toMatchObject({ versioning: "Enabled", accessType: "NoPublicAccess", namespace: "axaxnpcrorw5" });
    expect(bucket.protect && bucket.retainOnDelete).toBe(true);
    expect(ofType(p, "oci:Identity/customerSecretKey:CustomerSecretKey")).toEqual([]);
    expect(releases(p).longhorn.inputs.values).toMatchObject({ defaultBackupStore: { backupTarget: "s3://oci-prod-longhorn-backups@us-ashburn-1/", backupTargetCredentialSecret: "longhorn-backup" } });
  });
});

describe("the GitHub bot", () => {
  const withBot = [set("githubBot.enabled", true), set("githubBot.image", BOT_IMAGE), set("githubBot.githubToken", "ghp_x")];

  it("requires a pinned image and a token set with --secret", () => {
    expect(problems(() => parse("oci-staging", set("githubBot.enabled", true), set("githubBot.image", undefined), set("githubBot.githubToken", undefined)))).toEqual([
      "ci-infra:githubBot.githubToken is required: it must be set (pulumi config set --secret --path githubBot.githubToken) while the bot is enabled",
      "ci-infra:githubBot.image is required: it must be set while the bot is enabled: a pinned image of longhorn/bot (repo@sha256:<digest>)",
    ]);
    expect(problems(() => parse("oci-staging", ...withBot))).toEqual([
      "ci-infra:githubBot.githubToken must be set with `pulumi config set --secret --path 'githubBot.githubToken' ...`: a plaintext secret would be committed in the stack file",
    ]);
    // The full rule (digest or the pinned commit's tag) is tested in test/apps/github-bot.test.ts.
    expect(problems(() => parse("oci-staging", set("githubBot.image", "longhornio/github-bot:master")))[0]).toMatch(/^ci-infra:githubBot.image must be pinned by digest/);
  });

  it("deploys behind the ingress at bot.<domain> with the token from a Secret", async () => {
    // The token as `pulumi config set --secret` stores it: encrypted in the stack file.
    const file = stackFileWith("oci-staging", `  ci-infra:githubBot:\n    enabled: true\n    image: ${BOT_IMAGE}\n    githubToken:\n      secure: v1:AAAAc2VjcmV0\n`, /  ci-infra:githubBot:\n(    .*\n)+/);
    const p = await planStack({ stack: "oci-staging", configFile: file });
    expect(p.outputs).toMatchObject({ botUrl: "https://bot.staging.infra.example.org", botWebhookUrl: "[secret]" });
    const dep = p.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment")!;
    expect(JSON.stringify(dep.inputs)).toContain(BOT_IMAGE);
    const secret = ofType(p, SECRET).find((s) => (s.inputs.metadata as { name: string }).name === "github-bot")!;
    expect(secret.inputs.stringData).toBe("[secret]");
    expect(parseYaml(p.artifacts["manifests/github-bot/secret-github-bot.yaml"]).stringData).toEqual({ GITHUB_TOKEN: "[secret]", FLASK_USERNAME: "github", FLASK_PASSWORD: "[secret]" });
    expect(ofType(p, "kubernetes:networking.k8s.io/v1:Ingress")[0].inputs).toMatchObject({ spec: { rules: [{ host: "bot.staging.infra.example.org" }] } });
  });
});

describe("plan artifacts", () => {
  it("writes each release's values and the manifests, secrets as placeholders", () => {
    expect(Object.keys(prod.artifacts)).toEqual(expect.arrayContaining(["helm/jenkins.values.yaml", "helm/grafana.values.yaml", "helm/traefik.values.yaml", "manifests/jenkins/secret-jenkins-admin.yaml"]));
    expect(parseYaml(prod.artifacts["manifests/jenkins/secret-jenkins-admin.yaml"]).stringData["jenkins-admin-password"]).toBe("[secret]");
    const jenkins = parseYaml(prod.artifacts["helm/jenkins.values.yaml"]);
    const agents = parseYaml(jenkins.controller.JCasC.configScripts["ci-agents"]).jenkins.nodes;
    expect(agents.map((n: { permanent: { launcher: { ssh: { host: string } } } }) => n.permanent.launcher.ssh.host)).toEqual((prod.outputs.nodeIps as Record<string, string[]>)["ci-agent"]);
    expect(jenkins.controller.JCasC.configScripts["seed-jobs"]).toContain("pipelineJob(");
  });

  it.skipIf(!hasCloudInit()).each(["server.yaml", "server-join.yaml", "agent.yaml", "ci-agent.yaml"])("cloud-init/%s passes cloud-init's schema", (f) => {
    expect(cloudInitSchema(prod.artifacts[`cloud-init/${f}`]).output).toContain("Valid cloud-config");
  });
});
