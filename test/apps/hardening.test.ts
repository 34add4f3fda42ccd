/**
 * Hardening, judged as the cluster would: every namespace we create carries a Pod
 * Security Admission level, the pods we configure meet `restricted` where the
 * namespace enforces it, and the NetworkPolicies admit exactly the flows the
 * platform needs. Policies are evaluated by a small model of the Kubernetes
 * semantics (kubernetes/api networking/v1/types.go: a pod selected by no policy of
 * a direction is open in it; selected, only what some rule allows; traffic from the
 * pod's own node is always allowed), over what the offline plans of both stacks apply.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { allowlistAnnotations, allowlistMiddleware } from "../../src/apps/client-access";
import { botDeployment } from "../../src/apps/github-bot";
import { jenkinsValues } from "../../src/apps/jenkins";
import type { Manifest } from "../../src/apps/manifest";
import { namespace } from "../../src/apps/manifest";
import { grafanaValues, prometheusValues } from "../../src/apps/monitoring";
import { NAMESPACE_POD_SECURITY, podSecurityLabels } from "../../src/apps/pod-security";
import { parseCidr, cidrContains } from "../../src/base/cidr";
import type { PlanResult } from "../../src/plan/run";
import { ofType, plan, problems, parse, set } from "../helpers";

// ---- Pod Security `restricted` (kubernetes.io/docs/concepts/security/pod-security-standards) ----

type Ctx = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The restricted profile's checks for one pod: an empty list means admitted. */
function restrictedViolations(pod: Ctx, containers: Ctx[]): string[] {
  const out: string[] = [];
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) out.push("host namespaces");
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const nonRoot = sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
    const uid = sc.runAsUser ?? pod.securityContext?.runAsUser;
    if (nonRoot !== true) out.push(`${c.name}: runAsNonRoot is not true`);
    if (uid === 0) out.push(`${c.name}: runAsUser 0`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${c.name}: allowPrivilegeEscalation is not false`);
    if (sc.privileged) out.push(`${c.name}: privileged`);
    const seccomp = sc.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") out.push(`${c.name}: no seccomp profile`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) out.push(`${c.name}: capabilities not dropped`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== "NET_BIND_SERVICE") out.push(`${c.name}: adds ${cap}`);
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${c.name}: hostPort`);
  }
  return out;
}

describe("Pod Security Admission", () => {
  it("every namespace we create carries an enforce level, with a reason for anything but restricted", () => {
    for (const [ns, e] of Object.entries(NAMESPACE_POD_SECURITY)) {
      expect(namespace(ns).metadata.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": e.level, "pod-security.kubernetes.io/enforce-version": expect.stringMatching(/^v1\.\d+$/) });
      expect(e.why.length, ns).toBeGreaterThan(40);
    }
    expect(() => podSecurityLabels("somewhere-new")).toThrow(/add it, with the reason, to src\/apps\/pod-security.ts/);
    // Privileged only where a chart's pods need the host.
    expect(Object.entries(NAMESPACE_POD_SECURITY).filter(([, e]) => e.level !== "restricted").map(([n]) => n).sort()).toEqual(["cattle-system", "longhorn-system", "node-exporter"]);
  });

  it("the bot's Deployment meets restricted", () => {
    const d = botDeployment({ image: "r/b@sha256:" + "0".repeat(64), hostname: "bot.example.org", ingressClassName: "traefik", tls: { mode: "acme", issuer: "x", server: "production" }, basicAuthUser: "github", access: { controller: "traefik" } }) as any;
    expect(restrictedViolations(d.spec.template.spec, d.spec.template.spec.containers)).toEqual([]);
  });

  it("Jenkins' controller pod meets restricted with our values (its chart alone does not)", () => {
    const c = (jenkinsValues({ hostname: "ci.example.org", ingressClassName: "traefik", tls: { mode: "acme", issuer: "x", server: "production" }, access: { controller: "traefik" }, agentsCasc: "" }) as any).controller;
    const pod = { securityContext: c.podSecurityContextOverride };
    const containers = [
      { name: "init", securityContext: c.containerSecurityContext },
      { name: "jenkins", securityContext: c.containerSecurityContext },
      { name: "config-reload", securityContext: c.sidecars.configAutoReload.containerSecurityContext },
    ];
    expect(restrictedViolations(pod, containers)).toEqual([]);
    // The chart's own container default (charts/jenkins/values.yaml @jenkins-5.9.53) would not pass.
    expect(restrictedViolations({ securityContext: { runAsUser: 1000, runAsNonRoot: true } }, [{ name: "jenkins", securityContext: { runAsUser: 1000, runAsGroup: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false } }]).length).toBeGreaterThan(0);
  });

  it("Prometheus and Grafana meet restricted with our values", () => {
    const p = prometheusValues({ retentionDays: 15, storageGbs: 50 }) as any;
    expect(restrictedViolations({ securityContext: p.server.securityContext }, [{ name: "server", securityContext: p.server.containerSecurityContext }, { name: "reload", securityContext: p.configmapReload.prometheus.containerSecurityContext }])).toEqual([]);
    expect(p["prometheus-node-exporter"].namespaceOverride).toBe("node-exporter");
    const g = grafanaValues({ hostname: "g.example.org", ingressClassName: "traefik", tls: { mode: "acme", issuer: "x", server: "production" }, webhook: false }) as any;
    // The chart's pod and container contexts (charts/grafana/values.yaml @grafana-12.11.1); its root
    // chown init container is off.
    const chartPod = { runAsNonRoot: true, runAsUser: 472, runAsGroup: 472, fsGroup: 472 };
    const chartContainer = { allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } };
    expect(g.initChownData).toEqual({ enabled: false });
    expect(restrictedViolations({ securityContext: chartPod }, [{ name: "grafana", securityContext: chartContainer }])).toEqual([]);
  });
});

// ---- NetworkPolicy model ---------------------------------------------------------

interface Endpoint {
  /** A pod (namespace and labels) or a host address (the API server, a node, the internet). */
  readonly ns?: string;
  readonly labels?: Record<string, string>;
  readonly ip: string;
}

const matches = (sel: Ctx | undefined, labels: Record<string, string> = {}) => Object.entries(sel?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
const inBlock = (ip: string, block: Ctx) => cidrContains(parseCidr(block.cidr)!, parseCidr(`${ip}/32`)!) && !(block.except ?? []).some((e: string) => cidrContains(parseCidr(e)!, parseCidr(`${ip}/32`)!));

function peerMatches(peer: Ctx, policyNs: string, who: Endpoint): boolean {
  if (peer.ipBlock) return inBlock(who.ip, peer.ipBlock);
  if (!who.ns) return false; // a host address matches only ipBlocks
  const nsOk = peer.namespaceSelector ? matches(peer.namespaceSelector, { "kubernetes.io/metadata.name": who.ns }) : who.ns === policyNs;
  return nsOk && (peer.podSelector ? matches(peer.podSelector, who.labels) : true);
}

function portMatches(ports: Ctx[] | undefined, port: number, protocol: string): boolean {
  return !ports || ports.some((p) => (p.protocol ?? "TCP") === protocol && (p.port === undefined || p.port === port));
}

function direction(policies: Manifest[], pod: Endpoint, kind: "Ingress" | "Egress", other: Endpoint, port: number, protocol: string): boolean {
  const selecting = policies.filter((m: Ctx) => m.metadata.namespace === pod.ns && (m.spec.policyTypes ?? ["Ingress"]).includes(kind) && (Object.keys(m.spec.podSelector ?? {}).length === 0 || matches(m.spec.podSelector, pod.labels)));
  if (selecting.length === 0) return true;
  const rules = selecting.flatMap((m: Ctx) => (kind === "Ingress" ? m.spec.ingress : m.spec.egress) ?? []);
  return rules.some((r: Ctx) => {
    const peers = kind === "Ingress" ? r.from : r.to;
    return (!peers || peers.some((p: Ctx) => peerMatches(p, pod.ns!, other))) && portMatches(r.ports, port, protocol);
  });
}

/** Whether `from` may open a connection to `to` on `port`. */
function allowed(policies: Manifest[], from: Endpoint, to: Endpoint, port: number, protocol = "TCP"): boolean {
  const egress = from.ns ? direction(policies, from, "Egress", to, port, protocol) : true;
  const ingress = to.ns ? direction(policies, to, "Ingress", from, port, protocol) : true;
  return egress && ingress;
}

const pod = (ns: string, labels: Record<string, string>, ip = "10.42.1.10"): Endpoint => ({ ns, labels, ip });
const TRAEFIK = pod("traefik", { "app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-traefik" }, "10.42.0.5");
const PROMETHEUS = pod("monitoring", { "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/component": "server", "app.kubernetes.io/instance": "prometheus" }, "10.42.0.6");
const BOT = pod("github-bot", { "app.kubernetes.io/name": "github-bot", "app.kubernetes.io/managed-by": "ci-infra" }, "10.42.0.7");
const STRANGER = pod("default", { app: "curl" }, "10.42.2.9");
const JENKINS = pod("jenkins", { "app.kubernetes.io/component": "jenkins-controller", "app.kubernetes.io/instance": "jenkins", "app.kubernetes.io/name": "jenkins" });
const GRAFANA = pod("monitoring", { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "grafana" });
const RANCHER = pod("cattle-system", { app: "rancher" });
const LONGHORN_MANAGER = pod("longhorn-system", { app: "longhorn-manager" }, "10.42.1.20");
const WEBHOOK = pod("cert-manager", { "app.kubernetes.io/name": "webhook", "app.kubernetes.io/component": "webhook" });
const CM_CONTROLLER = pod("cert-manager", { "app.kubernetes.io/name": "cert-manager", "app.kubernetes.io/component": "controller" });
const KUBE_DNS = pod("kube-system", { "k8s-app": "kube-dns" }, "10.42.0.3");
const API_SERVER: Endpoint = { ip: "10.20.1.250" }; // a server node, host network
const GITHUB: Endpoint = { ip: "140.82.112.6" };
const METADATA: Endpoint = { ip: "169.254.169.254" };
const solver = (ns: string) => pod(ns, { "acme.cert-manager.io/http01-solver": "true" });

function policiesOf(p: PlanResult): Manifest[] {
  return Object.entries(p.artifacts).filter(([k]) => /\/networkpolicy-/.test(k)).map(([, v]) => parseYaml(String(v)) as Manifest);
}

let prod: PlanResult;
let staging: PlanResult;
beforeAll(async () => {
  prod = await plan("oci-prod");
  // Both shipped stacks run the bot.
  staging = await plan("oci-staging");
}, 60000);

describe("NetworkPolicies in the plans", () => {
  it.each(["oci-prod", "oci-staging"])("%s: each app namespace denies ingress by default", (stack) => {
    const p = stack === "oci-prod" ? prod : staging;
    const deny = new Set(policiesOf(p).filter((m) => m.metadata.name === "default-deny-ingress").map((m) => m.metadata.namespace));
    for (const ns of ["traefik", "cert-manager", "cattle-system", "jenkins", "monitoring", "github-bot"]) expect(deny, ns).toContain(ns);
    // A policy selecting Longhorn's pods would isolate them from their own components; that
    // namespace's policies are the Longhorn chart's (networkPolicies), not ours.
    expect(policiesOf(p).filter((m) => m.metadata.namespace === "longhorn-system")).toEqual([]);
    // Applied as NetworkPolicy resources, not just rendered.
    expect(ofType(p, "kubernetes:networking.k8s.io/v1:NetworkPolicy").length).toBe(policiesOf(p).length);
  });

  it("the ingress controller reaches every app's web port and cert-manager's HTTP-01 solvers; strangers reach none", () => {
    const ps = policiesOf(prod);
    for (const [to, port] of [[JENKINS, 8080], [GRAFANA, 3000], [RANCHER, 80], [BOT, 8080]] as const) {
      expect(allowed(ps, TRAEFIK, to, port), `traefik → ${to.ns}:${port}`).toBe(true);
      expect(allowed(ps, STRANGER, to, port), `default pod → ${to.ns}:${port}`).toBe(false);
    }
    for (const ns of ["jenkins", "monitoring", "cattle-system", "github-bot"]) expect(allowed(ps, TRAEFIK, solver(ns), 8089), ns).toBe(true);
    // Jenkins' agent port is not reachable even from the ingress controller.
    expect(allowed(ps, TRAEFIK, JENKINS, 50000)).toBe(false);
    // The internet reaches Traefik's entrypoints and health port, not its internal one.
    for (const port of [8000, 8443, 8082]) expect(allowed(ps, GITHUB, TRAEFIK, port), String(port)).toBe(true);
    expect(allowed(ps, STRANGER, TRAEFIK, 8080)).toBe(false);
  });

  it("Prometheus scrapes Jenkins, cert-manager, Traefik and Longhorn's manager; others may not", () => {
    // longhorn-system is not isolated by us: a policy selecting longhorn-manager would cut its own
    // components off unless it listed them all (the Longhorn chart's networkPolicies do that).
    const ps = policiesOf(prod);
    for (const [to, port] of [[JENKINS, 8080], [CM_CONTROLLER, 9402], [TRAEFIK, 9100], [LONGHORN_MANAGER, 9500]] as const) expect(allowed(ps, PROMETHEUS, to, port), `${to.ns}:${port}`).toBe(true);
    expect(allowed(ps, STRANGER, CM_CONTROLLER, 9402)).toBe(false);
    expect(allowed(ps, STRANGER, TRAEFIK, 9100)).toBe(false);
  });

  it("the API server reaches the webhooks and Rancher's aggregated API from the host network", () => {
    const ps = policiesOf(prod);
    expect(allowed(ps, API_SERVER, WEBHOOK, 10250)).toBe(true);
    expect(allowed(ps, API_SERVER, RANCHER, 6666)).toBe(true);
    expect(allowed(ps, API_SERVER, pod("cattle-system", { app: "rancher-webhook" }), 9443)).toBe(true);
  });

  it("the internet-facing bot reaches DNS and GitHub, and nothing in the cluster or the VCN", () => {
    const ps = policiesOf(staging);
    expect(allowed(ps, BOT, KUBE_DNS, 53, "UDP")).toBe(true);
    expect(allowed(ps, BOT, GITHUB, 443)).toBe(true);
    expect(allowed(ps, BOT, LONGHORN_MANAGER, 9500), "Longhorn's unauthenticated manager API").toBe(false);
    expect(allowed(ps, BOT, JENKINS, 8080)).toBe(false);
    expect(allowed(ps, BOT, RANCHER, 443)).toBe(false);
    expect(allowed(ps, BOT, { ip: "10.20.1.10" }, 22), "a node").toBe(false);
    expect(allowed(ps, BOT, METADATA, 80), "the metadata service").toBe(false);
    expect(allowed(ps, BOT, GITHUB, 80), "plain HTTP").toBe(false);
  });

  it("the model refuses a deny-all namespace (so passing means something)", () => {
    const deny = [{ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "d", namespace: "jenkins" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } }];
    expect(allowed(deny, TRAEFIK, JENKINS, 8080)).toBe(false);
    expect(allowed([], STRANGER, JENKINS, 8080)).toBe(true);
  });
});

describe("per-app client allowlists", () => {
  const cidrs = ["198.51.100.0/24"];

  it("Traefik: a Middleware in the app's namespace, referenced by the app's Ingress", () => {
    const a = { controller: "traefik" as const, clientCidrs: cidrs };
    expect(allowlistAnnotations(a, "monitoring")).toEqual({ "traefik.ingress.kubernetes.io/router.middlewares": "monitoring-client-allowlist@kubernetescrd" });
    expect(allowlistMiddleware(a, "monitoring")).toMatchObject({ apiVersion: "traefik.io/v1alpha1", kind: "Middleware", metadata: { name: "client-allowlist", namespace: "monitoring" }, spec: { ipAllowList: { sourceRange: cidrs } } });
    expect(allowlistAnnotations({ controller: "traefik" }, "monitoring")).toEqual({});
  });

  it("ingress-nginx: the allowlist-source-range annotation", () => {
    expect(allowlistAnnotations({ controller: "ingress-nginx", clientCidrs: ["198.51.100.0/24", "203.0.113.0/28"] }, "jenkins")).toEqual({ "nginx.ingress.kubernetes.io/allowlist-source-range": "198.51.100.0/24,203.0.113.0/28" });
    expect(allowlistMiddleware({ controller: "ingress-nginx", clientCidrs: cidrs }, "jenkins")).toBeUndefined();
  });

  it("each app takes its own list from config; the others stay open", async () => {
    const p = await plan("oci-prod", set("grafana.clientCidrs", cidrs), set("jenkins.clientCidrs", ["203.0.113.0/28"]));
    const values = (name: string) => ofType(p, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === name)!.inputs.values as Ctx;
    expect(values("grafana").ingress.annotations["traefik.ingress.kubernetes.io/router.middlewares"]).toBe("monitoring-client-allowlist@kubernetescrd");
    expect(values("jenkins").controller.ingress.annotations["traefik.ingress.kubernetes.io/router.middlewares"]).toBe("jenkins-client-allowlist@kubernetescrd");
    expect(values("rancher").ingress.extraAnnotations["traefik.ingress.kubernetes.io/router.middlewares"]).toBeUndefined();
    expect(parseYaml(String(p.artifacts["manifests/monitoring/middleware-client-allowlist.yaml"])).spec.ipAllowList.sourceRange).toEqual(cidrs);
    expect(parseYaml(String(p.artifacts["manifests/jenkins/middleware-client-allowlist.yaml"])).spec.ipAllowList.sourceRange).toEqual(["203.0.113.0/28"]);
    expect(p.artifacts["manifests/cattle-system/middleware-client-allowlist.yaml"]).toBeUndefined();
  });

  it("a bad list is a config error naming the key and the value", () => {
    expect(problems(() => parse("oci-prod", set("rancher.clientCidrs", ["10.0.0.1/8"])))[0]).toMatch(/^ci-infra:rancher\.clientCidrs\[0\] must be an IPv4 network in CIDR notation/);
    expect(problems(() => parse("oci-prod", set("grafana.clientCidrs", [])))[0]).toMatch(/^ci-infra:grafana\.clientCidrs must list at least one CIDR/);
  });
});
