/**
 * Which instances `npm run roll` is replacing in this run. Instances ignore changes to
 * their cloud-init, SSH key and image (src/oci/node-pool.ts ROLLED_INPUTS), and Pulumi
 * applies ignoreChanges by reusing the old value from state even when a resource is
 * replaced (https://www.pulumi.com/docs/iac/concepts/options/ignorechanges/: "Uses the
 * serialized value from the stack state for any later previews or updates"). A rolled
 * VM must get the current values, so the roll names it here and only it drops the
 * ignore. Read from the environment the roll sets for its `pulumi up`, never from stack
 * config (a setting left behind would silently un-ignore every change).
 */
export const ROLL_ENV = "CI_INFRA_ROLL_INSTANCES";

/** Logical names of the instances being rolled (comma-separated in CI_INFRA_ROLL_INSTANCES). */
export function rollingInstances(env: Readonly<Record<string, string | undefined>> = process.env): ReadonlySet<string> {
  return new Set((env[ROLL_ENV] ?? "").split(",").map((s) => s.trim()).filter(Boolean));
}
