/**
 * Who may use each app: the load balancer admits `network.clientCidrs` on 80/443
 * for every host; an app with its own `clientCidrs` narrows that at the ingress
 * controller, which sees the client's address in the load balancer's PROXY
 * protocol header (src/apps/ingress-values.ts). Rancher, Jenkins, Grafana and the
 * bot can each have a list of their own.
 */
import type { IngressControllerKind } from "../compat/ingress-controllers";
import type { Manifest } from "./manifest";

export interface AppAccess {
  /** The cluster's ingress controller, which enforces the list. */
  readonly controller: IngressControllerKind;
  /** Client CIDRs admitted to this app; absent: every client the load balancer admits. */
  readonly clientCidrs?: readonly string[];
}

/** Name of the Traefik Middleware holding an app's list, in the app's namespace. */
export const ALLOWLIST_MIDDLEWARE = "client-allowlist";

/**
 * The Ingress annotations that apply the list.
 * - Traefik: `traefik.ingress.kubernetes.io/router.middlewares: <namespace>-<name>@kubernetescrd`
 *   (traefik/traefik pkg/provider/kubernetes/ingress/annotations.go RouterIng.Middlewares and
 *   pkg/provider/kubernetes/crd/kubernetes.go, read at v3.7.9).
 * - ingress-nginx: `nginx.ingress.kubernetes.io/allowlist-source-range`, comma-separated
 *   (kubernetes/ingress-nginx internal/ingress/annotations/ipallowlist/main.go @controller-v1.15.1;
 *   whitelist-source-range is its older alias).
 */
export function allowlistAnnotations(a: AppAccess, ns: string): Record<string, string> {
  if (!a.clientCidrs) return {};
  return a.controller === "traefik"
    ? { "traefik.ingress.kubernetes.io/router.middlewares": `${ns}-${ALLOWLIST_MIDDLEWARE}@kubernetescrd` }
    : { "nginx.ingress.kubernetes.io/allowlist-source-range": a.clientCidrs.join(",") };
}

/**
 * Traefik's IPAllowList middleware (CRD traefik.io/v1alpha1 Middleware, spec.ipAllowList.sourceRange:
 * pkg/config/dynamic/middlewares.go and pkg/provider/kubernetes/crd/traefikio/v1alpha1 @v3.7.9).
 * Without an ipStrategy it judges the connection's address, which the PROXY header set.
 */
export function allowlistMiddleware(a: AppAccess, ns: string): Manifest | undefined {
  if (!a.clientCidrs || a.controller !== "traefik") return undefined;
  return {
    apiVersion: "traefik.io/v1alpha1",
    kind: "Middleware",
    metadata: { name: ALLOWLIST_MIDDLEWARE, namespace: ns, labels: { "app.kubernetes.io/managed-by": "ci-infra" } },
    spec: { ipAllowList: { sourceRange: [...a.clientCidrs] } },
  };
}
