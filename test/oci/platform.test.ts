/**
 * The OCI layer as the offline plan sees it: the real program under mocked
 * providers, asserting the properties the platform depends on.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { ConfigError } from "../../src/base/errors";
import { MAX_DETECTION_MS } from "../../src/config/oci-platform";
import { imageQuery } from "../../src/oci/image";
import { placement } from "../../src/oci/placement";
import { CUSTOM_IMAGE } from "../../src/plan/fixtures";
import { PlanMocks } from "../../src/plan/mocks";
import { recordRegistrations } from "../../src/plan/recorder";
import type { PlanResult } from "../../src/plan/run";
import { runProgram } from "../../src/programs";
import { ofType, parse, plan, set } from "../helpers";
import { swapMocks } from "../runtime";

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

  it("admits SSH only from the bastion's private endpoint, and on ci-agents also from the Jenkins controller's nodes", () => {
    const [bastion] = ofType(prod, "oci:Bastion/bastion:Bastion");
    expect(bastion.inputs.clientCidrBlockAllowLists).toEqual(["198.51.100.0/24", "203.0.113.0/28"]);
    const ssh = rules().filter((r) => r.direction === "INGRESS" && r.port === 22);
    const endpoint = ssh.find((r) => r.sourceType === "CIDR_BLOCK")!.source as string;
    expect(endpoint).toMatch(/^10\.10\.1\.\d+\/32$/);
    expect(ssh.map((r) => [r.nsg, r.source]).sort()).toEqual(
      [
        ["oci-prod-net-ci-agent-nsg-id", "oci-prod-net-node-nsg-id"],
        ["oci-prod-net-ci-agent-nsg-id", endpoint],
        ["oci-prod-net-node-nsg-id", endpoint],
      ].sort(),
    );
  });

  it("keeps CI job VMs out of the cluster's trust zone: their own NSG, which admits only SSH", () => {
    const vms = ofType(prod, INSTANCE);
    const nsgOf = (vm: (typeof vms)[number]) => (vm.inputs.createVnicDetails as { nsgIds: string[] }).nsgIds;
    for (const vm of vms) {
      const role = (vm.inputs.freeformTags as { role: string }).role;
      expect(nsgOf(vm)).toEqual([role === "ci-agent" ? "oci-prod-net-ci-agent-nsg-id" : "oci-prod-net-node-nsg-id"]);
    }
    const ciIngress = rules().filter((r) => r.nsg === "oci-prod-net-ci-agent-nsg-id" && r.direction === "INGRESS");
    expect(ciIngress.every((r) => r.port === 22 && r.protocol === "6")).toBe(true);
    // The all-protocol rule of the cluster admits the node NSG only, which ci-agents are not in.
    const intra = rules().filter((r) => r.nsg === "oci-prod-net-node-nsg-id" && r.protocol === "all" && r.direction === "INGRESS");
    expect(intra.map((r) => r.source)).toEqual(["oci-prod-net-node-nsg-id"]);
    expect(rules().some((r) => r.nsg === "oci-prod-net-node-nsg-id" && r.source === "oci-prod-net-ci-agent-nsg-id")).toBe(false);
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
      // The mocks derive it from the reserved IP's name (src/plan/mocks.ts): somewhere in TEST-NET-3.
      loadBalancerIp: expect.stringMatching(/^203\.0\.113\.\d+$/),
      ports: { http: 30080, https: 30443, health: 30254, healthPath: "/ping" },
      images: { "VM.Standard.E4.Flex": { displayName: "Oracle-Linux-7.9-2025.10.23-0" } },
    });
    expect((staging.outputs.nodeIps as Record<string, string[]>).server).toEqual(["10.20.1.240"]);
  });
});

describe("boot volume against the image", () => {
  it("refuses a boot volume smaller than the image and creates nothing", async () => {
    const cfg = parse("oci-staging", set("image.id", CUSTOM_IMAGE.id));
    onTestFinished(await swapMocks(new PlanMocks(), "ci-infra", "oci-staging"));
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

/** Mocks see secrets in their wire form (`{<secret sig>: <marker>, value}`); the cloud sees the value. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
function unwrapSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (SECRET_SIG in o) return unwrapSecrets(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

describe("bootstrap secrets stay out of instance metadata", () => {
  /** The real (unredacted) inputs the program sends, as the cloud would receive them. */
  class CapturingMocks extends PlanMocks {
    readonly sent: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
    override newResource(args: pulumi.runtime.MockResourceArgs) {
      this.sent.push({ type: args.type, name: args.name, inputs: unwrapSecrets(args.inputs) as Record<string, unknown> });
      return super.newResource(args);
    }
  }
  let sent: CapturingMocks["sent"];
  let restoreMocks = () => {};
  afterAll(() => restoreMocks());
  beforeAll(async () => {
    const mocks = new CapturingMocks();
    restoreMocks = await swapMocks(mocks, "ci-infra", "oci-prod");
    recordRegistrations();
    await pulumi.runtime.runInPulumiStack(async () => (await runProgram(parse("oci-prod"))).outputs);
    await pulumi.runtime.disconnect();
    sent = mocks.sent;
  });
  const userData = (name: string) => Buffer.from((sent.find((r) => r.type === INSTANCE && r.name === name)!.inputs.metadata as { user_data: string }).user_data, "base64").toString("utf8");
  const keyPems = () => sent.filter((r) => r.type === "tls:index/privateKey:PrivateKey").length;

  it("no VM's user_data holds a private key or the server token; the first server holds only Vault secret OCIDs", () => {
    const vms = sent.filter((r) => r.type === INSTANCE).map((r) => r.name);
    expect(vms.length).toBeGreaterThan(3);
    for (const vm of vms.filter((n) => !n.includes("ci-agent"))) expect(userData(vm)).not.toMatch(/BEGIN (RSA |EC )?PRIVATE KEY/);
    const first = userData("oci-prod-server-0");
    const secrets = sent.filter((r) => r.type === "oci:Vault/secret:Secret" && r.name.endsWith("-key"));
    expect(secrets).toHaveLength(6);
    for (const sec of secrets) expect(first).toContain(`fetch '${sec.name}-id' "$dir"/`);
    expect(keyPems()).toBeGreaterThan(0);
  });

  it("the Vault secrets carry the keys (base64 of the PEM) and are protected in prod", () => {
    for (const sec of sent.filter((r) => r.type === "oci:Vault/secret:Secret")) {
      const content = sec.inputs.secretContent as { contentType: string; content: string };
      expect(content.contentType).toBe("BASE64");
      const text = Buffer.from(content.content, "base64").toString("utf8");
      // The CA keys, and the servers' etcd S3 drop-in (the backup writer's key).
      if (sec.name.endsWith("etcd-s3-yaml")) expect(text).toMatch(/^etcd-s3-access-key: \S+\netcd-s3-secret-key: mock-s3-secret-/);
      else expect(text).toMatch(/^-----BEGIN (RSA )?PRIVATE KEY-----/);
    }
    const planned = ofType(prod, "oci:Vault/secret:Secret");
    expect(planned.every((r) => r.protect)).toBe(true);
    expect(planned.every((r) => JSON.stringify(r.inputs.secretContent).includes("[secret]"))).toBe(true);
  });

  it("agents carry the agent token only; servers the server token", () => {
    const agent = userData("oci-prod-agent-0");
    const serverToken = /\n\s+token: (\S+)/.exec(userData("oci-prod-server-0"))![1];
    expect(agent).not.toContain(serverToken);
    expect(agent).toMatch(/token: K10[0-9a-f]{64}::node:/);
    expect(userData("oci-prod-server-1")).toMatch(new RegExp(`token: K10[0-9a-f]{64}::server:${serverToken}`));
  });

  it("only the server instances, by OCID, may read exactly these secrets", () => {
    const [group] = sent.filter((r) => r.type === "oci:Identity/dynamicGroup:DynamicGroup");
    expect(group.inputs.compartmentId).toMatch(/^ocid1\.tenancy\./);
    expect(group.inputs.matchingRule).toBe("Any {instance.id = 'oci-prod-server-0-id', instance.id = 'oci-prod-server-1-id', instance.id = 'oci-prod-server-2-id'}");
    const policy = sent.find((r) => r.type === "oci:Identity/policy:Policy" && (r.inputs.statements as string[])[0].startsWith("Allow dynamic-group"))!;
    const [statement] = policy.inputs.statements as string[];
    const ids = sent.filter((r) => r.type === "oci:Vault/secret:Secret").map((r) => `target.secret.id = '${r.name}-id'`);
    expect(statement).toBe(`Allow dynamic-group ${String(group.inputs.name)} to read secret-bundles in compartment id ${String(policy.inputs.compartmentId)} where any {${ids.join(", ")}}`);
  });

  it("every instance answers only IMDS v2", () => {
    for (const vm of sent.filter((r) => r.type === INSTANCE)) expect(vm.inputs.instanceOptions).toEqual({ areLegacyImdsEndpointsDisabled: true });
  });
});

describe("updates that do not take the platform down", () => {
  it("the bastion's type is spelled as the API returns it, so an `up` does not replace it", () => {
    const [bastion] = ofType(prod, "oci:Bastion/bastion:Bastion");
    expect(bastion.inputs.bastionType).toBe("STANDARD");
  });

  it("the API listener keeps quiet connections (logs -f, watches) for an hour; the ingress listeners keep OCI's default", () => {
    const listeners = ofType(prod, LISTENER);
    expect(listeners.find((l) => l.inputs.name === "kube-api")!.inputs.connectionConfiguration).toEqual({ idleTimeoutInSeconds: "3600" });
    for (const name of ["ingress-http", "ingress-https"]) expect(listeners.find((l) => l.inputs.name === name)!.inputs.connectionConfiguration).toMatchObject({ idleTimeoutInSeconds: "300" });
  });

  it("the shipped stacks pin the image of every shape they use, and nothing newer exists in the fixtures", async () => {
    for (const p of [prod, staging]) {
      const images = p.outputs.images as Record<string, { pinned: boolean; newer?: unknown }>;
      expect(Object.values(images).every((i) => i.pinned && !i.newer)).toBe(true);
    }
  });

  it("a pin behind the newest image keeps the VMs on it and prints the exact command to adopt the newer one", async () => {
    const older = "ocid1.image.oc1.iad.aaaaaaaaol79x86previous0000000000000000000000000000000000000";
    const p = await plan("oci-staging", set("image.pinned", { "VM.Standard.E4.Flex": older }));
    expect(ofType(p, INSTANCE).every((vm) => (vm.inputs.sourceDetails as { sourceId: string }).sourceId === older)).toBe(true);
    const { planWarnings } = await import("../../src/plan/warnings");
    expect(planWarnings(p)).toContain(
      "image for VM.Standard.E4.Flex: Oracle-Linux-7.9-2025.10.23-0 is newer than the pinned one; adopt it with `pulumi config set --path 'ci-infra:image.pinned[\"VM.Standard.E4.Flex\"]' ocid1.image.oc1.iad.aaaaaaaaol79x86newest00000000000000000000000000000000000000`, then `npm run roll -- oci-staging` for each pool on VM.Standard.E4.Flex",
    );
  });

  it("an unpinned shape takes the newest image and the plan says how to pin it", async () => {
    const p = await plan("oci-staging", set("image.pinned", {}));
    const { planWarnings } = await import("../../src/plan/warnings");
    expect(planWarnings(p).find((w) => w.startsWith("image for VM.Standard.E4.Flex is not pinned"))).toContain("ci-infra:image.pinned[\"VM.Standard.E4.Flex\"]' ocid1.image.oc1.iad.aaaaaaaaol79x86newest");
  });

  it("a pin on a shape name that does not exist is a config error", () => {
    expect(() => parse("oci-staging", set("image.pinned", { "VM.Nope": "ocid1.image.oc1.iad.aaaaaaaaol79x86newest00000000000000000000000000000000000000" }))).toThrow(
      /ci-infra:image\.pinned\.VM\.Nope is not a shape name: pin images under one of VM\.Standard\.E4\.Flex, /,
    );
  });
});

describe("client addresses survive the TCP load balancer", () => {
  it("HTTP/HTTPS listeners send PROXY protocol v2; the API listener does not", () => {
    const listeners = ofType(prod, LISTENER);
    for (const name of ["ingress-http", "ingress-https"]) expect(listeners.find((l) => l.inputs.name === name)!.inputs.connectionConfiguration).toMatchObject({ backendTcpProxyProtocolVersion: 2 });
    expect(listeners.find((l) => l.inputs.name === "kube-api")!.inputs.connectionConfiguration).not.toHaveProperty("backendTcpProxyProtocolVersion");
  });

  it("the controller trusts the header from the LB subnet, plus nodes and pod gateways only where kube-proxy rewrites the source (Cluster)", async () => {
    const values = (p: PlanResult) => ofType(p, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "traefik")!.inputs.values as { ports: { web: { proxyProtocol: { trustedIPs: string[] } } } };
    expect(values(prod).ports.web.proxyProtocol.trustedIPs).toEqual(["10.10.0.0/24", "10.10.1.0/24", "10.42.0.0/16"]);
    const local = await plan("oci-prod", set("ingress.externalTrafficPolicy", "Local"));
    expect(values(local).ports.web.proxyProtocol.trustedIPs).toEqual(["10.10.0.0/24"]);
  });
});

describe("what an `up` may replace, as the plan records it", () => {
  it("instances are replaced delete-first and ignore cloud-init, SSH key and image changes (npm run roll applies those)", () => {
    for (const vm of ofType(prod, INSTANCE)) {
      expect(vm.deleteBeforeReplace).toBe(true);
      expect(vm.ignoreChanges).toEqual(["metadata", "sourceDetails.sourceId"]);
    }
  });

  it("the load balancer is replaced delete-first so the reserved IP is free for the new one; the IP ignores the private IP OCI reads back", () => {
    const [lb] = ofType(prod, "oci:LoadBalancer/loadBalancer:LoadBalancer");
    expect(lb.deleteBeforeReplace).toBe(true);
    const [ip] = ofType(prod, "oci:Core/publicIp:PublicIp");
    expect(ip.ignoreChanges).toEqual(["privateIpId"]);
    expect(ip.protect).toBe(true);
  });
});

describe("a VM being rolled takes its current cloud-init, SSH key and image", () => {
  it("only the instance CI_INFRA_ROLL_INSTANCES names drops the ignore (Pulumi would otherwise replace it with the old values)", async () => {
    const saved = process.env.CI_INFRA_ROLL_INSTANCES;
    process.env.CI_INFRA_ROLL_INSTANCES = "oci-prod-agent-1";
    try {
      const p = await plan("oci-prod");
      const byName = Object.fromEntries(ofType(p, INSTANCE).map((vm) => [vm.name, vm]));
      expect(byName["oci-prod-agent-1"].ignoreChanges).toEqual([]);
      expect(byName["oci-prod-agent-0"].ignoreChanges).toEqual(["metadata", "sourceDetails.sourceId"]);
      expect(byName["oci-prod-server-0"].ignoreChanges).toEqual(["metadata", "sourceDetails.sourceId"]);
    } finally {
      if (saved === undefined) delete process.env.CI_INFRA_ROLL_INSTANCES;
      else process.env.CI_INFRA_ROLL_INSTANCES = saved;
    }
  });
});
