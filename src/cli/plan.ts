/**
 * The offline plan as `npm run plan` runs it (started by src/cli/start-plan.ts;
 * USAGE in src/plan/cli.ts). The plan extensions, the areas that ride along every
 * plan, are assembled here, where the CLI starts, so src/plan/ imports none of them.
 */
import { matrixExtension } from "../matrix/plan-extension";
import { main as planMain } from "../plan/cli";
import type { PlanExtension } from "../plan/extensions";
import { policyExtension } from "../policy/plan-extension";

/** Every extension of the offline plan, in the order their findings print. */
export function planExtensions(): PlanExtension[] {
  return [matrixExtension, policyExtension];
}

/** What `npm run plan -- <argv>` does; resolves to the exit code. */
export function main(argv: readonly string[]): Promise<number> {
  return planMain(argv, planExtensions());
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
