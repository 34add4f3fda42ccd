/**
 * The live platform's checks, each a pure function over injected clients (types.ts)
 * returning one line per thing checked. Facts about upstream software come from
 * facts.ts, with their sources.
 */
import { IMDS } from "../cluster/k3s-config";
import { APP_PROBES, HELM, JENKINS, LONGHORN } from "./facts";
import type { ReleaseRef, VerifyPlan } from "./plan";
import { CheckResult, fail, KubeReader, LoadBalancerHealth, pass, skip, WebClient } from "./types";

/** Matches the "certificate expires within 14 days" alert (src/apps/alert-rules.ts): verify fails where it would fire. */
export const CERT_MIN_DAYS = 14;
const DAY_MS = 86_400_000;

export interface CheckOptions {
  /**
   * Accept a chain that does not verify (the stack uses Let's Encrypt staging, whose
   * roots no system trusts) as long as the name matches; credentials are then not sent.
   */
  readonly acceptUntrusted: boolean;
  /** Values to keep out of every line (filled as secrets are read). */
  readonly secrets: Set<string>;
}

export function errorText(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  const line = m.split("\n").find((l) => l.trim()) ?? "error";
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/** Every cluster node is OK in every backend set it belongs to. */
export async function loadBalancerChecks(lb: LoadBalancerHealth, plan: VerifyPlan): Promise<CheckResult[]> {
  if (!plan.lbNodes.length) return [fail("load balancer", "the stack's nodeIps output lists no server or agent")];
  return Promise.all(
    plan.lbNodes.map(async (n) => {
      const states = await Promise.all(n.sets.map(async (s) => [s.name, await lb.backendStatus(s.name, `${n.ip}:${s.port}`).catch((e: unknown) => `error (${errorText(e)})`)] as const));
      const text = `${n.ip}: ${states.map(([set, st]) => `${set} ${st}`).join(", ")}`;
      return states.every(([, st]) => st === "OK") ? pass(`lb backend ${n.node}`, text) : fail(`lb backend ${n.node}`, text);
    }),
  );
}

/** Each app's URL answers as the app does when it is up; its certificate lasts CERT_MIN_DAYS or more. */
export async function appChecks(web: WebClient, plan: VerifyPlan, opts: CheckOptions, now: number): Promise<CheckResult[]> {
  const lines = await Promise.all(
    plan.apps.map(async ({ app, url }) => {
      const probe = APP_PROBES[app];
      const target = new URL(probe.path, url).toString();
      const host = new URL(url).hostname;
      const urlName = `url ${app}`;
      const certName = `certificate ${host}`;
      let r;
      try {
        r = await web.request(target, { method: probe.method, requireTrust: !opts.acceptUntrusted });
      } catch (e) {
        return [fail(urlName, `${target}: ${errorText(e)}`), fail(certName, "no certificate read (the URL did not answer)")];
      }
      const problems: string[] = [];
      if (r.status !== probe.status) problems.push(`answered ${r.status}, expected ${probe.status}`);
      if ("body" in probe && r.body.trim() !== probe.body) problems.push(`body is not "${probe.body}"`);
      if (!r.trusted && !(opts.acceptUntrusted && r.nameMatched)) problems.push(`certificate not trusted (${r.trustError ?? "unknown reason"})`);
      const note = r.trusted ? "" : " (chain not verified: the stack uses Let's Encrypt staging)";
      const urlLine = problems.length ? fail(urlName, `${target}: ${problems.join("; ")}`) : pass(urlName, `${target} answered ${r.status}${note}`);
      const c = r.certificate;
      if (!c) return [urlLine, fail(certName, "the server sent no certificate")];
      const days = Math.floor((c.validTo.getTime() - now) / DAY_MS);
      const certText = `valid until ${c.validTo.toISOString()} (${days} days), issuer ${c.issuer}`;
      const certOk = c.validFrom.getTime() <= now && days >= CERT_MIN_DAYS;
      return [urlLine, certOk ? pass(certName, certText) : fail(certName, `${certText}: needs ${CERT_MIN_DAYS} days or more`)];
    }),
  );
  return lines.flat();
}

/** The newest revision of every Helm release (those the stack installed and any other found) is deployed. */
export async function helmChecks(kube: KubeReader, expected: readonly ReleaseRef[]): Promise<CheckResult[]> {
  const newest = new Map<string, { version: number; status: string }>();
  for (const s of await kube.helmReleaseSecrets()) {
    if (s.type !== HELM.secretType) continue;
    const labels = s.metadata?.labels ?? {};
    const key = `${s.metadata?.namespace}/${labels[HELM.labels.name]}`;
    const version = Number(labels[HELM.labels.version]);
    const seen = newest.get(key);
    if (!seen || version > seen.version) newest.set(key, { version, status: labels[HELM.labels.status] });
  }
  const keys = [...new Set([...expected.map((r) => `${r.namespace}/${r.name}`), ...newest.keys()])].sort();
  if (!keys.length) return [fail("helm releases", "no Helm release found (no Secret labelled owner=helm)")];
  return keys.map((key) => {
    const n = newest.get(key);
    if (!n) return fail(`helm ${key}`, `no release record (Secret of type ${HELM.secretType} labelled ${HELM.ownerSelector},name=${key.split("/")[1]})`);
    return n.status === HELM.deployed ? pass(`helm ${key}`, `deployed (revision ${n.version})`) : fail(`helm ${key}`, `revision ${n.version} is ${n.status}, not ${HELM.deployed}`);
  });
}

/** Every agent the JCasC declares is connected, asked through Jenkins' JSON API as the admin. */
export async function jenkinsAgentChecks(kube: KubeReader, web: WebClient, plan: VerifyPlan, opts: CheckOptions): Promise<CheckResult[]> {
  const j = plan.jenkins;
  if (!j) return [];
  if (!j.agents.length) return [skip("jenkins agents", "the stack declares no ci-agent VMs")];
  if (opts.acceptUntrusted) {
    return [skip("jenkins agents", "not asked: the stack's Let's Encrypt staging certificate cannot be verified and the admin password goes only over a verified connection (pass --ca-file with the staging roots)")];
  }
  const data = await kube.secretData(j.admin.namespace, j.admin.secret);
  const user = data?.[j.admin.userKey];
  const password = data?.[j.admin.passwordKey];
  if (!user || !password) return [fail("jenkins agents", `Secret ${j.admin.namespace}/${j.admin.secret} has no ${j.admin.userKey}/${j.admin.passwordKey}`)];
  opts.secrets.add(password);
  const url = new URL(JENKINS.computersPath, j.url).toString();
  const r = await web.request(url, { method: "GET", requireTrust: true, headers: { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` } });
  if (r.status !== 200) {
    const why = r.status === 401 || r.status === 403 ? `: the credentials in Secret ${j.admin.namespace}/${j.admin.secret} were refused` : "";
    return [fail("jenkins agents", `${url} answered ${r.status}${why}`)];
  }
  let computers: { displayName?: string; offline?: boolean; offlineCauseReason?: string }[];
  try {
    computers = (JSON.parse(r.body) as { computer?: typeof computers }).computer ?? [];
  } catch {
    return [fail("jenkins agents", `${url} did not answer JSON`)];
  }
  return j.agents.map((agent) => {
    const c = computers.find((x) => x.displayName === agent);
    if (!c) return fail(`jenkins agent ${agent}`, "not registered in Jenkins (JCasC not applied?)");
    if (c.offline !== false) return fail(`jenkins agent ${agent}`, `offline${c.offlineCauseReason ? `: ${c.offlineCauseReason}` : ""}`);
    return pass(`jenkins agent ${agent}`, "online");
  });
}

const orphanItems = (v: string) => [...new Set(v.split(";").map((x) => x.trim()).filter(Boolean))].sort().join(";");

/** Longhorn's orphan settings hold what the longhorn release was given. */
export async function longhornSettingChecks(kube: KubeReader, plan: VerifyPlan): Promise<CheckResult[]> {
  const l = plan.longhorn;
  if (!l) return [];
  const wanted: [string, string, (v: string) => string][] = [
    [LONGHORN.orphanAutoDeletion, l.orphanAutoDeletion, orphanItems],
    [LONGHORN.orphanGracePeriod, l.gracePeriodSeconds, (v) => String(Number(v.trim()))],
  ];
  return Promise.all(
    wanted.map(async ([setting, expected, norm]) => {
      const name = `longhorn setting ${setting}`;
      const obj = await kube.longhornSetting(l.namespace, setting);
      if (!obj) return fail(name, `no settings.${LONGHORN.group} object ${l.namespace}/${setting}`);
      const value = typeof obj.value === "string" ? obj.value : "";
      return norm(value) === norm(expected) ? pass(name, `"${value}"`) : fail(name, `is "${value}", the stack configured "${expected}"`);
    }),
  );
}

/** The shell the probe pod runs; prints `imds=open|closed` and `dns=ok|fail`. */
export function probeScript(dnsName: string): string {
  if (!/^[A-Za-z0-9.-]+$/.test(dnsName)) throw new Error(`not a DNS name: ${dnsName}`);
  const ip = IMDS.address.split("/")[0];
  return [
    `if nc -z -w 5 ${ip} ${IMDS.tcpPorts[0]} </dev/null 2>/dev/null; then echo imds=open; else echo imds=closed; fi`,
    `if nslookup ${dnsName} 2>&1 | grep -q '^Name:'; then echo dns=ok; else echo dns=fail; fi`,
  ].join("\n");
}

/** A pod cannot reach the metadata service's TCP 80, and still resolves names (OCI's resolver shares the address). */
export async function podNetworkChecks(kube: KubeReader, plan: VerifyPlan, pod: { namespace: string; name: string; image: string; timeoutMs: number }): Promise<CheckResult[]> {
  const ip = IMDS.address.split("/")[0];
  const port = IMDS.tcpPorts[0];
  const r = await kube.runPod({ ...pod, script: probeScript(plan.dnsName) });
  const imds = /^imds=(open|closed)$/m.exec(r.log)?.[1];
  const dns = /^dns=(ok|fail)$/m.exec(r.log)?.[1];
  if (r.phase !== "Succeeded" || !imds || !dns) {
    const why = `probe pod ${pod.namespace}/${pod.name} ended ${r.phase || "without a phase"}; log: ${JSON.stringify(r.log.slice(0, 200))}`;
    return [fail("pod metadata guard", why), fail("pod DNS", why)];
  }
  return [
    imds === "closed" ? pass("pod metadata guard", `TCP ${ip}:${port} unreachable from a pod`) : fail("pod metadata guard", `a pod reached TCP ${ip}:${port}: the node's metadata guard is missing`),
    dns === "ok" ? pass("pod DNS", `${plan.dnsName} resolves from a pod`) : fail("pod DNS", `${plan.dnsName} does not resolve from a pod (CoreDNS or the VCN resolver at ${ip}:53 unreachable?)`),
  ];
}
