/**
 * Who may write which part of the kOps buckets: bucket-level IAM only (never a
 * project-level storage role), narrowed to object-name prefixes by IAM
 * conditions on the staging bucket.
 *
 * GCS evaluates `resource.name` conditions against objects
 * (`projects/_/buckets/<b>/objects/<name>`); listing is checked against the
 * bucket and would fail such a condition, so each writer also gets read-only
 * objectViewer without condition. Writers need objectUser, not objectCreator:
 * overwriting a marker deletes its previous generation.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { CiComponent } from "../components/naming";
import { STAGING_PREFIXES } from "./names";

export const OBJECT_WRITER = "roles/storage.objectUser";
export const OBJECT_READER = "roles/storage.objectViewer";

export interface BucketAccessArgs {
  /** Name of the staging bucket (builds, version markers). */
  readonly stagingBucket: pulumi.Input<string>;
  /** Name of the results bucket (e2e artifacts and logs). */
  readonly resultsBucket: pulumi.Input<string>;
  /** `serviceAccount:<email>` of the e2e job identity. */
  readonly jobMember: pulumi.Input<string>;
  /** `serviceAccount:<email>` of the publisher identity. */
  readonly publisherMember: pulumi.Input<string>;
  /**
   * Object names (in the staging bucket) of the green markers the e2e job publishes
   * after a passing run: `kops/releases/markers/<branch>/latest-ci-updown-green.txt`.
   */
  readonly jobMarkerObjects: readonly string[];
}

/** IAM condition: objects whose name starts with `prefix` in `bucket`. */
export function prefixCondition(bucket: string, prefix: string): gcp.types.input.storage.BucketIAMMemberCondition {
  return {
    title: `only ${prefix}`,
    description: `objects under gs://${bucket}/${prefix}`,
    expression: `resource.name.startsWith("projects/_/buckets/${bucket}/objects/${prefix}")`,
  };
}

/**
 * IAM condition: these objects. GCS conditions name objects with startsWith and
 * endsWith on resource.name; the pair pins each name (a longer one would continue
 * past the marker and end in its file name again, which nothing reads).
 */
export function objectsCondition(bucket: string, objects: readonly string[]): gcp.types.input.storage.BucketIAMMemberCondition {
  const full = (o: string) => `projects/_/buckets/${bucket}/objects/${o}`;
  return {
    title: "only the green markers",
    description: objects.map((o) => `gs://${bucket}/${o}`).join(" ").slice(0, 256),
    expression: objects.map((o) => `(resource.name.startsWith("${full(o)}") && resource.name.endsWith("/${o.split("/").pop()}"))`).join(" || "),
  };
}

export class BucketAccess extends CiComponent {
  constructor(name: string, args: BucketAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:kops:BucketAccess", name, opts);
    const grant = (suffix: string, bucket: pulumi.Input<string>, member: pulumi.Input<string>, role: string, prefix?: string) =>
      new gcp.storage.BucketIAMMember(this.childName(suffix), {
        bucket,
        member,
        role,
        condition: prefix ? pulumi.output(bucket).apply((b) => prefixCondition(b, prefix)) : undefined,
      }, this.childOpts());

    // e2e jobs: all of the results bucket, pulls/ of the staging bucket.
    grant("job-results-write", args.resultsBucket, args.jobMember, OBJECT_WRITER);
    grant("job-results-read", args.resultsBucket, args.jobMember, OBJECT_READER);
    grant("job-pulls-write", args.stagingBucket, args.jobMember, OBJECT_WRITER, STAGING_PREFIXES.pulls);
    grant("job-staging-read", args.stagingBucket, args.jobMember, OBJECT_READER);
    // kubetest2-kops --publish-version-marker copies the tested marker to the green
    // marker after a passing run, as the job (deployer/publish.go PostTest).
    if (args.jobMarkerObjects.length) {
      new gcp.storage.BucketIAMMember(this.childName("job-green-markers-write"), {
        bucket: args.stagingBucket,
        member: args.jobMember,
        role: OBJECT_WRITER,
        condition: pulumi.output(args.stagingBucket).apply((b) => objectsCondition(b, args.jobMarkerObjects)),
      }, this.childOpts());
    }
    // The publisher alone writes releases and the markers under them.
    grant("publisher-releases-write", args.stagingBucket, args.publisherMember, OBJECT_WRITER, STAGING_PREFIXES.releases);
    grant("publisher-staging-read", args.stagingBucket, args.publisherMember, OBJECT_READER);
    this.registerOutputs({});
  }
}
