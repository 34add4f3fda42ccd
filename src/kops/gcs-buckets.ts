/**
 * The two GCS buckets of kOps CI. Each says in its labels what writes it, and
 * its objects expire by rules held here (upstream applied them by hand, and
 * kept a results bucket nobody could explain: BRIEF §2). Both are retained on
 * delete: a destroy, or a rename that replaces them, leaves the objects for a
 * person to remove.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { CiComponent } from "../components/naming";
import { gcpLabels, STAGING_PREFIXES } from "./names";

export interface KopsBucketsArgs {
  /** Host project of both buckets. */
  readonly project: string;
  /** GCS location of both buckets (US, EU, us-central1, ...). */
  readonly location: string;
  /** Staged kOps builds (`pulls/`, `kops/`) and version markers. */
  readonly staging: {
    /** Bucket name (globally unique). */
    readonly name: string;
    /** allUsers may read objects: kOps e2e clusters download staged builds anonymously. */
    readonly publicRead: boolean;
    /** `pulls/` (PR builds) are deleted after this many days. */
    readonly pullsAgeDays: number;
    /** `kops/` (CI builds, releases, markers) are deleted after this many days. */
    readonly kopsAgeDays: number;
    /** The bucket exists: import it (id `<project>/<name>`) instead of creating it. */
    readonly adopt: boolean;
  };
  /** e2e results: artifacts and logs of every run. */
  readonly results: {
    /** Bucket name (globally unique). */
    readonly name: string;
    /** Every result object is deleted after this many days. */
    readonly ageDays: number;
    /** The bucket exists: import it (id `<project>/<name>`) instead of creating it. */
    readonly adopt: boolean;
  };
}

/**
 * Pulumi's import id of a GCS bucket, `<project>/<name>` (the terraform-provider-google
 * google_storage_bucket import formats `name` and `project/name`, which pulumi-gcp wraps).
 */
export function bucketImportId(project: string, name: string): string {
  return `${project}/${name}`;
}

/** A GCS lifecycle rule deleting objects under `prefixes` (all objects if none) after `age` days. */
export function deleteAfter(age: number, prefixes?: string[]): gcp.types.input.storage.BucketLifecycleRule {
  return { action: { type: "Delete" }, condition: prefixes ? { age, matchesPrefixes: prefixes } : { age } };
}

export class KopsBuckets extends CiComponent {
  readonly stagingBucket: pulumi.Output<string>;
  readonly resultsBucket: pulumi.Output<string>;
  /** Import ids of the buckets adopted rather than created. */
  readonly adopted: readonly string[];

  constructor(name: string, args: KopsBucketsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:kops:KopsBuckets", name, opts);
    const common = { project: args.project, location: args.location, uniformBucketLevelAccess: true, forceDestroy: false };

    const staging = new gcp.storage.Bucket(this.childName("staging"), {
      ...common,
      name: args.staging.name,
      // "inherited" lets the allUsers grant below take effect; "enforced" refuses any.
      publicAccessPrevention: args.staging.publicRead ? "inherited" : "enforced",
      lifecycleRules: [deleteAfter(args.staging.pullsAgeDays, [STAGING_PREFIXES.pulls]), deleteAfter(args.staging.kopsAgeDays, [STAGING_PREFIXES.kops])],
      labels: gcpLabels(this.stack, name, { purpose: "kops-staged-builds-and-version-markers", "written-by": "kops-ci-jobs-pulls-and-kops-publisher-releases" }),
    }, this.childOpts({ retainOnDelete: true, import: args.staging.adopt ? bucketImportId(args.project, args.staging.name) : undefined }));
    if (args.staging.publicRead) {
      new gcp.storage.BucketIAMMember(this.childName("staging-public-read"), {
        bucket: staging.name,
        role: "roles/storage.objectViewer",
        member: "allUsers",
      }, this.childOpts());
    }

    const results = new gcp.storage.Bucket(this.childName("results"), {
      ...common,
      name: args.results.name,
      publicAccessPrevention: "enforced",
      lifecycleRules: [deleteAfter(args.results.ageDays)],
      labels: gcpLabels(this.stack, name, { purpose: "kops-ci-results", "written-by": "kops-ci-e2e-jobs" }),
    }, this.childOpts({ retainOnDelete: true, import: args.results.adopt ? bucketImportId(args.project, args.results.name) : undefined }));

    this.adopted = [args.staging, args.results].filter((b) => b.adopt).map((b) => bucketImportId(args.project, b.name));
    this.stagingBucket = staging.name;
    this.resultsBucket = results.name;
    this.registerOutputs({ stagingBucket: this.stagingBucket, resultsBucket: this.resultsBucket });
  }
}
