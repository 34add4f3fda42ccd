/**
 * cert-manager and the Let's Encrypt ClusterIssuer (staging outside prod), or,
 * with `tls.mode: secret`, nothing to install: apps use the supplied certificate.
 */
import * as pulumi from "@pulumi/pulumi";
import { CHARTS } from "../versions";
import { AppArgs, AppComponent } from "./app-component";
import { Manifest, namespace } from "./manifest";
import { allowIngress, allowWithinNamespace, denyIngress, PROMETHEUS_PODS } from "./network-policy";
import { ACME_SERVERS, clusterIssuer, issuerName } from "./tls";

export const CERT_MANAGER_NAMESPACE = "cert-manager";

export interface CertManagerArgs extends AppArgs {
  /** Let's Encrypt directory the ClusterIssuer uses: staging (untrusted, generous limits) or production. */
  readonly acmeServer: keyof typeof ACME_SERVERS;
  /** Account email Let's Encrypt sends expiry notices to. */
  readonly acmeEmail: string;
  /** The class of the ingress controller that answers HTTP-01 challenges. */
  readonly ingressClassName: string;
  /** HTTP-01 needs the ingress controller up. */
  readonly dependsOn: pulumi.Resource[];
}

export function certManagerValues(): Record<string, unknown> {
  return {
    // crds.enabled replaces the deprecated installCRDs.
    crds: { enabled: true, keep: true },
    // Metrics for the expiry alert. With no ServiceMonitor/PodMonitor the chart itself annotates
    // the controller pod for scraping (prometheus.io/path, scrape, port 9402:
    // deploy/charts/cert-manager/templates/deployment.yaml @v1.21.1), so no podAnnotations here.
    prometheus: { enabled: true },
  };
}

/**
 * cert-manager's ingress: the API server calls the webhook on its securePort 10250
 * from the host network (values.yaml webhook.securePort @v1.21.1), Prometheus scrapes
 * the controller on 9402, and the components reach each other. Pod labels:
 * templates/deployment.yaml and webhook-deployment.yaml @v1.21.1.
 */
export function certManagerPolicies(): Manifest[] {
  const ns = CERT_MANAGER_NAMESPACE;
  return [
    denyIngress(ns),
    allowWithinNamespace(ns),
    allowIngress(ns, "allow-control-plane", { "app.kubernetes.io/name": "webhook", "app.kubernetes.io/component": "webhook" }, "anywhere", [10250]),
    allowIngress(ns, "allow-prometheus", { "app.kubernetes.io/name": "cert-manager", "app.kubernetes.io/component": "controller" }, [PROMETHEUS_PODS], [9402]),
  ];
}

export class CertManager extends AppComponent {
  readonly issuer: string;
  /** The issuer exists: Ingresses that name it can be created. */
  readonly ready: pulumi.Resource;

  constructor(name: string, args: CertManagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:apps:CertManager", name, args, opts);
    const ns = this.manifest("namespace", namespace(CERT_MANAGER_NAMESPACE));
    const policies = this.isolate(ns, certManagerPolicies());
    const release = this.release("cert-manager", {
      name: "cert-manager",
      namespace: CERT_MANAGER_NAMESPACE,
      chart: CHARTS.certManager,
      values: certManagerValues(),
    }, { dependsOn: [ns, ...policies] });
    this.issuer = issuerName(args.acmeServer);
    this.ready = this.manifest("issuer", clusterIssuer(args.acmeServer, args.acmeEmail, args.ingressClassName), { dependsOn: [release, ...args.dependsOn] });
    this.registerOutputs({ issuer: this.issuer });
  }
}
