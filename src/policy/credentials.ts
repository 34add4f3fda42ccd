/**
 * Credentials and IAM. The kOps CI this project replaces ran on an IAM user's
 * static access keys with AdministratorAccess and a mounted GCP key file (BRIEF
 * §2). Here jobs get temporary credentials through OIDC / workload identity
 * federation, and every grant is scoped: these rules keep it that way.
 */
import { EXCEPTION_PROCESS, Rule } from "./types";
import { PRIMITIVE_ROLES } from "../config/kops-ci";
import { arr, json, obj, str } from "./values";

export const STATIC_CREDENTIAL_TYPES: Readonly<Record<string, string>> = {
  "aws:iam/accessKey:AccessKey": "an IAM access key is a long-lived secret; CI jobs assume a role with web identity instead",
  "aws:iam/user:User": "an IAM user is a long-lived identity; humans use SSO and CI jobs assume roles",
  "aws:iam/userLoginProfile:UserLoginProfile": "a console password for an IAM user",
  "aws:iam/serviceSpecificCredential:ServiceSpecificCredential": "a long-lived service password",
  "aws:iam/signingCertificate:SigningCertificate": "a long-lived signing credential of an IAM user",
  "gcp:serviceaccount/key:Key": "a service-account key file is a long-lived secret; use workload identity federation",
  "gcp:storage/hmacKey:HmacKey": "an HMAC key is a long-lived secret for a service account",
};

export const noStaticCredentials: Rule = {
  name: "no-static-credentials",
  enforcement: "mandatory",
  description:
    "No long-lived cloud credentials: no AWS IAM users, access keys or login profiles, no GCP service-account or HMAC keys. Keys leak through logs, forks and laptops and never expire; CI gets short-lived tokens via OIDC (AWS AssumeRoleWithWebIdentity, GCP workload identity federation).",
  exception: `${EXCEPTION_PROCESS}. Expect to be asked why OIDC cannot work for the consumer, and for a rotation owner.`,
  types: Object.keys(STATIC_CREDENTIAL_TYPES),
  check(r) {
    return [`creates ${STATIC_CREDENTIAL_TYPES[r.type]}`];
  },
};

/** Documents holding IAM statements, by type: where to find them in the inputs. */
const AWS_POLICY_DOCS: Readonly<Record<string, (i: Record<string, unknown>) => unknown[]>> = {
  "aws:iam/policy:Policy": (i) => [i.policy],
  "aws:iam/rolePolicy:RolePolicy": (i) => [i.policy],
  "aws:iam/userPolicy:UserPolicy": (i) => [i.policy],
  "aws:iam/groupPolicy:GroupPolicy": (i) => [i.policy],
  "aws:iam/role:Role": (i) => [i.assumeRolePolicy, ...arr(i.inlinePolicies).map((p) => obj(p)?.policy)],
};

interface Statement {
  readonly effect: string;
  readonly actions: string[];
  readonly notAction: boolean;
}

/** The statements of an IAM policy document (JSON text or object); unknown documents yield none. */
export function statementsOf(doc: unknown): Statement[] {
  const d = obj(json(doc));
  if (!d) return [];
  const raw = Array.isArray(d.Statement) ? d.Statement : d.Statement !== undefined ? [d.Statement] : [];
  return raw.map((s) => {
    const o = obj(s) ?? {};
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
    return { effect: String(o.Effect ?? "Allow"), actions: o.NotAction !== undefined ? list(o.NotAction) : list(o.Action), notAction: o.NotAction !== undefined };
  });
}

/** Actions that grant everything, or the power to grant oneself everything. */
const ESCALATING = new Set(["*", "*:*", "iam:*", "sts:*", "organizations:*"]);

export const noWildcardIamActions: Rule = {
  name: "no-wildcard-iam-actions",
  enforcement: "mandatory",
  description:
    'No IAM statement allows "Action": "*" (or iam:*, sts:*, organizations:*), and none uses Allow with NotAction. Such a grant is administrator access under another name; a role that can change IAM can give itself anything.',
  exception: EXCEPTION_PROCESS,
  types: Object.keys(AWS_POLICY_DOCS),
  check(r) {
    const problems: string[] = [];
    for (const doc of AWS_POLICY_DOCS[r.type](r.inputs)) {
      for (const s of statementsOf(doc)) {
        if (s.effect !== "Allow") continue;
        if (s.notAction) problems.push(`allows NotAction [${s.actions.join(", ")}]: everything else is granted`);
        for (const a of s.actions) if (!s.notAction && ESCALATING.has(a.toLowerCase())) problems.push(`allows action "${a}"`);
      }
    }
    return problems;
  },
};

export const iamServiceWildcards: Rule = {
  name: "iam-service-wildcards",
  enforcement: "advisory",
  description: 'Service-wide wildcards such as "s3:*" or "ec2:*" grant far more than a job needs; list the actions (the kOps docs name them) or narrow the resources.',
  exception: "advisory: a warning in the plan, nothing blocks; say why in the PR if you keep it",
  types: Object.keys(AWS_POLICY_DOCS),
  check(r) {
    return AWS_POLICY_DOCS[r.type](r.inputs)
      .flatMap(statementsOf)
      .filter((s) => s.effect === "Allow" && !s.notAction)
      .flatMap((s) => s.actions.filter((a) => /^[a-z0-9-]+:\*$/i.test(a) && !ESCALATING.has(a.toLowerCase())))
      .map((a) => `allows every action of a service ("${a}")`);
  },
};

/** Managed policies that are administrator access, or the means to obtain it. */
export const ADMIN_MANAGED_POLICIES = ["AdministratorAccess", "IAMFullAccess", "PowerUserAccess"];

const ATTACHMENTS = [
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  "aws:iam/policyAttachment:PolicyAttachment",
  "aws:iam/role:Role",
];

export const noAdminPolicies: Rule = {
  name: "no-admin-managed-policies",
  enforcement: "mandatory",
  description: `No principal gets the AWS managed policies ${ADMIN_MANAGED_POLICIES.join(", ")}: the kOps jobs once ran with AdministratorAccess. Write a scoped policy instead.`,
  exception: EXCEPTION_PROCESS,
  types: ATTACHMENTS,
  check(r) {
    const arns = [r.inputs.policyArn, ...arr(r.inputs.managedPolicyArns)].map(str).filter((a): a is string => a !== undefined);
    return arns.filter((a) => ADMIN_MANAGED_POLICIES.some((p) => a.endsWith(`:policy/${p}`))).map((a) => `attaches ${a}`);
  },
};

/** Any GCP IAM member, binding or policy resource (project, folder, organization, bucket, service account, ...). */
export const GCP_IAM = /^gcp:[^/]+\/\w*(iAM|IAM)(Member|Binding|Policy):/;


/** The roles a GCP IAM resource grants: `role`, or every binding of `policyData`. */
export function gcpRolesOf(inputs: Readonly<Record<string, unknown>>): string[] {
  const roles = [str(inputs.role)];
  const policy = obj(json(inputs.policyData));
  for (const b of arr(policy?.bindings)) roles.push(str(obj(b)?.role));
  return roles.filter((x): x is string => x !== undefined);
}

export const noGcpPrimitiveRoles: Rule = {
  name: "no-gcp-primitive-roles",
  enforcement: "mandatory",
  description: "No GCP primitive roles (roles/owner, roles/editor, roles/viewer) anywhere: each spans every service in the project. Grant predefined or custom roles on the narrowest resource.",
  exception: EXCEPTION_PROCESS,
  types: [GCP_IAM],
  check(r) {
    return gcpRolesOf(r.inputs)
      .filter((role) => PRIMITIVE_ROLES.includes(role))
      .map((role) => `grants primitive role ${role}`);
  },
};

export const noProjectStorageRoles: Rule = {
  name: "no-project-storage-roles",
  enforcement: "advisory",
  description: "Storage roles belong on the bucket (with an object-prefix condition where needed), not on the project, where they reach every bucket including ones created later.",
  exception: "advisory: a warning in the plan; the Boskos pool's disposable projects are exempt by config; otherwise say why in the PR",
  types: [/^gcp:projects\/iAM(Member|Binding|Policy):/],
  config: ["disposableProjects"],
  check(r, cfg) {
    if (typeof r.inputs.project === "string" && cfg.disposableProjects?.includes(r.inputs.project)) return [];
    return gcpRolesOf(r.inputs)
      .filter((role) => role.startsWith("roles/storage."))
      .map((role) => `grants ${role} on a whole project`);
  },
};

export const CREDENTIAL_RULES: readonly Rule[] = [noStaticCredentials, noWildcardIamActions, iamServiceWildcards, noAdminPolicies, noGcpPrimitiveRoles, noProjectStorageRoles];
