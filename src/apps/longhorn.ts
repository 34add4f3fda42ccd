/**
 * Longhorn storage, a retained StorageClass for app data and, optionally, backups
 * to a versioned OCI Object Storage bucket created here.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { ownerTags } from "../components/naming";
import { CHARTS } from "../versions";
import { AppArgs, AppComponent } from "./app-component";
import { backupSecret, LONGHORN_NAMESPACE, longhornValues, retainStorageClass } from "./longhorn-values";
import { namespace } from "./manifest";

export interface LonghornArgs extends AppArgs {
  readonly stack: string;
  readonly compartmentId: string;
  readonly region: string;
  readonly replicaCount: number;
  readonly orphanAutoDeletion: readonly string[];
  readonly orphanGracePeriodSeconds: number;
  readonly protect: boolean;
  readonly backup?: {
    readonly namespace: string;
    readonly accessKeyId: pulumi.Output<string>;
    readonly secretAccessKey: pulumi.Output<string>;
  };
}

const BACKUP_SECRET = "longhorn-backup";

export class Longhorn extends AppComponent {
  /** Storage is ready: claims can be bound. */
  readonly ready: pulumi.Resource;
  readonly backupBucket?: oci.objectstorage.Bucket;

  constructor(name: string, args: LonghornArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:apps:Longhorn", name, args, opts);
    const ns = this.manifest("namespace", namespace(LONGHORN_NAMESPACE));
    let backup: { target: string; credentialSecret: string } | undefined;
    const deps: pulumi.Resource[] = [ns];
    if (args.backup) {
      const bucketName = `${args.stack}-longhorn-backups`;
      this.backupBucket = new oci.objectstorage.Bucket(this.childName("backups"), {
        compartmentId: args.compartmentId,
        namespace: args.backup.namespace,
        name: bucketName,
        accessType: "NoPublicAccess",
        versioning: "Enabled",
        storageTier: "Standard",
        freeformTags: ownerTags(args.stack, name, { "written-by": "longhorn" }),
      }, this.childOpts({ protect: args.protect, retainOnDelete: true }));
      const endpoint = `https://${args.backup.namespace}.compat.objectstorage.${args.region}.oraclecloud.com`;
      const b = args.backup;
      deps.push(this.secretManifest("backup-secret", (s) => backupSecret(BACKUP_SECRET, endpoint, s(b.accessKeyId), s(b.secretAccessKey)), { dependsOn: [ns] }));
      backup = { target: `s3://${bucketName}@${args.region}/`, credentialSecret: BACKUP_SECRET };
    }
    const release = this.release("longhorn", {
      name: "longhorn",
      namespace: LONGHORN_NAMESPACE,
      chart: CHARTS.longhorn,
      values: longhornValues({ replicaCount: args.replicaCount, orphanAutoDeletion: args.orphanAutoDeletion, orphanGracePeriodSeconds: args.orphanGracePeriodSeconds, backup }),
    }, { dependsOn: deps });
    this.ready = this.manifest("retain-class", retainStorageClass(args.replicaCount), { dependsOn: [release] });
    this.registerOutputs({});
  }
}
