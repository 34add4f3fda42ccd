/** Disaster recovery as planned: off-cluster copies on by default in prod, off in staging, with rules. */
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { cronIntervalHours } from "../../src/config/platform-apps";
import { backupWriterStatements, lifecycleRules } from "../../src/oci/backup-store";
import { planWarnings } from "../../src/plan/warnings";
import type { PlanResult } from "../../src/plan/run";
import { ofType, plan, problems, parse, set } from "../helpers";

const BUCKET = "oci:ObjectStorage/bucket:Bucket";
let prod: PlanResult;
let staging: PlanResult;
beforeAll(async () => {
  prod = await plan("oci-prod");
  staging = await plan("oci-staging");
});
const serverConfig = (p: PlanResult, file = "cloud-init/server.yaml") => {
  const doc = parseYaml(p.artifacts[file]) as { write_files: { path: string; content: string }[] };
  return parseYaml(doc.write_files.find((w) => w.path === "/etc/rancher/k3s/config.yaml")!.content) as Record<string, unknown>;
};

describe("prod keeps off-cluster copies by default", () => {
  it("every server snapshots etcd every 6 h, keeps a week, and uploads to the private bucket through the S3 endpoint", () => {
    for (const file of ["cloud-init/server.yaml", "cloud-init/server-join.yaml"]) {
      expect(serverConfig(prod, file)).toMatchObject({
        "etcd-snapshot-schedule-cron": "0 */6 * * *",
        "etcd-snapshot-retention": 28,
        "etcd-s3": true,
        "etcd-s3-endpoint": "axciexample01.compat.objectstorage.us-ashburn-1.oraclecloud.com",
        "etcd-s3-bucket": "oci-prod-etcd-snapshots",
        "etcd-s3-region": "us-ashburn-1",
      });
      // The keys are read from Vault into a drop-in, never written in user_data.
      expect(prod.artifacts[file]).toContain("'/etc/rancher/k3s/config.yaml.d/50-etcd-s3.yaml'");
      expect(prod.artifacts[file]).not.toMatch(/etcd-s3-(access|secret)-key/);
    }
  });

  it("both buckets are private, versioned, protected, kept on delete, and say what writes them", () => {
    const buckets = Object.fromEntries(ofType(prod, BUCKET).map((b) => [b.inputs.name, b]));
    for (const [name, writer] of [["oci-prod-etcd-snapshots", "k3s etcd-snapshot"], ["oci-prod-longhorn-backups", "longhorn"]]) {
      const b = buckets[name as string];
      expect(b.inputs).toMatchObject({ accessType: "NoPublicAccess", versioning: "Enabled", namespace: "axciexample01" });
      expect((b.inputs.freeformTags as Record<string, string>)["written-by"]).toBe(writer);
      expect(b.protect && b.retainOnDelete).toBe(true);
    }
  });

  it("lifecycle rules keep what the retention needs and no more: Longhorn's current objects are never aged out", () => {
    expect(lifecycleRules("volumes", 14).some((r) => r.target === "objects")).toBe(false);
    expect(lifecycleRules("etcd", 14)).toContainEqual(expect.objectContaining({ target: "objects", action: "DELETE", timeAmount: "14", timeUnit: "DAYS" }));
    const etcdRules = ofType(prod, "oci:ObjectStorage/objectLifecyclePolicy:ObjectLifecyclePolicy").find((r) => r.inputs.bucket === "oci-prod-etcd-snapshots")!;
    // 28 snapshots every 6 h is 7 days; the age rule is a backstop at twice that.
    expect(etcdRules.inputs.rules).toContainEqual(expect.objectContaining({ target: "objects", timeAmount: "14" }));
    const services = ofType(prod, "oci:Identity/policy:Policy").flatMap((p) => p.inputs.statements as string[]);
    expect(services).toContain(`Allow service objectstorage-us-ashburn-1 to manage object-family in compartment id ${prod.config.program === "oci-platform" ? prod.config.settings.oci.compartmentId : ""}`);
  });

  it("a dedicated writer, not a person: a user in a group whose policy reaches only the two buckets, with an S3 key", () => {
    expect(ofType(prod, "oci:Identity/user:User").map((u) => u.inputs.name)).toEqual(["oci-prod-backup-writer"]);
    expect(ofType(prod, "oci:Identity/customerSecretKey:CustomerSecretKey")).toHaveLength(1);
    expect(backupWriterStatements("g", "ocid1.compartment.oc1..x", ["a", "b"])).toEqual([
      "Allow group g to read buckets in compartment id ocid1.compartment.oc1..x where any {target.bucket.name = 'a', target.bucket.name = 'b'}",
      "Allow group g to manage objects in compartment id ocid1.compartment.oc1..x where any {target.bucket.name = 'a', target.bucket.name = 'b'}",
    ]);
  });

  it("Longhorn backs up the retained volumes every 6 h keeping a week, snapshots hourly, and every retained claim joins the group", () => {
    const jobs = ofType(prod, "kubernetes:longhorn.io/v1beta2:RecurringJob").map((j) => j.inputs.spec as Record<string, unknown>);
    expect(jobs).toEqual([
      expect.objectContaining({ task: "snapshot", cron: "0 * * * *", retain: 6, groups: ["ci-infra-retained"] }),
      expect.objectContaining({ task: "backup", cron: "0 */6 * * *", retain: 28, groups: ["ci-infra-retained"] }),
    ]);
    const claims = ofType(prod, "kubernetes:core/v1:PersistentVolumeClaim").filter((c) => (c.inputs.spec as { storageClassName: string }).storageClassName === "longhorn-retain");
    expect(claims.length).toBeGreaterThanOrEqual(2);
    for (const c of claims) expect((c.inputs.metadata as { labels: Record<string, string> }).labels).toMatchObject({ "recurring-job.longhorn.io/source": "enabled", "recurring-job-group.longhorn.io/ci-infra-retained": "enabled" });
  });

  it("exposes the schedules npm run verify holds the newest copies against", () => {
    expect(prod.outputs.backupSchedules).toMatchObject({ etcd: { cron: "0 */6 * * *", everyHours: 6 }, volumes: { cron: "0 */6 * * *", everyHours: 6 } });
  });
});

describe("staging shows its choice", () => {
  it("no buckets, no jobs, no snapshot settings, and the schedules say so", () => {
    expect(ofType(staging, BUCKET)).toEqual([]);
    expect(ofType(staging, "kubernetes:longhorn.io/v1beta2:RecurringJob")).toEqual([]);
    expect(serverConfig(staging)).not.toHaveProperty("etcd-s3");
    expect(staging.outputs.backupSchedules).toEqual({ etcd: null, volumes: null });
  });

  it("turned on, a single server runs embedded etcd so it can be snapshotted, daily by default", async () => {
    const p = await plan("oci-staging", set("cluster.etcdSnapshots.enabled", true), set("cluster.etcdSnapshots.scheduleCron", "0 3 * * *"), set("cluster.etcdSnapshots.retention", 7), set("longhorn.backup.enabled", true));
    expect(serverConfig(p)).toMatchObject({ "cluster-init": true, "etcd-snapshot-schedule-cron": "0 3 * * *" });
    expect(ofType(p, "kubernetes:longhorn.io/v1beta2:RecurringJob").find((j) => (j.inputs.spec as { task: string }).task === "backup")!.inputs.spec).toMatchObject({ cron: "0 3 * * *", retain: 7 });
  });
});

describe("the rules", () => {
  it("a protected stack without copies gets a warning", async () => {
    const p = await plan("oci-prod", set("longhorn.backup.enabled", false));
    expect(planWarnings(p)).toContain("protect is true but volume backups (longhorn.backup.enabled) are off: losing the servers or a volume loses that state for good");
    expect(planWarnings(prod).some((w) => w.startsWith("protect is true but"))).toBe(false);
  });

  it("prod may lose at most 6 hours; every copy covers a week", () => {
    expect(problems(() => parse("oci-prod", set("cluster.etcdSnapshots.scheduleCron", "0 */12 * * *")))).toEqual([
      'ci-infra:cluster.etcdSnapshots.scheduleCron must run at least every 6 hours in a protected stack (this one runs every 12) (got "0 */12 * * *")',
    ]);
    expect(problems(() => parse("oci-prod", set("longhorn.backup.schedule", { backupRetain: 4 })))).toEqual([
      "ci-infra:longhorn.backup.schedule.backupRetain keeps 4 copies taken every 6 h, 24 h in all; keep at least 28 (a week) (got 4)",
    ]);
    expect(problems(() => parse("oci-prod", set("longhorn.backup.schedule", { backupCron: "0 0 * * 1" })))[0]).toMatch(/^ci-infra:longhorn\.backup\.schedule\.backupCron must be a cron schedule with a fixed minute/);
  });

  it("reads the gap between runs of the cron forms it accepts", () => {
    expect([cronIntervalHours("0 * * * *"), cronIntervalHours("0 */6 * * *"), cronIntervalHours("30 3 * * *"), cronIntervalHours("0 2,14 * * *"), cronIntervalHours("0 1,2 * * *")]).toEqual([1, 6, 24, 12, 23]);
    expect(cronIntervalHours("0 0 1 * *")).toBeUndefined();
    expect(cronIntervalHours("*/5 * * * *")).toBeUndefined();
  });

  it("S3 keys from config come in pairs", () => {
    expect(problems(() => parse("oci-prod", set("longhorn.backup.accessKeyId", "x")))).toContain(
      "ci-infra:longhorn.backup.secretAccessKey is required: it must be set together with its pair (or leave both out and the stack creates the backup writer's key)",
    );
  });
});
