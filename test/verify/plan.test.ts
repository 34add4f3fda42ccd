/** What verify reads from a stack's record, schedules, and the CLI's arguments and stack errors. */
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { agentsCasc } from "../../src/apps/jenkins-casc";
import { longhornValues } from "../../src/apps/longhorn-values";
import { cronMaxGapHours, formatAge, readBackupSchedules } from "../../src/verify/backups";
import { main } from "../../src/verify/cli";
import { jenkinsAgentNames, notVerifiable, StackView, verifyPlan } from "../../src/verify/plan";
import { formatLine, kubeconfigSecrets } from "../../src/verify/run";
import { healthyWorld, renderJenkinsValues } from "./world";
import { removeTempDirs, tempDir } from "../runtime";

afterAll(removeTempDirs);

const view = (): StackView => healthyWorld({ webPort: 443, kubeUrl: "https://203.0.113.10:6443", certs: {}, now: Date.now() }).stack;

describe("verify: what the stack's record says to check", () => {
  it("reads nodes, URLs, releases and the values Pulumi gave the charts", () => {
    const p = verifyPlan("oci-prod", view());
    expect(p.lbNodes.map((n) => [n.node, n.ip, n.sets.map((s) => `${s.name}:${s.port}`)])).toEqual([
      ["server-0", "10.0.1.10", ["ingress-http:30080", "ingress-https:30443", "kube-api:6443"]],
      ["agent-0", "10.0.1.20", ["ingress-http:30080", "ingress-https:30443"]],
    ]);
    expect(p.apps.map((a) => a.app)).toEqual(["rancher", "jenkins", "grafana", "bot"]);
    expect(p.releases).toContainEqual({ namespace: "jenkins", name: "jenkins" });
    expect(p.jenkins).toEqual({ url: "https://ci.verify.test:443", agents: ["ci-agent-0"], admin: { namespace: "jenkins", secret: "jenkins-admin", userKey: "jenkins-admin-user", passwordKey: "jenkins-admin-password" } });
    expect(p.longhorn).toEqual({ namespace: "longhorn-system", orphanAutoDeletion: "replica-data;instance", gracePeriodSeconds: "300" });
    expect(p.prod).toBe(true);
    expect(p.acmeStaging).toBe(false);
    expect(p.problems).toEqual([]);
  });

  it("follows our renderers: the orphan settings and the agents as longhornValues and agentsCasc write them", () => {
    const lv = longhornValues({ replicaCount: 2, orphanAutoDeletion: ["instance"], orphanGracePeriodSeconds: 900 });
    const v = view();
    const resources = v.resources.map((r) => (r.inputs?.chart === "longhorn" ? { ...r, inputs: { ...r.inputs, values: lv } } : r));
    expect(verifyPlan("x", { ...v, resources }).longhorn).toMatchObject({ orphanAutoDeletion: "instance", gracePeriodSeconds: "900" });
    const casc = agentsCasc(["ci-agent-0", "ci-agent-1", "ci-agent-2"].map((name, i) => ({ name, host: `10.0.1.${30 + i}`, hostKey: "ssh-ed25519 AAAA" })), 2);
    const jv = renderJenkinsValues({ hostname: "ci.x", ingressClassName: "traefik", tls: { mode: "acme", issuer: "i" }, access: { controller: "traefik" }, agentsCasc: casc, jobDsl: "job('x') {}" });
    expect(jenkinsAgentNames((jv.controller as { JCasC: { configScripts: unknown } }).JCasC.configScripts)).toEqual(["ci-agent-0", "ci-agent-1", "ci-agent-2"]);
  });

  it("reports what it cannot read instead of skipping it", () => {
    const v = view();
    const resources = v.resources.map((r) => (r.inputs?.chart === "longhorn" ? { ...r, inputs: { ...r.inputs, values: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "x" } } } : r));
    expect(verifyPlan("x", { ...v, resources }).problems).toEqual([{ name: "longhorn values", detail: "the longhorn release's values are a secret in the stack state; verify cannot read them" }]);
    expect(notVerifiable("kops-ci", { outputs: {}, config: { "ci-infra:program": "kops-ci" }, resources: [] })).toBe("stack kops-ci runs program kops-ci: it has no cluster to verify");
    expect(notVerifiable("pr-7", { outputs: {}, config: {}, resources: [] })).toMatch(/has no kubeconfig output/);
  });

  it("takes the schedules from the backupSchedules output, everyHours first, else the cron", () => {
    expect(readBackupSchedules(undefined)).toEqual({ output: false });
    expect(readBackupSchedules({ etcd: null, volumes: null })).toEqual({ output: true, etcd: undefined, volumes: undefined });
    expect(readBackupSchedules({ etcd: { cron: "0 */6 * * *", everyHours: 6, bucket: "b" }, volumes: { cron: "30 3 * * *" } })).toEqual({ output: true, etcd: { everyHours: 6, bucket: "b" }, volumes: { everyHours: 24 } });
    expect(cronMaxGapHours("0 */6 * * *")).toBe(6);
    expect(cronMaxGapHours("0 1,13 * * *")).toBe(12);
    expect(cronMaxGapHours("0 2,4 * * *")).toBe(22);
    expect(cronMaxGapHours("*/15 * * * *")).toBe(0.25);
    expect(cronMaxGapHours("0 0 * * 0")).toBe(168);
    expect(cronMaxGapHours("@daily")).toBe(24);
    expect(cronMaxGapHours("@every 90m")).toBe(1.5);
    expect(cronMaxGapHours("0 */6 * *")).toBeUndefined();
    expect(cronMaxGapHours("61 * * * *")).toBeUndefined();
    expect(formatAge(26 * 3_600_000 + 5 * 60_000)).toBe("1d2h");
    expect(formatAge(125 * 60_000)).toBe("2h05m");
  });

  it("keeps a kubeconfig's credentials and read secrets out of every line", () => {
    const kc = "users:\n- name: admin\n  user:\n    client-certificate-data: Q0VSVERBVEE=\n    client-key-data: S0VZREFUQQ==\n";
    const secrets = new Set([...kubeconfigSecrets(kc), "hunter2-hunter2"]);
    expect(formatLine({ name: "x", status: "fail", detail: "got S0VZREFUQQ== and hunter2-hunter2" }, secrets)).toBe("FAIL x: got [secret] and [secret]");
  });
});

describe("npm run verify: arguments and stacks", () => {
  const capture = () => {
    const lines: string[] = [];
    const deps = { loadStack: async () => view(), clients: () => { throw new Error("no clients in this test"); }, out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    return { lines, deps };
  };

  it("--help exits 0; bad arguments exit 2 with the usage", async () => {
    const c = capture();
    expect(await main(["--help"], c.deps)).toBe(0);
    expect(c.lines[0]).toMatch(/^usage: npm run verify -- <stack> \[--ca-file <pem>\]/);
    expect(await main([], c.deps)).toBe(2);
    expect(await main(["a", "b"], c.deps)).toBe(2);
    expect(c.lines.join("\n")).toMatch(/^one stack at a time \(unexpected argument b\)$/m);
    expect(await main(["oci-prod", "--yes"], c.deps)).toBe(2);
    expect(c.lines.join("\n")).toMatch(/^unknown option --yes$/m);
    expect(await main(["oci-prod", "--ca-file", "/nonexistent/roots.pem"], c.deps)).toBe(2);
    expect(c.lines.at(-1)).toBe("--ca-file /nonexistent/roots.pem: ENOENT");
  });

  it("a kops-ci stack has nothing to verify: one line, exit 0", async () => {
    const c = capture();
    const deps = { ...c.deps, loadStack: async () => ({ outputs: {}, config: { "ci-infra:program": "kops-ci" }, resources: [] }) };
    expect(await main(["kops-ci"], deps)).toBe(0);
    expect(c.lines).toEqual(["verify: stack kops-ci runs program kops-ci: it has no cluster to verify"]);
  });

  it("an unknown stack exits 1 with one clear line, through the real Automation API", async () => {
    // A stand-in Pulumi CLI: knows its version, knows no stack.
    const bin = tempDir("verify-pulumi-");
    const fake = join(bin, "pulumi");
    writeFileSync(fake, '#!/bin/sh\ncase "$1" in\n  version) echo v3.248.0 ;;\n  *) echo "error: no stack named \'no-such-stack\' found" >&2; exit 255 ;;\nesac\n');
    chmodSync(fake, 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    const lines: string[] = [];
    try {
      const code = await main(["no-such-stack"], { ...capture().deps, loadStack: (await import("../../src/verify/stack")).loadStackView, err: (l) => lines.push(l), out: (l) => lines.push(l) });
      expect(code).toBe(1);
    } finally {
      process.env.PATH = path;
    }
    expect(lines).toEqual(["verify: stack no-such-stack does not exist in the backend you are logged in to (pulumi stack ls lists them)"]);
  });
});
