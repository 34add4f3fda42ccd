/**
 * The VCN of one platform: a public subnet for the load balancer, a private one
 * for every VM (egress through NAT), and network security groups that make the
 * NodePorts reachable only from the load balancer.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { KUBE_API_PORT } from "../ports";
import { CiComponent, ownerTags } from "../components/naming";

export interface NetworkPorts {
  /** Ingress controller NodePorts the load balancer forwards to and probes. */
  readonly http: number;
  readonly https: number;
  readonly health: number;
}

export interface NetworkArgs {
  /** Compartment of the VCN and everything in it. */
  readonly compartmentId: string;
  /** Address range of the VCN. */
  readonly vcnCidr: string;
  /** The public load balancer subnet, inside the VCN. */
  readonly lbSubnetCidr: string;
  /** The private node subnet (NAT egress), inside the VCN. */
  readonly nodeSubnetCidr: string;
  /** Allowed to reach SSH (via the bastion) and the Kubernetes API. */
  readonly adminCidrs: readonly string[];
  /** Allowed to reach 80/443 on the load balancer. */
  readonly clientCidrs: readonly string[];
  /** The NodePort contract: the NodePorts only the load balancer's NSG may reach. */
  readonly ports: NetworkPorts;
}

/** TCP, in OCI's protocol numbering. */
export const TCP = "6";
const ALL_PROTOCOLS = "all";

export class Network extends CiComponent {
  readonly vcnId: pulumi.Output<string>;
  readonly lbSubnetId: pulumi.Output<string>;
  readonly nodeSubnetId: pulumi.Output<string>;
  /** Attached to the load balancer. */
  readonly lbNsgId: pulumi.Output<string>;
  /** Attached to the cluster VMs (servers, agents). */
  readonly nodeNsgId: pulumi.Output<string>;
  /** Attached to the ci-agent VMs: CI jobs run there as root-equivalent (docker group). */
  readonly ciAgentNsgId: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:oci:Network", name, opts);
    const tags = ownerTags(this.stack, name);
    const base = { compartmentId: args.compartmentId, freeformTags: tags };

    const vcn = new oci.core.Vcn(this.childName("vcn"), {
      ...base,
      cidrBlocks: [args.vcnCidr],
      displayName: this.childName("vcn"),
      dnsLabel: dnsLabel(this.stack),
    }, this.childOpts());
    const vcnId = vcn.id;

    // OCI puts "SSH from 0.0.0.0/0" into every new VCN's default security list, and
    // subnets fall back to it. Manage it empty but for egress: NSGs below decide.
    const defaultList = new oci.core.DefaultSecurityList(this.childName("default-security-list"), {
      manageDefaultResourceId: vcn.defaultSecurityListId,
      displayName: this.childName("default-security-list"),
      freeformTags: tags,
      egressSecurityRules: [{ destination: "0.0.0.0/0", protocol: ALL_PROTOCOLS, description: "egress; ingress is decided by NSGs" }],
      ingressSecurityRules: [],
    }, this.childOpts());

    const igw = new oci.core.InternetGateway(this.childName("igw"), { ...base, vcnId, enabled: true, displayName: this.childName("igw") }, this.childOpts());
    const nat = new oci.core.NatGateway(this.childName("nat"), { ...base, vcnId, displayName: this.childName("nat") }, this.childOpts());

    const publicRt = new oci.core.RouteTable(this.childName("public-rt"), {
      ...base,
      vcnId,
      displayName: this.childName("public-rt"),
      routeRules: [{ destination: "0.0.0.0/0", destinationType: "CIDR_BLOCK", networkEntityId: igw.id, description: "internet" }],
    }, this.childOpts());
    const privateRt = new oci.core.RouteTable(this.childName("private-rt"), {
      ...base,
      vcnId,
      displayName: this.childName("private-rt"),
      routeRules: [{ destination: "0.0.0.0/0", destinationType: "CIDR_BLOCK", networkEntityId: nat.id, description: "egress through NAT" }],
    }, this.childOpts());

    const lbSubnet = new oci.core.Subnet(this.childName("lb-subnet"), {
      ...base,
      vcnId,
      cidrBlock: args.lbSubnetCidr,
      displayName: this.childName("lb-subnet"),
      dnsLabel: "lb",
      routeTableId: publicRt.id,
      securityListIds: [defaultList.id],
      prohibitPublicIpOnVnic: false,
    }, this.childOpts());
    const nodeSubnet = new oci.core.Subnet(this.childName("node-subnet"), {
      ...base,
      vcnId,
      cidrBlock: args.nodeSubnetCidr,
      displayName: this.childName("node-subnet"),
      dnsLabel: "nodes",
      routeTableId: privateRt.id,
      securityListIds: [defaultList.id],
      // VMs get no public address; SSH goes through the OCI Bastion.
      prohibitPublicIpOnVnic: true,
    }, this.childOpts());

    const lbNsg = new oci.core.NetworkSecurityGroup(this.childName("lb-nsg"), { ...base, vcnId, displayName: this.childName("lb-nsg") }, this.childOpts());
    const nodeNsg = new oci.core.NetworkSecurityGroup(this.childName("node-nsg"), { ...base, vcnId, displayName: this.childName("node-nsg") }, this.childOpts());
    const ciAgentNsg = new oci.core.NetworkSecurityGroup(this.childName("ci-agent-nsg"), { ...base, vcnId, displayName: this.childName("ci-agent-nsg") }, this.childOpts());

    const rule = (suffix: string, nsg: oci.core.NetworkSecurityGroup, r: Omit<oci.core.NetworkSecurityGroupSecurityRuleArgs, "networkSecurityGroupId">) =>
      new oci.core.NetworkSecurityGroupSecurityRule(this.childName(suffix), { networkSecurityGroupId: nsg.id, stateless: false, ...r }, this.childOpts());
    const tcpFromCidr = (suffix: string, nsg: oci.core.NetworkSecurityGroup, source: string, port: number, description: string) =>
      rule(suffix, nsg, { direction: "INGRESS", protocol: TCP, source, sourceType: "CIDR_BLOCK", description, tcpOptions: { destinationPortRange: { min: port, max: port } } });
    const tcpFromNsg = (suffix: string, nsg: oci.core.NetworkSecurityGroup, source: oci.core.NetworkSecurityGroup, port: number, description: string) =>
      rule(suffix, nsg, { direction: "INGRESS", protocol: TCP, source: source.id, sourceType: "NETWORK_SECURITY_GROUP", description, tcpOptions: { destinationPortRange: { min: port, max: port } } });

    // Load balancer: clients on 80/443, admins on the Kubernetes API.
    args.clientCidrs.forEach((cidr, i) => {
      tcpFromCidr(`lb-http-${i}`, lbNsg, cidr, 80, "HTTP from clients");
      tcpFromCidr(`lb-https-${i}`, lbNsg, cidr, 443, "HTTPS from clients");
    });
    args.adminCidrs.forEach((cidr, i) => tcpFromCidr(`lb-kube-api-${i}`, lbNsg, cidr, KUBE_API_PORT, "Kubernetes API from admins"));
    rule("lb-egress", lbNsg, { direction: "EGRESS", protocol: TCP, destination: nodeNsg.id, destinationType: "NETWORK_SECURITY_GROUP", description: "to node NodePorts and API" });

    // Nodes: the NodePorts and the API only from the load balancer.
    const { http, https, health } = args.ports;
    tcpFromNsg("node-http", nodeNsg, lbNsg, http, "ingress HTTP NodePort from the load balancer");
    tcpFromNsg("node-https", nodeNsg, lbNsg, https, "ingress HTTPS NodePort from the load balancer");
    tcpFromNsg("node-health", nodeNsg, lbNsg, health, "ingress health NodePort from the load balancer health checker");
    tcpFromNsg("node-kube-api", nodeNsg, lbNsg, KUBE_API_PORT, "Kubernetes API through the load balancer");
    // Node to node: kubelet, VXLAN, etcd; the cluster is one trust zone. The ci-agents
    // are not in it: a CI job is root on its VM (docker group) and must not reach a
    // kubelet, etcd or the API directly.
    rule("node-intra", nodeNsg, { direction: "INGRESS", protocol: ALL_PROTOCOLS, source: nodeNsg.id, sourceType: "NETWORK_SECURITY_GROUP", description: "node to node" });
    rule("node-egress", nodeNsg, { direction: "EGRESS", protocol: ALL_PROTOCOLS, destination: "0.0.0.0/0", destinationType: "CIDR_BLOCK", description: "egress through NAT" });

    // ci-agents: SSH from the Jenkins controller (a pod on the cluster nodes, leaving
    // with its node's address) and from the bastion; egress through NAT.
    tcpFromNsg("ci-agent-ssh-jenkins", ciAgentNsg, nodeNsg, 22, "SSH from the Jenkins controller on the cluster nodes");
    rule("ci-agent-egress", ciAgentNsg, { direction: "EGRESS", protocol: ALL_PROTOCOLS, destination: "0.0.0.0/0", destinationType: "CIDR_BLOCK", description: "egress through NAT" });

    // SSH: a managed bastion that only the admin CIDRs may open sessions on.
    const bastion = new oci.bastion.Bastion(this.childName("bastion"), {
      ...base,
      // As the API returns it: a lower-case value reads back as a change, and every
      // `up` would replace the bastion and cut open sessions.
      bastionType: "STANDARD",
      name: this.childName("bastion").replace(/[^A-Za-z0-9]/g, ""),
      targetSubnetId: nodeSubnet.id,
      clientCidrBlockAllowLists: [...args.adminCidrs],
      maxSessionTtlInSeconds: 10800,
    }, this.childOpts());
    // Sessions reach VMs from the bastion's private endpoint in the node subnet: admit
    // that one address, not the whole subnet (which holds the ci-agents too).
    const bastionEndpoint = pulumi.interpolate`${bastion.privateEndpointIpAddress}/32`;
    for (const [suffix, nsg] of [["node-ssh-bastion", nodeNsg], ["ci-agent-ssh-bastion", ciAgentNsg]] as const) {
      rule(suffix, nsg, { direction: "INGRESS", protocol: TCP, source: bastionEndpoint, sourceType: "CIDR_BLOCK", description: "SSH through the OCI Bastion (admin CIDRs only)", tcpOptions: { destinationPortRange: { min: 22, max: 22 } } });
    }

    this.vcnId = vcnId;
    this.lbSubnetId = lbSubnet.id;
    this.nodeSubnetId = nodeSubnet.id;
    this.lbNsgId = lbNsg.id;
    this.nodeNsgId = nodeNsg.id;
    this.ciAgentNsgId = ciAgentNsg.id;
    this.registerOutputs({ vcnId, lbSubnetId: this.lbSubnetId, nodeSubnetId: this.nodeSubnetId });
  }
}

/** A VCN DNS label: letters and digits, starting with a letter, at most 15 characters. */
export function dnsLabel(stack: string): string {
  const cleaned = stack.toLowerCase().replace(/[^a-z0-9]/g, "");
  return `v${cleaned}`.slice(0, 15);
}
