/**
 * Helm values of the two ingress controllers, both meeting one contract: a
 * NodePort Service with HTTP and HTTPS on fixed ports, and the controller's health
 * endpoint published on a third NodePort for the OCI load balancer's checker.
 */
import type { IngressControllerKind } from "../config/oci-platform";

export interface IngressContract {
  readonly controller: IngressControllerKind;
  readonly httpNodePort: number;
  readonly httpsNodePort: number;
  readonly healthNodePort: number;
  readonly externalTrafficPolicy: "Cluster" | "Local";
  /** Deployment replicas (externalTrafficPolicy Cluster). */
  readonly replicas: number;
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

export function traefikValues(c: IngressContract): Record<string, unknown> {
  const kind = workloadKind(c);
  return {
    deployment: { kind, ...(kind === "Deployment" ? { replicas: c.replicas } : {}), healthchecksPort: TRAEFIK_PING_PORT },
    ...(kind === "Deployment" ? { affinity: spread({ "app.kubernetes.io/name": "traefik" }) } : {}),
    podDisruptionBudget: { enabled: true, minAvailable: 1 },
    ingressClass: { enabled: true, isDefaultClass: true, name: INGRESS_CLASS.traefik },
    // No dashboard: nothing but /ping is served on the entrypoint the LB reaches.
    api: { dashboard: false },
    additionalArguments: ["--ping=true", "--ping.entrypoint=ping"],
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
  return {
    controller: {
      kind,
      ...(kind === "Deployment" ? { replicaCount: c.replicas, affinity: spread({ "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" }) } : {}),
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
