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
  /** Region of both buckets. */
  readonly region: string;
  /** kOps' state store (`KOPS_STATE_STORE`): private, versioned. */
  readonly stateStore: {
    /** Bucket name (globally unique). */
    readonly bucket: string;
    /** Objects (leftover state of clusters whose deletion failed) expire after this many days. */
    readonly expireDays: number;
    /** Overwritten versions expire after this many days. */
    readonly noncurrentDays: number;
    /** Bucket policy (see aws-policies.ts `stateStoreBucketPolicy`). */
    readonly policy: PolicyDocument;
  };
  /** The OIDC discovery bucket IRSA reads (`--discovery-store`): public read. */
  readonly discovery: {
    /** Bucket name (globally unique). */
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

    const stateName = this.storeBucket(this.stack, region, {
      key: "state",
      bucket: args.stateStore.bucket,
      tags: { purpose: "kops-state-store", "written-by": "kops-e2e-jobs" },
      public: false,
      versioned: true,
      lifecycle: [
        // State of clusters whose deletion failed; a live e2e cluster is hours old.
        { id: "expire-leftover-state", status: "Enabled", filter: {}, expiration: { days: args.stateStore.expireDays } },
        { id: "expire-old-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: args.stateStore.noncurrentDays }, expiration: { expiredObjectDeleteMarker: true } },
        { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
      ],
      policy: args.stateStore.policy,
    });
    const discoveryName = this.storeBucket(this.stack, region, {
      key: "discovery",
      bucket: args.discovery.bucket,
      tags: { purpose: "kops-oidc-discovery-public", "written-by": "kops-e2e-jobs" },
      public: true,
      versioned: false,
      lifecycle: [{ id: "expire-leftover-documents", status: "Enabled", filter: {}, expiration: { days: args.discovery.expireDays } }],
      policy: args.discovery.policy,
    });

    this.stateStore = stateName;
    this.discoveryStore = discoveryName;
    this.registerOutputs({ stateStore: this.stateStore, discoveryStore: this.discoveryStore });
  }

  /**
   * One store: owner-enforced (no ACLs), encrypted, with lifecycle rules and a
   * bucket policy; private, or public through its policy only (ACLs stay blocked).
   */
  private storeBucket(
    stack: string,
    region: string,
    b: {
      key: string;
      bucket: string;
      tags: Record<string, string>;
      public: boolean;
      versioned: boolean;
      lifecycle: aws.types.input.s3.BucketLifecycleConfigurationRule[];
      policy: unknown;
    },
  ): pulumi.Output<string> {
    const k = (suffix: string) => this.childName(`${b.key}-${suffix}`);
    const bucket = new aws.s3.Bucket(this.childName(b.key), { bucket: b.bucket, region, tags: ownerTags(stack, this.componentName, b.tags) }, this.childOpts({ retainOnDelete: true }));
    const name = bucket.bucket;
    const access = new aws.s3.BucketPublicAccessBlock(k(b.public ? "public" : "private"), {
      bucket: name,
      region,
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: !b.public,
      restrictPublicBuckets: !b.public,
    }, this.childOpts());
    new aws.s3.BucketOwnershipControls(k("ownership"), { bucket: name, region, rule: { objectOwnership: "BucketOwnerEnforced" } }, this.childOpts());
    if (b.versioned) new aws.s3.BucketVersioning(k("versioning"), { bucket: name, region, versioningConfiguration: { status: "Enabled" } }, this.childOpts());
    new aws.s3.BucketServerSideEncryptionConfiguration(k("encryption"), {
      bucket: name,
      region,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    }, this.childOpts());
    new aws.s3.BucketLifecycleConfiguration(k("lifecycle"), { bucket: name, region, rules: b.lifecycle }, this.childOpts());
    // A public policy is refused while the access block still blocks it.
    new aws.s3.BucketPolicy(k("policy"), { bucket: name, region, policy: JSON.stringify(b.policy) }, this.childOpts({ dependsOn: [access] }));
    return name;
  }
}
