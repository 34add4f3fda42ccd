/**
 * Helm values of the two ingress controllers, both meeting one contract: a
 * NodePort Service with HTTP and HTTPS on fixed ports, and the controller's health
 * endpoint published on a third NodePort for the OCI load balancer's checker.
 */
import type { IngressControllerKind } from "../compat/ingress-controllers";
import type { Manifest } from "./manifest";
import { allowIngress, denyIngress, INGRESS_CONTROLLER_PODS, PROMETHEUS_PODS } from "./network-policy";

export interface IngressContract {
  readonly controller: IngressControllerKind;
  readonly httpNodePort: number;
  readonly httpsNodePort: number;
  readonly healthNodePort: number;
  readonly externalTrafficPolicy: "Cluster" | "Local";
  /** Deployment replicas (externalTrafficPolicy Cluster), at most `nodes`. */
  readonly replicas: number;
  /** Nodes the controller can run on: one pod per node at most (required anti-affinity). */
  readonly nodes: number;
  /**
   * The load balancer sends a PROXY protocol v2 header on HTTP/HTTPS (it proxies TCP,
   * so the header is the only place the client's address survives). The controller
   * accepts it only from these peers: the load balancer's subnet, and with the
   * Cluster policy also the nodes and pod gateways kube-proxy rewrites the source to.
   */
  readonly proxyProtocolFrom: readonly string[];
}

/** The IngressClass both controllers register, used by every app's Ingress. */
export const INGRESS_CLASS: Record<IngressControllerKind, string> = { traefik: "traefik", "ingress-nginx": "nginx" };

/** Traefik's dedicated ping entrypoint: /ping there, and nothing else, faces the load balancer. */
export const TRAEFIK_PING_PORT = 8082;
/** ingress-nginx serves /healthz (and /metrics) on its metrics port. */
export const NGINX_HEALTH_PORT = 10254;
/** Container ports of Traefik's web, websecure and metrics entrypoints (values.yaml ports.*.port @v41.3.0). */
const TRAEFIK_PORTS = { web: 8000, websecure: 8443, metrics: 9100 } as const;
/** ingress-nginx: HTTP, HTTPS and the admission webhook (controller.containerPort, admissionWebhooks.port @helm-chart-4.15.1). */
const NGINX_PORTS = { http: 80, https: 443, webhook: 8443 } as const;

/** Spread replicas over nodes: losing one node must not lose the ingress. */
function spread(labels: Record<string, string>) {
  return {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: labels }, topologyKey: "kubernetes.io/hostname" }],
    },
  };
}

/**
 * With Local, a node answers health only if a controller runs on it, so the
 * controller runs on every node; with Cluster, any node forwards to a replica.
 */
function workloadKind(c: IngressContract): "DaemonSet" | "Deployment" {
  return c.externalTrafficPolicy === "Local" ? "DaemonSet" : "Deployment";
}

/**
 * How the controller is replaced and drained, from its pod count. A Deployment
 * spread one pod per node can surge only onto a node without a pod: with as many
 * replicas as nodes (staging: one of each) a surge pod never schedules, so the
 * rollout replaces pods in place instead. A DaemonSet's surge pod runs beside the
 * old one on the same node. A PodDisruptionBudget exists only where a pod may go:
 * on a single pod any budget forbids every drain.
 */
export function rolloutPlan(c: IngressContract): { rollingUpdate: { maxSurge: number; maxUnavailable: number }; pdbMaxUnavailable?: number } {
  if (workloadKind(c) === "DaemonSet") return { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
  const spare = c.replicas < c.nodes;
  return {
    rollingUpdate: spare ? { maxSurge: 1, maxUnavailable: 0 } : { maxSurge: 0, maxUnavailable: 1 },
    ...(c.replicas > 1 ? { pdbMaxUnavailable: 1 } : {}),
  };
}

export function traefikValues(c: IngressContract): Record<string, unknown> {
  const kind = workloadKind(c);
  const r = rolloutPlan(c);
  return {
    deployment: { kind, ...(kind === "Deployment" ? { replicas: c.replicas } : {}), healthchecksPort: TRAEFIK_PING_PORT },
    ...(kind === "Deployment" ? { affinity: spread({ "app.kubernetes.io/name": "traefik" }) } : {}),
    // Chart keys updateStrategy and podDisruptionBudget (traefik/values.yaml@v41.3.0; its
    // defaults, surge 1 / unavailable 0 and no PDB, deadlock a one-node stack).
    updateStrategy: { type: "RollingUpdate", rollingUpdate: r.rollingUpdate },
    podDisruptionBudget: r.pdbMaxUnavailable ? { enabled: true, maxUnavailable: r.pdbMaxUnavailable } : { enabled: false },
    ingressClass: { enabled: true, isDefaultClass: true, name: INGRESS_CLASS.traefik },
    // No dashboard: nothing but /ping is served on the entrypoint the LB reaches.
    api: { dashboard: false },
    // The chart always passes --ping=true (traefik/templates/_podtemplate.tpl@v41.3.0);
    // it has no value for the ping entrypoint, hence this one argument.
    additionalArguments: ["--ping.entrypoint=ping"],
    ports: {
      // Traefik entrypoint option proxyProtocol.trustedIPs (chart 41.3.0 values.yaml ports.<name>.proxyProtocol).
      web: { nodePort: c.httpNodePort, proxyProtocol: { trustedIPs: [...c.proxyProtocolFrom] } },
      websecure: { nodePort: c.httpsNodePort, proxyProtocol: { trustedIPs: [...c.proxyProtocolFrom] } },
      ping: { port: TRAEFIK_PING_PORT, expose: { default: true }, exposedPort: TRAEFIK_PING_PORT, protocol: "TCP", nodePort: c.healthNodePort },
    },
    service: { spec: { type: "NodePort", externalTrafficPolicy: c.externalTrafficPolicy } },
    providers: { kubernetesIngress: { enabled: true } },
    metrics: { prometheus: { entryPoint: "metrics" } },
  };
}

export function ingressNginxValues(c: IngressContract): Record<string, unknown> {
  const kind = workloadKind(c);
  const r = rolloutPlan(c);
  return {
    controller: {
      kind,
      ...(kind === "Deployment" ? { replicaCount: c.replicas, affinity: spread({ "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" }) } : {}),
      // controller.updateStrategy defaults to {} (Kubernetes' 25 %/25 %: surge 1, unavailable 0
      // for two replicas). The chart renders its PDB only for a Deployment of 2+ replicas and
      // uses maxUnavailable when the key is set (charts/ingress-nginx values.yaml and
      // templates/controller-poddisruptionbudget.yaml@helm-chart-4.15.1).
      updateStrategy: { type: "RollingUpdate", rollingUpdate: r.rollingUpdate },
      ...(r.pdbMaxUnavailable ? { maxUnavailable: r.pdbMaxUnavailable } : {}),
      ingressClassResource: { name: INGRESS_CLASS["ingress-nginx"], default: true },
      // ConfigMap keys use-proxy-protocol and proxy-real-ip-cidr
      // (https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/).
      config: { "use-proxy-protocol": "true", "proxy-real-ip-cidr": c.proxyProtocolFrom.join(",") },
      service: {
        type: "NodePort",
        externalTrafficPolicy: c.externalTrafficPolicy,
        nodePorts: { http: c.httpNodePort, https: c.httpsNodePort },
      },
      // healthCheckNodePort is LoadBalancer-only; the metrics Service publishes /healthz instead.
      metrics: { enabled: true, service: { type: "NodePort", nodePort: c.healthNodePort, externalTrafficPolicy: c.externalTrafficPolicy } },
      podAnnotations: { "prometheus.io/scrape": "true", "prometheus.io/port": String(NGINX_HEALTH_PORT) },
    },
  };
}

export function ingressValues(c: IngressContract): Record<string, unknown> {
  return c.controller === "traefik" ? traefikValues(c) : ingressNginxValues(c);
}

/**
 * The controller's namespace admits only what faces the load balancer (web,
 * websecure and the health port, from anywhere: clients, the checker, and nodes
 * under the Cluster policy), the API server's webhook calls, and Prometheus on the
 * metrics port. Traefik's internal `traefik` entrypoint (8080) is closed.
 */
export function ingressControllerPolicies(c: IngressContract): Manifest[] {
  const { namespace: ns, pods } = INGRESS_CONTROLLER_PODS[c.controller];
  if (c.controller === "traefik") {
    return [
      denyIngress(ns),
      allowIngress(ns, "allow-load-balancer", pods, "anywhere", [TRAEFIK_PORTS.web, TRAEFIK_PORTS.websecure, TRAEFIK_PING_PORT]),
      allowIngress(ns, "allow-prometheus", pods, [PROMETHEUS_PODS], [TRAEFIK_PORTS.metrics]),
    ];
  }
  return [
    denyIngress(ns),
    // 10254 carries /healthz for the load balancer and /metrics for Prometheus.
    allowIngress(ns, "allow-load-balancer", pods, "anywhere", [NGINX_PORTS.http, NGINX_PORTS.https, NGINX_HEALTH_PORT]),
    allowIngress(ns, "allow-control-plane", pods, "anywhere", [NGINX_PORTS.webhook]),
  ];
}
