/**
 * Every policy rule, in one list: the CrossGuard pack (`policy/`), the offline
 * plan's extension and the tests all read this.
 */
import { BUCKET_RULES } from "./buckets";
import { CREDENTIAL_RULES } from "./credentials";
import { LOAD_BALANCER_RULES } from "./load-balancer";
import { NETWORK_RULES } from "./network";
import { STATEFUL_RULES } from "./stateful";
import { appliesTo, PolicyConfig, PolicyResource, Rule, Violation } from "./types";
import { VERSION_RULES } from "./versions";

export * from "./types";

export const RULES: readonly Rule[] = [...NETWORK_RULES, ...LOAD_BALANCER_RULES, ...CREDENTIAL_RULES, ...BUCKET_RULES, ...STATEFUL_RULES, ...VERSION_RULES];

/** Every violation of `rules` by `resources`, in resource order. */
export function evaluate(resources: readonly PolicyResource[], cfg: PolicyConfig, rules: readonly Rule[] = RULES): Violation[] {
  const out: Violation[] = [];
  for (const r of resources) {
    for (const rule of rules) {
      if (!appliesTo(rule, r.type)) continue;
      for (const why of rule.check(r, cfg)) out.push({ rule: rule.name, enforcement: rule.enforcement, resource: r.name, type: r.type, why });
    }
  }
  return out;
}

/** One line per violation: rule, resource, why. */
export function formatViolation(v: Violation): string {
  return `policy ${v.rule} (${v.enforcement}): ${v.resource} [${v.type}] ${v.why}`;
}
