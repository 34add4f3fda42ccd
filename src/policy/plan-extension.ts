/**
 * The policy rules as an offline-plan extension: mandatory violations fail the
 * plan (exit 3, one line each), advisory ones become warnings, and `--out`
 * writes the stack's CrossGuard config (`policy/pack-config.json`) so the pack
 * in `policy/` judges a real preview with the same settings.
 */
import type { PlanExtension } from "../plan/extensions";
import type { PlanResult } from "../plan/run";
import { policyFacts } from "../programs";
import { allowancesFor, isExcepted, loadAllowances, PolicyException, StackAllowances } from "./allowances";
import { crossGuardConfig } from "./crossguard-config";
import { evaluate, formatViolation, PolicyConfig, PolicyResource, Violation } from "./index";

/** What the rules need to know: the program's own facts, plus the stack's allowances. */
export function policyConfigFor(plan: Pick<PlanResult, "config">, allowances: Pick<StackAllowances, "publicBuckets">): PolicyConfig {
  const facts = policyFacts(plan.config);
  return { ...facts, publicBuckets: [...allowances.publicBuckets, ...(facts.publicBuckets ?? [])] };
}

export interface PlanPolicyResult {
  readonly config: PolicyConfig;
  readonly allowances: StackAllowances;
  readonly mandatory: Violation[];
  readonly advisory: Violation[];
  /** Violations an exception in policy/allowances.yaml excuses. */
  readonly excepted: Violation[];
  /** Exceptions in force that excuse nothing any more: candidates for removal. */
  readonly unused: PolicyException[];
}

export function policyResourcesOf(plan: Pick<PlanResult, "resources">): PolicyResource[] {
  return plan.resources.filter((r) => r.custom).map((r) => ({ type: r.type, name: r.name, urn: r.urn, inputs: r.inputs, protect: r.protect, retainOnDelete: r.retainOnDelete }));
}

const cache = new WeakMap<object, PlanPolicyResult>();

export function evaluatePlan(plan: Pick<PlanResult, "stack" | "config" | "resources">, allowances: StackAllowances = allowancesFor(loadAllowances(), plan.stack)): PlanPolicyResult {
  const config = policyConfigFor(plan, allowances);
  const all = evaluate(policyResourcesOf(plan), config);
  const excused = (v: Violation) => isExcepted(allowances.exceptions, v.rule, v.resource);
  const excepted = all.filter(excused);
  return {
    config,
    allowances,
    mandatory: all.filter((v) => v.enforcement === "mandatory" && !excused(v)),
    advisory: all.filter((v) => v.enforcement === "advisory" && !excused(v)),
    excepted,
    unused: allowances.exceptions.filter((e) => !excepted.some((v) => isExcepted([e], v.rule, v.resource))),
  };
}

function cached(plan: PlanResult): PlanPolicyResult {
  let r = cache.get(plan);
  if (!r) cache.set(plan, (r = evaluatePlan(plan)));
  return r;
}

export const policyExtension: PlanExtension = {
  name: "policy",
  check(plan) {
    const { mandatory } = cached(plan);
    return mandatory.length ? [{ exitCode: 3, problems: mandatory.map(formatViolation) }] : [];
  },
  warnings(plan) {
    const r = cached(plan);
    return [
      ...r.advisory.map(formatViolation),
      ...r.excepted.map((v) => `${formatViolation(v)} (excepted in policy/allowances.yaml)`),
      ...r.unused.map((e) => `policy exception for ${e.rule} on ${e.resources.join(", ")} excuses nothing in this stack: remove it from policy/allowances.yaml`),
      ...r.allowances.expired.map((e) => `policy exception for ${e.rule} on ${e.resources.join(", ")} expired on ${e.expires}: renew it in policy/allowances.yaml or fix the resources`),
    ];
  },
  artifacts(plan) {
    const r = cached(plan);
    return { "policy/pack-config.json": `${JSON.stringify(crossGuardConfig(r.config, r.allowances.exceptions), null, 2)}\n` };
  },
};
