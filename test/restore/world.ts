/**
 * A fake cluster for restore-volumes and the rehearsal: claims bound to PVs of
 * Longhorn volumes, their backups, the workloads mounting them, and Longhorn
 * restoring a new volume after `restorePolls` polls (or never). Every call that
 * changes something is recorded, in order, in `calls`; created objects in `created`.
 */
import type { Manifest } from "../../src/apps/manifest";
import type { RetainedClaim } from "../../src/restore/claims";
import type { LonghornBackup, LonghornVolume } from "../../src/restore/longhorn";
import type { RehearsalCluster } from "../../src/restore/rehearsal";
import type { MountingPod, RestoreCluster, Workload } from "../../src/restore/restore";

export const JENKINS: RetainedClaim = { namespace: "jenkins", name: "jenkins-home", sizeGbs: 50 };
export const GRAFANA: RetainedClaim = { namespace: "monitoring", name: "grafana-data", sizeGbs: 10 };
export const GI = 2 ** 30;

export function backup(volume: string, name: string, at: string, opts: { state?: string; sizeGbs?: number } = {}): LonghornBackup {
  return {
    metadata: { name, labels: { "backup-volume": volume, "backup-target": "default" } },
    status: { state: opts.state ?? "Completed", url: `s3://b@r/?backup=${name}&volume=${volume}`, backupCreatedAt: at, volumeSize: String((opts.sizeGbs ?? 50) * GI) },
  };
}

export interface WorldOptions {
  /** Backups per volume name; default: two of each volume. */
  backups?: Record<string, LonghornBackup[]>;
  /** Polls before a new volume reports the restore done; Infinity: never. */
  restorePolls?: number;
  /** A restore that faults: the Restore condition Longhorn sets. */
  restoreFails?: boolean;
  podGonePolls?: number;
  workloads?: Workload[];
}

export function world(opts: WorldOptions = {}) {
  const calls: string[] = [];
  const created: Manifest[] = [];
  let t = Date.parse("2026-08-01T12:00:00Z");
  const pvOf: Record<string, { pv: string; volume: string; fsType?: string }> = {
    "jenkins/jenkins-home": { pv: "pvc-1111", volume: "pvc-1111", fsType: "ext4" },
    "monitoring/grafana-data": { pv: "pvc-2222", volume: "pvc-2222" },
  };
  const claims = new Map<string, string>([
    ["jenkins/jenkins-home", "Bound"],
    ["monitoring/grafana-data", "Bound"],
  ]);
  const backups: Record<string, LonghornBackup[]> = opts.backups ?? {
    "pvc-1111": [backup("pvc-1111", "backup-j-old", "2026-07-31T18:00:00Z"), backup("pvc-1111", "backup-j-new", "2026-08-01T06:00:00Z")],
    "pvc-2222": [backup("pvc-2222", "backup-g-new", "2026-08-01T06:00:00Z", { sizeGbs: 10 })],
  };
  const volumes = new Map<string, LonghornVolume & { polls: number }>();
  const workloads: Workload[] = opts.workloads ?? [
    { kind: "StatefulSet", namespace: "jenkins", name: "jenkins", replicas: 1 },
    { kind: "Deployment", namespace: "monitoring", name: "grafana", replicas: 1 },
  ];
  const replicas = new Map(workloads.map((w) => [`${w.namespace}/${w.name}`, w.replicas]));
  const podsGoneIn = new Map<string, number>();
  const mounts: Record<string, string> = { jenkins: "jenkins-home", grafana: "grafana-data" };
  const files = new Map<string, string>();

  const cluster: RestoreCluster & RehearsalCluster = {
    async volumeOfClaim(ns, name) {
      return pvOf[`${ns}/${name}`];
    },
    async longhornVolume(name) {
      const v = volumes.get(name);
      if (!v) return undefined;
      if (opts.restoreFails) return { ...v, status: { restoreInitiated: true, restoreRequired: true, conditions: [{ type: "Restore", status: "False", reason: "RestoreFailure", message: "All replica restore failed and the volume became Faulted" }] } };
      v.polls += 1;
      const done = v.polls > (opts.restorePolls ?? 2);
      return { ...v, status: { restoreInitiated: true, restoreRequired: !done } };
    },
    async backupsOf(volume) {
      return backups[volume] ?? [];
    },
    async storageClass(name) {
      return name === "longhorn-retain" ? { numberOfReplicas: 3, staleReplicaTimeout: 30, dataLocality: "disabled" } : undefined;
    },
    async workloadsMounting(ns, claim) {
      return workloads.filter((w) => w.namespace === ns && mounts[w.name] === claim).map((w) => ({ ...w, replicas: replicas.get(`${ns}/${w.name}`)! }));
    },
    async scale(w, n, remember) {
      calls.push(`scale ${w.kind.toLowerCase()}/${w.name} ${n}${remember === undefined ? "" : ` (remember ${remember})`}`);
      replicas.set(`${w.namespace}/${w.name}`, n);
      if (n === 0) podsGoneIn.set(`${w.namespace}/${mounts[w.name]}`, opts.podGonePolls ?? 1);
    },
    async podsMounting(ns, claim) {
      const w = workloads.find((x) => x.namespace === ns && mounts[x.name] === claim);
      if (!w || replicas.get(`${ns}/${w.name}`) !== 0) return w ? [{ name: `${w.name}-0`, phase: "Running", container: w.name, mountPath: `/data/${w.name}/` } as MountingPod] : [];
      const left = (podsGoneIn.get(`${ns}/${claim}`) ?? 0) - 1;
      podsGoneIn.set(`${ns}/${claim}`, left);
      return left >= 0 ? [{ name: `${w.name}-0`, phase: "Running" }] : [];
    },
    async create(m) {
      calls.push(`create ${m.kind} ${m.metadata.name}`);
      created.push(m);
      if (m.kind === "Volume") volumes.set(m.metadata.name, { metadata: { name: m.metadata.name }, polls: 0 });
      if (m.kind === "PersistentVolumeClaim") claims.set(`${m.metadata.namespace}/${m.metadata.name}`, "Bound");
    },
    async deleteClaim(ns, name) {
      calls.push(`delete claim ${ns}/${name}`);
      claims.delete(`${ns}/${name}`);
    },
    async claimPhase(ns, name) {
      return claims.get(`${ns}/${name}`);
    },
    async workloadReady(w) {
      return (replicas.get(`${w.namespace}/${w.name}`) ?? 0) > 0;
    },
    async exec(ns, pod, container, command) {
      calls.push(`exec ${ns}/${pod}/${container} ${command[0]}`);
      if (command[0] === "sh") files.set(String(command[5]), String(command[4]));
      if (command[0] === "cat") {
        const f = files.get(String(command[1]));
        if (f === undefined) throw new Error(`cat: ${command[1]}: No such file or directory`);
        return f;
      }
      return "";
    },
    async snapshot() {
      return { readyToUse: true };
    },
    async backup(name) {
      return { metadata: { name }, status: { state: "Completed" } };
    },
    async deleteVolume(name) {
      calls.push(`delete volume ${name}`);
    },
  };
  const clock = { now: () => t, sleep: async (ms: number) => void (t += ms) };
  const changes = () => calls.filter((c) => !c.startsWith("exec"));
  return { calls, created, cluster, clock, log: () => undefined, files, changes, replicas };
}
