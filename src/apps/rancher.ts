/**
 * Rancher at `rancher.<domain>`: TLS through cert-manager's ClusterIssuer (or the
 * supplied certificate), replicas from the server count, and a generated
 * bootstrap password that Rancher reads from `cattle-system/bootstrap-secret`
 * (never a Helm value).
 */
import * as pulumi from "@pulumi/pulumi";
import { CHARTS } from "../versions";
import { AppArgs, AppComponent } from "./app-component";
import { Manifest, namespace, opaqueSecret } from "./manifest";
import { ingressTls, TlsPlan } from "./tls";
import { generatedPassword } from "../components/generated-secrets";

export const RANCHER_NAMESPACE = "cattle-system";

export interface RancherArgs extends AppArgs {
  readonly hostname: string;
  readonly replicas: number;
  readonly ingressClassName: string;
  readonly tls: TlsPlan;
  readonly dependsOn: pulumi.Resource[];
}

export function rancherValues(a: { hostname: string; replicas: number; ingressClassName: string; tls: TlsPlan }): Record<string, unknown> {
  const t = ingressTls(a.tls, a.hostname, "tls-rancher-ingress");
  return {
    hostname: a.hostname,
    replicas: a.replicas,
    // Read from the pre-created bootstrap-secret instead.
    bootstrapPassword: "",
    ingress: {
      ingressClassName: a.ingressClassName,
      extraAnnotations: t.annotations,
      // "secret": no chart-made Issuer; cert-manager's ingress-shim fills the secret from our ClusterIssuer.
      tls: { source: "secret", secretName: t.tls[0].secretName },
    },
  };
}

export function rancherBootstrapSecret<T>(password: T): Manifest {
  return opaqueSecret("bootstrap-secret", RANCHER_NAMESPACE, { bootstrapPassword: password });
}

export class Rancher extends AppComponent {
  readonly url: string;
  readonly bootstrapPassword: pulumi.Output<string>;

  constructor(name: string, args: RancherArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:apps:Rancher", name, args, opts);
    const ns = this.manifest("namespace", namespace(RANCHER_NAMESPACE));
    this.bootstrapPassword = generatedPassword(this.childName("bootstrap-password"), 32, this.childOpts());
    const pw = this.bootstrapPassword;
    const secret = this.secretManifest("bootstrap-secret", (s) => rancherBootstrapSecret(s(pw)), { dependsOn: [ns] });
    this.release("rancher", {
      name: "rancher",
      namespace: RANCHER_NAMESPACE,
      chart: CHARTS.rancher,
      values: rancherValues(args),
    }, { dependsOn: [ns, secret, ...this.suppliedTls(args.tls, RANCHER_NAMESPACE, ns), ...args.dependsOn] });
    this.url = `https://${args.hostname}`;
    this.registerOutputs({ url: this.url });
  }
}
