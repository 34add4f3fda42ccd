/**
 * The cluster's ingress controller (Traefik, or the retired ingress-nginx for
 * users who have not migrated), published on the NodePorts the OCI load balancer
 * forwards to and probes.
 */
import * as pulumi from "@pulumi/pulumi";
import { CHARTS } from "../versions";
import { AppArgs, AppComponent } from "./app-component";
import { INGRESS_CLASS, IngressContract, ingressControllerPolicies, ingressValues } from "./ingress-values";
import { namespace } from "./manifest";

export interface IngressControllerArgs extends AppArgs {
  /** The NodePort contract with the load balancer and the controller's settings (src/apps/ingress-values.ts). */
  readonly contract: IngressContract;
}

export class IngressController extends AppComponent {
  readonly ingressClassName: string;
  readonly ready: pulumi.Resource;

  constructor(name: string, args: IngressControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:apps:IngressController", name, args, opts);
    const c = args.contract;
    const ns = c.controller === "traefik" ? "traefik" : "ingress-nginx";
    const nsRes = this.manifest("namespace", namespace(ns));
    this.isolate(nsRes, ingressControllerPolicies(c));
    this.ingressClassName = INGRESS_CLASS[c.controller];
    this.ready = this.release(c.controller, {
      name: c.controller,
      namespace: ns,
      chart: c.controller === "traefik" ? CHARTS.traefik : CHARTS.ingressNginx,
      values: ingressValues(c),
    }, { dependsOn: [nsRes] });
    this.registerOutputs({ ingressClassName: this.ingressClassName });
  }
}
