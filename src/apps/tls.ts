/**
 * How app Ingresses get certificates: cert-manager's ACME issuer (Let's Encrypt,
 * HTTP-01 through port 80 on the load balancer), or a certificate the operator
 * supplies as a Pulumi secret.
 */
import type { Manifest } from "./manifest";

export const ACME_SERVERS = {
  staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
  production: "https://acme-v02.api.letsencrypt.org/directory",
} as const;

/** Name of the operator-supplied certificate Secret in each app namespace (mode secret). */
export const SUPPLIED_TLS_SECRET = "ci-infra-tls";

export type TlsPlan =
  | { readonly mode: "acme"; readonly issuer: string; readonly server: keyof typeof ACME_SERVERS }
  | {
      readonly mode: "secret";
      readonly certificate: import("@pulumi/pulumi").Output<string>;
      readonly privateKey: import("@pulumi/pulumi").Output<string>;
      /** PEM of the issuing CA when it is not publicly trusted. */
      readonly caCertificate?: string;
    };

export function issuerName(server: keyof typeof ACME_SERVERS): string {
  return `letsencrypt-${server}`;
}

/** The ClusterIssuer cert-manager uses for every app host. */
export function clusterIssuer(server: keyof typeof ACME_SERVERS, email: string, ingressClassName: string): Manifest {
  const name = issuerName(server);
  return {
    apiVersion: "cert-manager.io/v1",
    kind: "ClusterIssuer",
    metadata: { name },
    spec: {
      acme: {
        server: ACME_SERVERS[server],
        email,
        privateKeySecretRef: { name: `${name}-account-key` },
        solvers: [{ http01: { ingress: { ingressClassName } } }],
      },
    },
  };
}

/** Annotations and `tls` block of an app Ingress for `host`. */
export function ingressTls(tls: TlsPlan, host: string, secretName: string): { annotations: Record<string, string>; tls: { hosts: string[]; secretName: string }[] } {
  if (tls.mode === "acme") return { annotations: { "cert-manager.io/cluster-issuer": tls.issuer }, tls: [{ hosts: [host], secretName }] };
  return { annotations: {}, tls: [{ hosts: [host], secretName: SUPPLIED_TLS_SECRET }] };
}

/** A `kubernetes.io/tls` Secret; values are whatever the caller passes (real secrets or placeholders). */
export function tlsSecret<T>(namespace: string, cert: T, key: T): Manifest {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: SUPPLIED_TLS_SECRET, namespace },
    type: "kubernetes.io/tls",
    stringData: { "tls.crt": cert, "tls.key": key },
  };
}
