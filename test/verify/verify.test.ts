/**
 * `npm run verify` end to end, against local servers that play each part: the apps
 * behind HTTPS with certificates from a CA made here with openssl, a fake Kubernetes
 * API (the real @kubernetes/client-node adapter talks to it), and a fake load balancer.
 * A healthy platform passes; each broken part fails its own line and the exit code.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/verify/cli";
import { kubeReader } from "../../src/verify/kube";
import type { StackView } from "../../src/verify/plan";
import { httpsClient } from "../../src/verify/web";
import { startFakeKubeApi } from "./fake-kube-api";
import { hasOpenssl, KeyPair, localLookup, startHttpsServer, TestCa } from "./tls-fixtures";
import { appHandler, healthyWorld, HOSTS, JENKINS_PASSWORD, KUBE_TOKEN, World } from "./world";
import { removeTempDirs, tempDir } from "../runtime";

afterAll(removeTempDirs);

const openssl = hasOpenssl();
if (!openssl && process.env.CI === "true") throw new Error("openssl is needed for the verify tests (apt-get install openssl)");

const H = 3_600_000;

describe.skipIf(!openssl)("npm run verify against a platform played by local servers", () => {
  let world: World;
  let ca: TestCa;
  let rogue: TestCa;
  let good: Record<string, KeyPair>;
  let web: Awaited<ReturnType<typeof startHttpsServer>>;
  let kube: Awaited<ReturnType<typeof startFakeKubeApi>>;
  let kubeUrl = "";
  /** The world's clock: snapshot and backup ages are relative to it. */
  let now = Date.now();

  beforeAll(async () => {
    ca = new TestCa("verify test CA");
    rogue = new TestCa("someone else's CA");
    good = Object.fromEntries(Object.values(HOSTS).map((h) => [h, ca.leaf(h, 90)]));
    web = await startHttpsServer(() => (world ? world.web.certs : good), appHandler(() => world));
    kube = await startFakeKubeApi(new Proxy({} as World["kube"], { get: (_t, k) => world.kube[k as keyof World["kube"]] }));
    kubeUrl = kube.url;
  });
  afterAll(async () => {
    await web?.close();
    await kube?.close();
  });
  beforeEach(() => {
    now = Date.now();
    world = healthyWorld({ webPort: web.port, kubeUrl, certs: { ...good }, now });
  });

  /** Runs the CLI on the world with the real HTTPS and Kubernetes adapters; returns exit code and lines. */
  async function run(argv: string[] = ["oci-prod"], opts: { trustCa?: boolean } = { trustCa: true }) {
    const out: string[] = [];
    const code = await main(argv, {
      loadStack: async () => world.stack as StackView,
      clients: (plan, _view, extraCa) => ({
        lb: {
          backendStatus: async (set, backend) => {
            world.lbRequests.push(`${set} ${backend}`);
            return world.lb[`${set} ${backend}`] ?? "OK";
          },
        },
        // The system's roots plus the test CA, as `--ca-file` would add it.
        web: httpsClient({ extraCa: extraCa ?? (opts.trustCa ? ca.cert : undefined), lookup: localLookup, timeoutMs: 5000 }),
        kube: kubeReader(plan.kubeconfig, { now: () => Date.now(), sleep: async () => undefined }),
        // Read when the checks run, after any certificate a test made.
        now: () => Date.now(),
      }),
      out: (l) => out.push(l),
      err: (l) => out.push(l),
    });
    return { code, out, text: out.join("\n"), line: (name: string) => out.find((l) => l.slice(5).startsWith(`${name}:`)) };
  }

  it("passes a healthy platform, one line per check, without printing a secret", async () => {
    const r = await run();
    expect(r.out.filter((l) => !l.startsWith("ok  ") && !l.startsWith("verify "))).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.line("lb backend server-0")).toBe("ok   lb backend server-0: 10.0.1.10: ingress-http OK, ingress-https OK, kube-api OK");
    expect(r.line("lb backend agent-0")).toBe("ok   lb backend agent-0: 10.0.1.20: ingress-http OK, ingress-https OK");
    expect(r.line("url rancher")).toBe(`ok   url rancher: https://${HOSTS.rancher}:${web.port}/ping answered 200`);
    expect(r.line("url bot")).toBe(`ok   url bot: https://${HOSTS.bot}:${web.port}/project answered 401`);
    expect(r.line(`certificate ${HOSTS.grafana}`)).toMatch(/^ok {3}certificate grafana\.verify\.test: valid until \S+ \((89|90) days\), issuer verify test CA$/);
    expect(r.line("helm jenkins/jenkins")).toBe("ok   helm jenkins/jenkins: deployed (revision 3)");
    expect(r.line("jenkins agent ci-agent-0")).toBe("ok   jenkins agent ci-agent-0: online");
    expect(r.line("longhorn setting orphan-resource-auto-deletion")).toBe('ok   longhorn setting orphan-resource-auto-deletion: "replica-data;instance"');
    expect(r.line("pod metadata guard")).toBe("ok   pod metadata guard: TCP 169.254.169.254:80 unreachable from a pod");
    expect(r.line("pod DNS")).toBe(`ok   pod DNS: ${HOSTS.jenkins} resolves from a pod`);
    expect(r.line("etcd snapshot")).toBe("ok   etcd snapshot: newest etcd-snapshot-server-0-1 (S3) is 2h00m old (schedule every 6 h, limit 12 h)");
    expect(r.line("longhorn backup jenkins/jenkins-home")).toBe("ok   longhorn backup jenkins/jenkins-home: volume pvc-0a1b: newest backup is 3h00m old (schedule every 6 h, limit 12 h)");
    expect(r.out.at(-1)).toMatch(/^verify oci-prod: \d+ passed, 0 failed, 0 skipped, the platform is healthy$/);
    // No secret leaves: not the Jenkins password, not the kube token, not the kubeconfig.
    expect(r.text).not.toContain(JENKINS_PASSWORD);
    expect(r.text).not.toContain(KUBE_TOKEN);
    // The credentials went only to Jenkins' API, the bot got none.
    expect(world.web.requests.filter((q) => q.authorization).map((q) => `${q.host} ${q.path}`)).toEqual([`${HOSTS.jenkins} /computer/api/json`]);
  });

  it("asks upstream's own paths, and the probe pod is restricted, pinned, and deleted", async () => {
    await run();
    expect(world.kube.requests).toEqual(
      expect.arrayContaining([
        "GET /api/v1/secrets?labelSelector=owner%3Dhelm",
        "GET /api/v1/namespaces/jenkins/secrets/jenkins-admin",
        "GET /apis/longhorn.io/v1beta2/namespaces/longhorn-system/settings/orphan-resource-auto-deletion",
        "GET /apis/longhorn.io/v1beta2/namespaces/longhorn-system/settings/orphan-resource-auto-deletion-grace-period",
        "GET /apis/k3s.cattle.io/v1/etcdsnapshotfiles",
        "GET /apis/longhorn.io/v1beta2/namespaces/longhorn-system/backups",
        "GET /api/v1/persistentvolumes",
      ]),
    );
    expect(world.lbRequests.sort()).toEqual(["ingress-http 10.0.1.10:30080", "ingress-http 10.0.1.20:30080", "ingress-https 10.0.1.10:30443", "ingress-https 10.0.1.20:30443", "kube-api 10.0.1.10:6443"]);
    const [pod] = world.kube.created;
    expect(pod.namespace).toBe("default");
    const spec = pod.body.spec as { containers: { image: string; command: string[]; securityContext: unknown }[]; securityContext: unknown; restartPolicy: string };
    expect(spec.containers[0].image).toMatch(/^busybox:1\.37\.0@sha256:[0-9a-f]{64}$/);
    expect(spec.containers[0].command.join(" ")).toContain("nc -z -w 5 169.254.169.254 80");
    expect(spec.containers[0].command.join(" ")).toContain(`nslookup ${HOSTS.jenkins}`);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(spec.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(world.kube.deleted).toEqual([`default/${(pod.body.metadata as { name: string }).name}`]);
  });

  const failures: [string, (w: World) => void, string, RegExp][] = [
    ["a backend the load balancer finds critical", (w) => (w.lb["ingress-https 10.0.1.20:30443"] = "CRITICAL"), "lb backend agent-0", /ingress-https CRITICAL/],
    ["an app answering an error", (w) => (w.web.status[HOSTS.rancher] = 503), "url rancher", /answered 503, expected 200/],
    ["the bot without its basic auth", (w) => (w.web.status[HOSTS.bot] = 200), "url bot", /answered 200, expected 401/],
    ["a certificate expiring within 14 days", (w) => (w.web.certs[HOSTS.grafana] = ca.leaf(HOSTS.grafana, 5)), `certificate ${HOSTS.grafana}`, /\((4|5) days\), issuer verify test CA: needs 14 days or more$/],
    ["a certificate nobody trusts", (w) => (w.web.certs[HOSTS.rancher] = rogue.leaf(HOSTS.rancher, 90)), "url rancher", /certificate not trusted|unable to verify|self-signed/i],
    ["a certificate for another name", (w) => (w.web.certs[HOSTS.grafana] = ca.leaf("other.verify.test", 90)), "url grafana", /altnames|does not match|not in the cert/i],
    ["a Helm release whose last upgrade failed", (w) => w.kube.secrets.push({ namespace: "jenkins", name: "sh.helm.release.v1.jenkins.v4", type: "helm.sh/release.v1", labels: { name: "jenkins", owner: "helm", status: "failed", version: "4" } }), "helm jenkins/jenkins", /revision 4 is failed, not deployed/],
    ["a release the stack installed but Helm does not know", (w) => (w.kube.secrets = w.kube.secrets.filter((s) => s.labels?.name !== "longhorn")), "helm longhorn-system/longhorn", /no release record/],
    ["a Jenkins agent offline", (w) => (w.web.computers[1] = { displayName: "ci-agent-0", offline: true, offlineCauseReason: "Connection was broken" }), "jenkins agent ci-agent-0", /offline: Connection was broken/],
    ["a Jenkins agent never registered", (w) => w.web.computers.pop(), "jenkins agent ci-agent-0", /not registered/],
    ["Jenkins refusing the admin credentials", (w) => (w.web.jenkinsPassword = "rotated-elsewhere"), "jenkins agents", /answered 401: the credentials in Secret jenkins\/jenkins-admin were refused/],
    ["Longhorn orphan deletion changed by hand", (w) => (w.kube.settings["longhorn-system/orphan-resource-auto-deletion"] = "replica-data"), "longhorn setting orphan-resource-auto-deletion", /is "replica-data", the stack configured "replica-data;instance"/],
    ["Longhorn's grace period changed", (w) => (w.kube.settings["longhorn-system/orphan-resource-auto-deletion-grace-period"] = "0"), "longhorn setting orphan-resource-auto-deletion-grace-period", /is "0", the stack configured "300"/],
    ["a pod reaching the metadata service", (w) => (w.kube.pod.log = "imds=open\ndns=ok\n"), "pod metadata guard", /a pod reached TCP 169\.254\.169\.254:80/],
    ["a pod that cannot resolve names", (w) => (w.kube.pod.log = "imds=closed\ndns=fail\n"), "pod DNS", /does not resolve from a pod/],
    ["a probe pod that fails", (w) => (w.kube.pod = { phase: "Failed", log: "" }), "pod metadata guard", /ended Failed/],
    ["an etcd snapshot older than twice its schedule", (w) => ((w.kube.etcdSnapshotFiles[0] as { status: { creationTime: string } }).status.creationTime = new Date(now - 13 * H).toISOString()), "etcd snapshot", /is 13h00m old \(schedule every 6 h, limit 12 h\)/],
    ["etcd snapshots only on the nodes", (w) => w.kube.etcdSnapshotFiles.shift(), "etcd snapshot", /no ready snapshot in bucket oci-prod-etcd-snapshots/],
    ["a volume backup older than twice its schedule", (w) => (w.kube.backups = w.kube.backups.slice(0, 1)), "longhorn backup jenkins/jenkins-home", /newest backup is 1d6h old/],
    ["a volume without a completed backup", (w) => (w.kube.backups = []), "longhorn backup jenkins/jenkins-home", /has no completed backup/],
    ["a prod stack without backup schedules", (w) => delete (w.stack.outputs as Record<string, unknown>).backupSchedules, "etcd snapshot", /no backup schedule configured .*a protected \(prod\) stack must have one/],
  ];

  it.each(failures)("fails on %s", async (_what, breakIt, name, detail) => {
    breakIt(world);
    const r = await run();
    expect(r.code).toBe(1);
    const line = r.line(name);
    expect(line, r.text).toBeDefined();
    expect(line!.startsWith("FAIL ")).toBe(true);
    expect(line).toMatch(detail);
    expect(r.out.at(-1)).toMatch(/^verify oci-prod: \d+ passed, [1-9]\d* failed/);
    expect(r.text).not.toContain(JENKINS_PASSWORD);
  });

  it("skips, not fails, missing backup schedules outside prod", async () => {
    delete (world.stack.outputs as Record<string, unknown>).backupSchedules;
    (world.stack as unknown as { resources: unknown[] }).resources = world.stack.resources.filter((r) => !(r as { protect?: boolean }).protect);
    const r = await run();
    expect(r.line("etcd snapshot")).toBe("skip etcd snapshot: no backup schedule configured (the stack has no backupSchedules output) (not prod: the stack protects no resource)");
    expect(r.line("longhorn backups")).toMatch(/^skip longhorn backups: no backup schedule configured/);
    expect(r.code).toBe(0);
  });

  it("accepts Let's Encrypt staging's untrusted chain for the URLs but sends no credentials over it", async () => {
    (world.stack.config as Record<string, string>)["ci-infra:tls"] = JSON.stringify({ mode: "acme", acmeServer: "staging" });
    world.web.certs = Object.fromEntries(Object.values(HOSTS).map((h) => [h, rogue.leaf(h, 60)]));
    const r = await run(["oci-staging"], { trustCa: false });
    expect(r.line("url jenkins")).toMatch(/^ok {3}url jenkins: .* answered 200 \(chain not verified: the stack uses Let's Encrypt staging\)$/);
    expect(r.line("jenkins agents")).toMatch(/^skip jenkins agents: not asked: .*--ca-file/);
    expect(world.web.requests.filter((q) => q.authorization)).toEqual([]);
    expect(r.code).toBe(0);
    // A name mismatch still fails, staging or not.
    world.web.certs[HOSTS.bot] = rogue.leaf("elsewhere.verify.test", 60);
    expect((await run(["oci-staging"], { trustCa: false })).line("url bot")).toMatch(/^FAIL url bot: .*certificate not trusted/);
  });

  it("with --ca-file, checks a staging stack fully", async () => {
    const { writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const file = join(tempDir("verify-cafile-"), "roots.pem");
    writeFileSync(file, rogue.cert);
    (world.stack.config as Record<string, string>)["ci-infra:tls"] = JSON.stringify({ mode: "acme", acmeServer: "staging" });
    world.web.certs = Object.fromEntries(Object.values(HOSTS).map((h) => [h, rogue.leaf(h, 60)]));
    const r = await run(["oci-staging", "--ca-file", file], { trustCa: false });
    expect(r.line("url jenkins")).toMatch(/answered 200$/);
    expect(r.line("jenkins agent ci-agent-0")).toBe("ok   jenkins agent ci-agent-0: online");
    expect(r.code).toBe(0);
  });
});
