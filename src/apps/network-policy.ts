/**
 * NetworkPolicies of the app namespaces (k3s enforces them with its embedded
 * kube-router). Each app namespace denies all ingress, then admits its own pods,
 * the ingress controller on the app's web port, Prometheus on the metrics port,
 * and what the control plane must reach (webhooks, aggregated APIs). Pure
 * renderers; the components apply them.
 *
 * Rules read from Kubernetes (kubernetes/api networking/v1/types.go,
 * NetworkPolicySpec): traffic from the pod's own node is always allowed (kubelet
 * probes), policies are additive, and ports are the pods' container ports. Every
 * namespace carries `kubernetes.io/metadata.name` (set by the API server since
 * 1.22), which the selectors below use.
 */
import type { IngressControllerKind } from "../compat/ingress-controllers";
import type { Manifest } from "./manifest";

/** Pods of one namespace, by labels. */
export interface PodPeer {
  readonly namespace: string;
  readonly pods: Readonly<Record<string, string>>;
}

/**
 * The ingress controllers' pods. Labels: traefik.labelselector
 * (traefik/templates/_helpers.tpl @v41.3.0) and ingress-nginx.selectorLabels plus
 * component controller (charts/ingress-nginx/templates @helm-chart-4.15.1).
 */
export const INGRESS_CONTROLLER_PODS: Readonly<Record<IngressControllerKind, PodPeer>> = {
  traefik: { namespace: "traefik", pods: { "app.kubernetes.io/name": "traefik" } },
  "ingress-nginx": { namespace: "ingress-nginx", pods: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" } },
};

/**
 * Prometheus' server pods, which scrape every target directly (pod and endpoint IPs).
 * prometheus.server.matchLabels (charts/prometheus/templates/_helpers.tpl @prometheus-29.27.0).
 */
export const PROMETHEUS_PODS: PodPeer = { namespace: "monitoring", pods: { "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/component": "server" } };

/**
 * cert-manager's HTTP-01 solver pods, created in the namespace of each app's
 * certificate, listening on 8089 (pkg/apis/acme/v1/types.go SolverIdentificationLabelKey,
 * pkg/issuer/acme/http/http.go acmeSolverListenPort @v1.21.1).
 */
export const ACME_SOLVER = { pods: { "acme.cert-manager.io/http01-solver": "true" }, port: 8089 } as const;

/** CoreDNS in k3s: pods `k8s-app: kube-dns` in kube-system on 53 (k3s-io/k3s manifests/coredns.yaml). */
export const CLUSTER_DNS: PodPeer = { namespace: "kube-system", pods: { "k8s-app": "kube-dns" } };

/** Address ranges that are never "the internet": private, carrier-grade NAT, link-local (OCI metadata), loopback. */
export const NON_PUBLIC_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8"] as const;

type Ports = readonly number[];
/** Where traffic may come from: pods, or anywhere (a port the control plane calls from the host network). */
export type From = readonly PodPeer[] | "anywhere";

function peer(p: PodPeer): Record<string, unknown> {
  return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": p.namespace } }, podSelector: { matchLabels: { ...p.pods } } };
}

function tcp(ports: Ports): Record<string, unknown>[] {
  return ports.map((port) => ({ protocol: "TCP", port }));
}

function policy(ns: string, name: string, spec: Record<string, unknown>): Manifest {
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace: ns, labels: { "app.kubernetes.io/managed-by": "ci-infra" } }, spec };
}

/** Every pod of the namespace refuses ingress that no other policy admits. */
export function denyIngress(ns: string): Manifest {
  return policy(ns, "default-deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] });
}

/** The namespace's pods reach each other (an app and its own database, webhook or exporter). */
export function allowWithinNamespace(ns: string): Manifest {
  return policy(ns, "allow-same-namespace", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] });
}

/** Pods `to` of `ns` accept TCP `ports` from `from`. */
export function allowIngress(ns: string, name: string, to: Readonly<Record<string, string>>, from: From, ports: Ports): Manifest {
  const rule = from === "anywhere" ? { ports: tcp(ports) } : { from: from.map(peer), ports: tcp(ports) };
  return policy(ns, name, { podSelector: { matchLabels: { ...to } }, policyTypes: ["Ingress"], ingress: [rule] });
}

/** The policies of an app namespace behind the ingress controller. */
export interface AppPolicies {
  readonly namespace: string;
  readonly controller: IngressControllerKind;
  /** The pods and port the app's Ingress routes to. */
  readonly web: { readonly pods: Readonly<Record<string, string>>; readonly ports: Ports };
  /** The pods and port Prometheus scrapes, if any. */
  readonly metrics?: { readonly pods: Readonly<Record<string, string>>; readonly ports: Ports };
  /** Ports the control plane (API server: webhooks, aggregated APIs) calls from the host network. */
  readonly controlPlane?: { readonly pods: Readonly<Record<string, string>>; readonly ports: Ports }[];
  /** Pods of the namespace may reach each other (false for a single internet-facing app). */
  readonly withinNamespace: boolean;
}

export function appPolicies(a: AppPolicies): Manifest[] {
  const ingress = INGRESS_CONTROLLER_PODS[a.controller];
  return [
    denyIngress(a.namespace),
    ...(a.withinNamespace ? [allowWithinNamespace(a.namespace)] : []),
    allowIngress(a.namespace, "allow-ingress-controller", a.web.pods, [ingress], a.web.ports),
    // HTTP-01 challenges for the app's host are answered by a solver pod in this namespace.
    allowIngress(a.namespace, "allow-acme-http01-solver", ACME_SOLVER.pods, [ingress], [ACME_SOLVER.port]),
    ...(a.metrics ? [allowIngress(a.namespace, "allow-prometheus", a.metrics.pods, [PROMETHEUS_PODS], a.metrics.ports)] : []),
    ...(a.controlPlane ?? []).map((c, i) => allowIngress(a.namespace, `allow-control-plane${i ? `-${i}` : ""}`, c.pods, "anywhere", c.ports)),
  ];
}

/**
 * Egress of an internet-facing pod that needs only DNS and HTTPS to public
 * addresses: nothing inside the cluster or the VCN (not Longhorn's unauthenticated
 * manager API, not another namespace, not the metadata service).
 */
export function publicHttpsEgressOnly(ns: string, pods: Readonly<Record<string, string>>): Manifest {
  return policy(ns, "egress-dns-and-public-https", {
    podSelector: { matchLabels: { ...pods } },
    policyTypes: ["Egress"],
    egress: [
      { to: [peer(CLUSTER_DNS)], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
      { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [...NON_PUBLIC_RANGES] } }], ports: tcp([443]) },
    ],
  });
}
