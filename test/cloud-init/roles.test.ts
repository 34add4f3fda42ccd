import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { renderNodeCloudInit, NODE_ROLES } from "../../src/cloud-init/roles";
import { renderCloudConfig } from "../../src/cloud-init/fragment";
import { NODE_OS, NodeOsFacts } from "../../src/compat/node-os";
import { DOCKER_EL7_REQUIRES, LONGHORN_HOST } from "../../src/compat/requirements";
import { JAVA_PACKAGE } from "../../src/cloud-init/jenkins-agent";
import { jenkinsAgentFragment } from "../../src/cloud-init/jenkins-agent";
import { CHARTS, DOCKER } from "../../src/versions";
import { cloudInitSchema, hasCloudInit, requireValidators } from "../schema-validators";

const docker = { logMaxSize: "50m", logMaxFiles: 5 };
const os = NODE_OS["oracle-linux-7.9"];
const doc = (role: (typeof NODE_ROLES)[number], o: NodeOsFacts = os) => parseYaml(renderNodeCloudInit(role, docker, o));
const file = (d: { write_files: { path: string; content: string }[] }, path: string) => d.write_files.find((f) => f.path === path)?.content;

describe("Docker on Oracle Linux 7.9", () => {
  it.each(NODE_ROLES)("%s: installs the pinned engine from a repo whose baseurl spells out 7", (role) => {
    const d = doc(role);
    const repo = file(d, "/etc/yum.repos.d/docker-ce.repo")!;
    expect(repo).toContain("baseurl=https://download.docker.com/linux/centos/7/$basearch/stable");
    expect(repo).not.toContain("$releasever");
    expect(repo).toContain("gpgcheck=1");
    expect(d.packages).toContainEqual(["docker-ce", `${DOCKER.version}-1.el7`]);
    expect(d.packages).toContainEqual(["docker-ce-cli", `${DOCKER.version}-1.el7`]);
    expect(d.packages).toContainEqual(["containerd.io", DOCKER.containerdPackage]);
    expect(d.runcmd).toContain("systemctl enable --now docker");
    // EL7 rpm has no weak dependencies: docker-ce hard-requires the rootless extras, pinned with it.
    expect(d.packages).toContainEqual(["docker-ce-rootless-extras", `${DOCKER.version}-1.el7`]);
    expect(d.runcmd).toContain("yum versionlock add docker-ce docker-ce-cli docker-ce-rootless-extras containerd.io");
    // Pins hold only if nothing upgrades at boot.
    expect(d.package_upgrade).toBe(false);
  });

  it("daemon.json rotates logs and keeps containers alive across daemon restarts", () => {
    const cfg = JSON.parse(file(doc("ci-agent"), "/etc/docker/daemon.json")!);
    // Exactly these keys: dockerd refuses to start on a key it does not know.
    expect(cfg).toEqual({ "log-driver": "json-file", "log-opts": { "max-size": "50m", "max-file": "5" }, "live-restore": true });
  });

  it.each(NODE_ROLES)("%s: enables, before the package step, every repo Docker's EL7 dependencies come from", (role) => {
    const enable = doc(role).bootcmd.join("\n");
    for (const pkg of DOCKER_EL7_REQUIRES.packages) {
      const repo = os.repos.find((r) => r.for.includes(pkg));
      expect(repo, `no repository provides ${pkg}`).toBeDefined();
      expect(enable).toMatch(new RegExp(`yum-config-manager --enable .*\\b${repo!.id}\\b`));
    }
    // Without ol7_developer (the first build's bug) slirp4netns and fuse-overlayfs do not resolve.
    const without = { ...os, repos: os.repos.filter((r) => r.id !== "ol7_developer") };
    expect(doc(role, without).bootcmd.join("\n")).not.toContain("ol7_developer");
  });

  it.each(NODE_ROLES)("%s: firewalld is settled before Docker starts (a later firewalld change flushes Docker's chains)", (role) => {
    const run: string[] = doc(role).runcmd;
    const firewall = run.findIndex((c) => c.includes("firewalld"));
    expect(firewall).toBeGreaterThanOrEqual(0);
    expect(firewall).toBeLessThan(run.indexOf("systemctl enable --now docker"));
    expect(run.slice(run.indexOf("systemctl enable --now docker")).some((c) => c.includes("firewall"))).toBe(false);
  });
});

describe("Longhorn prerequisites and firewall", () => {
  it.each(["server", "agent"] as const)("%s: every package and module Longhorn 1.12's preflight checks, iscsid running, firewalld off", (role) => {
    const d = doc(role);
    expect(d.packages).toEqual(expect.arrayContaining(["iscsi-initiator-utils", "nfs-utils", "cryptsetup", "device-mapper"]));
    expect(LONGHORN_HOST.packages.every((p) => d.packages.includes(p))).toBe(true);
    expect(d.runcmd).toEqual(expect.arrayContaining(["modprobe iscsi_tcp", "modprobe dm_crypt", "systemctl enable --now iscsid", "systemctl disable --now firewalld || true"]));
    expect(file(d, "/etc/modules-load.d/longhorn.conf")).toBe("iscsi_tcp\ndm_crypt\n");
  });

  it("ci-agent: no storage packages, firewalld kept with SSH", () => {
    const d = doc("ci-agent");
    expect(d.packages).not.toContain("iscsi-initiator-utils");
    expect(d.runcmd).toContain("systemctl enable --now firewalld");
    expect(d.runcmd.join("\n")).not.toContain("disable --now firewalld");
  });
});

describe("Jenkins agent VMs", () => {
  const keys = { controllerPublicKey: "ssh-ed25519 AAAA c", hostPrivateKey: "k", hostPublicKey: "ecdsa-sha2-nistp256 AAAA" };
  it("install the Java the pinned Jenkins needs on agents (2.568.x: 21), from Adoptium's EL7 repo", () => {
    expect(CHARTS.jenkins.appVersion).toMatch(/^2\.5[6-9]\d\./);
    expect(JAVA_PACKAGE).toBe("temurin-21-jdk");
    const f = jenkinsAgentFragment(keys);
    expect(f.packages).toContain("temurin-21-jdk");
    expect(f.writeFiles!.find((w) => w.path === "/etc/yum.repos.d/adoptium.repo")!.content).toContain("baseurl=https://packages.adoptium.net/artifactory/rpm/rhel/7/$basearch");
  });
});

describe("fragments", () => {
  it("appends extra fragments after the host setup, keeping order", () => {
    const text = renderNodeCloudInit("server", docker, os, [{ runcmd: ["echo bootstrap"] }]);
    const run = parseYaml(text).runcmd as string[];
    expect(run[run.length - 1]).toBe("echo bootstrap");
    expect(run.indexOf("systemctl enable --now docker")).toBeLessThan(run.indexOf("echo bootstrap"));
  });
});

describe("cloud-init's own schema", () => {
  const available = hasCloudInit();
  if (!available && requireValidators) {
    it("has the cloud-init validator (CI=true requires it)", () => {
      throw new Error("cloud-init is not installed: .ci/run installs it with apt-get");
    });
  }
  it.skipIf(!available).each(NODE_ROLES)("%s cloud-config is valid", (role) => {
    const r = cloudInitSchema(renderNodeCloudInit(role, docker, os));
    expect(r.output).toContain("Valid cloud-config");
    expect(r.ok).toBe(true);
  });
  it.skipIf(!available)("rejects a broken document (the validator can fail)", () => {
    const broken = renderCloudConfig([{ runcmd: ["true"] }]).replace("runcmd:", "runcmd: 5\nbogus_key_that_is_not_a_module:");
    expect(cloudInitSchema(broken).ok).toBe(false);
  });
});
