/**
 * `npm run restore-volumes`: puts the retained claims' data back from the newest
 * Longhorn backup of each volume (README, Disaster recovery, step 4). Everything it
 * talks to comes in as an interface, so the order of operations is tested with fakes
 * (test/restore/) and the CLI wires the real Kubernetes API (kube.ts).
 *
 * Per claim, first for every claim without changing anything: the PV behind the
 * claim and its Longhorn volume (`spec.csi.volumeHandle`), that volume's newest
 * completed backup, the Deployments and StatefulSets that mount the claim. Any claim
 * without a backup stops the command there, with nothing changed. Then, per claim:
 * scale the workloads to 0 and wait for their pods to go, create a new Longhorn volume
 * from the backup and wait until Longhorn reports the restore done, create a PV for it
 * reserved for the claim, delete the claim and create it again (same name, labels and
 * size, from the stack's own builder) bound to that PV, scale the workloads back and
 * wait until they are ready. The old Longhorn volume and its PV are never touched: a
 * restore that fails leaves them as they were, and the workloads at 0 for a human.
 */
import { LONGHORN_NAMESPACE, RETAIN_STORAGE_CLASS } from "../apps/longhorn-values";
import type { Manifest } from "../apps/manifest";
import type { Clock } from "../base/clock";
import { claimId, RetainedClaim } from "./claims";
import {
  BACKUP_VOLUME_LABEL,
  ClassParameters,
  DEFAULT_FS_TYPE,
  LonghornBackup,
  LonghornVolume,
  newestBackup,
  quantity,
  reboundClaim,
  restoredPv,
  restoredVolume,
  restoredVolumeName,
  restoreProgress,
} from "./longhorn";

/** A Deployment or StatefulSet whose pod template mounts the claim. */
export interface Workload {
  readonly kind: "Deployment" | "StatefulSet";
  readonly namespace: string;
  readonly name: string;
  readonly replicas: number;
  /** What an earlier restore recorded before scaling it to 0 (see RestoreCluster.scale). */
  readonly replicasBeforeRestore?: number;
}

/** A pod that mounts the claim, with the container and path it is mounted at. */
export interface MountingPod {
  readonly name: string;
  readonly phase?: string;
  readonly container?: string;
  readonly mountPath?: string;
}

/** The Kubernetes API, as much of it as a restore needs. */
export interface RestoreCluster {
  /**
   * The PV behind a claim: the one it is bound to, else the newest whose claimRef
   * names it (a deleted claim's Released PV); `earlier`: the Longhorn volumes of the
   * claim's other Released PVs (a claim deleted and created again, empty).
   */
  volumeOfClaim(namespace: string, claim: string): Promise<{ pv: string; volume: string; fsType?: string; earlier?: readonly string[] } | undefined>;
  longhornVolume(name: string): Promise<LonghornVolume | undefined>;
  /** Backups labelled `backup-volume=<volume>` in the Longhorn namespace. */
  backupsOf(volume: string): Promise<LonghornBackup[]>;
  storageClass(name: string): Promise<ClassParameters | undefined>;
  workloadsMounting(namespace: string, claim: string): Promise<Workload[]>;
  /** Sets the replicas; `remember` is recorded on the workload (and cleared when undefined). */
  scale(w: Workload, replicas: number, remember?: number): Promise<void>;
  podsMounting(namespace: string, claim: string): Promise<MountingPod[]>;
  /** Creates a Longhorn Volume, a PersistentVolume or a PersistentVolumeClaim. */
  create(m: Manifest): Promise<void>;
  deleteClaim(namespace: string, name: string): Promise<void>;
  /** The claim's `status.phase`, or undefined when there is no such claim. */
  claimPhase(namespace: string, name: string): Promise<string | undefined>;
  workloadReady(w: Workload): Promise<boolean>;
}

export interface RestoreDeps {
  readonly cluster: RestoreCluster;
  readonly clock: Clock;
  readonly log: (line: string) => void;
}

export interface Timeouts {
  readonly podsGoneMs: number;
  readonly restoreMs: number;
  readonly boundMs: number;
  readonly readyMs: number;
}

/** Restores take ~10 min for a 50 GB volume at Longhorn's ~100 MB/s from Object Storage (README). */
export const DEFAULT_TIMEOUTS: Timeouts = { podsGoneMs: 10 * 60_000, restoreMs: 2 * 60 * 60_000, boundMs: 5 * 60_000, readyMs: 15 * 60_000 };

/** What will happen to one claim. */
export interface ClaimRestore {
  readonly claim: RetainedClaim;
  readonly pv: string;
  readonly volume: string;
  readonly fsType: string;
  readonly backup: { readonly name: string; readonly url: string; readonly createdAt: string; readonly sizeBytes: number };
  readonly workloads: readonly Workload[];
  readonly newVolume: string;
  readonly params: ClassParameters;
}

/** A restore that stopped: why, what is left where, and which claims were done before. */
export class RestoreError extends Error {
  constructor(
    message: string,
    readonly restored: readonly string[],
  ) {
    super(message);
    this.name = "RestoreError";
  }
}

const workloadId = (w: Workload) => `${w.kind.toLowerCase()}/${w.name}`;

/** Reads what each claim's restore needs; changes nothing. All problems are reported together. */
export async function planRestore(claims: readonly RetainedClaim[], deps: Pick<RestoreDeps, "cluster" | "clock">): Promise<ClaimRestore[]> {
  const { cluster } = deps;
  const problems: string[] = [];
  const plans: ClaimRestore[] = [];
  const params = await cluster.storageClass(RETAIN_STORAGE_CLASS);
  if (!params) throw new RestoreError(`StorageClass ${RETAIN_STORAGE_CLASS} does not exist: is this a cluster of this stack, and has pulumi up finished? Nothing was changed.`, []);
  for (const claim of claims) {
    const id = claimId(claim);
    const bound = await cluster.volumeOfClaim(claim.namespace, claim.name);
    if (!bound) {
      problems.push(`${id}: no PersistentVolume is bound to or reserved for this claim, so its Longhorn volume (and backups) cannot be found`);
      continue;
    }
    // A volume restored earlier carries the label naming the volume its backups came
    // from: until it is backed up itself, those are its newest copies. So are the
    // backups of the volume a claim had before it was deleted and created again.
    const origin = (await cluster.longhornVolume(bound.volume))?.metadata.labels?.[BACKUP_VOLUME_LABEL];
    const sources = [...new Set([bound.volume, ...(origin ? [origin] : []), ...(bound.earlier ?? [])])];
    const backups = (await Promise.all(sources.map((v) => cluster.backupsOf(v)))).flat();
    const backup = newestBackup(backups);
    if (!backup) {
      problems.push(
        `${id}: no completed Longhorn backup of volume ${sources.join(" or ")} (backups.longhorn.io labelled ${BACKUP_VOLUME_LABEL}=<volume> in ${LONGHORN_NAMESPACE}, state Completed); is longhorn.backup enabled and has a backup run?`,
      );
      continue;
    }
    const sizeBytes = Number(backup.status?.volumeSize);
    const claimBytes = claim.sizeGbs * 2 ** 30;
    if (!Number.isFinite(sizeBytes) || sizeBytes <= 0) {
      problems.push(`${id}: backup ${backup.metadata.name} records no volume size (status.volumeSize ${JSON.stringify(backup.status?.volumeSize)}); Longhorn may still be syncing it from the backup store`);
      continue;
    }
    if (sizeBytes < claimBytes) {
      problems.push(`${id}: backup ${backup.metadata.name} holds a ${quantity(sizeBytes)} volume but the claim asks for ${claim.sizeGbs}Gi (it grew after that backup), and a PersistentVolume smaller than its claim never binds; restore it in the Longhorn UI and expand the claim afterwards`);
      continue;
    }
    plans.push({
      claim,
      pv: bound.pv,
      volume: bound.volume,
      fsType: bound.fsType || DEFAULT_FS_TYPE,
      backup: { name: backup.metadata.name, url: backup.status!.url!, createdAt: backup.status?.backupCreatedAt ?? "", sizeBytes },
      workloads: await cluster.workloadsMounting(claim.namespace, claim.name),
      newVolume: restoredVolumeName(claim.name, new Date(deps.clock.now())),
      params,
    });
  }
  if (problems.length) throw new RestoreError(`${problems.join("\n")}\nNothing was changed.`, []);
  return plans;
}

/** The plan, one block per claim, as printed without --yes. */
export function describePlan(plans: readonly ClaimRestore[]): string[] {
  return plans.flatMap((p) => [
    `${claimId(p.claim)} (${p.claim.sizeGbs}Gi): volume ${p.volume} (PV ${p.pv}) ← backup ${p.backup.name} of ${p.backup.createdAt || "unknown time"}`,
    `  scale ${p.workloads.map(workloadId).join(", ") || "no workload (none mounts it)"} to 0; restore into new volume ${p.newVolume} (${p.params.numberOfReplicas} replicas); new PV ${p.newVolume}; re-create claim ${p.claim.name} bound to it; scale back`,
  ]);
}

export async function restoreVolumes(plans: readonly ClaimRestore[], deps: RestoreDeps, opts: { timeouts?: Partial<Timeouts>; pollMs?: number } = {}): Promise<string[]> {
  const t = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const pollMs = opts.pollMs ?? 5000;
  const { cluster, log } = deps;
  const restored: string[] = [];
  const waitFor = async (timeoutMs: number, check: () => Promise<boolean>): Promise<boolean> => {
    const deadline = deps.clock.now() + timeoutMs;
    for (;;) {
      if (await check()) return true;
      if (deps.clock.now() >= deadline) return false;
      await deps.clock.sleep(pollMs);
    }
  };
  const secs = (ms: number) => `${Math.round(ms / 1000)} s`;

  for (const p of plans) {
    const id = claimId(p.claim);
    const ns = p.claim.namespace;
    const stop = (what: string, left: string) => new RestoreError(`${id}: ${what}. ${left}`, restored);
    // What to scale back to: the replicas now, or what an interrupted restore recorded.
    const targets = p.workloads.map((w) => ({ w, replicas: w.replicas > 0 ? w.replicas : (w.replicasBeforeRestore ?? 0) }));
    const scaled = targets.map((x) => `${workloadId(x.w)} (was ${x.replicas})`).join(", ");
    const atZero = targets.length ? `${scaled} ${targets.length > 1 ? "are" : "is"} left scaled to 0` : "no workload mounts it";
    const untouched = `the claim still names the old volume ${p.volume} (PV ${p.pv}), which is untouched`;

    for (const x of targets) await cluster.scale(x.w, 0, x.replicas);
    log(`${id}: ${targets.length ? `scaled ${scaled} to 0` : "no workload mounts it"}; waiting for its pods to go`);
    if (!(await waitFor(t.podsGoneMs, async () => (await cluster.podsMounting(ns, p.claim.name)).length === 0))) {
      throw stop(`pods still mount the claim after ${secs(t.podsGoneMs)}`, `${atZero}; ${untouched}. Find what keeps them (kubectl -n ${ns} get pods), then run restore-volumes again.`);
    }

    await cluster.create(restoredVolume({ name: p.newVolume, namespace: LONGHORN_NAMESPACE, backupUrl: p.backup.url, sizeBytes: p.backup.sizeBytes, params: p.params }));
    log(`${id}: restoring backup ${p.backup.name} into volume ${p.newVolume}`);
    let failure: string | undefined;
    const done = await waitFor(t.restoreMs, async () => {
      const progress = restoreProgress(await cluster.longhornVolume(p.newVolume));
      if (progress.state === "failed") failure = progress.message;
      return progress.state !== "restoring";
    });
    const newVolumeLeft = `the new volume ${p.newVolume} is left in ${LONGHORN_NAMESPACE} to inspect (kubectl -n ${LONGHORN_NAMESPACE} delete volumes.longhorn.io ${p.newVolume} removes it)`;
    if (!done || failure !== undefined) {
      const what = failure !== undefined ? `Longhorn failed to restore backup ${p.backup.name} into ${p.newVolume}: ${failure}` : `the restore of backup ${p.backup.name} into volume ${p.newVolume} did not finish within ${secs(t.restoreMs)}`;
      throw stop(what, `${atZero}; ${untouched}; ${newVolumeLeft}. Run restore-volumes again, or scale the workload back to keep the old volume.`);
    }
    log(`${id}: volume ${p.newVolume} restored`);

    await cluster.create(restoredPv({ name: p.newVolume, volume: p.newVolume, sizeBytes: p.backup.sizeBytes, fsType: p.fsType, claim: p.claim, params: p.params }));
    if ((await cluster.claimPhase(ns, p.claim.name)) !== undefined) await cluster.deleteClaim(ns, p.claim.name);
    if (!(await waitFor(t.boundMs, async () => (await cluster.claimPhase(ns, p.claim.name)) === undefined))) {
      throw stop(`the old claim was not gone ${secs(t.boundMs)} after its deletion`, `${atZero}; PV ${p.newVolume} is reserved for the claim; the old volume ${p.volume} (PV ${p.pv}) is untouched. Once the claim is gone, create it with kubectl or run pulumi up, which binds it to PV ${p.newVolume}.`);
    }
    await cluster.create(reboundClaim(p.claim.name, ns, p.claim.sizeGbs, p.newVolume));
    if (!(await waitFor(t.boundMs, async () => (await cluster.claimPhase(ns, p.claim.name)) === "Bound"))) {
      throw stop(`the new claim did not bind to PV ${p.newVolume} within ${secs(t.boundMs)}`, `${atZero}; the old volume ${p.volume} (PV ${p.pv}) is untouched. Look at kubectl -n ${ns} describe pvc ${p.claim.name}.`);
    }
    log(`${id}: claim re-created, bound to PV ${p.newVolume}`);

    for (const x of targets) await cluster.scale(x.w, x.replicas, undefined);
    if (!(await waitFor(t.readyMs, async () => (await Promise.all(targets.map((x) => cluster.workloadReady(x.w)))).every(Boolean)))) {
      throw stop(`${targets.map((x) => workloadId(x.w)).join(", ")} not ready within ${secs(t.readyMs)} of scaling back`, `The claim is bound to the restored volume ${p.newVolume}; the old volume ${p.volume} (PV ${p.pv}) is untouched. Look at the pods (kubectl -n ${ns} get pods).`);
    }
    restored.push(id);
    log(`${id}: restored from ${p.backup.name}; ${targets.length ? `${targets.map((x) => workloadId(x.w)).join(", ")} ready` : "no workload to start"}. The old volume ${p.volume} and PV ${p.pv} are kept: delete them once the data is confirmed`);
  }
  return restored;
}
