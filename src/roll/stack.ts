/**
 * The roll's view of a deployed stack, through the Pulumi Automation API: which VMs
 * a pool has (from the stack's state), the outputs it needs, and the one operation
 * it performs, `pulumi up --replace <urn> --target <urn> --target-dependents`.
 * Dependents are updated with the VM: a new agent gets a new DHCP address, and its
 * load-balancer backends and the Jenkins agent list must follow it.
 */
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { ROLL_ENV } from "../config/rolling";
import type { Pool, RollTarget, StackRunner } from "./roll";

/** A URN's last segment, the resource's logical name (`…::oci-prod-agent-0`). */
export function logicalName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

const INSTANCE = "oci:Core/instance:Instance";

/** A resource of an exported deployment, as much as the roll reads. */
export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
}

/** The pool's instances, in index order, from the stack's state. */
export function targetsFromState(resources: readonly StateResource[], pool: Pool): RollTarget[] {
  return resources
    .filter((r) => r.type === INSTANCE && (r.inputs?.freeformTags as Record<string, string> | undefined)?.role === pool)
    .map((r) => {
      const node = String((r.inputs?.createVnicDetails as { hostnameLabel?: string } | undefined)?.hostnameLabel ?? "");
      const index = Number(/-(\d+)$/.exec(node)?.[1] ?? NaN);
      if (!node || Number.isNaN(index)) throw new Error(`instance ${r.urn} has no <role>-<index> hostname label; was it created by this project?`);
      return { node, index, urn: r.urn, privateIp: String(r.outputs?.privateIp ?? "") };
    })
    .sort((a, b) => a.index - b.index);
}

export async function openStack(stackName: string, workDir: string): Promise<Stack> {
  return LocalWorkspace.selectStack({ stackName, workDir });
}

export async function stateResources(stack: Stack): Promise<StateResource[]> {
  const exported = await stack.exportStack();
  return ((exported.deployment as { resources?: StateResource[] }).resources ?? []) as StateResource[];
}

export function pulumiRunner(stack: Stack, log: (line: string) => void): StackRunner {
  return {
    async replace(urn) {
      // The instance must be created with the current cloud-init, SSH key and image, which
      // it otherwise ignores (src/config/rolling.ts): name it for this one `up`.
      const env = (stack.workspace as LocalWorkspace).envVars;
      env[ROLL_ENV] = logicalName(urn);
      try {
        await stack.up({ replace: [urn], target: [urn], targetDependents: true, onOutput: (out) => log(out.trimEnd()) });
      } finally {
        delete env[ROLL_ENV];
      }
    },
  };
}
