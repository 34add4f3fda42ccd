/** The admin kubeconfig, built from the cluster CA and a client certificate it signed. */
import { stringify } from "yaml";

export interface KubeconfigArgs {
  /** Name of the cluster and context (the stack's); the user is `<name>-admin`. */
  readonly name: string;
  /** API URL, `https://<load balancer IP>:6443`. */
  readonly server: string;
  /** Cluster CA certificate the client verifies the server with. */
  readonly caCertPem: string;
  /** Admin client certificate, signed by the client CA. */
  readonly clientCertPem: string;
  /** Private key of the admin client certificate. */
  readonly clientKeyPem: string;
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export function renderKubeconfig(a: KubeconfigArgs): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: a.name, cluster: { server: a.server, "certificate-authority-data": b64(a.caCertPem) } }],
    users: [{ name: `${a.name}-admin`, user: { "client-certificate-data": b64(a.clientCertPem), "client-key-data": b64(a.clientKeyPem) } }],
    contexts: [{ name: a.name, context: { cluster: a.name, user: `${a.name}-admin` } }],
    "current-context": a.name,
  });
}
