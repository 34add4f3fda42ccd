/**
 * Naming and ownership, held by code rather than review (as sst does): every
 * child's logical name starts with its component's name, and every taggable OCI
 * resource says which stack and component own it.
 */
import * as pulumi from "@pulumi/pulumi";

/** Freeform tags every OCI resource carries, so a console user can tell who owns it. */
export function ownerTags(stack: string, component: string, extra: Record<string, string> = {}): Record<string, string> {
  return { "managed-by": "pulumi", project: "ci-infra", stack, component, ...extra };
}

/** A child of a CiComponent whose logical name lacks the component's prefix. */
export class NamingError extends Error {
  constructor(type: string, component: string, childType: string, childName: string) {
    super(
      `${childType} "${childName}" under ${type} "${component}" must be named "${component}-<suffix>" (use childName()): ` +
        "a child's name carries its component's, so two components never collide and the console groups them",
    );
    this.name = "NamingError";
  }
}

/** A ComponentResource whose children are named `<component>-<suffix>`. */
export abstract class CiComponent extends pulumi.ComponentResource {
  /**
   * The stack Pulumi runs: part of every globally or regionally unique name and of
   * the owner tags. Read here, so no Args type has to carry it.
   */
  protected readonly stack: string = pulumi.getStack();

  protected constructor(
    type: `ci-infra:${string}:${string}`,
    readonly componentName: string,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    // The rule is registered on the component, so no child can forget it: Pulumi runs
    // a component's transformations for every resource created beneath it, before it
    // is registered. Only direct children are checked; a grandchild answers to its own
    // parent (a child component's children, or objects a chart names itself).
    const owner: { component?: pulumi.Resource } = {};
    const prefixed: pulumi.ResourceTransformation = (child) => {
      if (child.opts.parent !== undefined && child.opts.parent === owner.component) {
        if (!child.name.startsWith(`${componentName}-`)) throw new NamingError(type, componentName, child.type, child.name);
      }
      return undefined;
    };
    super(type, componentName, {}, { ...opts, transformations: [...(opts?.transformations ?? []), prefixed] });
    owner.component = this;
  }

  /** Logical name of a child; also used as the cloud-side display name. */
  protected childName(suffix: string): string {
    return `${this.componentName}-${suffix}`;
  }

  /** Options for a child: parented here, so the plan and the console group it. */
  protected childOpts(opts: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
    return { ...opts, parent: this };
  }
}
