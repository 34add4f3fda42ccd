/**
 * Which claims `npm run restore-volumes` restores: the claims on the retained class
 * that the stack declares (Jenkins' home, Grafana's data; src/apps/jenkins.ts and
 * src/apps/monitoring.ts build them with retainedClaim), read from the stack's state,
 * so a claim deleted from the cluster by mistake is still known with its size.
 */
import { RETAIN_STORAGE_CLASS } from "../apps/longhorn-values";
import type { StateResource } from "../roll/stack";

const PVC = "kubernetes:core/v1:PersistentVolumeClaim";

/** A claim on the retained class, as the stack declares it. */
export interface RetainedClaim {
  readonly namespace: string;
  readonly name: string;
  /** The size retainedClaim was given, in GiB. */
  readonly sizeGbs: number;
}

export const claimId = (c: { namespace: string; name: string }) => `${c.namespace}/${c.name}`;

/** The retained claims among the stack's resources, sorted by namespace/name. */
export function retainedClaimsFromState(resources: readonly StateResource[]): RetainedClaim[] {
  return resources
    .filter((r) => r.type === PVC)
    .map((r) => r.inputs as { metadata?: { name?: string; namespace?: string }; spec?: { storageClassName?: string; resources?: { requests?: { storage?: string } } } } | undefined)
    .filter((i) => i?.spec?.storageClassName === RETAIN_STORAGE_CLASS)
    .map((i) => {
      const name = i!.metadata?.name;
      const namespace = i!.metadata?.namespace;
      const storage = i!.spec?.resources?.requests?.storage ?? "";
      const gi = /^(\d+)Gi$/.exec(storage);
      if (!name || !namespace || !gi) throw new Error(`a claim on ${RETAIN_STORAGE_CLASS} in the stack state has no name, namespace or <n>Gi size (${namespace}/${name}, ${storage || "no size"}); was it created by this project?`);
      return { namespace, name, sizeGbs: Number(gi[1]) };
    })
    .sort((a, b) => claimId(a).localeCompare(claimId(b)));
}

/** The claims `--claim <ns>/<name>` selects (all when absent); an error sentence for an unknown one. */
export function selectClaims(all: readonly RetainedClaim[], wanted: string | undefined): RetainedClaim[] | string {
  if (wanted === undefined) return [...all];
  if (!/^[^/\s]+\/[^/\s]+$/.test(wanted)) return `--claim must be <namespace>/<name> (got ${wanted})`;
  const hit = all.filter((c) => claimId(c) === wanted);
  return hit.length ? hit : `--claim ${wanted}: not a claim on ${RETAIN_STORAGE_CLASS} in this stack (it has ${all.map(claimId).join(", ") || "none"})`;
}
