/**
 * The public entry of the platform: an OCI flexible load balancer that passes TCP
 * 80/443 through to the ingress controller's NodePorts on every cluster node and
 * probes the controller's health NodePort. On plain VMs a `LoadBalancer` Service
 * gets no cloud load balancer, so this is what Longhorn wired by hand (BRIEF §1).
 * It also carries the Kubernetes API (TCP 6443 to the servers), open to admins only.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { CiComponent, ownerTags } from "../components/naming";
import { KUBE_API_PORT, NetworkPorts } from "./network";

export interface HealthCheckTiming {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly retries: number;
}

export interface IngressLoadBalancerArgs {
  readonly stack: string;
  readonly compartmentId: string;
  readonly subnetId: pulumi.Input<string>;
  readonly nsgIds: pulumi.Input<string>[];
  readonly minBandwidthMbps: number;
  readonly maxBandwidthMbps: number;
  readonly ports: NetworkPorts;
  /** The ingress controller's health path, probed on `ports.health`. */
  readonly healthPath: string;
  readonly healthCheck: HealthCheckTiming;
  /** Private IPs of every cluster node: ingress backends. */
  readonly nodeIps: pulumi.Input<string>[];
  /** Private IPs of the Kubernetes servers: API backends. */
  readonly serverIps: pulumi.Input<string>[];
}

/** Backend set and listener names, also shown in the plan. */
export const BACKEND_SETS = { http: "ingress-http", https: "ingress-https", api: "kube-api" } as const;

/**
 * The ingress health checker: an HTTP GET of the controller's health endpoint on
 * the health NodePort, expecting 200, for both ingress backend sets. A dead node
 * leaves rotation after `retries` failed probes.
 */
export function ingressHealthChecker(ports: NetworkPorts, path: string, t: HealthCheckTiming): oci.types.input.LoadBalancer.BackendSetHealthChecker {
  return { protocol: "HTTP", port: ports.health, urlPath: path, returnCode: 200, intervalMs: t.intervalMs, timeoutInMillis: t.timeoutMs, retries: t.retries };
}

export class IngressLoadBalancer extends CiComponent {
  readonly ipAddress: pulumi.Output<string>;
  readonly loadBalancerId: pulumi.Output<string>;

  constructor(name: string, args: IngressLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:oci:IngressLoadBalancer", name, opts);
    const lb = new oci.loadbalancer.LoadBalancer(this.childName("lb"), {
      compartmentId: args.compartmentId,
      displayName: this.childName("lb"),
      shape: "flexible",
      shapeDetails: { minimumBandwidthInMbps: args.minBandwidthMbps, maximumBandwidthInMbps: args.maxBandwidthMbps },
      subnetIds: [args.subnetId],
      isPrivate: false,
      networkSecurityGroupIds: args.nsgIds,
      freeformTags: ownerTags(args.stack, name),
    }, this.childOpts());
    const loadBalancerId = lb.id;

    const ingressChecker = ingressHealthChecker(args.ports, args.healthPath, args.healthCheck);
    const sets: { key: keyof typeof BACKEND_SETS; listenPort: number; backendPort: number; ips: pulumi.Input<string>[]; checker: oci.types.input.LoadBalancer.BackendSetHealthChecker }[] = [
      { key: "http", listenPort: 80, backendPort: args.ports.http, ips: args.nodeIps, checker: ingressChecker },
      { key: "https", listenPort: 443, backendPort: args.ports.https, ips: args.nodeIps, checker: ingressChecker },
      {
        key: "api",
        listenPort: KUBE_API_PORT,
        backendPort: KUBE_API_PORT,
        ips: args.serverIps,
        // The API server needs client auth for most paths; a TCP connect is the honest probe.
        checker: { protocol: "TCP", port: KUBE_API_PORT, intervalMs: args.healthCheck.intervalMs, timeoutInMillis: args.healthCheck.timeoutMs, retries: args.healthCheck.retries },
      },
    ];
    for (const s of sets) {
      const setName = BACKEND_SETS[s.key];
      const set = new oci.loadbalancer.BackendSet(this.childName(setName), {
        loadBalancerId,
        name: setName,
        policy: "ROUND_ROBIN",
        healthChecker: s.checker,
      }, this.childOpts());
      s.ips.forEach((ip, i) => {
        new oci.loadbalancer.Backend(this.childName(`${setName}-${i}`), {
          loadBalancerId,
          backendsetName: set.name,
          ipAddress: ip,
          port: s.backendPort,
        }, this.childOpts());
      });
      // TCP listeners: TLS passes through to the ingress controller, which owns certificates.
      new oci.loadbalancer.Listener(this.childName(`${setName}-listener`), {
        loadBalancerId,
        name: setName,
        defaultBackendSetName: set.name,
        port: s.listenPort,
        protocol: "TCP",
      }, this.childOpts());
    }

    this.loadBalancerId = loadBalancerId;
    this.ipAddress = lb.ipAddressDetails.apply((d) => d.find((a) => a.isPublic)?.ipAddress ?? d[0]?.ipAddress ?? "");
    this.registerOutputs({ ipAddress: this.ipAddress });
  }
}
