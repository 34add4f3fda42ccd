/**
 * Rancher at `rancher.<domain>`: TLS through cert-manager's ClusterIssuer (or the
 * supplied certificate), replicas from the server count, agents told how to trust
 * the server's certificate, and a generated bootstrap password read from
 * `cattle-system/bootstrap-secret` (never a Helm value).
 *
 * Who owns bootstrap-secret: Pulumi creates it first, with the generated password.
 * The chart then owns the object: its pre-install/pre-upgrade hook
 * (chart/templates/secret.yaml @v2.15.0) reads the password through `lookup` and
 * writes the Secret itself, and Helm deletes the previous object before creating a
 * hook resource (default hook-delete-policy before-hook-creation, helm/helm
 * pkg/action/hooks.go, Helm 3). So each upgrade re-creates it with the same
 * password and `helm.sh/resource-policy: keep`. Pulumi's Secret only seeds the
 * value; drift on it after an upgrade is expected, and the password matters only
 * until the first login.
 */
import * as pulumi from "@pulumi/pulumi";
import { CHARTS } from "../versions";
import { AppComponent, WebAppArgs } from "./app-component";
import { AppAccess, allowlistAnnotations, allowlistMiddleware } from "./client-access";
import { LETSENCRYPT_STAGING_ROOTS } from "./letsencrypt-staging-roots";
import { Manifest, namespace, opaqueSecret } from "./manifest";
import { appPolicies } from "./network-policy";
import { ingressTls, TlsPlan } from "./tls";
import { generatedPassword } from "../components/generated-secrets";

export const RANCHER_NAMESPACE = "cattle-system";
/** The chart mounts this Secret's `cacerts.pem` when `privateCA` is true (chart/templates/deployment.yaml @v2.15.0). */
export const RANCHER_CA_SECRET = { name: "tls-ca", key: "cacerts.pem" } as const;

export interface RancherArgs extends WebAppArgs {
  /** Rancher server pods. */
  readonly replicas: number;
}

/**
 * How downstream agents verify Rancher's certificate. Rancher ≥ 2.9 defaults the
 * `agent-tls-mode` setting to strict on new installs (pkg/settings/setting.go
 * @v2.15.0): agents then trust only the `cacerts` setting and exit when it is empty
 * ("Strict CA verification is enabled but encountered error finding root CA",
 * cmd/agent/main.go). Without `privateCA` the chart starts Rancher with
 * `--no-cacerts` for a secret-sourced ingress certificate, so cacerts is empty:
 * - a publicly trusted issuer (Let's Encrypt production) → `system-store`;
 * - Let's Encrypt staging, or a supplied certificate from a private CA → strict,
 *   with that root handed to Rancher as its private CA (chart value `privateCA`,
 *   Secret tls-ca), which agents pin by checksum.
 */
export function rancherAgentTrust(tls: TlsPlan): { agentTLSMode: "strict" | "system-store"; cacerts?: string } {
  if (tls.mode === "acme") {
    return tls.server === "production" ? { agentTLSMode: "system-store" } : { agentTLSMode: "strict", cacerts: LETSENCRYPT_STAGING_ROOTS.map((r) => r.pem.trim()).join("\n") + "\n" };
  }
  return tls.caCertificate ? { agentTLSMode: "strict", cacerts: tls.caCertificate.trim() + "\n" } : { agentTLSMode: "system-store" };
}

export function rancherValues(a: { hostname: string; replicas: number; ingressClassName: string; tls: TlsPlan; access: AppAccess }): Record<string, unknown> {
  const t = ingressTls(a.tls, a.hostname, "tls-rancher-ingress");
  const trust = rancherAgentTrust(a.tls);
  return {
    hostname: a.hostname,
    replicas: a.replicas,
    // Read from the pre-created bootstrap-secret instead (see the header).
    bootstrapPassword: "",
    // Chart values agentTLSMode (rendered as CATTLE_AGENT_TLS_MODE) and privateCA (chart/values.yaml @v2.15.0).
    agentTLSMode: trust.agentTLSMode,
    privateCA: trust.cacerts !== undefined,
    ingress: {
      ingressClassName: a.ingressClassName,
      extraAnnotations: { ...t.annotations, ...allowlistAnnotations(a.access, RANCHER_NAMESPACE) },
      // "secret": no chart-made Issuer; cert-manager's ingress-shim fills the secret from our ClusterIssuer.
      tls: { source: "secret", secretName: t.tls[0].secretName },
    },
  };
}

export function rancherBootstrapSecret<T>(password: T): Manifest {
  return opaqueSecret("bootstrap-secret", RANCHER_NAMESPACE, { bootstrapPassword: password });
}

/** The CA bundle Rancher serves as `cacerts` and agents pin: public certificates, no secret. */
export function rancherCaSecret(cacerts: string): Manifest {
  return opaqueSecret(RANCHER_CA_SECRET.name, RANCHER_NAMESPACE, { [RANCHER_CA_SECRET.key]: cacerts });
}

/**
 * cattle-system's ingress: the ingress controller to Rancher's HTTP port (TLS ends at
 * the ingress), and from the API server (host network) Rancher's aggregated
 * `ext.cattle.io` API on 6666 (pkg/ext/extension_apiserver.go @v2.15.0) and the
 * rancher-webhook Rancher installs, on 9443 (rancher/webhook
 * charts/rancher-webhook values.yaml `port`). Rancher's pods reach each other.
 */
export function rancherPolicies(access: AppAccess): Manifest[] {
  return appPolicies({
    namespace: RANCHER_NAMESPACE,
    controller: access.controller,
    web: { pods: { app: "rancher" }, ports: [80] },
    controlPlane: [
      { pods: { app: "rancher" }, ports: [6666] },
      { pods: { app: "rancher-webhook" }, ports: [9443] },
    ],
    withinNamespace: true,
  });
}

export class Rancher extends AppComponent {
  readonly url: string;
  readonly bootstrapPassword: pulumi.Output<string>;

  constructor(name: string, args: RancherArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:apps:Rancher", name, args, opts);
    const ns = this.manifest("namespace", namespace(RANCHER_NAMESPACE));
    this.isolate(ns, rancherPolicies(args.access));
    this.bootstrapPassword = generatedPassword(this.childName("bootstrap-password"), 32, this.childOpts());
    const pw = this.bootstrapPassword;
    const deps: pulumi.Resource[] = [ns, this.secretManifest("bootstrap-secret", (s) => rancherBootstrapSecret(s(pw)), { dependsOn: [ns] })];
    const cacerts = rancherAgentTrust(args.tls).cacerts;
    if (cacerts) deps.push(this.manifest("tls-ca", rancherCaSecret(cacerts), { dependsOn: [ns] }));
    const middleware = allowlistMiddleware(args.access, RANCHER_NAMESPACE);
    if (middleware) deps.push(this.manifest("client-allowlist", middleware, { dependsOn: [ns, ...args.dependsOn] }));
    this.release("rancher", {
      name: "rancher",
      namespace: RANCHER_NAMESPACE,
      chart: CHARTS.rancher,
      values: rancherValues(args),
    }, { dependsOn: [...deps, ...this.suppliedTls(args.tls, RANCHER_NAMESPACE, ns), ...args.dependsOn] });
    this.url = `https://${args.hostname}`;
    this.registerOutputs({ url: this.url });
  }
}
