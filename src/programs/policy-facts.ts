/**
 * What each program tells the policy rules about itself: facts that follow from
 * its design (the OCI Bastion's endpoint lives in the node subnet) and from its
 * config (the buckets it opens on purpose, its disposable projects). Pure and
 * light, so the policy layer holds no program-specific knowledge.
 */
import { KUBE_API_PORT } from "../ports";
import type { StackConfig } from "../config";
import { poolProjectIds } from "../kops/names";
import type { PolicyConfig } from "../policy/types";

export function policyFacts(cfg: StackConfig): PolicyConfig {
  switch (cfg.program) {
    case "oci-platform": {
      const s = cfg.settings;
      return {
        adminCidrs: s.network.adminCidrs,
        // The bastion's private endpoint lives in the node subnet (src/oci/network.ts).
        bastionCidrs: [s.network.nodeSubnetCidr],
        lbSubnetCidrs: [s.network.lbSubnetCidr],
        kubeApiPort: KUBE_API_PORT,
        healthNodePort: s.ingress.healthNodePort,
      };
    }
    case "kops-ci": {
      const s = cfg.settings;
      return {
        // The staging bucket is public only through its explicit switch; the OIDC
        // discovery bucket is public because AWS IRSA fetches its documents anonymously.
        publicBuckets: [...(s.buckets.staging.publicRead ? [s.buckets.staging.name] : []), s.aws.discovery.bucket],
        disposableProjects: poolProjectIds(s.boskos.projectPrefix, s.boskos.count),
      };
    }
  }
}
