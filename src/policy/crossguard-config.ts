/**
 * The CrossGuard side of the policy config: JSON schemas of the config each rule
 * reads, and the per-policy config document `pulumi preview --policy-pack-config`
 * takes (`{ "<policy>": { ...settings, exceptions: [names] } }`).
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyException } from "./allowances";
import { RULES } from "./index";
import type { PolicyConfig, PolicyConfigKey, Rule } from "./types";

const strings = { type: "array", items: { type: "string" } } as const;

export const CONFIG_SCHEMA: Readonly<Record<PolicyConfigKey, PolicyConfigSchema["properties"][string]>> = {
  adminCidrs: { ...strings, description: "CIDRs allowed to SSH (via the bastion) and the Kubernetes API" },
  bastionCidrs: { ...strings, description: "the subnet the OCI Bastion's endpoint lives in" },
  lbSubnetCidrs: { ...strings, description: "the load balancer's subnet: the only CIDR NodePorts accept" },
  kubeApiPort: { type: "integer", description: "the Kubernetes API port: admin CIDRs only" },
  healthNodePort: { type: "integer", description: "the ingress controller's health NodePort" },
  publicBuckets: { ...strings, description: "bucket names this stack may expose publicly" },
  disposableProjects: { ...strings, description: "project ids of the Boskos pool, wiped between tests" },
};

/** Config schema of one rule in the pack: its config keys plus the excepted resource names. */
export function configSchemaFor(rule: Rule): PolicyConfigSchema {
  const properties: PolicyConfigSchema["properties"] = { exceptions: { ...strings, description: "Pulumi logical names excused from this rule (policy/allowances.yaml)" } };
  for (const k of rule.config ?? []) properties[k] = CONFIG_SCHEMA[k];
  return { properties };
}

export function crossGuardConfig(cfg: PolicyConfig, exceptions: readonly PolicyException[], rules = RULES): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const rule of rules) {
    const entry: Record<string, unknown> = {};
    for (const k of rule.config ?? []) if (cfg[k] !== undefined) entry[k] = cfg[k];
    const names = exceptions.filter((e) => e.rule === rule.name).flatMap((e) => e.resources);
    if (names.length) entry.exceptions = names;
    if (Object.keys(entry).length) out[rule.name] = entry;
  }
  return out;
}
