/** The admin kubeconfig, built from the cluster CA and a client certificate it signed. */
import { stringify } from "yaml";

export interface KubeconfigArgs {
  readonly name: string;
  readonly server: string;
  readonly caCertPem: string;
  readonly clientCertPem: string;
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
