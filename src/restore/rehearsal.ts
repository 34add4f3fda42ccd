/**
 * The steps of a restore rehearsal (.github/workflows/restore-rehearsal.yml) around
 * `npm run restore-volumes`: write a marker into every retained volume through the
 * app's own pod, back the volumes up now (rather than waiting for the RecurringJob),
 * lose the volumes, and after the restore check that the markers came back. Over the
 * same interfaces as the restore, so the fakes in test/restore/ drive them too.
 */
import { parseDocument } from "yaml";
import { LONGHORN_NAMESPACE } from "../apps/longhorn-values";
import { NAMESPACE } from "../base/format";
import type { Clock } from "../base/clock";
import { claimId, RetainedClaim } from "./claims";
import { BACKUP_STATES, backupOf, LonghornBackup, snapshotOf } from "./longhorn";
import type { RestoreCluster } from "./restore";

export interface RehearsalCluster extends Pick<RestoreCluster, "volumeOfClaim" | "workloadsMounting" | "scale" | "podsMounting" | "create" | "workloadReady"> {
  /** Runs a command in a container; resolves with its stdout, rejects when it fails. */
  exec(namespace: string, pod: string, container: string, command: readonly string[]): Promise<string>;
  /** `status.readyToUse` and `status.error` of a Longhorn snapshot (undefined: not there yet). */
  snapshot(name: string): Promise<{ readonly readyToUse?: boolean; readonly error?: string } | undefined>;
  backup(name: string): Promise<LonghornBackup | undefined>;
  deleteVolume(name: string): Promise<void>;
}

export interface RehearsalDeps {
  readonly cluster: RehearsalCluster;
  readonly clock: Clock;
  readonly log: (line: string) => void;
}

/** The marker's file name, at the root of the claim's mount. */
export const MARKER_FILE = ".ci-infra-restore-rehearsal";

const wait = async (deps: RehearsalDeps, what: string, timeoutMs: number, pollMs: number, check: () => Promise<boolean>) => {
  const deadline = deps.clock.now() + timeoutMs;
  while (!(await check())) {
    if (deps.clock.now() >= deadline) throw new Error(`${what} did not happen within ${Math.round(timeoutMs / 1000)} s`);
    await deps.clock.sleep(pollMs);
  }
};

/** A running pod that mounts the claim, with the container and path of the mount; waits for one to run. */
async function mountOf(claim: RetainedClaim, deps: RehearsalDeps, opts: { timeoutMs?: number; pollMs?: number }): Promise<{ pod: string; container: string; path: string }> {
  let seen = "no pods";
  let found: { pod: string; container: string; path: string } | undefined;
  await wait(deps, `${claimId(claim)}: a running pod mounting the claim`, opts.timeoutMs ?? 10 * 60_000, opts.pollMs ?? 5000, async () => {
    const pods = await deps.cluster.podsMounting(claim.namespace, claim.name);
    seen = pods.map((x) => `${x.name}: ${x.phase}`).join(", ") || "no pods";
    const p = pods.find((x) => x.phase === "Running" && x.container && x.mountPath);
    if (p) found = { pod: p.name, container: p.container!, path: `${p.mountPath!.replace(/\/+$/, "")}/${MARKER_FILE}` };
    return found !== undefined;
  }).catch((e: unknown) => {
    throw new Error(`${(e as Error).message} (${seen})`);
  });
  return found!;
}

/** Writes `token` into each claim's volume, through the app's pod. */
export async function writeMarkers(claims: readonly RetainedClaim[], token: string, deps: RehearsalDeps, opts: { timeoutMs?: number; pollMs?: number } = {}): Promise<void> {
  for (const c of claims) {
    const m = await mountOf(c, deps, opts);
    await deps.cluster.exec(c.namespace, m.pod, m.container, ["sh", "-c", 'printf %s "$1" > "$2" && sync', "sh", token, m.path]);
    deps.log(`${claimId(c)}: wrote the marker to ${m.pod}:${m.path}`);
  }
}

/** Reads each claim's marker back; throws naming every claim whose marker is missing or different. */
export async function checkMarkers(claims: readonly RetainedClaim[], token: string, deps: RehearsalDeps, opts: { timeoutMs?: number; pollMs?: number } = {}): Promise<void> {
  const wrong: string[] = [];
  for (const c of claims) {
    const m = await mountOf(c, deps, opts);
    let got: string;
    try {
      got = await deps.cluster.exec(c.namespace, m.pod, m.container, ["cat", m.path]);
    } catch (e) {
      wrong.push(`${claimId(c)}: cannot read marker ${m.path} (${(e as Error).message})`);
      continue;
    }
    if (got === token) deps.log(`${claimId(c)}: the marker survived (${m.pod}:${m.path})`);
    else wrong.push(`${claimId(c)}: marker ${m.path} holds ${JSON.stringify(got.slice(0, 80))}, expected ${JSON.stringify(token)}`);
  }
  if (wrong.length) throw new Error(`the restore lost data:\n${wrong.join("\n")}`);
}

/** Takes a snapshot of each claim's volume and backs it up to the backup target, waiting for the upload. */
export async function backupNow(claims: readonly RetainedClaim[], deps: RehearsalDeps, opts: { timeoutMs?: number; pollMs?: number } = {}): Promise<string[]> {
  const timeoutMs = opts.timeoutMs ?? 30 * 60_000;
  const pollMs = opts.pollMs ?? 5000;
  const stamp = new Date(deps.clock.now()).toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const names: string[] = [];
  for (const [i, c] of claims.entries()) {
    const bound = await deps.cluster.volumeOfClaim(c.namespace, c.name);
    if (!bound) throw new Error(`${claimId(c)}: no PersistentVolume behind the claim`);
    const name = `rehearsal-${stamp}-${i}`;
    await deps.cluster.create(snapshotOf(name, LONGHORN_NAMESPACE, bound.volume));
    await wait(deps, `${claimId(c)}: snapshot ${name} of ${bound.volume} ready`, timeoutMs, pollMs, async () => {
      const s = await deps.cluster.snapshot(name);
      if (s?.error) throw new Error(`${claimId(c)}: snapshot ${name} of ${bound.volume} failed: ${s.error}`);
      return s?.readyToUse === true;
    });
    await deps.cluster.create(backupOf(name, LONGHORN_NAMESPACE, bound.volume, name));
    await wait(deps, `${claimId(c)}: backup ${name} of ${bound.volume} completed`, timeoutMs, pollMs, async () => {
      const b = await deps.cluster.backup(name);
      if (b?.status?.state === BACKUP_STATES.error) throw new Error(`${claimId(c)}: backup ${name} of ${bound.volume} failed: ${b.status.error ?? "state Error"}`);
      return b?.status?.state === BACKUP_STATES.completed;
    });
    deps.log(`${claimId(c)}: backup ${name} of volume ${bound.volume} completed`);
    names.push(name);
  }
  return names;
}

/**
 * The disaster: each claim's Longhorn volume is deleted (replicas and all) while the
 * claim and its PV stay, as after losing the nodes that held the replicas. The
 * workloads are stopped around the deletion so no pod hangs on a vanishing device,
 * then started again, and fail to mount until the restore.
 */
export async function loseVolumes(claims: readonly RetainedClaim[], deps: RehearsalDeps, opts: { timeoutMs?: number; pollMs?: number } = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 10 * 60_000;
  const pollMs = opts.pollMs ?? 5000;
  for (const c of claims) {
    const bound = await deps.cluster.volumeOfClaim(c.namespace, c.name);
    if (!bound) throw new Error(`${claimId(c)}: no PersistentVolume behind the claim`);
    const workloads = await deps.cluster.workloadsMounting(c.namespace, c.name);
    for (const w of workloads) await deps.cluster.scale(w, 0, w.replicas);
    await wait(deps, `${claimId(c)}: pods gone`, timeoutMs, pollMs, async () => (await deps.cluster.podsMounting(c.namespace, c.name)).length === 0);
    await deps.cluster.deleteVolume(bound.volume);
    for (const w of workloads) await deps.cluster.scale(w, w.replicas, undefined);
    deps.log(`${claimId(c)}: deleted Longhorn volume ${bound.volume}; the claim and PV ${bound.pv} still name it`);
  }
}

/**
 * A review stack's file with Longhorn backups on (`longhorn.backup.enabled`, off by
 * default where `protect` is false, as in staging): the stack then creates its own
 * `<stack>-longhorn-backups` bucket and writer (src/oci/backup-store.ts). Edited as a
 * YAML document, so comments and encrypted values stay as they are.
 */
export function withVolumeBackups(stackFileText: string): string {
  const doc = parseDocument(stackFileText);
  if (!doc.has("config")) throw new Error("the stack file has no config: block");
  doc.setIn(["config", `${NAMESPACE}:longhorn`, "backup", "enabled"], true);
  return doc.toString();
}
