/** The rehearsal's steps around restore-volumes, and the bucket cleanup before its destroy. */
import { describe, expect, it } from "vitest";
import { apiKeyFromPulumiConfig, emptyBucket, ObjectStore } from "../../src/restore/bucket";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { parseStackConfig } from "../../src/config";
import { PROJECT } from "../../src/plan/run";
import { readStackFile } from "../../src/plan/stack-file";
import { backupNow, checkMarkers, loseVolumes, MARKER_FILE, withVolumeBackups, writeMarkers } from "../../src/restore/rehearsal";
import { volumeBucketOf } from "../../src/restore/rehearsal-cli";
import { planRestore, restoreVolumes } from "../../src/restore/restore";
import { GRAFANA, JENKINS, world } from "./world";

describe("restore rehearsal", () => {
  it("marks each volume through the app's pod, loses the volumes, restores, and finds the markers again", async () => {
    const w = world();
    await writeMarkers([JENKINS, GRAFANA], "run-42", w);
    expect([...w.files.entries()]).toEqual([
      [`/data/jenkins/${MARKER_FILE}`, "run-42"],
      [`/data/grafana/${MARKER_FILE}`, "run-42"],
    ]);
    await loseVolumes([JENKINS, GRAFANA], w, { pollMs: 1000 });
    expect(w.changes()).toEqual([
      "scale statefulset/jenkins 0 (remember 1)",
      "delete volume pvc-1111",
      "scale statefulset/jenkins 1",
      "scale deployment/grafana 0 (remember 1)",
      "delete volume pvc-2222",
      "scale deployment/grafana 1",
    ]);
    await restoreVolumes(await planRestore([JENKINS, GRAFANA], w), w, { pollMs: 1000 });
    await expect(checkMarkers([JENKINS, GRAFANA], "run-42", w)).resolves.toBeUndefined();
  });

  it("a marker that did not come back fails the check, naming the claim", async () => {
    const w = world();
    await writeMarkers([JENKINS], "run-42", w);
    await expect(checkMarkers([JENKINS, GRAFANA], "run-42", w)).rejects.toThrow(
      `the restore lost data:\nmonitoring/grafana-data: cannot read marker /data/grafana/${MARKER_FILE} (cat: /data/grafana/${MARKER_FILE}: No such file or directory)`,
    );
  });

  it("a marker with other content fails the check too", async () => {
    const w = world();
    await writeMarkers([JENKINS], "run-41", w);
    await expect(checkMarkers([JENKINS], "run-42", w)).rejects.toThrow(`jenkins/jenkins-home: marker /data/jenkins/${MARKER_FILE} holds "run-41", expected "run-42"`);
  });

  it("backs each volume up now: a snapshot, then a backup of it labelled with the volume", async () => {
    const w = world();
    expect(await backupNow([JENKINS, GRAFANA], w, { pollMs: 1000 })).toEqual(["rehearsal-20260801120000-0", "rehearsal-20260801120000-1"]);
    expect(w.changes()).toEqual(["create Snapshot rehearsal-20260801120000-0", "create Backup rehearsal-20260801120000-0", "create Snapshot rehearsal-20260801120000-1", "create Backup rehearsal-20260801120000-1"]);
    expect(w.created[1]).toMatchObject({ metadata: { labels: { "backup-volume": "pvc-1111" } }, spec: { snapshotName: "rehearsal-20260801120000-0" } });
  });

  it("a backup Longhorn reports in Error fails the step with its reason", async () => {
    const w = world();
    w.cluster.backup = async (name) => ({ metadata: { name }, status: { state: "Error", error: "backup target unavailable" } });
    await expect(backupNow([JENKINS], w, { pollMs: 1000 })).rejects.toThrow("jenkins/jenkins-home: backup rehearsal-20260801120000-0 of pvc-1111 failed: backup target unavailable");
  });
});

describe("emptying the rehearsal's backup bucket before destroy", () => {
  function store(versions: number, uploads: number, pageSize = 2) {
    const v = Array.from({ length: versions }, (_, i) => ({ name: `backupstore/volumes/o${i}`, versionId: `v${i}` }));
    const u = Array.from({ length: uploads }, (_, i) => ({ object: `u${i}`, uploadId: `id${i}` }));
    const log: string[] = [];
    const s: ObjectStore = {
      async versions() {
        return { items: v.slice(0, pageSize), next: v.length > pageSize ? "p2" : undefined };
      },
      async deleteVersion(name, id) {
        log.push(`delete ${name}@${id}`);
        v.splice(v.findIndex((x) => x.versionId === id), 1);
      },
      async uploads() {
        return { items: [...u] };
      },
      async abortUpload(object, id) {
        log.push(`abort ${object}@${id}`);
        u.splice(u.findIndex((x) => x.uploadId === id), 1);
      },
    };
    return { s, log, left: () => v.length + u.length };
  }

  it("deletes every object version page by page and aborts every upload, until the bucket lists empty", async () => {
    const b = store(5, 1);
    expect(await emptyBucket(b.s)).toEqual({ versions: 5, uploads: 1 });
    expect(b.left()).toBe(0);
    expect(b.log[0]).toBe("abort u0@id0");
  });

  it("gives up, loudly, on a bucket something keeps writing to", async () => {
    let n = 0;
    const busy: ObjectStore = {
      versions: async () => ({ items: [{ name: "backupstore/volumes/new", versionId: `v${n++}` }] }),
      deleteVersion: async () => undefined,
      uploads: async () => ({ items: [] }),
      abortUpload: async () => undefined,
    };
    await expect(emptyBucket(busy, () => undefined, 3)).rejects.toThrow("the bucket still held objects after 3 rounds of deletion (3 versions deleted): is something still writing to it?");
  });

  it("takes the OCI API key from the ESC environment's pulumiConfig, and says which key is missing", () => {
    const cfg = { "oci:tenancyOcid": "ocid1.tenancy.oc1..a", "oci:userOcid": "ocid1.user.oc1..b", "oci:fingerprint": "aa:bb", "oci:privateKey": "-----BEGIN PRIVATE KEY-----\n…" };
    expect(apiKeyFromPulumiConfig(cfg)).toEqual({ tenancy: "ocid1.tenancy.oc1..a", user: "ocid1.user.oc1..b", fingerprint: "aa:bb", privateKey: "-----BEGIN PRIVATE KEY-----\n…" });
    expect(() => apiKeyFromPulumiConfig({ ...cfg, "oci:fingerprint": undefined })).toThrow("the environment's pulumiConfig has no oci:fingerprint");
  });
});

describe("the rehearsal's review stack", () => {
  const staging = readFileSync(resolve(__dirname, "../../stacks/Pulumi.oci-staging.yaml"), "utf8");

  it("turns Longhorn backups on in the stack file, keeping its comments and everything else", () => {
    const text = withVolumeBackups(staging);
    const before = parse(staging).config;
    const after = parse(text).config;
    expect(after["ci-infra:longhorn"].backup.enabled).toBe(true);
    expect({ ...after, "ci-infra:longhorn": undefined }).toEqual({ ...before, "ci-infra:longhorn": undefined });
    expect(text).toContain("# Staging: the smallest platform that still exercises every path.");
    expect(withVolumeBackups(text)).toBe(text);
  });

  it("is a config the stack accepts, with volume backups on", () => {
    const dir = mkdtempSync(join(tmpdir(), "rehearsal-"));
    try {
      const file = join(dir, "Pulumi.pr-14.yaml");
      writeFileSync(file, withVolumeBackups(staging));
      const s = parseStackConfig(readStackFile(file, PROJECT), "pr-14") as { settings: { longhorn: { backup: { enabled: boolean } }; protect: boolean } };
      expect(s.settings.longhorn.backup.enabled).toBe(true);
      expect(s.settings.protect).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds the volume-backup bucket in the stack's backupSchedules output", () => {
    expect(volumeBucketOf({ etcd: null, volumes: { cron: "0 3 * * *", bucket: "pr-14-longhorn-backups" } })).toBe("pr-14-longhorn-backups");
    expect(volumeBucketOf({ etcd: null, volumes: null })).toBeUndefined();
    expect(volumeBucketOf(undefined)).toBeUndefined();
  });
});
