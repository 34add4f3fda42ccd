import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { renderCloudConfig } from "../../src/cloud-init/fragment";
import { hostFragments } from "../../src/cloud-init/roles";
import { serverPrivateIps } from "../../src/config/addresses";
import { createHash } from "node:crypto";
import {
  FETCH_SECRETS_PATH,
  fetchCaKeysScript,
  JOIN_OR_INIT_PATH,
  REJOIN_CONFIG_PATH,
  K3S_CA_CERT_FILES,
  K3S_CA_KEY_FILES,
  K3sCaCertFile,
  K3sCaKeyFile,
  k3sConfig,
  k3sFragments,
  k3sInstallCommand,
  K3S_TLS_DIR,
  nodeBootstrap,
  POD_CIDR,
  secureToken,
} from "../../src/cluster/k3s-config";
import { NODE_OS } from "../../src/compat/node-os";
import { renderKubeconfig } from "../../src/cluster/kubeconfig";
import { K3S } from "../../src/versions";
import { cloudInitSchema, hasCloudInit, requireValidators } from "../schema-validators";

const caCerts = Object.fromEntries(K3S_CA_CERT_FILES.map((f) => [f, `-----BEGIN CERTIFICATE-----\n${f}\n-----END CERTIFICATE-----\n`])) as Record<K3sCaCertFile, string>;
const secretIds = Object.fromEntries(K3S_CA_KEY_FILES.map((f) => [f, `ocid1.vaultsecret.oc1.iad.${f.replace(/\W/g, "")}`])) as Record<K3sCaKeyFile, string>;
const caKeys = { secretIds, region: "us-ashburn-1" };
const host = { kubeletArgs: ["fail-cgroupv1=false"], selinux: true, ociCliPackage: "python36-oci-cli" };
const cluster = { token: "srv-tok", agentToken: "agent-tok", apiAddress: "203.0.113.10", serverIps: ["10.0.1.240", "10.0.1.241", "10.0.1.242"], caCerts, caKeys };
const first = nodeBootstrap(cluster, "server", 0, host);
const joining = nodeBootstrap(cluster, "server", 1, host);
const agent = nodeBootstrap(cluster, "agent", 0, host);
const docker = { logMaxSize: "50m", logMaxFiles: 5 };
const os = NODE_OS["oracle-linux-7.9"];
const caHash = createHash("sha256").update(caCerts["server-ca.crt"]).digest("hex");

describe("k3s config", () => {
  it("first server of an HA cluster starts embedded etcd, covers the LB IP, disables the bundled ingress and LB", () => {
    expect(k3sConfig(first)).toMatchObject({
      token: "srv-tok",
      "agent-token": "agent-tok",
      "cluster-init": true,
      "tls-san": ["203.0.113.10", "10.0.1.240", "10.0.1.241", "10.0.1.242"],
      disable: ["traefik", "servicelb"],
      "secrets-encryption": true,
      "node-ip": "10.0.1.240",
    });
  });

  it("every node tells the kubelet what its OS needs, and runs with SELinux where the policy is installed", () => {
    for (const a of [first, joining, agent]) expect(k3sConfig(a)).toMatchObject({ "kubelet-arg": ["fail-cgroupv1=false"], selinux: true });
    const plain = nodeBootstrap(cluster, "agent", 0, { ...host, kubeletArgs: [], selinux: false });
    expect(k3sConfig(plain)).not.toHaveProperty("kubelet-arg");
    expect(k3sConfig(plain)).not.toHaveProperty("selinux");
  });

  it("a single server does not start etcd; joiners point at the first server and never init", () => {
    expect(k3sConfig(nodeBootstrap({ ...cluster, serverIps: ["10.0.1.240"] }, "server", 0, host))).not.toHaveProperty("cluster-init");
    const join = k3sConfig(joining);
    expect(join).toMatchObject({ server: "https://10.0.1.240:6443", disable: ["traefik", "servicelb"], "agent-token": "agent-tok" });
    expect(join).not.toHaveProperty("cluster-init");
  });

  it("joiners verify the server: the secure token carries the sha256 of server-ca.crt as placed on the first server", () => {
    expect(k3sConfig(joining).token).toBe(`K10${caHash}::server:srv-tok`);
    // The CA file's bytes are what /cacerts serves, so the hash is of exactly the file written.
    const placed = k3sFragments(first).flatMap((f) => f.writeFiles ?? []).find((w) => w.path === `${K3S_TLS_DIR}/server-ca.crt`)!;
    expect(createHash("sha256").update(placed.content).digest("hex")).toBe(caHash);
    expect(secureToken("other CA\n", "server", "srv-tok")).not.toBe(k3sConfig(joining).token);
  });

  it("agents join with the agent token only: server URL and the node user's secure token, no server flags", () => {
    const cfg = k3sConfig(agent);
    expect(cfg).toEqual({ token: `K10${caHash}::node:agent-tok`, server: "https://10.0.1.240:6443", "kubelet-arg": ["fail-cgroupv1=false"], selinux: true });
    expect(JSON.stringify(k3sFragments(agent))).not.toContain("srv-tok");
  });

  it("the first server gets the CA certificates as files and only OCIDs for the keys, which it reads from Vault before k3s starts", () => {
    const frags = k3sFragments(first);
    const files = frags.flatMap((f) => f.writeFiles ?? []);
    for (const f of K3S_CA_CERT_FILES) expect(files.find((x) => x.path === `${K3S_TLS_DIR}/${f}`)?.content).toBe(caCerts[f]);
    for (const f of K3S_CA_KEY_FILES) expect(files.some((x) => x.path === `${K3S_TLS_DIR}/${f}`)).toBe(false);
    const script = files.find((x) => x.path === FETCH_SECRETS_PATH)!;
    expect(script.permissions).toBe("0700");
    for (const f of K3S_CA_KEY_FILES) expect(script.content).toContain(`fetch '${secretIds[f]}' "$dir"/'${f}'`);
    expect(script.content).toContain(`dir="\${1:-${K3S_TLS_DIR}}"`);
    expect(script.content).toContain("--auth instance_principal --region 'us-ashburn-1'");
    // The OCI CLI in a yum call of its own, in the chain: a missing package fails k3s, not Docker.
    expect(frags.flatMap((f) => f.packages ?? [])).not.toContain("python36-oci-cli");
    expect(frags.flatMap((f) => f.runcmd ?? []).find((c) => c.includes("k3s-install.sh"))).toContain(`yum install -y python36-oci-cli && ${FETCH_SECRETS_PATH} && `);
    // k3s must not start without the keys: it would make CAs Pulumi does not know.
    const install = frags.flatMap((f) => f.runcmd ?? []).find((c) => c.includes("k3s-install.sh"))!;
    expect(install.indexOf(`${FETCH_SECRETS_PATH} && `)).toBeGreaterThanOrEqual(0);
    expect(install.indexOf(FETCH_SECRETS_PATH)).toBeLessThan(install.indexOf("k3s-install.sh"));
  });

  it("a replaced first server of an HA cluster joins a running peer instead of initialising a second cluster", () => {
    const files = k3sFragments(first).flatMap((f) => f.writeFiles ?? []);
    const script = files.find((w) => w.path === JOIN_OR_INIT_PATH)!.content;
    expect(script).toContain("for ip in '10.0.1.241' '10.0.1.242'; do");
    expect(script).toContain('curl -sfk --max-time 5 "https://$ip:6443/cacerts"');
    const rejoin = parseYaml(files.find((w) => w.path === REJOIN_CONFIG_PATH)!.content);
    expect(rejoin).toMatchObject({ server: "https://__PEER__:6443", token: `K10${caHash}::server:srv-tok`, "agent-token": "agent-tok" });
    expect(rejoin).not.toHaveProperty("cluster-init");
    const install = k3sFragments(first).flatMap((f) => f.runcmd ?? []).find((c) => c.includes("k3s-install.sh"))!;
    expect(install.indexOf(JOIN_OR_INIT_PATH)).toBeLessThan(install.indexOf("k3s-install.sh"));
    // A single server has nobody to join: no probe.
    const single = nodeBootstrap({ ...cluster, serverIps: ["10.0.1.240"] }, "server", 0, host);
    expect(k3sFragments(single).flatMap((f) => f.writeFiles ?? []).some((w) => w.path === JOIN_OR_INIT_PATH)).toBe(false);
  });

  it("the fetch script stops at the first failure (set -e) and replaces a file only once it is decoded whole", () => {
    const script = fetchCaKeysScript(caKeys);
    expect(script).toMatch(/^#!\/bin\/bash\nset -euo pipefail/);
    expect(script).toContain('base64 -d > "$dest.tmp"');
    expect(script).toContain('mv "$dest.tmp" "$dest"');
  });

  it("joiners and agents get no CA material and no key fetcher", () => {
    for (const a of [joining, agent]) {
      const files = k3sFragments(a).flatMap((f) => f.writeFiles ?? []);
      expect(files.some((w) => w.path.startsWith(K3S_TLS_DIR) || w.path === FETCH_SECRETS_PATH)).toBe(false);
    }
    expect(k3sFragments(first).flatMap((f) => f.writeFiles ?? []).find((w) => w.path === "/etc/rancher/k3s/config.yaml")!.permissions).toBe("0600");
  });

  it("installs the pinned EL7 SELinux policy itself, before k3s, and tells the installer to skip its own", () => {
    const install = k3sFragments(agent).flatMap((f) => f.runcmd ?? []).find((c) => c.includes("k3s-install.sh"))!;
    expect(install).toMatch(/^yum install -y k3s-selinux-1\.6-1\.el7 && /);
    expect(install).toContain("INSTALL_K3S_SKIP_SELINUX_RPM=true");
    const repo = k3sFragments(agent).flatMap((f) => f.writeFiles ?? []).find((w) => w.path.endsWith(".repo"))!;
    expect(repo.content).toContain("baseurl=https://rpm.rancher.io/k3s/stable/common/centos/7/noarch");
    expect(repo.content).toContain("gpgcheck=1");
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
    expect(rule).toBeDefined();
    const from = { src: "10.42.3.7", dst: "169.254.169.254" };
    expect(ruleMatches(rule!, { ...from, proto: "tcp", dport: 80 })).toBe(true);
    for (const [proto, dport] of [["udp", 53], ["tcp", 53], ["udp", 123]] as const) expect(ruleMatches(rule!, { ...from, proto, dport })).toBe(false);
    // The old rule (every port) is what this guards against: it dropped pods' DNS.
    expect(ruleMatches(`FORWARD -s ${POD_CIDR} -d 169.254.169.254/32 -j DROP`, { ...from, proto: "udp", dport: 53 })).toBe(true);
    expect(unit.content).toContain("Before=k3s.service k3s-agent.service");
  });
});

describe("which node does what", () => {
  it("the first server initialises etcd from the CAs; the others, and agents, join it on 6443", () => {
    expect(first).toMatchObject({ token: "srv-tok", nodeIp: "10.0.1.240", bootstrap: { kind: "first-server", clusterInit: true, caCerts, caKeys } });
    expect(nodeBootstrap(cluster, "server", 2, host)).toMatchObject({ nodeIp: "10.0.1.242", bootstrap: { kind: "joining-server", serverUrl: "https://10.0.1.240:6443" } });
    expect(nodeBootstrap(cluster, "agent", 5, host)).toMatchObject({ nodeIp: undefined, bootstrap: { kind: "agent", serverUrl: "https://10.0.1.240:6443" } });
  });

  it("a single server keeps the default datastore", () => {
    expect(nodeBootstrap({ ...cluster, serverIps: ["10.0.1.240"] }, "server", 0, host).bootstrap).toMatchObject({ kind: "first-server", clusterInit: false });
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
    ["joining server", joining],
    ["agent", agent],
  ])("%s", (_n, args) => {
    const r = cloudInitSchema(renderCloudConfig([...hostFragments("server", docker, os), ...k3sFragments(args)]));
    expect(r.output).toContain("Valid cloud-config");
  });
});
