/**
 * The S3 buckets kOps e2e uses in AWS: the state store (cluster specs, PKI and
 * etcd backups: private, versioned, encrypted) and the OIDC discovery store.
 *
 * The discovery bucket is the one public bucket of this program, on purpose:
 * AWS STS and every IRSA client fetch the e2e clusters' OIDC documents without
 * credentials. The bucket policy grants anonymous GetObject only (nobody may
 * list), and ACLs stay disabled: kOps asks S3 whether the bucket is already
 * public (GetBucketPolicyStatus) and then writes the documents without an ACL
 * (kubernetes/kops pkg/model/issuerdiscovery.go). Its objects expire like the
 * state they belong to.
 *
 * Both buckets are retained on delete: a destroy, or a rename that replaces
 * them, leaves the data for a person to remove.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CiComponent, ownerTags } from "../components/naming";
import type { PolicyDocument } from "./aws-policies";

export interface KopsStoresArgs {
  readonly stack: string;
  /** Region of both buckets. */
  readonly region: string;
  readonly stateStore: {
    readonly bucket: string;
    /** Objects (leftover state of clusters whose deletion failed) expire after this many days. */
    readonly expireDays: number;
    /** Overwritten versions expire after this many days. */
    readonly noncurrentDays: number;
    /** Bucket policy (see aws-policies.ts `stateStoreBucketPolicy`). */
    readonly policy: PolicyDocument;
  };
  readonly discovery: {
    readonly bucket: string;
    /** OIDC documents expire after this many days. */
    readonly expireDays: number;
    /** Bucket policy granting anonymous GetObject (see aws-policies.ts `discoveryBucketPolicy`). */
    readonly policy: PolicyDocument;
  };
}

export class KopsStores extends CiComponent {
  readonly stateStore: pulumi.Output<string>;
  readonly discoveryStore: pulumi.Output<string>;

  constructor(name: string, args: KopsStoresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:kops:KopsStores", name, opts);
    const region = args.region;

    const state = new aws.s3.Bucket(this.childName("state"), {
      bucket: args.stateStore.bucket,
      region,
      tags: ownerTags(args.stack, name, { purpose: "kops-state-store", "written-by": "kops-e2e-jobs" }),
    }, this.childOpts({ retainOnDelete: true }));
    const stateName = state.bucket;
    new aws.s3.BucketPublicAccessBlock(this.childName("state-private"), {
      bucket: stateName,
      region,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }, this.childOpts());
    new aws.s3.BucketOwnershipControls(this.childName("state-ownership"), { bucket: stateName, region, rule: { objectOwnership: "BucketOwnerEnforced" } }, this.childOpts());
    new aws.s3.BucketVersioning(this.childName("state-versioning"), { bucket: stateName, region, versioningConfiguration: { status: "Enabled" } }, this.childOpts());
    new aws.s3.BucketServerSideEncryptionConfiguration(this.childName("state-encryption"), {
      bucket: stateName,
      region,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    }, this.childOpts());
    new aws.s3.BucketLifecycleConfiguration(this.childName("state-lifecycle"), {
      bucket: stateName,
      region,
      rules: [
        // State of clusters whose deletion failed; a live e2e cluster is hours old.
        { id: "expire-leftover-state", status: "Enabled", filter: {}, expiration: { days: args.stateStore.expireDays } },
        { id: "expire-old-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: args.stateStore.noncurrentDays }, expiration: { expiredObjectDeleteMarker: true } },
        { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
      ],
    }, this.childOpts());
    new aws.s3.BucketPolicy(this.childName("state-policy"), { bucket: stateName, region, policy: JSON.stringify(args.stateStore.policy) }, this.childOpts());

    const discovery = new aws.s3.Bucket(this.childName("discovery"), {
      bucket: args.discovery.bucket,
      region,
      tags: ownerTags(args.stack, name, { purpose: "kops-oidc-discovery-public", "written-by": "kops-e2e-jobs" }),
    }, this.childOpts({ retainOnDelete: true }));
    const discoveryName = discovery.bucket;
    // Public through the bucket policy only: ACLs stay blocked and disabled.
    const publicAccess = new aws.s3.BucketPublicAccessBlock(this.childName("discovery-public"), {
      bucket: discoveryName,
      region,
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: false,
      restrictPublicBuckets: false,
    }, this.childOpts());
    new aws.s3.BucketOwnershipControls(this.childName("discovery-ownership"), { bucket: discoveryName, region, rule: { objectOwnership: "BucketOwnerEnforced" } }, this.childOpts());
    new aws.s3.BucketServerSideEncryptionConfiguration(this.childName("discovery-encryption"), {
      bucket: discoveryName,
      region,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    }, this.childOpts());
    new aws.s3.BucketLifecycleConfiguration(this.childName("discovery-lifecycle"), {
      bucket: discoveryName,
      region,
      rules: [{ id: "expire-leftover-documents", status: "Enabled", filter: {}, expiration: { days: args.discovery.expireDays } }],
    }, this.childOpts());
    // A public policy is refused while the access block still blocks it.
    new aws.s3.BucketPolicy(this.childName("discovery-policy"), { bucket: discoveryName, region, policy: JSON.stringify(args.discovery.policy) }, this.childOpts({ dependsOn: [publicAccess] }));

    this.stateStore = stateName;
    this.discoveryStore = discoveryName;
    this.registerOutputs({ stateStore: this.stateStore, discoveryStore: this.discoveryStore });
  }
}
