/**
 * Buckets. Access is decided in one place (bucket IAM, not per-object ACLs), and
 * a bucket is public only when the stack's policy config names it: kOps e2e
 * clusters download from the staging bucket and AWS IRSA needs a public OIDC
 * discovery bucket; every other bucket is private.
 */
import { EXCEPTION_PROCESS, PolicyConfig, PolicyResource, Rule } from "./types";
import { arr, json, obj, str } from "./values";

export const GCS_BUCKET = "gcp:storage/bucket:Bucket";
export const GCS_BUCKET_IAM = /^gcp:storage\/bucketIAM(Member|Binding|Policy):/;
export const S3_BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
export const S3_ACL_TYPES = ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"];
export const S3_OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls";
export const S3_BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
export const S3_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
export const OCI_BUCKET = "oci:ObjectStorage/bucket:Bucket";

const PUBLIC_MEMBERS = ["allUsers", "allAuthenticatedUsers"];
const PRIVATE_ACLS = [undefined, "private", "bucket-owner-full-control", "bucket-owner-read"];

export const bucketUniformAccess: Rule = {
  name: "bucket-uniform-access",
  enforcement: "mandatory",
  description:
    "Bucket access is decided by bucket-level IAM only: GCS buckets enable uniform bucket-level access; S3 buckets use no ACLs (object ownership BucketOwnerEnforced). Per-object ACLs are invisible in review and are how 'private' buckets end up serving files to everyone.",
  exception: EXCEPTION_PROCESS,
  types: [GCS_BUCKET, ...S3_BUCKET_TYPES, ...S3_ACL_TYPES, S3_OWNERSHIP],
  check(r) {
    const i = r.inputs;
    if (r.type === GCS_BUCKET) return i.uniformBucketLevelAccess === true ? [] : ["does not set uniformBucketLevelAccess: true"];
    if (S3_ACL_TYPES.includes(r.type)) return ["manages an S3 ACL; disable ACLs (BucketOwnerEnforced) and grant through the bucket policy"];
    if (r.type === S3_OWNERSHIP) {
      const ownership = str(obj(i.rule)?.objectOwnership);
      return ownership === "BucketOwnerEnforced" ? [] : [`sets objectOwnership ${ownership ?? "(unset)"}; BucketOwnerEnforced disables ACLs`];
    }
    const acl = str(i.acl);
    return PRIVATE_ACLS.includes(acl) ? [] : [`sets canned ACL ${acl}`];
  },
};

/** The bucket a resource is about: its own name, or the bucket it configures. */
export function bucketNameOf(r: PolicyResource): string | undefined {
  if (r.type === OCI_BUCKET || r.type === GCS_BUCKET) return str(r.inputs.name);
  return str(r.inputs.bucket);
}

function allowedPublic(r: PolicyResource, cfg: PolicyConfig): boolean {
  const allowed = cfg.publicBuckets ?? [];
  const bucket = bucketNameOf(r);
  return (bucket !== undefined && allowed.includes(bucket)) || allowed.includes(r.name);
}

function publicReasons(r: PolicyResource): string[] {
  const i = r.inputs;
  if (GCS_BUCKET_IAM.test(r.type)) {
    const members = [str(i.member), ...arr(i.members).map(str)];
    for (const b of arr(obj(json(i.policyData))?.bindings)) members.push(...arr(obj(b)?.members).map(str));
    return members.filter((m): m is string => m !== undefined && PUBLIC_MEMBERS.includes(m)).map((m) => `grants ${str(i.role) ?? "a role"} to ${m}`);
  }
  switch (r.type) {
    case OCI_BUCKET: {
      const access = str(i.accessType);
      return access && access !== "NoPublicAccess" ? [`has accessType ${access}`] : [];
    }
    case S3_BUCKET_POLICY: {
      const statements = arr(obj(json(i.policy))?.Statement);
      return statements
        .map((s) => obj(s) ?? {})
        .filter((s) => (s.Effect ?? "Allow") === "Allow" && (s.Principal === "*" || obj(s.Principal)?.AWS === "*" || arr(obj(s.Principal)?.AWS).includes("*")))
        .map(() => "allows Principal \"*\" in the bucket policy");
    }
    case S3_PUBLIC_ACCESS_BLOCK: {
      const off = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].filter((k) => i[k] !== true);
      return off.length ? [`leaves public access unblocked (${off.join(", ")} not true)`] : [];
    }
    default:
      if (S3_ACL_TYPES.includes(r.type) || S3_BUCKET_TYPES.includes(r.type)) {
        const acl = str(i.acl);
        return acl && /public|authenticated-read/.test(acl) ? [`sets canned ACL ${acl}`] : [];
      }
      return [];
  }
}

export const bucketNotPublic: Rule = {
  name: "bucket-not-public",
  enforcement: "mandatory",
  description:
    "No bucket is readable by everyone unless the stack's policy config lists it in publicBuckets (policy/allowances.yaml), with the reason. Covers GCS IAM grants to allUsers/allAuthenticatedUsers, S3 bucket policies with Principal \"*\", S3 public access blocks left open, public ACLs and OCI buckets with public accessType.",
  exception: "list the bucket name under publicBuckets for the stack in policy/allowances.yaml, with the reason (e.g. \"kOps e2e clusters download artifacts anonymously\"), in a pull request reviewed by CODEOWNERS of policy/",
  types: [GCS_BUCKET_IAM, OCI_BUCKET, S3_BUCKET_POLICY, S3_PUBLIC_ACCESS_BLOCK, ...S3_ACL_TYPES, ...S3_BUCKET_TYPES],
  config: ["publicBuckets"],
  check(r, cfg) {
    const reasons = publicReasons(r);
    if (reasons.length === 0 || allowedPublic(r, cfg)) return [];
    const bucket = bucketNameOf(r);
    return reasons.map((why) => `${why}, making bucket ${bucket ?? "(name not known yet)"} public; it is not in publicBuckets`);
  },
};

export const gcsPublicAccessPrevention: Rule = {
  name: "gcs-public-access-prevention",
  enforcement: "advisory",
  description: "A GCS bucket that is not meant to be public enforces public access prevention, so no later IAM change can expose it.",
  exception: "advisory: a warning in the plan; buckets listed in publicBuckets are exempt",
  types: [GCS_BUCKET],
  config: ["publicBuckets"],
  check(r, cfg) {
    if (allowedPublic(r, cfg)) return [];
    return r.inputs.publicAccessPrevention === "enforced" ? [] : [`sets publicAccessPrevention ${str(r.inputs.publicAccessPrevention) ?? "(unset: inherited)"}, not "enforced"`];
  },
};

export const BUCKET_RULES: readonly Rule[] = [bucketUniformAccess, bucketNotPublic, gcsPublicAccessPrevention];
