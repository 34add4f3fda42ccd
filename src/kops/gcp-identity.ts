/**
 * Keyless GCP identities of kOps CI. Each job kind has its own service account;
 * pods of the CI cluster reach it through workload identity federation (their
 * projected token is exchanged, then the account impersonated). No account key
 * exists anywhere, unlike the key file upstream jobs mounted (BRIEF §2).
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { CiComponent } from "../components/naming";
import type { ServiceAccountSubject } from "../config/kops-ci";
import { federatedPrincipal, GCP_IDENTITY_KINDS, GcpIdentityKind } from "./names";

export const WORKLOAD_IDENTITY_USER = "roles/iam.workloadIdentityUser";

export interface CiIdentityArgs {
  /** Host project of the accounts and the pool. */
  readonly project: string;
  /** Its number: federated principals are named by it. */
  readonly projectNumber: string;
  /** Workload identity pool id. */
  readonly poolId: string;
  /** OIDC provider id in the pool (the CI cluster's issuer). */
  readonly providerId: string;
  /** The CI cluster's token issuer (https URL). */
  readonly issuer: string;
  /** Service-account ids, by identity kind. */
  readonly accountIds: Readonly<Record<GcpIdentityKind, string>>;
  /** Kubernetes service-account subjects allowed to act as each identity. */
  readonly subjects: Readonly<Record<GcpIdentityKind, readonly ServiceAccountSubject[]>>;
}

const PURPOSE: Readonly<Record<GcpIdentityKind, string>> = {
  job: "kOps e2e jobs: write CI results and pulls/ builds, run e2e in Boskos projects",
  publisher: "kOps publisher: the only writer of kops/releases/ and the version markers",
  janitor: "Boskos janitor: cleans pool projects returned dirty",
};

/** CEL: the token's subject is one of the allowed service accounts. */
export function subjectCondition(subjects: readonly string[]): string {
  return `assertion.sub in [${subjects.map((s) => `'${s}'`).join(", ")}]`;
}

export class CiIdentity extends CiComponent {
  /** `serviceAccount:<email>`, by kind. */
  readonly members: Readonly<Record<GcpIdentityKind, pulumi.Output<string>>>;
  readonly emails: Readonly<Record<GcpIdentityKind, pulumi.Output<string>>>;

  constructor(name: string, args: CiIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:kops:CiIdentity", name, opts);
    const allSubjects = GCP_IDENTITY_KINDS.flatMap((kind) => args.subjects[kind].map((s) => s.subject));

    // A deleted pool keeps its id for 30 days: renaming one means a new poolId.
    const pool = new gcp.iam.WorkloadIdentityPool(this.childName("pool"), {
      project: args.project,
      workloadIdentityPoolId: args.poolId,
      displayName: args.poolId,
      description: "CI cluster service accounts of kOps CI (no keys)",
    }, this.childOpts());
    const provider = new gcp.iam.WorkloadIdentityPoolProvider(this.childName("provider"), {
      project: args.project,
      workloadIdentityPoolId: pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: args.providerId,
      displayName: args.providerId,
      description: `Tokens of ${args.issuer}`,
      attributeMapping: { "google.subject": "assertion.sub" },
      // Tokens of any other service account of the cluster are refused at the
      // exchange, before any IAM binding is even looked at.
      attributeCondition: subjectCondition(allSubjects),
      // No allowedAudiences: GCP then accepts only tokens minted for this provider.
      oidc: { issuerUri: args.issuer },
    }, this.childOpts());

    const members = {} as Record<GcpIdentityKind, pulumi.Output<string>>;
    const emails = {} as Record<GcpIdentityKind, pulumi.Output<string>>;
    for (const kind of GCP_IDENTITY_KINDS) {
      const account = new gcp.serviceaccount.Account(this.childName(kind), {
        project: args.project,
        accountId: args.accountIds[kind],
        displayName: args.accountIds[kind],
        description: PURPOSE[kind],
      }, this.childOpts());
      for (const { subject, namespace, name: ksa } of args.subjects[kind]) {
        // Named by the subject, not its position: reordering the list replaces nothing.
        new gcp.serviceaccount.IAMMember(this.childName(`${kind}-wi-${namespace}-${ksa}`), {
          serviceAccountId: account.name,
          role: WORKLOAD_IDENTITY_USER,
          member: federatedPrincipal(args.projectNumber, args.poolId, subject),
        }, this.childOpts({ dependsOn: [provider] }));
      }
      members[kind] = account.member;
      emails[kind] = account.email;
    }

    this.members = members;
    this.emails = emails;
    this.registerOutputs({ emails });
  }
}
