/**
 * Base of the app components: every Helm release and manifest they create is also
 * recorded as a plan artifact (values and manifests with secrets as placeholders),
 * so what the offline plan writes is what the cluster receives.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { CiComponent } from "../components/naming";
import { SECRET_PLACEHOLDER } from "../base/errors";
import { applyManifest, Manifest, manifestPath, renderManifest } from "./manifest";
import type { AppAccess } from "./client-access";
import { chartRelease, ReleaseArgs } from "./release";
import { tlsSecret, TlsPlan } from "./tls";

export interface AppArgs {
  /** Provider of the cluster the app goes to. */
  readonly provider: k8s.Provider;
}

/** What the four web apps (Rancher, Jenkins, Grafana, the GitHub bot) share: a hostname behind the ingress controller. */
export interface WebAppArgs extends AppArgs {
  /** Public hostname the app is served on (`<app>.<domain>`). */
  readonly hostname: string;
  /** IngressClass of the platform's ingress controller, which routes the hostname. */
  readonly ingressClassName: string;
  /** Where the hostname's certificate comes from: the ACME issuer or a supplied certificate. */
  readonly tls: TlsPlan;
  /** Who may reach the app: client CIDRs enforced at the ingress controller. */
  readonly access: AppAccess;
  /** What must exist first (the ingress controller, cert-manager and its issuer). */
  readonly dependsOn: pulumi.Resource[];
}


export abstract class AppComponent extends CiComponent {
  /** Plan artifacts: `helm/<release>.values.yaml`, `manifests/...`. */
  readonly artifacts: Record<string, pulumi.Input<string>> = {};

  protected constructor(type: `ci-infra:${string}:${string}`, name: string, protected readonly appArgs: AppArgs, opts?: pulumi.ComponentResourceOptions) {
    super(type, name, opts);
  }

  protected k8sOpts(opts: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
    return this.childOpts({ ...opts, provider: this.appArgs.provider });
  }

  /** Applies a manifest that holds no secrets. */
  protected manifest(suffix: string, m: Manifest, opts: pulumi.CustomResourceOptions = {}): pulumi.CustomResource {
    this.artifacts[manifestPath(m)] = renderManifest(m);
    return applyManifest(this.childName(suffix), m, this.k8sOpts(opts));
  }

  /**
   * Applies a manifest built from secrets: `build` receives a function that maps
   * each secret to what goes in (the Output for the cluster, the placeholder for the plan).
   */
  protected secretManifest(suffix: string, build: (s: <T>(real: T) => T | string) => Manifest, opts: pulumi.CustomResourceOptions = {}): pulumi.CustomResource {
    const forPlan = build(() => SECRET_PLACEHOLDER);
    this.artifacts[manifestPath(forPlan)] = renderManifest(forPlan);
    return applyManifest(this.childName(suffix), build((real) => real), this.k8sOpts(opts));
  }

  /**
   * Applies a namespace's NetworkPolicies (src/apps/network-policy.ts). The default
   * deny goes in last, after every allow exists, so an update never cuts traffic.
   */
  protected isolate(ns: pulumi.Resource, policies: readonly Manifest[]): pulumi.CustomResource[] {
    const isDeny = (m: Manifest) => m.metadata.name.startsWith("default-deny");
    const allows = policies.filter((m) => !isDeny(m)).map((m) => this.manifest(`netpol-${m.metadata.name}`, m, { dependsOn: [ns] }));
    const denies = policies.filter(isDeny).map((m) => this.manifest(`netpol-${m.metadata.name}`, m, { dependsOn: [ns, ...allows] }));
    return [...allows, ...denies];
  }

  /** With a supplied certificate, its Secret in this app's namespace; nothing with ACME. */
  protected suppliedTls(tls: TlsPlan, ns: string, nsResource: pulumi.Resource): pulumi.Resource[] {
    if (tls.mode !== "secret") return [];
    return [this.secretManifest("tls", (s) => tlsSecret(ns, s(tls.certificate), s(tls.privateKey)), { dependsOn: [nsResource] })];
  }

  protected release(suffix: string, a: ReleaseArgs, opts: pulumi.CustomResourceOptions = {}): k8s.helm.v3.Release {
    this.artifacts[`helm/${a.name}.values.yaml`] = pulumi.output(a.values).apply((v) => `# ${a.chart.chart} ${a.chart.version} from ${a.chart.repo}\n${stringify(v)}`);
    return chartRelease(this.childName(suffix), a, this.k8sOpts(opts));
  }
}
