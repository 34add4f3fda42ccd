/**
 * Stateful resources. Buckets, block volumes and persistent volumes hold what
 * cannot be re-created by running the program again (Jenkins home, Grafana
 * dashboards, CI results, backups). A `pulumi destroy`, a rename without an alias
 * or a replacement must not delete them: each is `protect`ed or `retainOnDelete`.
 */
import { EXCEPTION_PROCESS, Rule } from "./types";
import { obj, str } from "./values";

export const STATEFUL_TYPES: Readonly<Record<string, string>> = {
  "gcp:storage/bucket:Bucket": "GCS bucket",
  "aws:s3/bucket:Bucket": "S3 bucket",
  "aws:s3/bucketV2:BucketV2": "S3 bucket",
  "oci:ObjectStorage/bucket:Bucket": "OCI bucket",
  "oci:Core/volume:Volume": "OCI block volume",
  "aws:ebs/volume:Volume": "EBS volume",
  "gcp:compute/disk:Disk": "GCE disk",
  "kubernetes:core/v1:PersistentVolumeClaim": "persistent volume claim",
  "kubernetes:core/v1:PersistentVolume": "persistent volume",
};

export const statefulProtected: Rule = {
  name: "stateful-protected",
  enforcement: "mandatory",
  description:
    "Buckets, volumes and persistent volume claims (Jenkins home, Grafana data, results, backups) are created with `protect: true` or `retainOnDelete: true`, so a destroy or an accidental replacement leaves the data. A PersistentVolume with reclaim policy Retain also passes.",
  exception: `${EXCEPTION_PROCESS}. Review stacks need none: their destroy job unprotects them first.`,
  types: Object.keys(STATEFUL_TYPES),
  check(r) {
    if (r.protect || r.retainOnDelete) return [];
    if (r.type === "kubernetes:core/v1:PersistentVolume" && str(obj(r.inputs.spec)?.persistentVolumeReclaimPolicy) === "Retain") return [];
    const what = STATEFUL_TYPES[r.type];
    // CrossGuard's analyzer API does not pass retainOnDelete; say so rather than guess.
    const blind = r.retainOnDelete === undefined ? " (retainOnDelete is not visible to CrossGuard; the offline plan checks it)" : "";
    return [`is a ${what} with neither protect nor retainOnDelete${blind}: destroying or replacing it deletes the data`];
  },
};

/** Charts whose default install creates a PVC that `helm uninstall` deletes with the release. */
const CHART_PERSISTENCE: Readonly<Record<string, { enabledByDefault: boolean }>> = {
  jenkins: { enabledByDefault: true },
  grafana: { enabledByDefault: false },
};

export const helmReleaseData: Rule = {
  name: "helm-release-data",
  enforcement: "advisory",
  description:
    "A Jenkins or Grafana release whose chart creates its own PVC loses that PVC when the release is deleted. Point the chart at a claim the program creates and protects (`persistence.existingClaim`), or protect/retain the release.",
  exception: "advisory: a warning in the plan",
  types: ["kubernetes:helm.sh/v3:Release"],
  check(r) {
    const chart = str(r.inputs.chart)?.split("/").pop();
    const known = chart ? CHART_PERSISTENCE[chart] : undefined;
    if (!known || r.protect || r.retainOnDelete) return [];
    const persistence = obj(obj(r.inputs.values)?.persistence);
    const enabled = persistence?.enabled === undefined ? known.enabledByDefault : persistence.enabled === true;
    if (!enabled || str(persistence?.existingClaim)) return [];
    return [`chart ${chart} creates its own PVC, which is deleted with the release; set persistence.existingClaim to a protected claim`];
  },
};

export const STATEFUL_RULES: readonly Rule[] = [statefulProtected, helmReleaseData];
