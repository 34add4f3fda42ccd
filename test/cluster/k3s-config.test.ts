import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { renderCloudConfig } from "../../src/cloud-init/fragment";
import { hostFragments } from "../../src/cloud-init/roles";
import { serverPrivateIps } from "../../src/cluster/addresses";
import { K3S_CA_FILES, K3sCaFile, k3sConfig, k3sFragments, k3sInstallCommand, K3S_TLS_DIR, nodeBootstrap, POD_CIDR, imdsGuardRule } from "../../src/cluster/k3s-config";
import { renderKubeconfig } from "../../src/cluster/kubeconfig";
import { K3S } from "../../src/versions";
import { cloudInitSchema, hasCloudInit, requireValidators } from "../schema-validators";

const caFiles = Object.fromEntries(K3S_CA_FILES.map((f) => [f, `-----BEGIN X-----\n${f}\n-----END X-----`])) as Record<K3sCaFile, string>;
const first = { token: "tok", tlsSans: ["203.0.113.10", "10.0.1.240"], nodeIp: "10.0.1.240", bootstrap: { kind: "first-server" as const, clusterInit: true, caFiles } };
const docker = { logMaxSize: "50m", logMaxFiles: 5 };

describe("k3s config", () => {
  it("first server of an HA cluster starts embedded etcd, covers the LB IP, disables the bundled ingress and LB", () => {
    expect(k3sConfig(first)).toMatchObject({
      token: "tok",
      "cluster-init": true,
      "tls-san": ["203.0.113.10", "10.0.1.240"],
      disable: ["traefik", "servicelb"],
      "secrets-encryption": true,
      "node-ip": "10.0.1.240",
    });
  });

  it("a single server does not start etcd; joiners point at the first server and never init", () => {
    expect(k3sConfig({ ...first, bootstrap: { ...first.bootstrap, clusterInit: false } })).not.toHaveProperty("cluster-init");
    const join = k3sConfig({ ...first, bootstrap: { kind: "joining-server", serverUrl: "https://10.0.1.240:6443" } });
    expect(join).toMatchObject({ server: "https://10.0.1.240:6443", disable: ["traefik", "servicelb"] });
    expect(join).not.toHaveProperty("cluster-init");
  });

  it("agents only join: server URL and token, no server flags", () => {
    expect(k3sConfig({ token: "tok", tlsSans: [], nodeIp: undefined, bootstrap: { kind: "agent", serverUrl: "https://10.0.1.240:6443" } })).toEqual({ token: "tok", server: "https://10.0.1.240:6443" });
  });

  it("places every CA file k3s looks for, keys 0600, only on the first server", () => {
    const files = k3sFragments(first).flatMap((f) => f.writeFiles ?? []);
    for (const f of K3S_CA_FILES) {
      const w = files.find((x) => x.path === `${K3S_TLS_DIR}/${f}`)!;
      expect(w.content).toContain(f);
      expect(w.permissions).toBe(f.endsWith(".key") ? "0600" : "0644");
    }
    const joinFiles = k3sFragments({ ...first, bootstrap: { kind: "joining-server", serverUrl: "https://x:6443" } }).flatMap((f) => f.writeFiles ?? []);
    expect(joinFiles.some((w) => w.path.startsWith(K3S_TLS_DIR))).toBe(false);
    expect(files.find((w) => w.path === "/etc/rancher/k3s/config.yaml")!.permissions).toBe("0600");
  });

  it("installs the pinned release with the installer of that very tag", () => {
    const cmd = k3sInstallCommand("first-server");
    expect(cmd).toContain(`INSTALL_K3S_VERSION='${K3S.version}'`);
    expect(cmd).toContain(`/k3s-io/k3s/${encodeURIComponent(K3S.version)}/install.sh`);
    expect(cmd).not.toContain("get.k3s.io");
    expect(k3sInstallCommand("agent")).toContain("INSTALL_K3S_EXEC='agent'");
  });

  /** Whether an iptables rule spec (`FORWARD -s .. -d .. -p tcp --dport 80 -j DROP`) matches a packet. */
  function ruleMatches(rule: string, packet: { src: string; dst: string; proto: "tcp" | "udp"; dport: number }): boolean {
    const args = rule.split(/\s+/);
    const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
    if (opt("-s") && opt("-s") !== POD_CIDR) throw new Error(`unexpected source ${opt("-s")}`);
    if (opt("-d") !== "169.254.169.254/32" || packet.dst !== "169.254.169.254") return false;
    if (opt("-p") && opt("-p") !== packet.proto) return false;
    const ports = opt("--dport") ?? opt("--dports");
    return ports === undefined || ports.split(",").map(Number).includes(packet.dport);
  }

  it("keeps pods away from the metadata service, not from the VCN resolver or NTP on the same address", () => {
    const unit = k3sFragments(first).flatMap((f) => f.writeFiles ?? []).find((w) => w.path.endsWith("ci-infra-imds-guard.service"))!;
    const rule = /iptables -I (FORWARD [^'|]+)'/.exec(unit.content)?.[1]?.trim();
    expect(rule).toBe(imdsGuardRule());
    const from = { src: "10.42.3.7", dst: "169.254.169.254" };
    expect(ruleMatches(rule!, { ...from, proto: "tcp", dport: 80 })).toBe(true);
    for (const [proto, dport] of [["udp", 53], ["tcp", 53], ["udp", 123]] as const) expect(ruleMatches(rule!, { ...from, proto, dport })).toBe(false);
    // The old rule (every port) is what this guards against: it dropped pods' DNS.
    expect(ruleMatches(`FORWARD -s ${POD_CIDR} -d 169.254.169.254/32 -j DROP`, { ...from, proto: "udp", dport: 53 })).toBe(true);
    expect(unit.content).toContain("Before=k3s.service k3s-agent.service");
  });
});

describe("which node does what", () => {
  const cluster = { token: "tok", apiAddress: "203.0.113.10", serverIps: ["10.0.1.240", "10.0.1.241", "10.0.1.242"], caFiles };

  it("the first server initialises etcd from the CAs; the others, and agents, join it on 6443", () => {
    expect(nodeBootstrap(cluster, "server", 0)).toEqual({ token: "tok", tlsSans: ["203.0.113.10", ...cluster.serverIps], nodeIp: "10.0.1.240", bootstrap: { kind: "first-server", clusterInit: true, caFiles } });
    expect(nodeBootstrap(cluster, "server", 2)).toMatchObject({ nodeIp: "10.0.1.242", bootstrap: { kind: "joining-server", serverUrl: "https://10.0.1.240:6443" } });
    expect(nodeBootstrap(cluster, "agent", 5)).toMatchObject({ nodeIp: undefined, bootstrap: { kind: "agent", serverUrl: "https://10.0.1.240:6443" } });
  });

  it("a single server keeps the default datastore", () => {
    expect(nodeBootstrap({ ...cluster, serverIps: ["10.0.1.240"] }, "server", 0).bootstrap).toMatchObject({ kind: "first-server", clusterInit: false });
  });
});

describe("server addresses", () => {
  it("sit at the top of the node subnet", () => {
    expect(serverPrivateIps("10.0.1.0/24", 3)).toEqual(["10.0.1.240", "10.0.1.241", "10.0.1.242"]);
    expect(serverPrivateIps("10.8.0.0/22", 1)).toEqual(["10.8.3.240"]);
  });
});

describe("admin kubeconfig", () => {
  it("verifies the server with the cluster CA and authenticates with the client certificate", () => {
    const kc = parseYaml(renderKubeconfig({ name: "oci-prod", server: "https://203.0.113.10:6443", caCertPem: "CA", clientCertPem: "CERT", clientKeyPem: "KEY" }));
    expect(kc.clusters[0].cluster).toEqual({ server: "https://203.0.113.10:6443", "certificate-authority-data": Buffer.from("CA").toString("base64") });
    expect(JSON.stringify(kc)).not.toContain("insecure-skip-tls-verify");
    expect(kc.users[0].user).toEqual({ "client-certificate-data": Buffer.from("CERT").toString("base64"), "client-key-data": Buffer.from("KEY").toString("base64") });
    expect(kc["current-context"]).toBe("oci-prod");
  });
});

describe("cloud-init schema of the bootstrapped nodes", () => {
  const available = hasCloudInit();
  if (!available && requireValidators) it("has the cloud-init validator (CI=true requires it)", () => { throw new Error("cloud-init is not installed"); });
  it.skipIf(!available).each([
    ["first server", first],
    ["joining server", { ...first, bootstrap: { kind: "joining-server" as const, serverUrl: "https://10.0.1.240:6443" } }],
    ["agent", { ...first, nodeIp: undefined, bootstrap: { kind: "agent" as const, serverUrl: "https://10.0.1.240:6443" } }],
  ])("%s", (_n, args) => {
    const r = cloudInitSchema(renderCloudConfig([...hostFragments("server", docker), ...k3sFragments(args)]));
    expect(r.output).toContain("Valid cloud-config");
  });
});
