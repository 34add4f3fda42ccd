/**
 * The restore's and the rehearsal's Kubernetes API (RestoreCluster, RehearsalCluster)
 * over @kubernetes/client-node, with the stack's admin kubeconfig.
 */
import { Writable } from "node:stream";
import * as k8s from "@kubernetes/client-node";
import { LONGHORN_NAMESPACE } from "../apps/longhorn-values";
import type { Manifest } from "../apps/manifest";
import { BACKUP_VOLUME_LABEL, ClassParameters, LONGHORN_API, LONGHORN_CSI_DRIVER, LonghornBackup, LonghornVolume } from "./longhorn";
import type { RehearsalCluster } from "./rehearsal";
import type { MountingPod, RestoreCluster, Workload } from "./restore";

/** Where a restore records the replicas it scaled a workload down from, so a re-run can scale it back. */
export const REPLICAS_ANNOTATION = "ci-infra/replicas-before-restore";

const statusOf = (e: unknown) => (e as { code?: number }).code;
const mergePatch = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
const crd = (plural: string) => ({ group: LONGHORN_API.group, version: LONGHORN_API.version, namespace: LONGHORN_NAMESPACE, plural });

async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw e;
  }
}

/** The pod-template volume that mounts the claim, if any. */
export function claimVolume(spec: k8s.V1PodSpec | undefined, claim: string): string | undefined {
  return spec?.volumes?.find((v) => v.persistentVolumeClaim?.claimName === claim)?.name;
}

/** Where a pod mounts the claim: a container with a writable, whole-volume mount preferred. */
export function mountingPod(pod: k8s.V1Pod, claim: string): MountingPod | undefined {
  const volume = claimVolume(pod.spec, claim);
  if (!volume) return undefined;
  const mounts = (pod.spec?.containers ?? []).flatMap((c) => (c.volumeMounts ?? []).filter((m) => m.name === volume).map((m) => ({ container: c.name, m })));
  const best = mounts.find((x) => !x.m.subPath && !x.m.readOnly) ?? mounts[0];
  return { name: pod.metadata!.name!, phase: pod.status?.phase, container: best?.container, mountPath: best ? best.m.mountPath : undefined };
}

/**
 * The Longhorn volume behind a claim: its bound PV's, else that of the newest PV
 * reserved for it (a deleted claim's PV stays Released with its claimRef, as the
 * retained class keeps it); the claim's other Longhorn PVs are `earlier` volumes.
 */
export function volumeBehind(bound: k8s.V1PersistentVolume | undefined, all: readonly k8s.V1PersistentVolume[], namespace: string, claim: string): Awaited<ReturnType<RestoreCluster["volumeOfClaim"]>> {
  const created = (v: k8s.V1PersistentVolume) => new Date(v.metadata?.creationTimestamp ?? 0).getTime();
  const mine = all.filter((v) => v.spec?.claimRef?.namespace === namespace && v.spec.claimRef.name === claim && v.spec.csi?.driver === LONGHORN_CSI_DRIVER).sort((a, b) => created(b) - created(a));
  const pv = bound ?? mine[0];
  if (!pv?.spec?.csi || pv.spec.csi.driver !== LONGHORN_CSI_DRIVER) return undefined;
  const earlier = mine.filter((v) => v.metadata?.name !== pv.metadata?.name).map((v) => v.spec!.csi!.volumeHandle);
  return { pv: pv.metadata!.name!, volume: pv.spec.csi.volumeHandle, fsType: pv.spec.csi.fsType, earlier };
}

/** The workload, as the restore sees it. */
export function workloadOf(kind: Workload["kind"], o: k8s.V1Deployment | k8s.V1StatefulSet): Workload {
  const before = Number(o.metadata?.annotations?.[REPLICAS_ANNOTATION]);
  return { kind, namespace: o.metadata!.namespace!, name: o.metadata!.name!, replicas: o.spec?.replicas ?? 1, ...(Number.isInteger(before) && before > 0 ? { replicasBeforeRestore: before } : {}) };
}

/** Ready as `kubectl rollout status` sees it: the controller saw the spec and every replica is ready. */
export function isReady(o: k8s.V1Deployment | k8s.V1StatefulSet): boolean {
  const want = o.spec?.replicas ?? 1;
  return (o.status?.observedGeneration ?? 0) >= (o.metadata?.generation ?? 0) && (o.status?.readyReplicas ?? 0) >= want && (want > 0 || (o.status?.replicas ?? 0) === 0);
}

/** The StorageClass parameters a restored volume keeps (numbers as retainStorageClass writes them). */
export function classParameters(sc: k8s.V1StorageClass): ClassParameters {
  const p = sc.parameters ?? {};
  const n = Number(p.numberOfReplicas);
  if (!Number.isInteger(n) || n < 1) throw new Error(`StorageClass ${sc.metadata?.name} has no numberOfReplicas parameter`);
  return { numberOfReplicas: n, staleReplicaTimeout: Number(p.staleReplicaTimeout) || 30, ...(p.dataLocality ? { dataLocality: p.dataLocality } : {}) };
}

export function kubeRestoreApi(kubeconfig: string): RestoreCluster & RehearsalCluster {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const storage = kc.makeApiClient(k8s.StorageV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);

  const api: RestoreCluster & RehearsalCluster = {
    async volumeOfClaim(namespace, claim) {
      const pvc = await orUndefined(core.readNamespacedPersistentVolumeClaim({ name: claim, namespace }));
      const bound = pvc?.spec?.volumeName ? await orUndefined(core.readPersistentVolume({ name: pvc.spec.volumeName })) : undefined;
      return volumeBehind(bound, (await core.listPersistentVolume()).items, namespace, claim);
    },
    async longhornVolume(name) {
      return (await orUndefined(custom.getNamespacedCustomObject({ ...crd(LONGHORN_API.volumes), name }))) as LonghornVolume | undefined;
    },
    async backupsOf(volume) {
      const list = await custom.listNamespacedCustomObject({ ...crd(LONGHORN_API.backups), labelSelector: `${BACKUP_VOLUME_LABEL}=${volume}` });
      return ((list as { items?: LonghornBackup[] }).items ?? []) as LonghornBackup[];
    },
    async storageClass(name) {
      const sc = await orUndefined(storage.readStorageClass({ name }));
      return sc ? classParameters(sc) : undefined;
    },
    async workloadsMounting(namespace, claim) {
      const deployments = (await apps.listNamespacedDeployment({ namespace })).items.filter((d) => claimVolume(d.spec?.template.spec, claim));
      const sets = (await apps.listNamespacedStatefulSet({ namespace })).items.filter((s) => claimVolume(s.spec?.template.spec, claim));
      return [...deployments.map((d) => workloadOf("Deployment", d)), ...sets.map((s) => workloadOf("StatefulSet", s))];
    },
    async scale(w, replicas, remember) {
      const body = { metadata: { annotations: { [REPLICAS_ANNOTATION]: remember === undefined ? null : String(remember) } }, spec: { replicas } };
      if (w.kind === "Deployment") await apps.patchNamespacedDeployment({ name: w.name, namespace: w.namespace, body }, mergePatch);
      else await apps.patchNamespacedStatefulSet({ name: w.name, namespace: w.namespace, body }, mergePatch);
    },
    async podsMounting(namespace, claim) {
      // Finished pods (a Job's, say) hold no mount any more.
      const live = (await core.listNamespacedPod({ namespace })).items.filter((p) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
      return live.map((p) => mountingPod(p, claim)).filter((p): p is MountingPod => p !== undefined);
    },
    async create(m: Manifest) {
      if (m.apiVersion === "v1" && m.kind === "PersistentVolume") await core.createPersistentVolume({ body: m as k8s.V1PersistentVolume });
      else if (m.apiVersion === "v1" && m.kind === "PersistentVolumeClaim") await core.createNamespacedPersistentVolumeClaim({ namespace: m.metadata.namespace!, body: m as k8s.V1PersistentVolumeClaim });
      else if (m.apiVersion === `${LONGHORN_API.group}/${LONGHORN_API.version}`) {
        const plural = { Volume: LONGHORN_API.volumes, Backup: LONGHORN_API.backups, Snapshot: LONGHORN_API.snapshots }[m.kind];
        if (!plural) throw new Error(`no plural known for Longhorn kind ${m.kind}`);
        await custom.createNamespacedCustomObject({ ...crd(plural), body: m });
      } else throw new Error(`cannot create ${m.apiVersion} ${m.kind}`);
    },
    async deleteClaim(namespace, name) {
      await orUndefined(core.deleteNamespacedPersistentVolumeClaim({ name, namespace }));
    },
    async claimPhase(namespace, name) {
      const c = await orUndefined(core.readNamespacedPersistentVolumeClaim({ name, namespace }));
      return c ? (c.status?.phase ?? "Pending") : undefined;
    },
    async workloadReady(w) {
      const o = w.kind === "Deployment" ? await apps.readNamespacedDeployment({ name: w.name, namespace: w.namespace }) : await apps.readNamespacedStatefulSet({ name: w.name, namespace: w.namespace });
      return isReady(o);
    },
    async exec(namespace, pod, container, command) {
      let out = "";
      let err = "";
      const sink = (f: (s: string) => void) => new Writable({ write: (chunk, _enc, cb) => (f(String(chunk)), cb()) });
      await new Promise<void>((resolve, reject) => {
        new k8s.Exec(kc)
          .exec(namespace, pod, container, [...command], sink((s) => (out += s)), sink((s) => (err += s)), null, false, (status) => {
            if (status.status === "Success") resolve();
            else reject(new Error(`${command[0]} in ${namespace}/${pod}: ${status.message ?? status.status} ${err.trim()}`.trim()));
          })
          .catch(reject);
      });
      return out;
    },
    async snapshot(name) {
      const s = (await orUndefined(custom.getNamespacedCustomObject({ ...crd(LONGHORN_API.snapshots), name }))) as { status?: { readyToUse?: boolean; error?: string } } | undefined;
      return s ? { readyToUse: s.status?.readyToUse, error: s.status?.error } : undefined;
    },
    async backup(name) {
      return (await orUndefined(custom.getNamespacedCustomObject({ ...crd(LONGHORN_API.backups), name }))) as LonghornBackup | undefined;
    },
    async deleteVolume(name) {
      await orUndefined(custom.deleteNamespacedCustomObject({ ...crd(LONGHORN_API.volumes), name }));
    },
  };
  return api;
}
