/**
 * The AWS side of the job identity: an IAM OIDC provider for the CI cluster's
 * issuer and the e2e role its named service accounts assume with web identity.
 * Temporary credentials only; no IAM user and no access key exist (upstream ran
 * on an IAM user's static keys with AdministratorAccess: BRIEF §2).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CiComponent, ownerTags } from "../components/naming";
import { PolicyDocument } from "./aws-policies";
import { AWS_AUDIENCE, AWS_IAM_PATH } from "./names";

export interface AwsCiRoleArgs {
  /** The CI cluster's token issuer (https URL). */
  readonly issuer: string;
  /** Name of the IAM role the e2e jobs assume. */
  readonly roleName: string;
  /** ARN of the role, known from config: other policies name it before it exists. */
  readonly roleArn: string;
  /** Who may assume the role (see aws-policies.ts `trustPolicy`). */
  readonly trustPolicy: PolicyDocument;
  /** Longest session, seconds (3600-43200). */
  readonly maxSessionDuration: number;
  /** Permission policies of the role, by short name; each becomes a managed policy. */
  readonly policies: Readonly<Record<string, PolicyDocument>>;
  /** The boundary every role kOps creates must carry, and its name. */
  readonly boundaryName: string;
  /** The boundary's policy document (see aws-policies.ts `clusterBoundaryPolicy`). */
  readonly boundaryPolicy: PolicyDocument;
  /** AWS account the role and policies live in. */
  readonly accountId: string;
}

export class AwsCiRole extends CiComponent {
  readonly roleArn: string;
  readonly boundaryArn: string;

  constructor(name: string, args: AwsCiRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:kops:AwsCiRole", name, opts);
    const tags = ownerTags(this.stack, name);
    const policyArn = (policyName: string) => `arn:aws:iam::${args.accountId}:policy${AWS_IAM_PATH}${policyName}`;

    // No thumbprints: AWS validates the issuer's certificate against its trusted CAs.
    const provider = new aws.iam.OpenIdConnectProvider(this.childName("oidc"), {
      url: args.issuer,
      clientIdLists: [AWS_AUDIENCE],
      tags,
    }, this.childOpts());

    const boundary = new aws.iam.Policy(this.childName("boundary"), {
      name: args.boundaryName,
      path: AWS_IAM_PATH,
      description: "Permissions boundary of every IAM role kOps e2e creates: run a cluster, no IAM",
      policy: JSON.stringify(args.boundaryPolicy),
      tags,
    }, this.childOpts());

    // The trust policy names the provider by ARN; IAM refuses it until the provider exists.
    const role = new aws.iam.Role(this.childName("role"), {
      name: args.roleName,
      path: AWS_IAM_PATH,
      description: "kOps e2e jobs of the CI cluster, by web identity only",
      assumeRolePolicy: JSON.stringify(args.trustPolicy),
      maxSessionDuration: args.maxSessionDuration,
      tags,
    }, this.childOpts({ dependsOn: [provider, boundary] }));

    for (const [short, document] of Object.entries(args.policies)) {
      const policyName = `${args.roleName}-${short}`;
      const policy = new aws.iam.Policy(this.childName(short), {
        name: policyName,
        path: AWS_IAM_PATH,
        description: `kOps e2e: ${short}`,
        policy: JSON.stringify(document),
        tags,
      }, this.childOpts());
      new aws.iam.RolePolicyAttachment(this.childName(`${short}-attach`), {
        role: role.name,
        policyArn: policyArn(policyName),
      }, this.childOpts({ dependsOn: [policy] }));
    }

    this.roleArn = args.roleArn;
    this.boundaryArn = policyArn(args.boundaryName);
    this.registerOutputs({ roleArn: this.roleArn, boundaryArn: this.boundaryArn });
  }
}
