/**
 * Network rules. The platform's design (src/oci/network.ts): nodes live in a
 * private subnet; the internet reaches only TCP 80/443 on the load balancer;
 * NodePorts accept only the load balancer; SSH comes only from the node subnet,
 * where the OCI Bastion's endpoint lives (its clientCidrBlockAllowLists = admin
 * CIDRs); the Kubernetes API (6443) only from admin CIDRs. These rules keep a
 * later change, or another program, from quietly widening that.
 */
import { EXCEPTION_PROCESS, PolicyResource, Rule } from "./types";
import { ALL_PORTS, arr, cidrWithin, covers, describeRange, num, obj, overlaps, NODE_PORTS, PortRange, str, WORLD } from "./values";

const SSH_PORT = 22;
const PUBLIC_PORTS = [80, 443];

export const NSG_RULE = "oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule";
export const SECURITY_LIST = "oci:Core/securityList:SecurityList";
export const DEFAULT_SECURITY_LIST = "oci:Core/defaultSecurityList:DefaultSecurityList";
export const BASTION = "oci:Bastion/bastion:Bastion";
export const AWS_SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
export const AWS_SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
export const AWS_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
export const GCP_FIREWALL = "gcp:compute/firewall:Firewall";

const INGRESS_TYPES = [NSG_RULE, SECURITY_LIST, DEFAULT_SECURITY_LIST, AWS_SECURITY_GROUP, AWS_SECURITY_GROUP_RULE, AWS_INGRESS_RULE, GCP_FIREWALL];

/** One ingress permission, whatever the provider: a CIDR source (or not) and port ranges. */
export interface Ingress {
  /** The CIDR allowed in, or undefined when the source is a group (NSG, security group). */
  readonly cidr?: string;
  readonly protocol: "tcp" | "udp" | "all" | "other";
  readonly ranges: readonly PortRange[];
}

function protocolOf(p: unknown): Ingress["protocol"] {
  const s = String(p ?? "").toLowerCase();
  if (s === "6" || s === "tcp") return "tcp";
  if (s === "17" || s === "udp") return "udp";
  if (s === "all" || s === "-1") return "all";
  return "other";
}

function rangeOf(min: unknown, max: unknown): PortRange | undefined {
  const a = num(min);
  const b = num(max);
  return a === undefined ? undefined : { min: a, max: b ?? a };
}

/** OCI: `tcpOptions.destinationPortRange` on NSG rules, `tcpOptions.{min,max}` on security lists. */
function ociRanges(protocol: Ingress["protocol"], r: Record<string, unknown>): PortRange[] {
  if (protocol === "all") return [ALL_PORTS];
  const options = obj(protocol === "tcp" ? r.tcpOptions : protocol === "udp" ? r.udpOptions : undefined);
  if (!options) return protocol === "other" ? [] : [ALL_PORTS];
  const dst = obj(options.destinationPortRange) ?? options;
  return [rangeOf(dst.min, dst.max) ?? ALL_PORTS];
}

function ociIngress(r: Record<string, unknown>): Ingress {
  const protocol = protocolOf(r.protocol);
  const cidrSource = r.sourceType === undefined || r.sourceType === "CIDR_BLOCK";
  return { cidr: cidrSource ? str(r.source) : undefined, protocol, ranges: ociRanges(protocol, r) };
}

function awsIngress(r: Record<string, unknown>, cidrs: unknown[]): Ingress[] {
  const protocol = protocolOf(r.protocol ?? r.ipProtocol);
  const range = protocol === "all" ? ALL_PORTS : (rangeOf(r.fromPort, r.toPort) ?? ALL_PORTS);
  return cidrs.map((c) => ({ cidr: str(c), protocol, ranges: [range] }));
}

/** Every ingress permission a resource grants (empty for egress rules and other types). */
export function ingressOf(r: PolicyResource): Ingress[] {
  const i = r.inputs;
  switch (r.type) {
    case NSG_RULE:
      return i.direction === "INGRESS" ? [ociIngress(i)] : [];
    case SECURITY_LIST:
    case DEFAULT_SECURITY_LIST:
      return arr(i.ingressSecurityRules).map((x) => ociIngress(obj(x) ?? {}));
    case AWS_SECURITY_GROUP:
      return arr(i.ingress).flatMap((x) => {
        const o = obj(x) ?? {};
        return awsIngress(o, [...arr(o.cidrBlocks), ...arr(o.ipv6CidrBlocks)]);
      });
    case AWS_SECURITY_GROUP_RULE:
      return i.type === "ingress" ? awsIngress(i, [...arr(i.cidrBlocks), ...arr(i.ipv6CidrBlocks)]) : [];
    case AWS_INGRESS_RULE:
      return awsIngress(i, [i.cidrIpv4, i.cidrIpv6].filter((c) => c !== undefined));
    case GCP_FIREWALL: {
      if (i.direction !== undefined && i.direction !== "INGRESS") return [];
      const sources = arr(i.sourceRanges);
      return arr(i.allows).flatMap((a) => {
        const o = obj(a) ?? {};
        const protocol = protocolOf(o.protocol);
        const ports = arr(o.ports).map((p) => {
          const [min, max] = String(p).split("-");
          return rangeOf(min, max ?? min) ?? ALL_PORTS;
        });
        const ranges = protocol === "all" || ports.length === 0 ? [ALL_PORTS] : ports;
        return sources.map((c) => ({ cidr: str(c), protocol, ranges }));
      });
    }
    default:
      return [];
  }
}

const portful = (g: Ingress) => g.protocol !== "other";
const describe = (g: Ingress) => `${g.protocol === "all" ? "all protocols" : g.protocol.toUpperCase()} ${g.ranges.map(describeRange).join(", ")} from ${g.cidr}`;

export const noWorldIngress: Rule = {
  name: "no-world-ingress",
  enforcement: "mandatory",
  description:
    "Only TCP 80 and 443 (the load balancer's listeners) may be open to 0.0.0.0/0 or ::/0. Everything else on the platform (NodePorts, SSH, the Kubernetes API, the cluster's own ports) stays reachable only from known sources: an open port on the internet is scanned within minutes.",
  exception: `${EXCEPTION_PROCESS}. A new public listener normally belongs on the load balancer, not in an exception.`,
  types: INGRESS_TYPES,
  check(r) {
    return ingressOf(r)
      .filter((g) => g.cidr !== undefined && WORLD.includes(g.cidr))
      .filter((g) => !(g.protocol === "tcp" && g.ranges.every((x) => x.min === x.max && PUBLIC_PORTS.includes(x.min))))
      .map((g) => `allows ${describe(g)}; only TCP 80/443 may be open to the internet`);
  },
};

export const nodePortsFromLbOnly: Rule = {
  name: "nodeports-from-lb-only",
  enforcement: "mandatory",
  description:
    "Kubernetes NodePorts (30000-32767: the ingress controller's HTTP/HTTPS/health ports) accept traffic only from the load balancer: its NSG, or its subnet when a CIDR is used. A NodePort open to anything else bypasses the load balancer's listeners and health checks.",
  exception: EXCEPTION_PROCESS,
  types: INGRESS_TYPES,
  config: ["lbSubnetCidrs"],
  check(r, cfg) {
    const offending = ingressOf(r).filter((g) => g.cidr !== undefined && portful(g) && g.ranges.some((x) => overlaps(x, NODE_PORTS)));
    if (offending.length === 0) return [];
    if (!cfg.lbSubnetCidrs) return ["opens NodePorts to a CIDR but policy config lbSubnetCidrs is not set, so the rule cannot tell whether it is the load balancer's subnet"];
    return offending
      .filter((g) => !cidrWithin(g.cidr!, cfg.lbSubnetCidrs!))
      .map((g) => `allows ${describe(g)}, which reaches NodePorts ${NODE_PORTS.min}-${NODE_PORTS.max}; only the load balancer (NSG or subnet ${cfg.lbSubnetCidrs!.join(", ")}) may`);
  },
};

export const adminPortsFromAdminCidrs: Rule = {
  name: "admin-ports-from-admin-cidrs",
  enforcement: "mandatory",
  description: "SSH (22) is accepted only from the admin CIDRs or the bastion's subnet, and the Kubernetes API (policy config kubeApiPort, 6443 on this platform) only from the admin CIDRs (or from the load balancer's NSG). SSH and the API are the two doors to root on the cluster.",
  exception: `${EXCEPTION_PROCESS}. To let a new person in, add their range to ci-infra:network.adminCidrs instead.`,
  types: INGRESS_TYPES,
  config: ["adminCidrs", "bastionCidrs", "kubeApiPort"],
  check(r, cfg) {
    const problems: string[] = [];
    for (const g of ingressOf(r)) {
      if (g.cidr === undefined || !portful(g)) continue;
      const doors = [{ port: SSH_PORT, what: "SSH", allowed: [...(cfg.adminCidrs ?? []), ...(cfg.bastionCidrs ?? [])], keys: "adminCidrs/bastionCidrs" }];
      if (cfg.kubeApiPort === undefined) problems.push(`allows ${describe(g)} but policy config kubeApiPort is not set, so the Kubernetes API port cannot be checked`);
      else doors.push({ port: cfg.kubeApiPort, what: "the Kubernetes API", allowed: [...(cfg.adminCidrs ?? [])], keys: "adminCidrs" });
      for (const d of doors) {
        if (!g.ranges.some((x) => covers(x, d.port))) continue;
        if (d.allowed.length === 0) problems.push(`allows ${d.what} (${d.port}) from ${g.cidr} but policy config ${d.keys} is not set`);
        else if (!cidrWithin(g.cidr, d.allowed)) problems.push(`allows ${describe(g)}, which includes ${d.what} (${d.port}); only ${d.allowed.join(", ")} may reach it`);
      }
    }
    return problems;
  },
};

export const bastionAdminOnly: Rule = {
  name: "bastion-admin-only",
  enforcement: "mandatory",
  description: "The OCI Bastion is the only SSH path to the nodes; only the admin CIDRs may open sessions on it (clientCidrBlockAllowLists), never the internet.",
  exception: EXCEPTION_PROCESS,
  types: [BASTION],
  config: ["adminCidrs"],
  check(r, cfg) {
    const list = arr(r.inputs.clientCidrBlockAllowLists).map(String);
    if (list.length === 0) return ["has no clientCidrBlockAllowLists: anyone could request a session"];
    if (!cfg.adminCidrs) return ["policy config adminCidrs is not set, so the bastion's allow list cannot be checked"];
    return list.filter((c) => !cidrWithin(c, cfg.adminCidrs!)).map((c) => `lets ${c} open sessions; only admin CIDRs ${cfg.adminCidrs!.join(", ")} may`);
  },
};

export const NETWORK_RULES: readonly Rule[] = [noWorldIngress, nodePortsFromLbOnly, adminPortsFromAdminCidrs, bastionAdminOnly];
