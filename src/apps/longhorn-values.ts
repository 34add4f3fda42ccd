/**
 * Longhorn: distributed block storage on the cluster nodes, the default
 * StorageClass of the apps.
 */
import { Manifest, opaqueSecret } from "./manifest";

export interface LonghornSettings {
  readonly replicaCount: number;
  readonly orphanAutoDeletion: readonly string[];
  readonly orphanGracePeriodSeconds: number;
  /** `s3://<bucket>@<region>/` and the Secret holding its credentials, when backups are on. */
  readonly backup?: { readonly target: string; readonly credentialSecret: string };
}

/** A StorageClass whose volumes outlive their claims: Jenkins and Grafana data. */
export const RETAIN_STORAGE_CLASS = "longhorn-retain";
export const LONGHORN_NAMESPACE = "longhorn-system";

export function longhornValues(s: LonghornSettings): Record<string, unknown> {
  return {
    defaultSettings: {
      // Orphans are deleted only after the grace period, so a CR briefly missing during an update survives.
      orphanResourceAutoDeletion: s.orphanAutoDeletion.join(";"),
      orphanResourceAutoDeletionGracePeriod: s.orphanGracePeriodSeconds,
      // Per data engine since v1.8; the chart renders the map as JSON.
      defaultReplicaCount: { v1: String(s.replicaCount), v2: String(s.replicaCount) },
    },
    persistence: { defaultClass: true, defaultClassReplicaCount: s.replicaCount, reclaimPolicy: "Delete" },
    ...(s.backup ? { defaultBackupStore: { backupTarget: s.backup.target, backupTargetCredentialSecret: s.backup.credentialSecret } } : {}),
    metrics: { serviceMonitor: { enabled: false } },
    longhornManager: { serviceAnnotations: { "prometheus.io/scrape": "true", "prometheus.io/port": "9500" } },
  };
}

export function retainStorageClass(replicaCount: number): Manifest {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: RETAIN_STORAGE_CLASS },
    provisioner: "driver.longhorn.io",
    // The volume survives its claim, so deleting the app (or the stack) by mistake keeps the data.
    reclaimPolicy: "Retain",
    allowVolumeExpansion: true,
    volumeBindingMode: "Immediate",
    parameters: { numberOfReplicas: String(replicaCount), staleReplicaTimeout: "30", dataLocality: "disabled" },
  };
}

/** Credentials Longhorn uses for an S3-compatible backup target (OCI Object Storage). */
export function backupSecret<T>(name: string, endpoint: string, accessKeyId: T, secretAccessKey: T): Manifest {
  return opaqueSecret(name, LONGHORN_NAMESPACE, { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_ENDPOINTS: endpoint });
}

/**
 * The Longhorn recurring-job group of every volume on the retained class (the apps'
 * data): its claims carry the group label and `recurring-job.longhorn.io/source:
 * enabled`, which makes Longhorn copy the claim's job labels onto the volume, for
 * new and existing volumes alike (longhorn/longhorn enhancements: PVC as recurring
 * job label source, v1.6+).
 */
export const RETAINED_JOB_GROUP = "ci-infra-retained";

export interface RecurringSchedule {
  readonly backupCron: string;
  readonly backupRetain: number;
  readonly snapshotCron: string;
  readonly snapshotRetain: number;
}

/**
 * Longhorn RecurringJobs (longhorn.io/v1beta2, spec: name, groups, task snapshot|backup,
 * cron, retain, concurrency, labels; longhorn/longhorn-manager
 * k8s/pkg/apis/longhorn/v1beta2/recurringjob.go, read in a stored copy of the 1.x line:
 * the v1.12.1 tag itself was not at hand) for the retained group: snapshots in the volume
 * between backups, and backups to the default backup target (no `backupTargetName`).
 */
export function recurringJobs(s: RecurringSchedule): Manifest[] {
  const job = (name: string, task: "snapshot" | "backup", cron: string, retain: number): Manifest => ({
    apiVersion: "longhorn.io/v1beta2",
    kind: "RecurringJob",
    metadata: { name, namespace: LONGHORN_NAMESPACE },
    spec: { name, task, cron, retain, concurrency: 1, groups: [RETAINED_JOB_GROUP], labels: { "app.kubernetes.io/managed-by": "ci-infra" } },
  });
  return [job(`${RETAINED_JOB_GROUP}-snapshot`, "snapshot", s.snapshotCron, s.snapshotRetain), job(`${RETAINED_JOB_GROUP}-backup`, "backup", s.backupCron, s.backupRetain)];
}

/** A claim on the retained class, created by us (not the chart) so Pulumi can keep it on delete. */
export function retainedClaim(name: string, ns: string, sizeGbs: number): Manifest {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, namespace: ns, labels: { "recurring-job.longhorn.io/source": "enabled", [`recurring-job-group.longhorn.io/${RETAINED_JOB_GROUP}`]: "enabled" } },
    spec: { accessModes: ["ReadWriteOnce"], storageClassName: RETAIN_STORAGE_CLASS, resources: { requests: { storage: `${sizeGbs}Gi` } } },
  };
}
