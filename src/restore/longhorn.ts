/**
 * What restoring a volume relies on in Longhorn, each read in longhorn/longhorn-manager
 * at tag v1.12.1 (the chart pin, src/versions.ts), and the objects built from it.
 * Pure: the orchestration (restore.ts) and the rehearsal (rehearsal.ts) call these,
 * the tests assert them.
 */
import { RETAIN_STORAGE_CLASS, retainedClaim } from "../apps/longhorn-values";
import type { Manifest } from "../apps/manifest";
import { LONGHORN } from "../verify/facts";

/**
 * Longhorn's CRDs: group and version, the `backups` plural, the Completed state and
 * the CSI driver are recorded once, with their sources, in src/verify/facts.ts
 * (`npm run verify` reads the same objects); volumes and snapshots are the
 * namespaced `volumes.longhorn.io` and `snapshots.longhorn.io` (longhorn/longhorn
 * chart/templates/crds.yaml at v1.12.1, `names.plural`).
 */
export const LONGHORN_API = { group: LONGHORN.group, version: LONGHORN.version, volumes: "volumes", backups: LONGHORN.backups, snapshots: "snapshots" } as const;

export const LONGHORN_CSI_DRIVER = LONGHORN.csiDriver;

/**
 * The label linking a Backup (and a Volume restored from one) to the volume it backs
 * up: `backup-volume=<volume name>`, with no prefix (types/types.go
 * LonghornLabelBackupVolume; set on every Backup by datastore/longhorn.go CreateBackup
 * → labelBackupVolume, on user-created ones by webhook/resources/backup/mutator.go, and
 * on a volume created with `spec.fromBackup` by webhook/resources/volume/mutator.go).
 */
export const BACKUP_VOLUME_LABEL = "backup-volume";

/** Backup `status.state` once uploaded; `Error` is final too (k8s/pkg/apis/longhorn/v1beta2/backup.go). */
export const BACKUP_STATES = { completed: LONGHORN.backupCompleted, error: "Error" } as const;

/**
 * Volume names are at most 40 characters (datastore/longhorn.go NameMaximumLength; the
 * volume mutator shortens longer ones with a hash, util.AutoCorrectName) and match
 * `^[a-z0-9][a-z0-9_.-]+$` (util/util.go ValidateName).
 */
export const VOLUME_NAME_MAX = 40;

/**
 * The file system Longhorn's CSI node server formats and mounts when the volume
 * capability names none (csi/node_server.go defaultFsType; manager/kubernetes.go
 * PVCreate uses the same default for the PVs it creates).
 */
export const DEFAULT_FS_TYPE = "ext4";

/** A `backups.longhorn.io` object, as much as a restore reads (backup.go BackupStatus). */
export interface LonghornBackup {
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  readonly status?: {
    readonly state?: string;
    /** The backup's URL in the backup store: what `spec.fromBackup` takes. */
    readonly url?: string;
    /** When the upload finished, RFC 3339 UTC (backupstore util.Now via controller/backup_controller.go). */
    readonly backupCreatedAt?: string;
    readonly snapshotCreatedAt?: string;
    /** Size of the backed-up volume in bytes, as a string. */
    readonly volumeSize?: string;
    readonly error?: string;
  };
}

/** A `volumes.longhorn.io` object, as much as a restore reads (volume.go VolumeStatus). */
export interface LonghornVolume {
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  readonly status?: {
    readonly restoreRequired?: boolean;
    readonly restoreInitiated?: boolean;
    readonly robustness?: string;
    readonly conditions?: readonly { readonly type?: string; readonly status?: string; readonly reason?: string; readonly message?: string }[];
  };
}

/** The backup to restore: the newest completed one that has a URL, or undefined. */
export function newestBackup(backups: readonly LonghornBackup[]): LonghornBackup | undefined {
  const at = (b: LonghornBackup) => Date.parse(b.status?.backupCreatedAt || b.status?.snapshotCreatedAt || "") || 0;
  return backups
    .filter((b) => b.status?.state === BACKUP_STATES.completed && b.status.url)
    .reduce<LonghornBackup | undefined>((best, b) => (best === undefined || at(b) > at(best) ? b : best), undefined);
}

/**
 * The name of the volume a claim is restored into: the claim's name (shortened to fit)
 * and the UTC time, so each restore makes a new volume and never reuses the old one's name.
 */
export function restoredVolumeName(claim: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const room = VOLUME_NAME_MAX - stamp.length - 2;
  const base = claim.toLowerCase().slice(0, room).replace(/[^a-z0-9]+$/, "") || "volume";
  return `${base}-r${stamp}`;
}

/** The StorageClass parameters a restored volume keeps (src/apps/longhorn-values.ts retainStorageClass). */
export interface ClassParameters {
  readonly numberOfReplicas: number;
  readonly staleReplicaTimeout: number;
  readonly dataLocality?: string;
}

/**
 * A Longhorn volume restored from a backup. Longhorn creates it, attaches it to
 * restore the data, and detaches it when done (controller/volume_restore_controller.go).
 * `size` is overridden by the backup's size (webhook/resources/volume/mutator.go:
 * "Override size of volume ... because it's from backup"); `frontend` must be
 * `blockdev` for the v1 engine (the volume validator refuses an empty one; the
 * Longhorn API defaults it the same way, api/volume.go VolumeCreate).
 */
export function restoredVolume(a: { name: string; namespace: string; backupUrl: string; sizeBytes: number; params: ClassParameters }): Manifest {
  return {
    apiVersion: `${LONGHORN_API.group}/${LONGHORN_API.version}`,
    kind: "Volume",
    metadata: { name: a.name, namespace: a.namespace, labels: { "app.kubernetes.io/managed-by": "ci-infra" } },
    spec: {
      fromBackup: a.backupUrl,
      size: String(a.sizeBytes),
      numberOfReplicas: a.params.numberOfReplicas,
      staleReplicaTimeout: a.params.staleReplicaTimeout,
      frontend: "blockdev",
      ...(a.params.dataLocality ? { dataLocality: a.params.dataLocality } : {}),
    },
  };
}

export type RestoreProgress = { readonly state: "restoring" } | { readonly state: "done" } | { readonly state: "failed"; readonly message: string };

/**
 * Where a restore stands. Longhorn sets `status.restoreInitiated` and
 * `status.restoreRequired` when it starts (checkAndInitVolumeRestore) and clears
 * `restoreRequired` once the backup is restored and the replicas are healthy
 * (checkAndFinishVolumeRestore, controller/volume_controller.go). A faulted restore
 * sets the `Restore` condition to False with reason `RestoreFailure`.
 */
export function restoreProgress(v: LonghornVolume | undefined): RestoreProgress {
  if (!v) return { state: "failed", message: "the volume is gone" };
  const failed = v.status?.conditions?.find((c) => c.type === "Restore" && c.status === "False" && c.reason === "RestoreFailure");
  if (failed) return { state: "failed", message: failed.message || "RestoreFailure" };
  if (v.status?.restoreInitiated === true && v.status.restoreRequired === false) return { state: "done" };
  return { state: "restoring" };
}

/** Bytes as a Kubernetes quantity: whole GiB when exact. */
export function quantity(bytes: number): string {
  return bytes % 2 ** 30 === 0 ? `${bytes / 2 ** 30}Gi` : String(bytes);
}

/**
 * The PersistentVolume for a restored volume, reserved for the claim (claimRef), in
 * the form Longhorn's own "Create PV/PVC" writes (datastore/kubernetes.go
 * NewPVManifestForVolume: Retain, Filesystem, csi driver/fsType/volumeHandle and the
 * attributes diskSelector, nodeSelector, numberOfReplicas, staleReplicaTimeout).
 */
export function restoredPv(a: { name: string; volume: string; sizeBytes: number; fsType: string; claim: { namespace: string; name: string }; params: ClassParameters }): Manifest {
  return {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: a.name, labels: { "app.kubernetes.io/managed-by": "ci-infra" } },
    spec: {
      capacity: { storage: quantity(a.sizeBytes) },
      accessModes: ["ReadWriteOnce"],
      persistentVolumeReclaimPolicy: "Retain",
      volumeMode: "Filesystem",
      storageClassName: RETAIN_STORAGE_CLASS,
      claimRef: { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: a.claim.namespace, name: a.claim.name },
      csi: {
        driver: LONGHORN_CSI_DRIVER,
        fsType: a.fsType,
        volumeHandle: a.volume,
        volumeAttributes: { diskSelector: "", nodeSelector: "", numberOfReplicas: String(a.params.numberOfReplicas), staleReplicaTimeout: String(a.params.staleReplicaTimeout) },
      },
    },
  };
}

/**
 * The claim again, from the same builder the stack uses (so the recurring-job labels
 * stay and Longhorn backs the new volume up on the same schedule), bound to the PV.
 */
export function reboundClaim(name: string, namespace: string, sizeGbs: number, pv: string): Manifest {
  const c = retainedClaim(name, namespace, sizeGbs);
  return { ...c, spec: { ...(c.spec as Record<string, unknown>), volumeName: pv } };
}

/**
 * An on-demand snapshot: `spec.volume` and `spec.createSnapshot: true` make Longhorn
 * take it; `status.readyToUse` says it is there (k8s/pkg/apis/longhorn/v1beta2/snapshot.go).
 */
export function snapshotOf(name: string, namespace: string, volume: string): Manifest {
  return { apiVersion: `${LONGHORN_API.group}/${LONGHORN_API.version}`, kind: "Snapshot", metadata: { name, namespace }, spec: { volume, createSnapshot: true } };
}

/**
 * A backup of that snapshot to the backup target. A Backup with `spec.snapshotName`
 * is uploaded by the backup controller (controller/backup_controller.go: "created by
 * the user/API layer"); the validator requires the `backup-volume` label to name the
 * snapshot's volume, and the mutator adds the `backup-target` label and the backup
 * mode (webhook/resources/backup/{validator,mutator}.go).
 */
export function backupOf(name: string, namespace: string, volume: string, snapshot: string): Manifest {
  return {
    apiVersion: `${LONGHORN_API.group}/${LONGHORN_API.version}`,
    kind: "Backup",
    metadata: { name, namespace, labels: { [BACKUP_VOLUME_LABEL]: volume } },
    spec: { snapshotName: snapshot },
  };
}
