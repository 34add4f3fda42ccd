/**
 * The roll's Kubernetes API (ClusterApi) over @kubernetes/client-node, with the
 * stack's admin kubeconfig. Drain follows what `kubectl drain --ignore-daemonsets`
 * does: evictions through the Eviction API (so PodDisruptionBudgets hold; a 429 means
 * "not now", retried), DaemonSet and mirror pods left alone.
 */
import * as k8s from "@kubernetes/client-node";
import type { ClusterApi } from "./roll";
import type { Clock } from "../base/clock";

/** k3s' annotations for handing back an etcd member (k3s-io/k3s pkg/etcd/member_controller.go). */
export const ETCD_REMOVE_ANNOTATION = "etcd.k3s.cattle.io/remove";
export const ETCD_REMOVED_ANNOTATION = "etcd.k3s.cattle.io/removed-node-name";
/** Where k3s keeps a node's join password; a new VM under the same name is refused while it exists. */
export const nodePasswordSecret = (node: string) => `${node}.node-password.k3s`;

const status = (e: unknown) => (e as { code?: number }).code;
const ignoreNotFound = (e: unknown) => {
  if (status(e) !== 404) throw e;
};
const mergePatch = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);

/** Pods a drain evicts: not DaemonSet-owned, not mirror (static) pods, not finished. */
export function evictable(pod: k8s.V1Pod): boolean {
  if (pod.metadata?.annotations?.["kubernetes.io/config.mirror"]) return false;
  if (pod.metadata?.ownerReferences?.some((o) => o.kind === "DaemonSet")) return false;
  return pod.status?.phase !== "Succeeded" && pod.status?.phase !== "Failed";
}

export function kubeClusterApi(kubeconfig: string, clock: Clock, pollMs = 5000): ClusterApi {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const until = async (what: string, timeoutMs: number, done: () => Promise<boolean>) => {
    const deadline = clock.now() + timeoutMs;
    while (!(await done())) {
      if (clock.now() >= deadline) throw new Error(`${what} did not finish within ${Math.round(timeoutMs / 1000)} s`);
      await clock.sleep(pollMs);
    }
  };
  return {
    async nodeReady(node) {
      try {
        const n = await core.readNode({ name: node });
        return n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
      } catch (e) {
        ignoreNotFound(e);
        return undefined;
      }
    },
    async setUnschedulable(node, unschedulable) {
      await core.patchNode({ name: node, body: { spec: { unschedulable } } }, mergePatch);
    },
    async drain(node, timeoutMs) {
      await until(`draining ${node}`, timeoutMs, async () => {
        const pods = (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items.filter(evictable);
        for (const p of pods) {
          const name = p.metadata!.name!;
          const namespace = p.metadata!.namespace!;
          try {
            await core.createNamespacedPodEviction({ name, namespace, body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace } } });
          } catch (e) {
            // 429: a PodDisruptionBudget says not yet; 404: already gone.
            if (status(e) !== 429 && status(e) !== 404) throw e;
          }
        }
        return pods.length === 0;
      });
    },
    async removeEtcdMember(node, timeoutMs) {
      await core.patchNode({ name: node, body: { metadata: { annotations: { [ETCD_REMOVE_ANNOTATION]: "true" } } } }, mergePatch);
      await until(`removing the etcd member of ${node}`, timeoutMs, async () => Boolean((await core.readNode({ name: node })).metadata?.annotations?.[ETCD_REMOVED_ANNOTATION]));
    },
    async forgetNode(node) {
      await core.deleteNode({ name: node }).catch(ignoreNotFound);
      await core.deleteNamespacedSecret({ name: nodePasswordSecret(node), namespace: "kube-system" }).catch(ignoreNotFound);
    },
  };
}
