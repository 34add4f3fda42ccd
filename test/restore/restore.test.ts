/** restore-volumes: the order of operations and what it refuses, with a fake cluster (world.ts). */
import { describe, expect, it } from "vitest";
import { retainedClaim } from "../../src/apps/longhorn-values";
import { describePlan, planRestore, RestoreError, restoreVolumes } from "../../src/restore/restore";
import { backup, GI, GRAFANA, JENKINS, world } from "./world";

const fails = (p: Promise<unknown>) => p.then(
  () => expect.fail("expected a RestoreError"),
  (e: unknown) => {
    expect(e).toBeInstanceOf(RestoreError);
    return e as RestoreError;
  },
);

describe("restore-volumes: a claim restored from its newest backup", () => {
  it("scales the workload to 0, waits for its pods, restores a new volume, binds PV and claim, scales back: in that order", async () => {
    const w = world();
    const plans = await planRestore([JENKINS], w);
    expect(w.changes()).toEqual([]);
    expect(await restoreVolumes(plans, w, { pollMs: 1000 })).toEqual(["jenkins/jenkins-home"]);
    expect(w.changes()).toEqual([
      "scale statefulset/jenkins 0 (remember 1)",
      "create Volume jenkins-home-r20260801120000",
      "create PersistentVolume jenkins-home-r20260801120000",
      "delete claim jenkins/jenkins-home",
      "create PersistentVolumeClaim jenkins-home",
      "scale statefulset/jenkins 1",
    ]);
    expect(w.replicas.get("jenkins/jenkins")).toBe(1);
  });

  it("never creates the volume while a pod still mounts the claim, nor the claim before the restore is done", async () => {
    const w = world({ podGonePolls: 3, restorePolls: 4 });
    const seen: string[] = [];
    const create = w.cluster.create.bind(w.cluster);
    w.cluster.create = async (m) => {
      seen.push(`${m.kind}: ${(await w.cluster.podsMounting("jenkins", "jenkins-home")).length} pods`);
      return create(m);
    };
    const longhornVolume = w.cluster.longhornVolume.bind(w.cluster);
    let restored = false;
    w.cluster.longhornVolume = async (n) => {
      const v = await longhornVolume(n);
      restored ||= v?.status?.restoreRequired === false;
      return v;
    };
    const deleteClaim = w.cluster.deleteClaim.bind(w.cluster);
    w.cluster.deleteClaim = async (ns, n) => {
      expect(restored, "claim deleted before the restore finished").toBe(true);
      return deleteClaim(ns, n);
    };
    await restoreVolumes(await planRestore([JENKINS], w), w, { pollMs: 1000 });
    expect(seen).toEqual(["Volume: 0 pods", "PersistentVolume: 0 pods", "PersistentVolumeClaim: 0 pods"]);
  });

  it("restores from the newest completed backup, into a volume of the class' replicas, and keeps the claim's labels and size", async () => {
    const w = world({
      backups: {
        "pvc-1111": [
          backup("pvc-1111", "backup-older", "2026-07-31T18:00:00Z"),
          backup("pvc-1111", "backup-newest", "2026-08-01T06:00:00Z"),
          backup("pvc-1111", "backup-running", "2026-08-01T11:59:00Z", { state: "InProgress" }),
          backup("pvc-1111", "backup-broken", "2026-08-01T11:58:00Z", { state: "Error" }),
        ],
      },
    });
    await restoreVolumes(await planRestore([JENKINS], w), w, { pollMs: 1000 });
    const [volume, pv, claim] = w.created;
    expect(volume).toEqual({
      apiVersion: "longhorn.io/v1beta2",
      kind: "Volume",
      metadata: { name: "jenkins-home-r20260801120000", namespace: "longhorn-system", labels: { "app.kubernetes.io/managed-by": "ci-infra" } },
      spec: { fromBackup: "s3://b@r/?backup=backup-newest&volume=pvc-1111", size: String(50 * GI), numberOfReplicas: 3, staleReplicaTimeout: 30, frontend: "blockdev", dataLocality: "disabled" },
    });
    expect(pv.spec).toMatchObject({
      capacity: { storage: "50Gi" },
      storageClassName: "longhorn-retain",
      persistentVolumeReclaimPolicy: "Retain",
      claimRef: { namespace: "jenkins", name: "jenkins-home" },
      csi: { driver: "driver.longhorn.io", volumeHandle: "jenkins-home-r20260801120000", fsType: "ext4" },
    });
    const stackClaim = retainedClaim("jenkins-home", "jenkins", 50);
    expect(claim.metadata).toEqual(stackClaim.metadata);
    expect(claim.spec).toEqual({ ...(stackClaim.spec as object), volumeName: "jenkins-home-r20260801120000" });
  });

  it("finds the backups of the volume a restored volume came from, until it has backups of its own", async () => {
    const w = world({ backups: { "pvc-old": [backup("pvc-old", "backup-of-origin", "2026-08-01T06:00:00Z")] } });
    const orig = w.cluster.longhornVolume.bind(w.cluster);
    w.cluster.longhornVolume = async (name) => (name === "pvc-1111" ? { metadata: { name, labels: { "backup-volume": "pvc-old" } } } : orig(name));
    const [p] = await planRestore([JENKINS], w);
    expect(p.backup.name).toBe("backup-of-origin");
  });

  it("a claim deleted and created again (empty) is restored from its former volume's newest backup", async () => {
    const w = world({ backups: { "pvc-old": [backup("pvc-old", "backup-before-the-deletion", "2026-08-01T06:00:00Z")] } });
    const orig = w.cluster.volumeOfClaim.bind(w.cluster);
    w.cluster.volumeOfClaim = async (ns, n) => ({ ...(await orig(ns, n))!, earlier: ["pvc-old"] });
    const [p] = await planRestore([JENKINS], w);
    expect(p.backup.name).toBe("backup-before-the-deletion");
  });

  it("prints a plan naming claim, volume, backup, workload and the new volume", async () => {
    const w = world();
    const lines = describePlan(await planRestore([GRAFANA, JENKINS], w));
    expect(lines[0]).toBe("monitoring/grafana-data (10Gi): volume pvc-2222 (PV pvc-2222) ← backup backup-g-new of 2026-08-01T06:00:00Z");
    expect(lines[1]).toContain("scale deployment/grafana to 0; restore into new volume grafana-data-r20260801120000 (3 replicas)");
    expect(lines[3]).toContain("scale statefulset/jenkins to 0");
  });
});

describe("restore-volumes: what stops it", () => {
  it("no backup: a clear error for every such claim, before anything changes", async () => {
    const w = world({ backups: { "pvc-2222": [backup("pvc-2222", "backup-g", "2026-08-01T06:00:00Z", { sizeGbs: 10 })], "pvc-1111": [backup("pvc-1111", "b", "2026-08-01T06:00:00Z", { state: "InProgress" })] } });
    const e = await fails(planRestore([GRAFANA, JENKINS], w));
    expect(e.message).toBe(
      "jenkins/jenkins-home: no completed Longhorn backup of volume pvc-1111 (backups.longhorn.io labelled backup-volume=<volume> in longhorn-system, state Completed); is longhorn.backup enabled and has a backup run?\nNothing was changed.",
    );
    expect(w.changes()).toEqual([]);
  });

  it("a backup smaller than the claim (the claim grew since) is refused before anything changes: such a PV never binds", async () => {
    const w = world({ backups: { "pvc-1111": [backup("pvc-1111", "small", "2026-08-01T06:00:00Z", { sizeGbs: 20 })] } });
    const e = await fails(planRestore([JENKINS], w));
    expect(e.message).toMatch(/^jenkins\/jenkins-home: backup small holds a 20Gi volume but the claim asks for 50Gi/);
    expect(w.changes()).toEqual([]);
  });

  it("a restore that never finishes times out, leaves the workload at 0 and the old claim, PV and volume as they were", async () => {
    const w = world({ restorePolls: Infinity });
    const plans = await planRestore([JENKINS, GRAFANA], w);
    const e = await fails(restoreVolumes(plans, w, { pollMs: 60_000, timeouts: { restoreMs: 600_000 } }));
    expect(e.message).toBe(
      "jenkins/jenkins-home: the restore of backup backup-j-new into volume jenkins-home-r20260801120000 did not finish within 600 s. statefulset/jenkins (was 1) is left scaled to 0; the claim still names the old volume pvc-1111 (PV pvc-1111), which is untouched; the new volume jenkins-home-r20260801120000 is left in longhorn-system to inspect (kubectl -n longhorn-system delete volumes.longhorn.io jenkins-home-r20260801120000 removes it). Run restore-volumes again, or scale the workload back to keep the old volume.",
    );
    expect(w.changes()).toEqual(["scale statefulset/jenkins 0 (remember 1)", "create Volume jenkins-home-r20260801120000"]);
    expect(w.replicas.get("jenkins/jenkins")).toBe(0);
    // The next claim is not started.
    expect(w.replicas.get("monitoring/grafana")).toBe(1);
  });

  it("a restore Longhorn reports failed stops at once, with Longhorn's reason", async () => {
    const w = world({ restoreFails: true });
    const e = await fails(restoreVolumes(await planRestore([JENKINS], w), w, { pollMs: 1000 }));
    expect(e.message).toMatch(/^jenkins\/jenkins-home: Longhorn failed to restore backup backup-j-new into jenkins-home-r20260801120000: All replica restore failed/);
    expect(w.changes()).not.toContain("delete claim jenkins/jenkins-home");
  });

  it("a re-run after an interrupted restore scales back to the replicas it recorded, not to 0", async () => {
    const w = world({ workloads: [{ kind: "StatefulSet", namespace: "jenkins", name: "jenkins", replicas: 0, replicasBeforeRestore: 1 }] });
    await restoreVolumes(await planRestore([JENKINS], w), w, { pollMs: 1000 });
    expect(w.changes()[0]).toBe("scale statefulset/jenkins 0 (remember 1)");
    expect(w.changes().at(-1)).toBe("scale statefulset/jenkins 1");
  });
});
