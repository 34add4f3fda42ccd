/**
 * The recovery point, checked: the newest k3s etcd snapshot and each app volume's
 * newest Longhorn backup must be younger than twice their schedule's interval (one
 * missed run is tolerated, two are not). The schedules are inputs, from the stack's
 * `backupSchedules` output; without one, prod fails ("no backup schedule configured")
 * and other stacks skip.
 */
import { RETAIN_STORAGE_CLASS } from "../apps/longhorn-values";
import { LONGHORN } from "./facts";
import { CheckResult, fail, KubeObject, KubeReader, pass, skip } from "./types";

export interface Schedule {
  /** The longest gap between two runs, in hours. */
  readonly everyHours: number;
  /** Copies must be in this bucket (off the nodes) when set. */
  readonly bucket?: string;
}

export interface BackupSchedules {
  /** Whether the stack has a `backupSchedules` output at all. */
  readonly output: boolean;
  readonly etcd?: Schedule;
  readonly volumes?: Schedule;
}

/**
 * The `backupSchedules` output: `{etcd, volumes}`, each null (off) or
 * `{cron, everyHours?, bucket?}`. `everyHours` wins; otherwise the cron is read.
 */
export function readBackupSchedules(v: unknown): BackupSchedules {
  if (v === undefined || v === null || typeof v !== "object") return { output: false };
  const one = (x: unknown): Schedule | undefined => {
    if (x === null || typeof x !== "object") return undefined;
    const s = x as { everyHours?: unknown; cron?: unknown; bucket?: unknown };
    const hours = typeof s.everyHours === "number" && s.everyHours > 0 ? s.everyHours : typeof s.cron === "string" ? cronMaxGapHours(s.cron) : undefined;
    return hours === undefined ? undefined : { everyHours: hours, ...(typeof s.bucket === "string" ? { bucket: s.bucket } : {}) };
  };
  const o = v as { etcd?: unknown; volumes?: unknown };
  return { output: true, etcd: one(o.etcd), volumes: one(o.volumes) };
}

const CRON_FIELDS: readonly [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
const DESCRIPTORS: Record<string, string> = { "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *" };

/**
 * The longest gap, in hours, between two runs of a five-field cron schedule (numbers,
 * `*`, ranges, steps, lists; day-of-month and day-of-week OR-ed when both are set, as
 * in cron and robfig/cron, which k3s and Longhorn use), or undefined when unreadable.
 */
export function cronMaxGapHours(cron: string): number | undefined {
  const every = /^@every\s+(\d+)([mh])$/.exec(cron.trim());
  if (every) return Number(every[1]) / (every[2] === "m" ? 60 : 1);
  const fields = (DESCRIPTORS[cron.trim()] ?? cron).trim().split(/\s+/);
  if (fields.length !== 5) return undefined;
  const sets: Set<number>[] = [];
  for (const [i, f] of fields.entries()) {
    const s = cronField(f, ...CRON_FIELDS[i]);
    if (!s) return undefined;
    sets.push(s);
  }
  if (sets[4].has(7)) sets[4].add(0);
  const [min, hour, dom, month, dow] = sets;
  const domAll = fields[2] === "*";
  const dowAll = fields[4] === "*";
  const dayMatches = (d: Date) => {
    const a = dom.has(d.getUTCDate());
    const b = dow.has(d.getUTCDay());
    return domAll || dowAll ? a && b : a || b;
  };
  // Two years of minutes covers every schedule that runs at least yearly.
  const start = Date.UTC(2025, 0, 1);
  const hours = [...hour].sort((a, b) => a - b);
  const minutes = [...min].sort((a, b) => a - b);
  let previous: number | undefined;
  let longest = 0;
  for (let day = 0; day < 731; day++) {
    const d = new Date(start + day * 86_400_000);
    if (!month.has(d.getUTCMonth() + 1) || !dayMatches(d)) continue;
    for (const h of hours) {
      for (const m of minutes) {
        const t = d.getTime() + (h * 60 + m) * 60_000;
        if (previous !== undefined) longest = Math.max(longest, t - previous);
        previous = t;
      }
    }
  }
  return longest > 0 ? longest / 3_600_000 : undefined;
}

function cronField(f: string, lo: number, hi: number): Set<number> | undefined {
  const out = new Set<number>();
  for (const part of f.split(",")) {
    const m = /^(\*|\d+(?:-\d+)?)(?:\/(\d+))?$/.exec(part);
    if (!m) return undefined;
    const [a, b] = m[1] === "*" ? [lo, hi] : m[1].includes("-") ? m[1].split("-").map(Number) : [Number(m[1]), m[2] ? hi : Number(m[1])];
    const step = m[2] ? Number(m[2]) : 1;
    if (a < lo || b > hi || a > b || step < 1) return undefined;
    for (let x = a; x <= b; x += step) out.add(x);
  }
  return out;
}

export function formatAge(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return d > 0 ? `${d}d${h}h` : h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : `${m}m`;
}

const missing = (name: string, what: string, prod: boolean, output: boolean): CheckResult => {
  const why = output ? `no ${what} schedule configured` : "no backup schedule configured (the stack has no backupSchedules output)";
  return prod ? fail(name, `${why}; a protected (prod) stack must have one`) : skip(name, `${why} (not prod: the stack protects no resource)`);
};

const limitText = (s: Schedule) => `schedule every ${s.everyHours} h, limit ${2 * s.everyHours} h`;
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** The newest ready k3s etcd snapshot (in the bucket, when the schedule names one). */
export async function etcdSnapshotCheck(kube: KubeReader, schedules: BackupSchedules, prod: boolean, now: number): Promise<CheckResult> {
  const name = "etcd snapshot";
  const s = schedules.etcd;
  if (!s) return missing(name, "etcd snapshot", prod, schedules.output);
  const files = await kube.etcdSnapshotFiles();
  const ready = files
    .filter((f) => (f.status as { readyToUse?: unknown } | undefined)?.readyToUse === true)
    .filter((f) => !s.bucket || Boolean((f.spec as { s3?: unknown } | undefined)?.s3))
    .map((f) => ({ f, at: Date.parse(str((f.status as { creationTime?: unknown }).creationTime) ?? "") }))
    .filter((x) => !Number.isNaN(x.at))
    .sort((a, b) => b.at - a.at);
  const where = s.bucket ? ` in bucket ${s.bucket}` : "";
  if (!ready.length) return fail(name, `no ready snapshot${where} among ${files.length} ETCDSnapshotFile object(s) (${limitText(s)})`);
  const { f, at } = ready[0];
  const spec = (f.spec ?? {}) as { snapshotName?: string; nodeName?: string; s3?: unknown };
  const label = `${spec.snapshotName ?? f.metadata?.name} (${spec.s3 ? "S3" : `local on ${spec.nodeName}`})`;
  const age = now - at;
  const line = `newest ${label} is ${formatAge(age)} old (${limitText(s)})`;
  return age > 2 * s.everyHours * 3_600_000 ? fail(name, line) : pass(name, line);
}

/** Each Longhorn volume on the retained class (the apps' data): its newest completed backup. */
export async function volumeBackupChecks(kube: KubeReader, schedules: BackupSchedules, prod: boolean, now: number, longhornNamespace: string): Promise<CheckResult[]> {
  const s = schedules.volumes;
  if (!s) return [missing("longhorn backups", "volume backup", prod, schedules.output)];
  const volumes = (await kube.persistentVolumes())
    .map((pv) => pv as KubeObject & { spec?: { storageClassName?: string; csi?: { driver?: string; volumeHandle?: string }; claimRef?: { namespace?: string; name?: string } } })
    .filter((pv) => pv.spec?.storageClassName === RETAIN_STORAGE_CLASS && pv.spec.csi?.driver === LONGHORN.csiDriver && pv.spec.csi.volumeHandle)
    .map((pv) => ({ volume: pv.spec!.csi!.volumeHandle!, claim: pv.spec!.claimRef ? `${pv.spec!.claimRef.namespace}/${pv.spec!.claimRef.name}` : "no claim" }));
  if (!volumes.length) return [fail("longhorn backups", `no Longhorn volume on class ${RETAIN_STORAGE_CLASS}: the apps' data volumes are missing`)];
  const backups = await kube.longhornBackups(longhornNamespace);
  return volumes.map(({ volume, claim }) => {
    const name = `longhorn backup ${claim}`;
    const times = backups
      .map((b) => (b.status ?? {}) as { state?: string; volumeName?: string; backupCreatedAt?: string })
      .filter((st) => st.state === LONGHORN.backupCompleted && st.volumeName === volume)
      .map((st) => Date.parse(st.backupCreatedAt ?? ""))
      .filter((t) => !Number.isNaN(t));
    if (!times.length) return fail(name, `volume ${volume} has no completed backup (${limitText(s)})`);
    const age = now - Math.max(...times);
    const line = `volume ${volume}: newest backup is ${formatAge(age)} old (${limitText(s)})`;
    return age > 2 * s.everyHours * 3_600_000 ? fail(name, line) : pass(name, line);
  });
}
