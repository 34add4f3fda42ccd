/**
 * The rules as CrossGuard policies, for `pulumi preview --policy-pack policy`.
 * Config (admin CIDRs, health NodePort, public buckets, exceptions) comes from
 * `--policy-pack-config`, the file the offline plan writes with `--out`.
 */
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { matches } from "./allowances";
import { configSchemaFor } from "./crossguard-config";
import { RULES } from "./index";
import { appliesTo, Enforcement, PolicyConfig, Rule } from "./types";

/**
 * Where CrossGuard must differ from the plan. The analyzer API (policy SDK 1.21)
 * does not pass `retainOnDelete`, so a retained but unprotected volume would be a
 * false positive there: advisory in the pack, mandatory in the offline plan that
 * gates every pull request.
 */
export const CROSSGUARD_ENFORCEMENT: Readonly<Record<string, Enforcement>> = {
  "stateful-protected": "advisory",
};

export interface PackConfig extends PolicyConfig {
  readonly exceptions?: readonly string[];
}

export function toCrossGuardPolicy(rule: Rule): ResourceValidationPolicy & { configSchema: PolicyConfigSchema } {
  return {
    name: rule.name,
    description: `${rule.description} Exception: ${rule.exception.replace(/\.$/, "")}.`,
    enforcementLevel: CROSSGUARD_ENFORCEMENT[rule.name] ?? rule.enforcement,
    configSchema: configSchemaFor(rule),
    validateResource: (args, reportViolation) => {
      if (!appliesTo(rule, args.type)) return;
      const cfg = args.getConfig<PackConfig>();
      if (cfg.exceptions && matches(cfg.exceptions, args.name)) return;
      const resource = { type: args.type, name: args.name, urn: args.urn, inputs: args.props, protect: args.opts.protect };
      for (const why of rule.check(resource, cfg)) reportViolation(why);
    },
  };
}

export function crossGuardPolicies(rules: readonly Rule[] = RULES): ResourceValidationPolicy[] {
  return rules.map(toCrossGuardPolicy);
}
