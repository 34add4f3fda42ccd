/**
 * A deployed platform played by local servers: the stack's record (outputs, config,
 * state) as the Automation API hands it over, the Kubernetes API (fake-kube-api.ts),
 * the apps behind HTTPS with certificates from a test CA (tls-fixtures.ts), and the
 * load balancer's backend health. Healthy by default; each test breaks one thing.
 */
import { agentsCasc } from "../../src/apps/jenkins-casc";
import { jenkinsValues } from "../../src/apps/jenkins";

/**
 * Our Jenkins values renderer, called loosely: its other arguments (TLS, client access)
 * do not matter here, only where it puts the admin Secret and the agents' JCasC.
 */
export const renderJenkinsValues = jenkinsValues as unknown as (a: Record<string, unknown>) => Record<string, unknown>;
import { longhornValues } from "../../src/apps/longhorn-values";
import type { StackView } from "../../src/verify/plan";
import type { KubeWorld } from "./fake-kube-api";
import type { KeyPair } from "./tls-fixtures";

export const HOSTS = { rancher: "rancher.verify.test", jenkins: "ci.verify.test", grafana: "grafana.verify.test", bot: "bot.verify.test" } as const;
export const JENKINS_PASSWORD = "jenkins-admin-pw-7f3a9c51";
export const KUBE_TOKEN = "kube-token-4b2d8e90aa";
const H = 3_600_000;

export interface WebWorld {
  certs: Record<string, KeyPair>;
  /** Status overrides per host (the app's normal answer otherwise). */
  status: Partial<Record<string, number>>;
  jenkinsPassword: string;
  computers: { displayName: string; offline: boolean; offlineCauseReason?: string }[];
  requests: { host: string; method: string; path: string; authorization?: string }[];
}

export interface World {
  stack: StackView;
  kube: KubeWorld;
  web: WebWorld;
  /** `<backend set> <ip>:<port>` → status; OK when absent. */
  lb: Record<string, string>;
  lbRequests: string[];
}

const release = (name: string, namespace: string, chart: string, values: Record<string, unknown>) => ({
  urn: `urn:pulumi:oci-prod::ci-infra::kubernetes:helm.sh/v3:Release::oci-prod-${name}`,
  type: "kubernetes:helm.sh/v3:Release",
  inputs: { name, namespace, chart, version: "1.0.0", values },
});

const helmSecret = (namespace: string, name: string, version: number, status: string) => ({
  namespace,
  name: `sh.helm.release.v1.${name}.v${version}`,
  type: "helm.sh/release.v1",
  labels: { name, owner: "helm", status, version: String(version), modifiedAt: "1767225600" },
  data: { release: Buffer.from("H4sIAAAA").toString("base64") },
});

export function kubeconfigFor(server: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    // client-node speaks plain HTTP (the fake API) only with TLS verification off.
    `- name: verify-test\n  cluster:\n    server: ${server}${server.startsWith("http:") ? "\n    insecure-skip-tls-verify: true" : ""}`,
    "users:",
    `- name: admin\n  user:\n    token: ${KUBE_TOKEN}`,
    "contexts:",
    "- name: verify-test\n  context:\n    cluster: verify-test\n    user: admin",
    "current-context: verify-test",
    "",
  ].join("\n");
}

export function healthyWorld(opts: { webPort: number; kubeUrl: string; certs: Record<string, KeyPair>; now: number }): World {
  const url = (h: string) => `https://${h}:${opts.webPort}`;
  const values = {
    longhorn: longhornValues({ replicaCount: 3, orphanAutoDeletion: ["replica-data", "instance"], orphanGracePeriodSeconds: 300 }),
    jenkins: renderJenkinsValues({
      hostname: HOSTS.jenkins,
      ingressClassName: "traefik",
      tls: { mode: "acme", issuer: "letsencrypt-production" },
      access: { controller: "traefik" },
      agentsCasc: agentsCasc([{ name: "ci-agent-0", host: "10.0.1.30", hostKey: "ecdsa-sha2-nistp256 AAAAE2VjZHNh" }], 2),
    }),
  };
  const stack: StackView = {
    outputs: {
      kubeconfig: kubeconfigFor(opts.kubeUrl),
      loadBalancerId: "ocid1.loadbalancer.oc1.iad.verifytest",
      nodeIps: { server: ["10.0.1.10"], agent: ["10.0.1.20"], "ci-agent": ["10.0.1.30"] },
      ports: { http: 30080, https: 30443, health: 30254, healthPath: "/ping" },
      rancherUrl: url(HOSTS.rancher),
      jenkinsUrl: url(HOSTS.jenkins),
      jenkinsAdminPassword: JENKINS_PASSWORD,
      grafanaUrl: url(HOSTS.grafana),
      botUrl: url(HOSTS.bot),
      backupSchedules: {
        etcd: { cron: "0 */6 * * *", everyHours: 6, keep: 28, bucket: "oci-prod-etcd-snapshots" },
        volumes: { cron: "0 */6 * * *", everyHours: 6, keep: 28, bucket: "oci-prod-volume-backups" },
      },
    },
    config: {
      "ci-infra:program": "oci-platform",
      "ci-infra:tls": JSON.stringify({ mode: "acme", acmeEmail: "ci-admins@example.org", acmeServer: "production" }),
    },
    resources: [
      release("longhorn", "longhorn-system", "longhorn", values.longhorn),
      release("traefik", "traefik", "traefik", {}),
      release("rancher", "cattle-system", "rancher", {}),
      release("jenkins", "jenkins", "jenkins", values.jenkins),
      { urn: "urn:pulumi:oci-prod::ci-infra::oci:Core/vcn:Vcn::oci-prod-net-vcn", type: "oci:Core/vcn:Vcn" },
      // Prod protects its stateful resources (ci-infra:protect); the state records it per resource.
      { urn: "urn:pulumi:oci-prod::ci-infra::oci:Core/publicIp:PublicIp::oci-prod-ingress-ip", type: "oci:Core/publicIp:PublicIp", protect: true } as StackView["resources"][number],
    ],
  };
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  const kube: KubeWorld = {
    token: KUBE_TOKEN,
    secrets: [
      helmSecret("longhorn-system", "longhorn", 1, "superseded"),
      helmSecret("longhorn-system", "longhorn", 2, "deployed"),
      helmSecret("traefik", "traefik", 1, "deployed"),
      helmSecret("cattle-system", "rancher", 1, "deployed"),
      helmSecret("jenkins", "jenkins", 1, "superseded"),
      helmSecret("jenkins", "jenkins", 2, "superseded"),
      helmSecret("jenkins", "jenkins", 3, "deployed"),
      {
        namespace: "jenkins",
        name: "jenkins-admin",
        type: "Opaque",
        data: { "jenkins-admin-user": Buffer.from("admin").toString("base64"), "jenkins-admin-password": Buffer.from(JENKINS_PASSWORD).toString("base64") },
      },
    ],
    settings: { "longhorn-system/orphan-resource-auto-deletion": "replica-data;instance", "longhorn-system/orphan-resource-auto-deletion-grace-period": "300" },
    etcdSnapshotFiles: [
      {
        apiVersion: "k3s.cattle.io/v1",
        kind: "ETCDSnapshotFile",
        metadata: { name: "s3-etcd-snapshot-server-0-1" },
        spec: { snapshotName: "etcd-snapshot-server-0-1", nodeName: "s3", location: "s3://oci-prod-etcd-snapshots/oci-prod/etcd-snapshot-server-0-1", s3: { bucket: "oci-prod-etcd-snapshots" } },
        status: { creationTime: iso(opts.now - 2 * H), readyToUse: true, size: "12345" },
      },
      {
        apiVersion: "k3s.cattle.io/v1",
        kind: "ETCDSnapshotFile",
        metadata: { name: "local-etcd-snapshot-server-0-2" },
        spec: { snapshotName: "etcd-snapshot-server-0-2", nodeName: "server-0", location: "file:///var/lib/rancher/k3s/server/db/snapshots/etcd-snapshot-server-0-2" },
        status: { creationTime: iso(opts.now - 1 * H), readyToUse: true },
      },
    ],
    backups: [
      { apiVersion: "longhorn.io/v1beta2", kind: "Backup", metadata: { name: "backup-a" }, status: { state: "Completed", volumeName: "pvc-0a1b", backupCreatedAt: iso(opts.now - 30 * H) } },
      { apiVersion: "longhorn.io/v1beta2", kind: "Backup", metadata: { name: "backup-b" }, status: { state: "Completed", volumeName: "pvc-0a1b", backupCreatedAt: iso(opts.now - 3 * H) } },
      { apiVersion: "longhorn.io/v1beta2", kind: "Backup", metadata: { name: "backup-c" }, status: { state: "InProgress", volumeName: "pvc-0a1b", backupCreatedAt: "" } },
    ],
    persistentVolumes: [
      { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "pvc-0a1b" }, spec: { storageClassName: "longhorn-retain", csi: { driver: "driver.longhorn.io", volumeHandle: "pvc-0a1b" }, claimRef: { namespace: "jenkins", name: "jenkins-home" } } },
      { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "pvc-9z" }, spec: { storageClassName: "longhorn", csi: { driver: "driver.longhorn.io", volumeHandle: "pvc-9z" }, claimRef: { namespace: "monitoring", name: "prometheus" } } },
    ],
    pod: { phase: "Succeeded", log: "imds=closed\ndns=ok\n" },
    created: [],
    deleted: [],
    requests: [],
  };
  const web: WebWorld = {
    certs: opts.certs,
    status: {},
    jenkinsPassword: JENKINS_PASSWORD,
    computers: [
      { displayName: "Built-In Node", offline: false },
      { displayName: "ci-agent-0", offline: false, offlineCauseReason: "" },
    ],
    requests: [],
  };
  return { stack, kube, web, lb: {}, lbRequests: [] };
}

/** How each app answers (see src/verify/facts.ts for the sources). */
export function appHandler(w: () => World) {
  return (req: { method: string; path: string; host: string; headers: Record<string, string | string[] | undefined> }) => {
    const web = w().web;
    web.requests.push({ host: req.host, method: req.method, path: req.path, authorization: req.headers.authorization as string | undefined });
    const override = web.status[req.host];
    if (override) return { status: override, body: "" };
    if (req.host === HOSTS.rancher && req.method === "GET" && req.path === "/ping") return { status: 200, body: "pong" };
    if (req.host === HOSTS.grafana && req.method === "GET" && req.path === "/api/health") return { status: 200, body: '{"database":"ok","version":"13.2.0"}', type: "application/json" };
    if (req.host === HOSTS.bot && req.path === "/project") return req.method === "POST" ? { status: 401, body: "Unauthorized Access" } : { status: 405, body: "" };
    if (req.host === HOSTS.jenkins && req.method === "GET" && req.path === "/login") return { status: 200, body: "<html>Sign in</html>" };
    if (req.host === HOSTS.jenkins && req.method === "GET" && req.path === "/computer/api/json") {
      const expected = `Basic ${Buffer.from(`admin:${web.jenkinsPassword}`).toString("base64")}`;
      if (req.headers.authorization !== expected) return { status: 401, body: "" };
      return { status: 200, body: JSON.stringify({ _class: "hudson.model.ComputerSet", busyExecutors: 0, computer: web.computers.map((c) => ({ _class: "hudson.slaves.SlaveComputer", ...c })) }), type: "application/json" };
    }
    return { status: 404, body: "404 page not found" };
  };
}
