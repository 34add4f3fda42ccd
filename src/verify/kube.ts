/**
 * verify's Kubernetes API (KubeReader) over @kubernetes/client-node, with the stack's
 * admin kubeconfig: reads only, except the one probe pod, which it deletes again.
 */
import * as k8s from "@kubernetes/client-node";
import type { Clock } from "../base/clock";
import { HELM, K3S_SNAPSHOTS, LONGHORN } from "./facts";
import type { KubeObject, KubeReader, ProbePod } from "./types";

const statusOf = (e: unknown) => (e as { code?: number }).code;
const items = (list: unknown) => ((list as { items?: KubeObject[] }).items ?? []) as KubeObject[];

/**
 * The probe pod meets the `restricted` Pod Security Standard (non-root, no privilege
 * escalation, no capabilities, RuntimeDefault seccomp), so any namespace admits it.
 */
export function probePodManifest(p: ProbePod): k8s.V1Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: p.name, namespace: p.namespace, labels: { "app.kubernetes.io/name": "ci-infra-verify", "app.kubernetes.io/managed-by": "ci-infra" } },
    spec: {
      restartPolicy: "Never",
      automountServiceAccountToken: false,
      activeDeadlineSeconds: Math.ceil(p.timeoutMs / 1000),
      terminationGracePeriodSeconds: 0,
      securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        {
          name: "probe",
          image: p.image,
          imagePullPolicy: "IfNotPresent",
          command: ["sh", "-c", p.script],
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
          resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "200m", memory: "32Mi" } },
        },
      ],
    },
  };
}

export function kubeReader(kubeconfig: string, clock: Clock, pollMs = 2000): KubeReader {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const orUndefined = async <T>(p: Promise<T>): Promise<T | undefined> => {
    try {
      return await p;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  };
  return {
    async helmReleaseSecrets() {
      return (await core.listSecretForAllNamespaces({ labelSelector: HELM.ownerSelector })).items as unknown as KubeObject[];
    },
    async secretData(namespace, name) {
      const s = await orUndefined(core.readNamespacedSecret({ name, namespace }));
      if (!s) return undefined;
      return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
    },
    async longhornSetting(namespace, name) {
      return orUndefined(custom.getNamespacedCustomObject({ group: LONGHORN.group, version: LONGHORN.version, namespace, plural: LONGHORN.settings, name }) as Promise<KubeObject>);
    },
    async etcdSnapshotFiles() {
      return items(await custom.listClusterCustomObject({ group: K3S_SNAPSHOTS.group, version: K3S_SNAPSHOTS.version, plural: K3S_SNAPSHOTS.plural }));
    },
    async longhornBackups(namespace) {
      return items(await custom.listNamespacedCustomObject({ group: LONGHORN.group, version: LONGHORN.version, namespace, plural: LONGHORN.backups }));
    },
    async persistentVolumes() {
      return (await core.listPersistentVolume()).items as unknown as KubeObject[];
    },
    async runPod(p) {
      const { name, namespace } = p;
      await core.createNamespacedPod({ namespace, body: probePodManifest(p) });
      try {
        const deadline = clock.now() + p.timeoutMs;
        let phase = "";
        for (;;) {
          phase = (await core.readNamespacedPod({ name, namespace })).status?.phase ?? "";
          if (phase === "Succeeded" || phase === "Failed" || clock.now() >= deadline) break;
          await clock.sleep(pollMs);
        }
        const log = phase === "Succeeded" || phase === "Failed" ? await core.readNamespacedPodLog({ name, namespace }).catch(() => "") : "";
        return { phase: phase === "Succeeded" || phase === "Failed" ? phase : `${phase || "Pending"} after ${Math.round(p.timeoutMs / 1000)} s`, log: String(log) };
      } finally {
        await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
      }
    },
  };
}
