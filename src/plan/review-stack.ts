/**
 * Review stacks: `pr-<number>` runs the staging program, smaller, under its own
 * names. There is no file to keep in sync: the offline plan derives the config
 * from `stacks/Pulumi.oci-staging.yaml` with the overrides below, and the
 * review-stack workflow writes the real stack file with the same overrides
 * (`scripts/review-stack.ts`) after `pulumi stack init --copy-config-from oci-staging`,
 * which re-encrypts staging's secrets for the new stack.
 *
 * Names need no override: every component and display name starts with the
 * stack (`pr-42-net-vcn`, the bastion `pr42netbastion`, VCN DNS label `vpr42`);
 * the domain is the one name taken from config, so it gets the stack in front.
 */
import { ConfigEdit, editValues } from "./config-edit";

export const REVIEW_STACK = /^pr-([1-9]\d{0,6})$/;
export const REVIEW_BASE_STACK = "oci-staging";

export interface ConfigOverride extends ConfigEdit {
  readonly why: string;
}

export function isReviewStack(stack: string): boolean {
  return REVIEW_STACK.test(stack);
}

/** The overrides of review stack `stack`, given the base stack's raw values. */
export function reviewOverrides(stack: string, base: Readonly<Record<string, string>>): ConfigOverride[] {
  if (!isReviewStack(stack)) throw new Error(`${stack} is not a review stack name (pr-<number>)`);
  const domain = base["ci-infra:domain"];
  return [
    ...(domain ? [{ key: "ci-infra:domain", path: [], value: `${stack}.${domain}`, why: "hostnames (rancher., ci., grafana., bot.) and certificates of their own" }] : []),
    { key: "ci-infra:nodes", path: ["agent", "count"], value: 0, why: "no workers: the server runs the apps" },
    { key: "ci-infra:nodes", path: ["ciAgent", "count"], value: 1, why: "one Docker agent proves the Jenkins path" },
    { key: "ci-infra:nodes", path: ["ciAgent", "ocpus"], value: 1, why: "smaller than staging" },
    { key: "ci-infra:nodes", path: ["ciAgent", "memoryGbs"], value: 8, why: "smaller than staging" },
    { key: "ci-infra:nodes", path: ["ciAgent", "bootVolumeGbs"], value: 50, why: "OCI's minimum; review builds are few" },
    { key: "ci-infra:loadBalancer", path: ["maxBandwidthMbps"], value: 10, why: "the Always Free flexible load balancer" },
  ];
}

/** Applies overrides to raw config values (structured values are JSON text). */
export function applyOverrides(values: Record<string, string>, overrides: readonly ConfigOverride[]): void {
  editValues(values, overrides);
}
