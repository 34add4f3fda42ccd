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

/** A ComponentResource whose children are named `<component>-<suffix>`. */
export abstract class CiComponent extends pulumi.ComponentResource {
  protected constructor(
    type: `ci-infra:${string}:${string}`,
    readonly componentName: string,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(type, componentName, {}, opts);
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
