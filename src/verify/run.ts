/**
 * Runs every check of a VerifyPlan against the clients, in a fixed order, and turns
 * the results into lines and an exit code. A check that throws becomes one failed
 * line with the error's first line; nothing printed carries a secret.
 */
import { randomBytes } from "node:crypto";
import { LONGHORN_NAMESPACE } from "../apps/longhorn-values";
import { etcdSnapshotCheck, volumeBackupChecks } from "./backups";
import { appChecks, CheckOptions, errorText, helmChecks, jenkinsAgentChecks, loadBalancerChecks, longhornSettingChecks, podNetworkChecks } from "./checks";
import { PROBE_IMAGE } from "./facts";
import type { VerifyPlan } from "./plan";
import { CheckResult, fail, VerifyClients } from "./types";

export interface RunOptions {
  readonly acceptUntrusted: boolean;
  /** Where the probe pod runs; `default` exists in every cluster and carries no NetworkPolicy of ours. */
  readonly probeNamespace?: string;
  readonly podTimeoutMs?: number;
}

/** Credentials a kubeconfig carries, to keep out of the output. */
export function kubeconfigSecrets(kubeconfig: string): string[] {
  const found = [...kubeconfig.matchAll(/(?:client-key-data|client-certificate-data|token|password):\s*"?([^\s"]+)/g)].map((m) => m[1]);
  return [kubeconfig, ...found];
}

export async function verify(plan: VerifyPlan, clients: VerifyClients, opts: RunOptions, secrets: Set<string>): Promise<CheckResult[]> {
  const o: CheckOptions = { acceptUntrusted: opts.acceptUntrusted, secrets };
  for (const s of kubeconfigSecrets(plan.kubeconfig)) secrets.add(s);
  const guard = (name: string, f: () => Promise<CheckResult[]>) => f().catch((e: unknown) => [fail(name, errorText(e))]);
  const now = clients.now();
  const pod = { namespace: opts.probeNamespace ?? "default", name: `ci-infra-verify-${randomBytes(3).toString("hex")}`, image: PROBE_IMAGE, timeoutMs: opts.podTimeoutMs ?? 180_000 };
  const groups = await Promise.all([
    guard("load balancer", () => loadBalancerChecks(clients.lb, plan)),
    guard("app urls", () => appChecks(clients.web, plan, o, now)),
    guard("helm releases", () => helmChecks(clients.kube, plan.releases)),
    guard("jenkins agents", () => jenkinsAgentChecks(clients.kube, clients.web, plan, o)),
    guard("longhorn settings", () => longhornSettingChecks(clients.kube, plan)),
    guard("pod network", () => podNetworkChecks(clients.kube, plan, pod)),
    guard("etcd snapshot", async () => [await etcdSnapshotCheck(clients.kube, plan.schedules, plan.prod, now)]),
    guard("longhorn backups", () => volumeBackupChecks(clients.kube, plan.schedules, plan.prod, now, plan.longhorn?.namespace ?? LONGHORN_NAMESPACE)),
  ]);
  return [...plan.problems.map((p) => fail(p.name, p.detail)), ...groups.flat()];
}

const TAG = { pass: "ok  ", fail: "FAIL", skip: "skip" } as const;

export function formatLine(r: CheckResult, secrets: ReadonlySet<string>): string {
  let line = `${TAG[r.status]} ${r.name}: ${r.detail}`;
  for (const s of secrets) if (s.length >= 6) line = line.split(s).join("[secret]");
  return line;
}

export function exitCode(results: readonly CheckResult[]): 0 | 1 {
  return results.some((r) => r.status === "fail") ? 1 : 0;
}

export function summary(results: readonly CheckResult[]): string {
  const n = (s: CheckResult["status"]) => results.filter((r) => r.status === s).length;
  return `${n("pass")} passed, ${n("fail")} failed, ${n("skip")} skipped`;
}
