/**
 * The OCI layer as the offline plan sees it: the real program under mocked
 * providers, asserting the properties the platform depends on.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/errors";
import { MAX_DETECTION_MS } from "../../src/config/oci-platform";
import { imageQuery } from "../../src/oci/image";
import { placement } from "../../src/oci/placement";
import { CUSTOM_IMAGE } from "../../src/plan/fixtures";
import { PlanMocks } from "../../src/plan/mocks";
import { recordRegistrations } from "../../src/plan/recorder";
import type { PlanResult } from "../../src/plan/run";
import { runProgram } from "../../src/programs";
import { ofType, parse, plan, set } from "../helpers";

const BACKEND_SET = "oci:LoadBalancer/backendSet:BackendSet";
const BACKEND = "oci:LoadBalancer/backend:Backend";
const LISTENER = "oci:LoadBalancer/listener:Listener";
const RULE = "oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule";
const INSTANCE = "oci:Core/instance:Instance";

let prod: PlanResult;
let staging: PlanResult;
beforeAll(async () => {
  prod = await plan("oci-prod");
  staging = await plan("oci-staging");
});

const byName = (p: PlanResult, type: string, name: string) => ofType(p, type).find((r) => r.inputs.name === name)!;
const portOf = (r: { inputs: Record<string, unknown> }) => (r.inputs.tcpOptions as { destinationPortRange?: { min: number } } | undefined)?.destinationPortRange?.min;

describe("load balancer", () => {
  it("is a public flexible LB with the configured bandwidth", () => {
    const [lb] = ofType(prod, "oci:LoadBalancer/loadBalancer:LoadBalancer");
    expect(lb.inputs).toMatchObject({ shape: "flexible", isPrivate: false, shapeDetails: { minimumBandwidthInMbps: 10, maximumBandwidthInMbps: 100 } });
  });

  it.each(["ingress-http", "ingress-https"])("%s health-checks the controller on NodePort 30254 and drops a dead node within 30 s", (name) => {
    const hc = byName(prod, BACKEND_SET, name).inputs.healthChecker as Record<string, number | string>;
    expect(hc).toMatchObject({ protocol: "HTTP", port: 30254, urlPath: "/ping", returnCode: 200 });
    expect(Number(hc.retries) * Number(hc.intervalMs) + Number(hc.timeoutInMillis)).toBeLessThanOrEqual(MAX_DETECTION_MS);
  });

  it("probes /healthz when the controller is ingress-nginx", async () => {
    const p = await plan("oci-staging", set("ingress.controller", "ingress-nginx"));
    expect((byName(p, BACKEND_SET, "ingress-http").inputs.healthChecker as { urlPath: string }).urlPath).toBe("/healthz");
  });

  it("listens on TCP 80 → ingress-http, 443 → ingress-https, 6443 → kube-api (TLS passes through)", () => {
    const listeners = ofType(prod, LISTENER).map((l) => [l.inputs.port, l.inputs.protocol, l.inputs.defaultBackendSetName]);
    expect(listeners).toEqual(expect.arrayContaining([[80, "TCP", "ingress-http"], [443, "TCP", "ingress-https"], [6443, "TCP", "kube-api"]]));
    expect(listeners).toHaveLength(3);
  });

  it("forwards to the NodePorts on every cluster node, never to ci-agents", () => {
    const ips = prod.outputs.nodeIps as Record<string, string[]>;
    const cluster = [...ips.server, ...ips.agent].sort();
    const backends = (set: string) => ofType(prod, BACKEND).filter((b) => b.inputs.backendsetName === set);
    expect(backends("ingress-http").map((b) => b.inputs.ipAddress).sort()).toEqual(cluster);
    expect(new Set(backends("ingress-http").map((b) => b.inputs.port))).toEqual(new Set([30080]));
    expect(new Set(backends("ingress-https").map((b) => b.inputs.port))).toEqual(new Set([30443]));
    expect(backends("kube-api").map((b) => b.inputs.ipAddress).sort()).toEqual([...ips.server].sort());
    for (const ip of ips["ci-agent"]) expect(ofType(prod, BACKEND).some((b) => b.inputs.ipAddress === ip)).toBe(false);
  });

  it("moves every port together when the NodePorts change", async () => {
    const p = await plan("oci-staging", set("ingress.httpNodePort", 31080), set("ingress.healthNodePort", 31254));
    expect((byName(p, BACKEND_SET, "ingress-https").inputs.healthChecker as { port: number }).port).toBe(31254);
    expect(ofType(p, BACKEND).filter((b) => b.inputs.backendsetName === "ingress-http").map((b) => b.inputs.port)).toEqual([31080]);
    expect(ofType(p, RULE).map(portOf)).toEqual(expect.arrayContaining([31080, 31254, 30443]));
    expect(ofType(p, RULE).map(portOf)).not.toContain(30080);
  });
});

describe("network security", () => {
  const rules = () => ofType(prod, RULE).map((r) => ({ ...r.inputs, port: portOf(r), nsg: String(r.inputs.networkSecurityGroupId) }) as Record<string, unknown>);

  it("opens only 80/443 on the load balancer to the internet", () => {
    const open = rules().filter((r) => r.direction === "INGRESS" && r.source === "0.0.0.0/0");
    expect(open.map((r) => [r.nsg, r.port]).sort()).toEqual([["oci-prod-net-lb-nsg-id", 443], ["oci-prod-net-lb-nsg-id", 80]]);
  });

  it("reaches the NodePorts only from the load balancer's NSG", () => {
    for (const port of [30080, 30443, 30254]) {
      const allowing = rules().filter((r) => r.direction === "INGRESS" && r.port === port);
      expect(allowing).toHaveLength(1);
      expect(allowing[0]).toMatchObject({ nsg: "oci-prod-net-node-nsg-id", sourceType: "NETWORK_SECURITY_GROUP", source: "oci-prod-net-lb-nsg-id" });
    }
  });

  it("admits the Kubernetes API only from the admin CIDRs", () => {
    const api = rules().filter((r) => r.direction === "INGRESS" && r.port === 6443 && r.sourceType === "CIDR_BLOCK");
    expect(api.map((r) => r.source).sort()).toEqual(["198.51.100.0/24", "203.0.113.0/28"]);
  });

  it("admits SSH only from inside the node subnet, where the admin-only bastion lives", () => {
    const ssh = rules().filter((r) => r.port === 22);
    expect(ssh.map((r) => r.source)).toEqual(["10.10.1.0/24"]);
    const [bastion] = ofType(prod, "oci:Bastion/bastion:Bastion");
    expect(bastion.inputs.clientCidrBlockAllowLists).toEqual(["198.51.100.0/24", "203.0.113.0/28"]);
  });

  it("empties the VCN's default security list (OCI ships it with SSH from 0.0.0.0/0)", () => {
    const [dsl] = ofType(prod, "oci:Core/defaultSecurityList:DefaultSecurityList");
    expect(dsl.inputs.ingressSecurityRules ?? []).toEqual([]);
  });

  it("keeps VMs off the internet: private subnet behind NAT, no public IPs", () => {
    const node = byNameDisplay(prod, "oci:Core/subnet:Subnet", "oci-prod-net-node-subnet");
    expect(node.inputs).toMatchObject({ prohibitPublicIpOnVnic: true, cidrBlock: "10.10.1.0/24", routeTableId: "oci-prod-net-private-rt-id" });
    for (const vm of ofType(prod, INSTANCE)) expect((vm.inputs.createVnicDetails as { assignPublicIp: string }).assignPublicIp).toBe("false");
  });
});

function byNameDisplay(p: PlanResult, type: string, displayName: string) {
  return ofType(p, type).find((r) => r.inputs.displayName === displayName)!;
}

describe("VMs", () => {
  it("boots the newest Oracle Linux 7.9 platform image found for the shape", () => {
    const q = prod.invokes.find((i) => i.token === "oci:Core/getImages:getImages")!.inputs;
    expect(q).toMatchObject({ operatingSystem: "Oracle Linux", operatingSystemVersion: "7.9", shape: "VM.Standard.E4.Flex", sortBy: "TIMECREATED", sortOrder: "DESC", state: "AVAILABLE" });
    for (const vm of ofType(prod, INSTANCE)) {
      expect((vm.inputs.sourceDetails as { sourceId: string }).sourceId).toBe("ocid1.image.oc1.iad.aaaaaaaaol79x86newest00000000000000000000000000000000000000");
    }
  });

  it("image filter keeps plain and aarch64 platform images, drops GPU and other builds", () => {
    const re = new RegExp(imageQuery("c", "Oracle Linux", "7.9", "s").filters![0].values[0]);
    expect(re.test("Oracle-Linux-7.9-2024.05.29-0")).toBe(true);
    expect(re.test("Oracle-Linux-7.9-aarch64-2024.05.29-0")).toBe(true);
    expect(re.test("Oracle-Linux-7.9-Gen2-GPU-2024.05.29-0")).toBe(false);
    expect(re.test("Oracle-Linux-7.8-2020.05.29-0")).toBe(false);
  });

  it("spreads the 3 prod servers over distinct availability domains", () => {
    const servers = ofType(prod, INSTANCE).filter((v) => (v.inputs.freeformTags as Record<string, string>).role === "server");
    expect(new Set(servers.map((s) => `${s.inputs.availabilityDomain}/${s.inputs.faultDomain}`)).size).toBe(3);
    expect(new Set(servers.map((s) => s.inputs.availabilityDomain)).size).toBe(3);
  });

  it("uses all three fault domains in a single-AD region before reusing one", () => {
    const fds = [0, 1, 2, 3].map((i) => placement(i, ["AD-1"]).faultDomain);
    expect(fds).toEqual(["FAULT-DOMAIN-1", "FAULT-DOMAIN-2", "FAULT-DOMAIN-3", "FAULT-DOMAIN-1"]);
    expect(placement(4, ["AD-1", "AD-2", "AD-3"])).toEqual({ availabilityDomain: "AD-2", faultDomain: "FAULT-DOMAIN-2" });
  });

  it("sizes flexible shapes and boot volumes from config", () => {
    const ci = ofType(prod, INSTANCE).filter((v) => (v.inputs.freeformTags as Record<string, string>).role === "ci-agent");
    expect(ci).toHaveLength(3);
    expect(ci[0].inputs).toMatchObject({ shape: "VM.Standard.E4.Flex", shapeConfig: { ocpus: 8, memoryInGbs: 64 }, sourceDetails: { bootVolumeSizeInGbs: "500" } });
  });

  it("passes cloud-init as secret user_data (it carries the join token and keys) and the SSH key in the clear", () => {
    for (const vm of ofType(staging, INSTANCE)) {
      const meta = vm.inputs.metadata as Record<string, string>;
      expect(meta.user_data).toBe("[secret]");
      expect(meta.ssh_authorized_keys).toMatch(/^ssh-ed25519 /);
    }
  });

  it("gives servers fixed addresses at the top of the node subnet, the first one initialising the cluster", () => {
    const servers = ofType(prod, INSTANCE).filter((v) => (v.inputs.freeformTags as Record<string, string>).role === "server");
    expect(servers.map((s) => (s.inputs.createVnicDetails as { privateIp: string }).privateIp)).toEqual(["10.10.1.240", "10.10.1.241", "10.10.1.242"]);
  });

  it("tags every OCI resource with its stack and owner", () => {
    // Every OCI type here that accepts freeformTags; rules, backends and listeners do not.
    const taggable = ["Vcn", "Subnet", "RouteTable", "NetworkSecurityGroup", "InternetGateway", "NatGateway", "DefaultSecurityList", "Instance", "LoadBalancer", "Bastion"];
    const tagged = prod.resources.filter((r) => taggable.includes(r.type.split(":").pop()!));
    expect(new Set(tagged.map((r) => r.type.split(":").pop()))).toEqual(new Set(taggable));
    for (const r of tagged) expect(r.inputs.freeformTags).toMatchObject({ stack: "oci-prod", "managed-by": "pulumi" });
  });

  it("outputs the load balancer IP, node IPs, ports and the chosen image", () => {
    expect(staging.outputs).toMatchObject({
      loadBalancerIp: "203.0.113.10",
      ports: { http: 30080, https: 30443, health: 30254, healthPath: "/ping" },
      images: { "VM.Standard.E4.Flex": { displayName: "Oracle-Linux-7.9-2025.10.23-0" } },
    });
    expect((staging.outputs.nodeIps as Record<string, string[]>).server).toEqual(["10.20.1.240"]);
  });
});

describe("boot volume against the image", () => {
  it("refuses a boot volume smaller than the image and creates nothing", async () => {
    const cfg = parse("oci-staging", set("image.id", CUSTOM_IMAGE.id));
    await pulumi.runtime.setMocks(new PlanMocks(), "ci-infra", "oci-staging", false);
    const recording = recordRegistrations();
    const err = await runProgram(cfg).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      "ci-infra:nodes.server.bootVolumeGbs must be at least the image's own size, 120 GB for ci-agent-golden-2025.11.02 (got 100)",
      "ci-infra:nodes.ciAgent.bootVolumeGbs must be at least the image's own size, 120 GB for ci-agent-golden-2025.11.02 (got 100)",
    ]);
    expect(recording.resources).toEqual([]);
  });

  it("accepts the same image with large enough volumes", async () => {
    const p = await plan("oci-staging", set("image.id", CUSTOM_IMAGE.id), set("nodes.server.bootVolumeGbs", 120), set("nodes.ciAgent.bootVolumeGbs", 200));
    expect(ofType(p, INSTANCE).every((vm) => (vm.inputs.sourceDetails as { sourceId: string }).sourceId === CUSTOM_IMAGE.id)).toBe(true);
  });
});
