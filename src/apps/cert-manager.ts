/**
 * cert-manager and the Let's Encrypt ClusterIssuer (staging outside prod), or,
 * with `tls.mode: secret`, nothing to install: apps use the supplied certificate.
 */
import * as pulumi from "@pulumi/pulumi";
import { CHARTS } from "../versions";
import { AppArgs, AppComponent } from "./app-component";
import { namespace } from "./manifest";
import { ACME_SERVERS, clusterIssuer, issuerName } from "./tls";

export interface CertManagerArgs extends AppArgs {
  readonly acmeServer: keyof typeof ACME_SERVERS;
  readonly acmeEmail: string;
  /** The class of the ingress controller that answers HTTP-01 challenges. */
  readonly ingressClassName: string;
  /** HTTP-01 needs the ingress controller up. */
  readonly dependsOn: pulumi.Resource[];
}

export class CertManager extends AppComponent {
  readonly issuer: string;
  /** The issuer exists: Ingresses that name it can be created. */
  readonly ready: pulumi.Resource;

  constructor(name: string, args: CertManagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:apps:CertManager", name, args, opts);
    const ns = this.manifest("namespace", namespace("cert-manager"));
    const release = this.release("cert-manager", {
      name: "cert-manager",
      namespace: "cert-manager",
      chart: CHARTS.certManager,
      // crds.enabled replaces the deprecated installCRDs; metrics scraped by Prometheus for the expiry alert.
      values: {
        crds: { enabled: true, keep: true },
        prometheus: { enabled: true },
        podAnnotations: { "prometheus.io/scrape": "true", "prometheus.io/port": "9402", "prometheus.io/path": "/metrics" },
      },
    }, { dependsOn: [ns] });
    this.issuer = issuerName(args.acmeServer);
    this.ready = this.manifest("issuer", clusterIssuer(args.acmeServer, args.acmeEmail, args.ingressClassName), { dependsOn: [release, ...args.dependsOn] });
    this.registerOutputs({ issuer: this.issuer });
  }
}
