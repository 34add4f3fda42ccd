/**
 * Off-cluster copies of the platform's state: one private, versioned Object
 * Storage bucket for k3s' etcd snapshots and one for Longhorn's volume backups, both
 * written through OCI's S3-compatible endpoint, and (unless keys come from config)
 * the identity that writes them: a dedicated user in a group whose policy reaches
 * only these two buckets, with a customer secret key (S3 compatibility needs one).
 * Never a person's key.
 *
 * Sources: S3 compatibility endpoint `<namespace>.compat.objectstorage.<region>.oraclecloud.com`
 * (https://docs.oracle.com/en-us/iaas/Content/Object/Tasks/s3compatibleapi.htm); lifecycle rules
 * need the region's Object Storage service allowed to manage objects
 * (https://docs.oracle.com/en-us/iaas/Content/Object/Tasks/usinglifecyclepolicies.htm, "Service
 * Permissions"); policy variable `target.bucket.name`
 * (https://docs.oracle.com/en-us/iaas/Content/Identity/policyreference/objectstoragepolicyreference.htm).
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { CiComponent, ownerTags } from "../components/naming";

export interface BackupStoreArgs {
  /** Compartment of the buckets and the writer identity's policy. */
  readonly compartmentId: string;
  /** Tenancy: the writer user and group can only live there. */
  readonly tenancyId: string;
  /** Region of the buckets (part of the S3-compatible endpoint). */
  readonly region: string;
  /** The tenancy's Object Storage namespace (part of the S3-compatible endpoint). */
  readonly namespace: string;
  /** Days an etcd snapshot may live in the bucket at most (k3s prunes by count first). */
  readonly etcdMaxAgeDays: number;
  /** S3 keys from config; otherwise the stack creates the writer identity. */
  readonly credentials?: { readonly accessKeyId: pulumi.Output<string>; readonly secretAccessKey: pulumi.Output<string> };
  /** Protects both buckets against deletion (prod). */
  readonly protect: boolean;
}

/** What writes each bucket, and so its name and tag. */
export const BACKUP_BUCKETS = { etcd: "etcd-snapshots", volumes: "longhorn-backups" } as const;

/** A backup bucket's name: fixed by stack and kind, so what reads it can name it before it exists. */
export function backupBucketName(stack: string, kind: keyof typeof BACKUP_BUCKETS): string {
  return `${stack}-${BACKUP_BUCKETS[kind]}`;
}

export function s3Endpoint(namespace: string, region: string): string {
  return `${namespace}.compat.objectstorage.${region}.oraclecloud.com`;
}

/** The writer's policy: list and read the two buckets, manage objects in them, nothing else. */
export function backupWriterStatements(group: string, compartmentId: string, buckets: readonly string[]): string[] {
  const which = `where any {${buckets.map((b) => `target.bucket.name = '${b}'`).join(", ")}}`;
  return [`Allow group ${group} to read buckets in compartment id ${compartmentId} ${which}`, `Allow group ${group} to manage objects in compartment id ${compartmentId} ${which}`];
}

/**
 * Lifecycle of each bucket. Versioning keeps an overwritten or deleted object as a
 * previous version: those go after a week. Longhorn prunes its own backups (deleting
 * current objects under it would corrupt its backup store), so only etcd snapshots get
 * an age limit, a backstop behind k3s' own retention.
 */
export function lifecycleRules(kind: keyof typeof BACKUP_BUCKETS, etcdMaxAgeDays: number): oci.types.input.ObjectStorage.ObjectLifecyclePolicyRule[] {
  const previous = { name: "previous-versions-after-7-days", action: "DELETE", isEnabled: true, target: "previous-object-versions", timeAmount: "7", timeUnit: "DAYS" };
  const uploads = { name: "abort-multipart-after-2-days", action: "ABORT", isEnabled: true, target: "multipart-uploads", timeAmount: "2", timeUnit: "DAYS" };
  if (kind === "volumes") return [previous, uploads];
  return [previous, uploads, { name: `snapshots-after-${etcdMaxAgeDays}-days`, action: "DELETE", isEnabled: true, target: "objects", timeAmount: String(etcdMaxAgeDays), timeUnit: "DAYS" }];
}

export class BackupStore extends CiComponent {
  readonly buckets: Record<keyof typeof BACKUP_BUCKETS, pulumi.Output<string>>;
  readonly endpoint: string;
  readonly accessKeyId: pulumi.Output<string>;
  readonly secretAccessKey: pulumi.Output<string>;

  constructor(name: string, args: BackupStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:oci:BackupStore", name, opts);
    const keep = this.childOpts({ protect: args.protect, retainOnDelete: args.protect });
    // Lifecycle rules run as the region's Object Storage service, which needs leave to delete.
    const servicePolicy = new oci.identity.Policy(this.childName("lifecycle-service"), {
      compartmentId: args.compartmentId,
      name: `${this.stack}-backup-lifecycle`,
      description: `ci-infra ${this.stack}: Object Storage applies the backup buckets' lifecycle rules`,
      statements: [`Allow service objectstorage-${args.region} to manage object-family in compartment id ${args.compartmentId}`],
      freeformTags: ownerTags(this.stack, name),
    }, this.childOpts());

    const names = { etcd: backupBucketName(this.stack, "etcd"), volumes: backupBucketName(this.stack, "volumes") };
    const writtenBy = { etcd: "k3s etcd-snapshot", volumes: "longhorn" };
    const buckets = {} as Record<keyof typeof BACKUP_BUCKETS, pulumi.Output<string>>;
    for (const kind of Object.keys(BACKUP_BUCKETS) as (keyof typeof BACKUP_BUCKETS)[]) {
      const bucket = new oci.objectstorage.Bucket(this.childName(BACKUP_BUCKETS[kind]), {
        compartmentId: args.compartmentId,
        namespace: args.namespace,
        name: names[kind],
        accessType: "NoPublicAccess",
        versioning: "Enabled",
        storageTier: "Standard",
        freeformTags: ownerTags(this.stack, name, { "written-by": writtenBy[kind] }),
      }, keep);
      new oci.objectstorage.ObjectLifecyclePolicy(this.childName(`${BACKUP_BUCKETS[kind]}-lifecycle`), {
        namespace: args.namespace,
        bucket: bucket.name,
        rules: lifecycleRules(kind, args.etcdMaxAgeDays),
      }, this.childOpts({ dependsOn: [servicePolicy] }));
      buckets[kind] = bucket.name;
    }
    this.buckets = buckets;
    this.endpoint = s3Endpoint(args.namespace, args.region);

    if (args.credentials) {
      this.accessKeyId = args.credentials.accessKeyId;
      this.secretAccessKey = args.credentials.secretAccessKey;
    } else {
      const tags = ownerTags(this.stack, name);
      const user = new oci.identity.User(this.childName("writer"), {
        compartmentId: args.tenancyId,
        name: `${this.stack}-backup-writer`,
        description: `ci-infra ${this.stack}: writes etcd snapshots and Longhorn backups (S3 key only, no console)`,
        freeformTags: tags,
      }, this.childOpts());
      const group = new oci.identity.Group(this.childName("writers"), {
        compartmentId: args.tenancyId,
        name: `${this.stack}-backup-writers`,
        description: `ci-infra ${this.stack}: may write the backup buckets only`,
        freeformTags: tags,
      }, this.childOpts());
      new oci.identity.UserGroupMembership(this.childName("writer-membership"), { groupId: group.id, userId: user.id }, this.childOpts());
      new oci.identity.Policy(this.childName("writers-policy"), {
        compartmentId: args.compartmentId,
        name: `${this.stack}-backup-writers`,
        description: `ci-infra ${this.stack}: the backup writer reaches only the two backup buckets`,
        statements: pulumi.all([group.name, buckets.etcd, buckets.volumes]).apply(([g, a, b]) => backupWriterStatements(g, args.compartmentId, [a, b])),
        freeformTags: tags,
      }, this.childOpts());
      // A customer secret key: its id is the S3 access key, `key` the secret (shown once by OCI).
      const key = new oci.identity.CustomerSecretKey(this.childName("writer-s3-key"), { userId: user.id, displayName: `${this.stack}-backups` }, this.childOpts());
      this.accessKeyId = key.id;
      this.secretAccessKey = pulumi.secret(key.key);
    }
    this.registerOutputs({ buckets: this.buckets });
  }
}
