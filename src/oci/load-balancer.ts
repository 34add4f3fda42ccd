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
import { KUBE_API_PORT } from "../ports";
import type { NetworkPorts } from "./network";

export interface HealthCheckTiming {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly retries: number;
}

export interface IngressLoadBalancerArgs {
  /** Compartment of the load balancer and its reserved IP. */
  readonly compartmentId: string;
  /** The public LB subnet. */
  readonly subnetId: pulumi.Input<string>;
  /** Network security groups of the load balancer (the LB NSG of src/oci/network.ts). */
  readonly nsgIds: pulumi.Input<string>[];
  /** Flexible shape's minimum bandwidth, Mbps. */
  readonly minBandwidthMbps: number;
  /** Flexible shape's maximum bandwidth, Mbps. */
  readonly maxBandwidthMbps: number;
  /** The NodePort contract: HTTP, HTTPS and health NodePorts the listeners forward to and probe. */
  readonly ports: NetworkPorts;
  /** The ingress controller's health path, probed on `ports.health`. */
  readonly healthPath: string;
  /** Interval, timeout and retries of the backend health checks. */
  readonly healthCheck: HealthCheckTiming;
  /** Protect the reserved public IP (DNS points at it). */
  readonly protect: boolean;
}

/**
 * Idle time the API listener allows: OCI's TCP default (300 s) cuts a quiet
 * `kubectl logs -f` or watch after five minutes. Source:
 * https://docs.oracle.com/en-us/iaas/Content/Balance/Reference/connectionreuse.htm
 */
export const API_IDLE_TIMEOUT_SECONDS = 3600;
/**
 * OCI's default for TCP listeners, stated because connectionConfiguration needs a value
 * (same page: "300 seconds for TCP listeners and 60 seconds for HTTP listeners. The
 * maximum timeout value is 7200 seconds").
 */
export const INGRESS_IDLE_TIMEOUT_SECONDS = 300;

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
  /** The reserved public IP: known before the VMs (the API certificate names it) and kept across LB replacement. */
  readonly ipAddress: pulumi.Output<string>;
  readonly loadBalancerId: pulumi.Output<string>;
  /** The Kubernetes API listener: the cluster connection waits for it. */
  readonly apiListener: oci.loadbalancer.Listener;
  private readonly sets = new Map<keyof typeof BACKEND_SETS, { set: oci.loadbalancer.BackendSet; port: number }>();

  constructor(name: string, args: IngressLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:oci:IngressLoadBalancer", name, opts);
    const ip = new oci.core.PublicIp(this.childName("ip"), {
      compartmentId: args.compartmentId,
      lifetime: "RESERVED",
      displayName: this.childName("ip"),
      freeformTags: ownerTags(this.stack, name),
    }, this.childOpts({
      protect: args.protect,
      // The provider reads back the private IP the load balancer attaches the reserved
      // IP to; it is never ours to set, and without this every refresh reports drift.
      ignoreChanges: ["privateIpId"],
    }));
    const lb = new oci.loadbalancer.LoadBalancer(this.childName("lb"), {
      reservedIps: [{ id: ip.id }],
      compartmentId: args.compartmentId,
      displayName: this.childName("lb"),
      shape: "flexible",
      shapeDetails: { minimumBandwidthInMbps: args.minBandwidthMbps, maximumBandwidthInMbps: args.maxBandwidthMbps },
      subnetIds: [args.subnetId],
      isPrivate: false,
      networkSecurityGroupIds: args.nsgIds,
      freeformTags: ownerTags(this.stack, name),
    }, this.childOpts({
      // A reserved IP belongs to one load balancer at a time: the old one must let go
      // of it before a replacement can take it (the IP, and so DNS, survive).
      deleteBeforeReplace: true,
    }));
    const loadBalancerId = lb.id;

    let apiListener: oci.loadbalancer.Listener | undefined;
    const ingressChecker = ingressHealthChecker(args.ports, args.healthPath, args.healthCheck);
    const sets: { key: keyof typeof BACKEND_SETS; listenPort: number; backendPort: number; checker: oci.types.input.LoadBalancer.BackendSetHealthChecker }[] = [
      { key: "http", listenPort: 80, backendPort: args.ports.http, checker: ingressChecker },
      { key: "https", listenPort: 443, backendPort: args.ports.https, checker: ingressChecker },
      {
        key: "api",
        listenPort: KUBE_API_PORT,
        backendPort: KUBE_API_PORT,
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
      this.sets.set(s.key, { set, port: s.backendPort });
      // TCP listeners: TLS passes through to the ingress controller, which owns certificates.
      const listener = new oci.loadbalancer.Listener(this.childName(`${setName}-listener`), {
        loadBalancerId,
        name: setName,
        defaultBackendSetName: set.name,
        port: s.listenPort,
        protocol: "TCP",
        connectionConfiguration:
          s.key === "api"
            ? { idleTimeoutInSeconds: String(API_IDLE_TIMEOUT_SECONDS) }
            : // The client's address reaches the ingress controller in a PROXY v2 header, which it trusts from us only.
              { idleTimeoutInSeconds: String(INGRESS_IDLE_TIMEOUT_SECONDS), backendTcpProxyProtocolVersion: 2 },
      }, this.childOpts());
      if (s.key === "api") apiListener = listener;
    }

    this.loadBalancerId = loadBalancerId;
    this.ipAddress = ip.ipAddress;
    this.apiListener = apiListener!;
    this.registerOutputs({ ipAddress: this.ipAddress });
  }

  /**
   * Registers the VMs once they exist: every cluster node behind the ingress sets,
   * the servers behind the API set. (The VMs' cloud-init needs this LB's address,
   * so backends come after the VMs.)
   */
  addBackends(nodeIps: pulumi.Input<string>[], serverIps: pulumi.Input<string>[]): void {
    const byKey: Record<keyof typeof BACKEND_SETS, pulumi.Input<string>[]> = { http: nodeIps, https: nodeIps, api: serverIps };
    for (const [key, { set, port }] of this.sets) {
      byKey[key].forEach((ipAddress, i) => {
        new oci.loadbalancer.Backend(this.childName(`${BACKEND_SETS[key]}-${i}`), {
          loadBalancerId: this.loadBalancerId,
          backendsetName: set.name,
          ipAddress,
          port,
        }, this.childOpts());
      });
    }
  }
}
