/**
 * The Boskos pool: N disposable GCP projects of the stack's own resource type.
 * The e2e identity gets its roles on these projects only (never on the CI host
 * project), and the janitor identity the roles it needs to clean them.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { CiComponent } from "../components/naming";
import { gcpLabels } from "./names";

export interface BoskosPoolArgs {
  /** Project ids of the pool, e.g. kops-e2e-01 … */
  readonly projectIds: readonly string[];
  /** Boskos resource type the projects are registered under (names.ts boskosResourceType). */
  readonly resourceType: string;
  /** Parent: exactly one of folderId and orgId. */
  readonly folderId?: string;
  /** Organization id, when the projects sit directly under the organization. */
  readonly orgId?: string;
  /** Billing account every pool project is linked to. */
  readonly billingAccount: string;
  /** Services enabled in every pool project. */
  readonly apis: readonly string[];
  /** `serviceAccount:<email>` of the e2e job identity, and the roles it gets in each project. */
  readonly jobMember: pulumi.Input<string>;
  /** Roles the e2e job identity gets in each pool project. */
  readonly e2eRoles: readonly string[];
  /** `serviceAccount:<email>` of the janitor, and its roles in each project. */
  readonly janitorMember: pulumi.Input<string>;
  /** Roles the janitor gets in each pool project. */
  readonly janitorRoles: readonly string[];
}

export class BoskosPool extends CiComponent {
  readonly projectIds: pulumi.Output<string[]>;

  constructor(name: string, args: BoskosPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:kops:BoskosPool", name, opts);
    if ((args.folderId === undefined) === (args.orgId === undefined)) throw new Error("BoskosPool: set exactly one of folderId and orgId");

    const ids = args.projectIds.map((projectId) => {
      const project = new gcp.organizations.Project(this.childName(projectId), {
        projectId,
        name: projectId,
        folderId: args.folderId,
        orgId: args.orgId,
        billingAccount: args.billingAccount,
        // kOps brings its own network; a default one would only be more to clean.
        autoCreateNetwork: false,
        // Shrinking the pool deletes the project (the provider's default would refuse).
        deletionPolicy: "DELETE",
        labels: gcpLabels(this.stack, name, { "boskos-type": args.resourceType, "used-by": "kops-e2e-jobs" }),
      }, this.childOpts());
      const services = args.apis.map((service) =>
        new gcp.projects.Service(this.childName(`${projectId}-${service.split(".")[0]}`), {
          project: project.projectId,
          service,
          // The project itself goes away with the pool; disabling first only slows destroy.
          disableOnDestroy: false,
        }, this.childOpts()),
      );
      const grant = (who: string, member: pulumi.Input<string>, role: string) =>
        new gcp.projects.IAMMember(this.childName(`${projectId}-${who}-${role.replace(/^roles\//, "").replace(/\./g, "-")}`), {
          project: project.projectId,
          member,
          role,
        }, this.childOpts({ dependsOn: services }));
      for (const role of args.e2eRoles) grant("job", args.jobMember, role);
      for (const role of args.janitorRoles) grant("janitor", args.janitorMember, role);
      return project.projectId;
    });

    this.projectIds = pulumi.all(ids);
    this.registerOutputs({ projectIds: this.projectIds });
  }
}
