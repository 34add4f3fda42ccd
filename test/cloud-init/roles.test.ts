import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { dockerDaemonConfig } from "../../src/cloud-init/docker";
import { renderNodeCloudInit, NODE_ROLES } from "../../src/cloud-init/roles";
import { renderCloudConfig } from "../../src/cloud-init/fragment";
import { DOCKER } from "../../src/versions";
import { cloudInitSchema, hasCloudInit, requireValidators } from "../schema-validators";

const docker = { logMaxSize: "50m", logMaxFiles: 5 };
const doc = (role: (typeof NODE_ROLES)[number]) => parseYaml(renderNodeCloudInit(role, docker));
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
    expect(d.runcmd).toContain("yum versionlock add docker-ce docker-ce-cli containerd.io");
    // Pins hold only if nothing upgrades at boot.
    expect(d.package_upgrade).toBe(false);
  });

  it("daemon.json rotates logs and keeps containers alive across daemon restarts", () => {
    const cfg = JSON.parse(file(doc("ci-agent"), "/etc/docker/daemon.json")!);
    expect(cfg).toEqual(dockerDaemonConfig(docker));
    expect(cfg).toMatchObject({ "log-driver": "json-file", "log-opts": { "max-size": "50m", "max-file": "5" }, "live-restore": true });
  });

  it("enables ol7_addons before packages install (container-selinux lives there)", () => {
    expect(doc("server").bootcmd.join("\n")).toContain("--enable ol7_addons");
  });
});

describe("Longhorn prerequisites and firewall", () => {
  it.each(["server", "agent"] as const)("%s: iSCSI initiator running, iscsi_tcp loaded, NFS client, firewalld off", (role) => {
    const d = doc(role);
    expect(d.packages).toEqual(expect.arrayContaining(["iscsi-initiator-utils", "nfs-utils"]));
    expect(d.runcmd).toEqual(expect.arrayContaining(["modprobe iscsi_tcp", "systemctl enable --now iscsid", "systemctl disable --now firewalld || true"]));
    expect(file(d, "/etc/modules-load.d/longhorn.conf")).toBe("iscsi_tcp\n");
  });

  it("ci-agent: no storage packages, firewalld kept with SSH", () => {
    const d = doc("ci-agent");
    expect(d.packages).not.toContain("iscsi-initiator-utils");
    expect(d.runcmd).toContain("systemctl enable --now firewalld");
    expect(d.runcmd.join("\n")).not.toContain("disable --now firewalld");
  });
});

describe("fragments", () => {
  it("appends extra fragments after the host setup, keeping order", () => {
    const text = renderNodeCloudInit("server", docker, [{ runcmd: ["echo bootstrap"] }]);
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
    const r = cloudInitSchema(renderNodeCloudInit(role, docker));
    expect(r.output).toContain("Valid cloud-config");
    expect(r.ok).toBe(true);
  });
  it.skipIf(!available)("rejects a broken document (the validator can fail)", () => {
    const broken = renderCloudConfig([{ runcmd: ["true"] }]).replace("runcmd:", "runcmd: 5\nbogus_key_that_is_not_a_module:");
    expect(cloudInitSchema(broken).ok).toBe(false);
  });
});
