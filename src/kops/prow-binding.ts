/**
 * What a kops-ci stack gives its Prow jobs, from config and the derived names
 * alone: the same data the stack's outputs and resources come from, so a renamed
 * role or bucket changes the jobs too.
 */
import type { KopsCiSettings } from "../config/kops-ci";
import type { KopsJobBinding } from "../matrix/render/prow";
import type { KopsNames } from "./names";
import { identityEnvironment, jobServiceAccount, jobVolumes } from "./render";

/**
 * `kops create cluster` flags of every job. The boundary: kOps attaches
 * spec.iam.permissionsBoundary to every role it creates (docs/iam_roles.md), and the
 * role may create roles only with it; `--set` reaches any spec field (kubernetes/kops
 * pkg/commands/set_cluster.go SetClusterFields at v1.27.0). The discovery store: kOps
 * then serves IRSA from it (`--discovery-store`, cmd/kops/create_cluster.go); the
 * kubetest2-kops of release-1.31 does not pass it from KOPS_DISCOVERY_STORE itself.
 */
export function kopsCreateFlags(s: KopsCiSettings, names: KopsNames): string[] {
  return [`--discovery-store=s3://${s.aws.discovery.bucket}`, `--set=cluster.spec.iam.permissionsBoundary=${names.aws.boundaryArn}`];
}

export function kopsJobBinding(s: KopsCiSettings, names: KopsNames): KopsJobBinding {
  const volumes = jobVolumes(s, names);
  return {
    cluster: s.prow.cluster,
    serviceAccountName: jobServiceAccount(s).name,
    resources: { cpu: s.prow.resources.cpu, memory: s.prow.resources.memory },
    env: identityEnvironment(s, names),
    volumes: volumes.map((v) => v.volume),
    volumeMounts: volumes.map((v) => ({ ...v.mount })),
    clusterDomain: s.aws.clusterDomain,
    zones: s.aws.clusterZones,
    createFlags: kopsCreateFlags(s, names),
  };
}
