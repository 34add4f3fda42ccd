/**
 * The vocabulary of policy as code. A rule is a pure function over one resource
 * as the engine sees it (type token, inputs, options): the same function runs in
 * the CrossGuard pack (`policy/`), in the offline plan and in the unit tests.
 */

export type Enforcement = "mandatory" | "advisory";

/** One resource, whichever way it was observed. */
export interface PolicyResource {
  /** Provider type token, e.g. `gcp:storage/bucket:Bucket`. */
  readonly type: string;
  /** Pulumi logical name. */
  readonly name: string;
  readonly urn?: string;
  /**
   * Inputs as sent to the engine. In the offline plan secrets are "[secret]" and
   * values not known yet are "[unknown]"; in a CrossGuard preview unknowns are absent.
   */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly protect?: boolean;
  /** `undefined` when the observer cannot see it (CrossGuard's analyzer API does not pass it). */
  readonly retainOnDelete?: boolean;
}

/**
 * What some rules need to know about the stack. The offline plan derives it from
 * the stack's validated config and `policy/allowances.yaml`
 * (see `policyFacts` in src/programs/index.ts and `policyConfigFor`); the CrossGuard pack receives the same object through
 * `--policy-pack-config` (written by `npm run plan -- <stack> --out <dir>`).
 */
export interface PolicyConfig {
  /** Who may reach SSH (through the bastion) and the Kubernetes API. */
  readonly adminCidrs?: readonly string[];
  /** Where SSH may come from inside the VCN: the subnet the OCI Bastion's endpoint lives in. */
  readonly bastionCidrs?: readonly string[];
  /** The load balancer's subnet: the only CIDR source NodePorts accept. */
  readonly lbSubnetCidrs?: readonly string[];
  /** The Kubernetes API port (KUBE_API_PORT in src/ports.ts): admin CIDRs only. */
  readonly kubeApiPort?: number;
  /** The ingress controller's health NodePort the load balancer must probe. */
  readonly healthNodePort?: number;
  /** Bucket names this stack may expose publicly (each an allowance with a reason). */
  readonly publicBuckets?: readonly string[];
  /**
   * Projects that exist to be handed out and wiped (the Boskos pool): e2e tests
   * create and delete buckets there, so project-wide storage roles are expected.
   */
  readonly disposableProjects?: readonly string[];
}

export type PolicyConfigKey = keyof PolicyConfig;

export interface Rule {
  /** Stable id: shown in every violation and used in exceptions. */
  readonly name: string;
  readonly enforcement: Enforcement;
  /** What the rule protects, and the incident or design it comes from. */
  readonly description: string;
  /** How to get an exception when the rule is wrong for one resource. */
  readonly exception: string;
  /** Type tokens (or patterns of them) the rule looks at; other resources are not applicable. */
  readonly types: readonly (string | RegExp)[];
  /** Config the rule reads; without it the rule reports that it cannot decide. */
  readonly config?: readonly PolicyConfigKey[];
  /** One sentence per problem (why), empty when the resource complies. */
  check(r: PolicyResource, cfg: PolicyConfig): string[];
}

/** True when `rule` looks at resources of `type`. */
export function appliesTo(rule: Rule, type: string): boolean {
  return rule.types.some((t) => (typeof t === "string" ? t === type : t.test(type)));
}

export interface Violation {
  readonly rule: string;
  readonly enforcement: Enforcement;
  readonly resource: string;
  readonly type: string;
  readonly why: string;
}

/** The default "how to get an exception" text; rules add what is specific to them. */
export const EXCEPTION_PROCESS =
  "add an entry to policy/allowances.yaml (rule, stacks, resources, reason, approvedBy, expires) in a pull request; CODEOWNERS of policy/ review it";
