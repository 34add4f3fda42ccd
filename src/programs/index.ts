/**
 * The program registry: one entry per value of `ci-infra:program`, the one place a
 * program is chosen. The config layer's schema table (PROGRAM_SCHEMAS, which the
 * config layer needs below this one) names the programs and types their settings;
 * this table is mapped over it, so a program added there does not compile until it
 * has its entry here.
 *
 * A program is imported when it runs, not before: each pulls in its provider SDKs
 * (@pulumi/aws and @pulumi/gcp for kops-ci; @pulumi/oci, kubernetes, tls and random
 * for oci-platform), and loading those a stack does not use slows every plan.
 * `policyFacts` stays eager and light (no provider SDK).
 */
import { PROGRAM_SCHEMAS, ProgramName, ProgramSettings, StackConfig } from "../config";
import { poolProjectIds } from "../kops/names";
import type { PolicyConfig } from "../policy/types";
import { KUBE_API_PORT } from "../ports";
import type { ProgramResult } from "./types";

/** What the registry knows of one program. */
export interface Program<P extends ProgramName> {
  /** Validates the program's `ci-infra:*` keys (its PROGRAM_SCHEMAS entry). */
  readonly schema: (typeof PROGRAM_SCHEMAS)[P];
  /** Registers the program's resources for `stack`. */
  run(stack: string, settings: ProgramSettings<P>): Promise<ProgramResult>;
  /**
   * What the program tells the policy rules about itself: facts that follow from its
   * design and its config, so the policy layer holds no program-specific knowledge.
   */
  policyFacts(settings: ProgramSettings<P>): PolicyConfig;
}

export const PROGRAMS: { readonly [P in ProgramName]: Program<P> } = {
  "oci-platform": {
    schema: PROGRAM_SCHEMAS["oci-platform"],
    run: async (stack, settings) => (await import("./oci-platform")).ociPlatform(stack, settings),
    policyFacts: (s) => ({
      adminCidrs: s.network.adminCidrs,
      // The bastion's private endpoint lives in the node subnet (src/oci/network.ts).
      bastionCidrs: [s.network.nodeSubnetCidr],
      lbSubnetCidrs: [s.network.lbSubnetCidr],
      kubeApiPort: KUBE_API_PORT,
      healthNodePort: s.ingress.healthNodePort,
    }),
  },
  "kops-ci": {
    schema: PROGRAM_SCHEMAS["kops-ci"],
    run: async (stack, settings) => (await import("./kops-ci")).kopsCi(stack, settings),
    policyFacts: (s) => ({
      // The staging bucket is public only through its explicit switch; the OIDC
      // discovery bucket is public because AWS IRSA fetches its documents anonymously.
      publicBuckets: [...(s.buckets.staging.publicRead ? [s.buckets.staging.name] : []), s.aws.discovery.bucket],
      disposableProjects: poolProjectIds(s.boskos.projectPrefix, s.boskos.count),
    }),
  },
};

/** The entry of `cfg`'s program, typed for its settings. */
function programOf<P extends ProgramName>(cfg: StackConfig<P>): Program<P> {
  return PROGRAMS[cfg.program as P] as Program<P>;
}

export function runProgram(cfg: StackConfig): Promise<ProgramResult> {
  return programOf(cfg).run(cfg.stack, cfg.settings);
}

export function policyFacts(cfg: StackConfig): PolicyConfig {
  return programOf(cfg).policyFacts(cfg.settings);
}
