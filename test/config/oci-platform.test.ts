import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/base/errors";
import { parseStackConfig, SECRET_KEYS } from "../../src/config";
import { parse, problems, rawConfig, set } from "../helpers";

describe("shipped stacks", () => {
  it.each(["oci-staging", "oci-prod"])("%s is valid", (stack) => {
    expect(problems(() => parse(stack))).toEqual([]);
  });

  it("prod runs at least 3 servers across fault domains, staging a small single server", () => {
    const prod = parse("oci-prod");
    const staging = parse("oci-staging");
    if (prod.program !== "oci-platform" || staging.program !== "oci-platform") throw new Error("wrong program");
    expect(prod.settings.nodes.server.count).toBeGreaterThanOrEqual(3);
    expect(staging.settings.nodes.server.count).toBe(1);
    expect(staging.settings.nodes.server.ocpus).toBeLessThanOrEqual(2);
  });

  it("defaults the NodePort contract to 30080/30443/30254 and traefik's /ping", () => {
    const c = parse("oci-staging");
    if (c.program !== "oci-platform") throw new Error("wrong program");
    expect(c.settings.ingress).toMatchObject({ httpNodePort: 30080, httpsNodePort: 30443, healthNodePort: 30254, controller: "traefik", healthPath: "/ping" });
  });

  it("follows the controller for the health path unless set", () => {
    const nginx = parse("oci-staging", set("ingress.controller", "ingress-nginx"));
    const custom = parse("oci-staging", set("ingress.healthPath", "/ready"));
    if (nginx.program !== "oci-platform" || custom.program !== "oci-platform") throw new Error("wrong program");
    expect(nginx.settings.ingress.healthPath).toBe("/healthz");
    expect(custom.settings.ingress.healthPath).toBe("/ready");
  });
});

// One bad value each; the exact line a user sees.
const BAD: [string, ReturnType<typeof set>, string][] = [
  ["NodePort below range", set("ingress.httpNodePort", 80), "ci-infra:ingress.httpNodePort must be within 30000-32767 (got 80)"],
  ["NodePort above range", set("ingress.healthNodePort", 40000), "ci-infra:ingress.healthNodePort must be within 30000-32767 (got 40000)"],
  ["NodePort not a number", set("ingress.httpsNodePort", "443x"), 'ci-infra:ingress.httpsNodePort must be a number (got "443x")'],
  ["NodePorts collide", set("ingress.healthNodePort", 30080), "ci-infra:ingress.healthNodePort must differ from httpNodePort (both are 30080) (got 30080)"],
  ["unknown controller", set("ingress.controller", "nginx"), 'ci-infra:ingress.controller must be one of traefik, ingress-nginx (got "nginx")'],
  ["relative health path", set("ingress.healthPath", "ping"), 'ci-infra:ingress.healthPath must be an absolute URL path such as /ping (got "ping")'],
  ["SSH open to the internet", set("network.adminCidrs", ["0.0.0.0/0"]), 'ci-infra:network.adminCidrs[0] must not open SSH or the Kubernetes API to the internet (0.0.0.0/0 or any prefix shorter than /8); list your office/VPN ranges (got "0.0.0.0/0")'],
  ["no admin CIDR", set("network.adminCidrs", []), "ci-infra:network.adminCidrs must list at least one CIDR (got [])"],
  ["host bits in CIDR", set("network.nodeSubnetCidr", "10.20.1.5/24"), 'ci-infra:network.nodeSubnetCidr must be an IPv4 network in CIDR notation with no host bits set, e.g. 10.0.1.0/24 (got "10.20.1.5/24")'],
  ["subnet outside VCN", set("network.nodeSubnetCidr", "10.30.1.0/24"), 'ci-infra:network.nodeSubnetCidr must lie inside vcnCidr 10.20.0.0/16 (got "10.30.1.0/24")'],
  ["overlapping subnets", set("network.nodeSubnetCidr", "10.20.0.0/23"), 'ci-infra:network.nodeSubnetCidr must not overlap lbSubnetCidr 10.20.0.0/24 (got "10.20.0.0/23")'],
  ["even server count", set("nodes.server.count", 2), "ci-infra:nodes.server.count must be odd (1, 3, 5 or 7): embedded etcd needs a majority to survive a lost server (got 2)"],
  ["negative agent count", set("nodes.agent.count", -1), "ci-infra:nodes.agent.count must be within 0-100 (got -1)"],
  ["unknown shape", set("nodes.ciAgent.shape", "VM.Huge"), 'ci-infra:nodes.ciAgent.shape must be one of VM.Standard.E4.Flex, VM.Standard.E5.Flex, VM.Standard3.Flex, VM.Standard.A1.Flex, VM.Standard.E2.1.Micro, VM.Standard2.1, VM.Standard2.2, VM.Standard2.4 (got "VM.Huge")'],
  ["memory per OCPU too high", set("nodes.ciAgent.memoryGbs", 200), "ci-infra:nodes.ciAgent.memoryGbs must be 1-64 GB per OCPU and at most 1024 GB for VM.Standard.E4.Flex with 2 OCPUs (got 200)"],
  ["OCPUs on a fixed shape", (v) => { set("nodes.ciAgent.shape", "VM.Standard2.1")(v); set("nodes.ciAgent.memoryGbs", undefined)(v); }, "ci-infra:nodes.ciAgent.ocpus must not be set: VM.Standard2.1 is a fixed shape (1 OCPU, 15 GB) (got 2)"],
  ["boot volume below OCI minimum", set("nodes.server.bootVolumeGbs", 20), "ci-infra:nodes.server.bootVolumeGbs must be within 50-32768 (got 20)"],
  ["other Oracle Linux release", set("image.version", "8.10"), 'ci-infra:image.version must be "7.9": the Oracle Linux release whose Docker setup this platform installs (got "8.10")'],
  ["bad image OCID", set("image.id", "ami-123"), 'ci-infra:image.id must be an OCID of kind image (ocid1.image.oc1..<id>) (got "ami-123")'],
  ["domain with uppercase", set("domain", "CI.Example.org"), 'ci-infra:domain must be a lowercase DNS name of at least two labels, letters, digits and \'-\' only, e.g. ci.example.org (got "CI.Example.org")'],
  ["single-label domain", set("domain", "localhost"), 'ci-infra:domain must be a lowercase DNS name of at least two labels, letters, digits and \'-\' only, e.g. ci.example.org (got "localhost")'],
  ["LB bandwidth inverted", set("loadBalancer.minBandwidthMbps", 100), "ci-infra:loadBalancer.maxBandwidthMbps must be at least minBandwidthMbps 100 (got 10)"],
  ["slow dead-node detection", set("loadBalancer.healthCheck.intervalMs", 20000), "ci-infra:loadBalancer.healthCheck.retries with intervalMs 20000 and timeoutMs 3000 takes 63000 ms to drop a dead node; keep retries*intervalMs+timeoutMs <= 30000 (got 3, the default)"],
  ["typo in a key", set("ingress.httpNodeport", 30080), "ci-infra:ingress.httpNodeport is not a known key (known keys here: controller, httpNodePort, httpsNodePort, healthNodePort, externalTrafficPolicy, replicas, healthPath)"],
  ["unknown top-level key", set("ingres", "{}"), "ci-infra:ingres is not a known key (known keys here: program, oci, domain, network, image, nodes, docker, ingress, loadBalancer, protect, cluster, tls, rancher, jenkins, grafana, prometheus, githubBot, longhorn, matrixTargets)"],
  ["bad SSH key", set("nodes.sshPublicKey", "not-a-key"), 'ci-infra:nodes.sshPublicKey must be an OpenSSH public key line (ssh-ed25519 AAAA... comment) (got "not-a-key")'],
  ["missing compartment", set("oci.compartmentId", undefined), "ci-infra:oci.compartmentId is required: it must be an OCID string"],
];

describe("invalid config", () => {
  it.each(BAD)("%s", (_name, edit, message) => {
    expect(problems(() => parse("oci-staging", edit))).toEqual([message]);
  });

  it("reports every problem at once, not just the first", () => {
    const p = problems(() => parse("oci-staging", set("ingress.httpNodePort", 80), set("domain", "x")));
    expect(p).toHaveLength(2);
  });

  it("names the program key when the program is unknown", () => {
    expect(problems(() => parse("oci-staging", set("program", "aws-platform")))).toEqual([
      'ci-infra:program must be one of oci-platform, kops-ci (got "aws-platform")',
    ]);
  });

  it("never prints the value of a key set with --secret", () => {
    const raw = rawConfig("oci-staging", set("nodes.sshPublicKey", "hunter2-topsecret"));
    // As under `pulumi up`: values decrypted, and the stack file holds none of them in plaintext.
    const secretRaw = { values: raw.values, secretKeys: new Set([...raw.secretKeys, "ci-infra:nodes"]), plaintextLeaves: new Set<string>() };
    const err = (() => {
      try {
        parseStackConfig(secretRaw, "oci-staging");
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error("expected a ConfigError");
    })();
    expect(err.message).not.toContain("hunter2");
    expect(err.problems[0]).toContain("(got [secret])");
  });
});

describe("node subnet capacity", () => {
  it("refuses more DHCP VMs than the node subnet holds, and accepts them in a wider one", () => {
    expect(problems(() => parse("oci-staging", set("nodes.ciAgent.count", 300)))).toEqual([
      "ci-infra:nodes.ciAgent.count with 0 agents does not fit the node subnet 10.20.1.0/24: room for 238 agent and ci-agent VMs; widen network.nodeSubnetCidr (got 300)",
    ]);
    expect(problems(() => parse("oci-staging", set("nodes.ciAgent.count", 300), set("network.nodeSubnetCidr", "10.20.4.0/22")))).toEqual([]);
  });
});

describe("secret fields", () => {
  it("are found in the schema itself, so a new secret cannot be forgotten in a list", () => {
    expect(SECRET_KEYS["oci-platform"]).toEqual([
      ["tls", "certificate"],
      ["tls", "privateKey"],
      ["grafana", "alertWebhookUrl"],
      ["githubBot", "githubToken"],
      ["longhorn", "backup", "accessKeyId"],
      ["longhorn", "backup", "secretAccessKey"],
    ]);
    expect(SECRET_KEYS["kops-ci"]).toEqual([]);
  });

  it("refuses any of them set in plaintext", () => {
    expect(problems(() => parse("oci-staging", set("grafana.alertWebhookUrl", "https://hooks.example.org/x")))).toEqual([
      "ci-infra:grafana.alertWebhookUrl must be set with `pulumi config set --secret --path 'grafana.alertWebhookUrl' ...`: a plaintext secret would be committed in the stack file",
    ]);
  });
});
