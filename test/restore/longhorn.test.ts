/**
 * The Longhorn and Kubernetes objects restore-volumes writes and reads: only fields
 * that exist upstream, in the forms Longhorn accepts, and Kubernetes objects valid
 * against the API schemas (kubernetes-models).
 */
import { describe, expect, it } from "vitest";
import { PersistentVolume, PersistentVolumeClaim } from "kubernetes-models/v1";
import {
  backupOf,
  newestBackup,
  quantity,
  reboundClaim,
  restoredPv,
  restoredVolume,
  restoredVolumeName,
  restoreProgress,
  snapshotOf,
  VOLUME_NAME_MAX,
} from "../../src/restore/longhorn";
import { backup, GI } from "./world";

/**
 * The JSON names of the spec fields, longhorn/longhorn-manager
 * k8s/pkg/apis/longhorn/v1beta2/{volume,backup,snapshot}.go at v1.12.1 (VolumeSpec,
 * BackupSpec, SnapshotSpec). A field we write that is not here is silently dropped
 * by the API server (the CRDs preserve no unknown fields) and the restore would not
 * do what the code says.
 */
const SPEC_FIELDS = {
  Volume: "size frontend ublkQueueDepth ublkNumberOfQueue fromBackup restoreVolumeRecurringJob dataSource cloneMode dataLocality staleReplicaTimeout nodeID engineNodeID migrationNodeID image backingImage Standby diskSelector nodeSelector disableFrontend revisionCounterDisabled unmapMarkSnapChainRemoved replicaSoftAntiAffinity replicaZoneSoftAntiAffinity replicaDiskSoftAntiAffinity lastAttachedBy accessMode migratable encrypted numberOfReplicas replicaAutoBalance snapshotDataIntegrity backupCompressionMethod backupBlockSize dataEngine snapshotMaxCount snapshotMaxSize freezeFilesystemForSnapshot backupTargetName offlineRebuilding replicaRebuildingBandwidthLimit rebuildConcurrentSyncLimit snapshotHashingRequestedAt dataLayout".split(" "),
  Backup: "syncRequestedAt snapshotName labels backupMode backupBlockSize".split(" "),
  Snapshot: "volume createSnapshot labels".split(" "),
};
const params = { numberOfReplicas: 3, staleReplicaTimeout: 30, dataLocality: "disabled" };

describe("Longhorn objects", () => {
  it("write only spec fields Longhorn v1.12.1 has", () => {
    for (const m of [restoredVolume({ name: "v", namespace: "longhorn-system", backupUrl: "s3://x", sizeBytes: GI, params }), backupOf("b", "longhorn-system", "v", "s"), snapshotOf("s", "longhorn-system", "v")]) {
      const known = SPEC_FIELDS[m.kind as keyof typeof SPEC_FIELDS];
      expect(known, m.kind).toBeDefined();
      expect(Object.keys(m.spec as object).filter((k) => !known.includes(k)), m.kind).toEqual([]);
      expect(m.apiVersion).toBe("longhorn.io/v1beta2");
    }
  });

  it("a restored volume: size as a string of bytes (json:\"size,string\"), the v1 engine's blockdev frontend, the backup URL", () => {
    const v = restoredVolume({ name: "v", namespace: "longhorn-system", backupUrl: "s3://bucket@region/?backup=b&volume=x", sizeBytes: 50 * GI, params });
    expect(v.spec).toMatchObject({ size: "53687091200", frontend: "blockdev", fromBackup: "s3://bucket@region/?backup=b&volume=x", numberOfReplicas: 3 });
  });

  it("a backup names its volume in the unprefixed backup-volume label, as the Backup validator requires", () => {
    expect(backupOf("b", "longhorn-system", "pvc-1", "snap").metadata.labels).toEqual({ "backup-volume": "pvc-1" });
    expect(snapshotOf("snap", "longhorn-system", "pvc-1").spec).toEqual({ volume: "pvc-1", createSnapshot: true });
  });

  it("names restored volumes within Longhorn's 40 characters and name pattern, new each time", () => {
    const at = new Date("2026-08-01T12:34:56.789Z");
    expect(restoredVolumeName("jenkins-home", at)).toBe("jenkins-home-r20260801123456");
    const long = restoredVolumeName("a-very-long-claim-name-that-goes-on-and-on", at);
    expect(long.length).toBeLessThanOrEqual(VOLUME_NAME_MAX);
    expect(long).toMatch(/^[a-z0-9][a-z0-9_.-]+$/);
    expect(long).toBe("a-very-long-claim-name-t-r20260801123456");
    expect(restoredVolumeName("x", new Date(at.getTime() + 1000))).not.toBe(restoredVolumeName("x", at));
  });

  it("the restore is done only once Longhorn started it and cleared restoreRequired, failed on RestoreFailure", () => {
    const vol = (status: object) => ({ metadata: { name: "v" }, status });
    // A volume Longhorn has not picked up yet has neither flag: not done.
    expect(restoreProgress(vol({})).state).toBe("restoring");
    expect(restoreProgress(vol({ restoreRequired: false })).state).toBe("restoring");
    expect(restoreProgress(vol({ restoreInitiated: true, restoreRequired: true })).state).toBe("restoring");
    expect(restoreProgress(vol({ restoreInitiated: true, restoreRequired: false })).state).toBe("done");
    expect(restoreProgress(vol({ restoreInitiated: true, restoreRequired: true, conditions: [{ type: "Restore", status: "False", reason: "RestoreFailure", message: "faulted" }] }))).toEqual({ state: "failed", message: "faulted" });
    expect(restoreProgress(undefined).state).toBe("failed");
  });

  it("picks the newest completed backup with a URL, by upload time", () => {
    const noUrl = { ...backup("v", "no-url", "2026-08-01T11:00:00Z"), status: { state: "Completed", backupCreatedAt: "2026-08-01T11:00:00Z" } };
    const b = newestBackup([backup("v", "a", "2026-08-01T06:00:00Z"), backup("v", "b", "2026-07-01T06:00:00Z"), backup("v", "c", "2026-08-01T09:00:00Z", { state: "Error" }), noUrl]);
    expect(b?.metadata.name).toBe("a");
    expect(newestBackup([])).toBeUndefined();
  });
});

describe("Kubernetes objects", () => {
  const pv = restoredPv({ name: "jenkins-home-r1", volume: "jenkins-home-r1", sizeBytes: 50 * GI, fsType: "ext4", claim: { namespace: "jenkins", name: "jenkins-home" }, params });
  const claim = reboundClaim("jenkins-home", "jenkins", 50, "jenkins-home-r1");

  it("are valid against the Kubernetes API schemas", () => {
    expect(() => new PersistentVolume(pv as never).validate()).not.toThrow();
    expect(() => new PersistentVolumeClaim(claim as never).validate()).not.toThrow();
  });

  it("the PV is reserved for the claim and names the volume, the claim names the PV", () => {
    expect((pv.spec as { claimRef: object }).claimRef).toEqual({ apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: "jenkins", name: "jenkins-home" });
    expect((pv.spec as { csi: { volumeHandle: string; volumeAttributes: object } }).csi.volumeAttributes).toEqual({ diskSelector: "", nodeSelector: "", numberOfReplicas: "3", staleReplicaTimeout: "30" });
    expect((claim.spec as { volumeName: string }).volumeName).toBe("jenkins-home-r1");
    expect(quantity(50 * GI)).toBe("50Gi");
    expect(quantity(50 * GI + 1)).toBe(String(50 * GI + 1));
  });
});
