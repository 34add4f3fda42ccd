/**
 * Longhorn storage, a retained StorageClass for app data and, optionally, scheduled
 * backups of it to the backup bucket (src/oci/backup-store.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { CHARTS } from "../versions";
import { AppArgs, AppComponent } from "./app-component";
import { backupSecret, LONGHORN_NAMESPACE, longhornValues, RecurringSchedule, recurringJobs, retainStorageClass } from "./longhorn-values";
import { namespace } from "./manifest";

export interface LonghornArgs extends AppArgs {
  /** OCI region of the backup bucket (part of Longhorn's `s3://<bucket>@<region>/` target). */
  readonly region: string;
  /** Replicas of each volume, on distinct nodes. */
  readonly replicaCount: number;
  /** Orphan kinds Longhorn deletes on its own (Longhorn's `orphan-resource-auto-deletion` setting). */
  readonly orphanAutoDeletion: readonly string[];
  /** How long an orphan must exist before auto-deletion removes it, seconds. */
  readonly orphanGracePeriodSeconds: number;
  /** Backups to an OCI Object Storage bucket (see src/oci/backup-store.ts) on a schedule. */
  readonly backup?: {
    /** Name of the backup bucket. */
    readonly bucket: string;
    /** The S3-compatible endpoint host. */
    readonly endpoint: string;
    /** S3 access key of the backup writer (secret). */
    readonly accessKeyId: pulumi.Output<string>;
    /** S3 secret key of the backup writer (secret). */
    readonly secretAccessKey: pulumi.Output<string>;
    /** When Longhorn snapshots and backs up the retained volumes, and how many of each it keeps. */
    readonly schedule: RecurringSchedule;
  };
}

const BACKUP_SECRET = "longhorn-backup";

export class Longhorn extends AppComponent {
  /** Storage is ready: claims can be bound. */
  readonly ready: pulumi.Resource;

  constructor(name: string, args: LonghornArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:apps:Longhorn", name, args, opts);
    const ns = this.manifest("namespace", namespace(LONGHORN_NAMESPACE));
    let backup: { target: string; credentialSecret: string } | undefined;
    const deps: pulumi.Resource[] = [ns];
    if (args.backup) {
      const b = args.backup;
      deps.push(this.secretManifest("backup-secret", (s) => backupSecret(BACKUP_SECRET, `https://${b.endpoint}`, s(b.accessKeyId), s(b.secretAccessKey)), { dependsOn: [ns] }));
      backup = { target: `s3://${b.bucket}@${args.region}/`, credentialSecret: BACKUP_SECRET };
    }
    const release = this.release("longhorn", {
      name: "longhorn",
      namespace: LONGHORN_NAMESPACE,
      chart: CHARTS.longhorn,
      values: longhornValues({ replicaCount: args.replicaCount, orphanAutoDeletion: args.orphanAutoDeletion, orphanGracePeriodSeconds: args.orphanGracePeriodSeconds, backup }),
    }, { dependsOn: deps });
    this.ready = this.manifest("retain-class", retainStorageClass(args.replicaCount), { dependsOn: [release] });
    // The jobs need the CRDs the release installs.
    if (args.backup) for (const job of recurringJobs(args.backup.schedule)) this.manifest(job.metadata.name, job, { dependsOn: [release] });
    this.registerOutputs({});
  }
}
