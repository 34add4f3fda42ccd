/**
 * npm run restore-volumes -- <stack> [--claim <namespace>/<name>] [--yes]
 *
 * Restores the stack's retained claims (or one) from the newest Longhorn backup of
 * each volume. Without --yes it prints the plan and changes nothing. Runs where
 * `npm run roll` does: the Pulumi CLI logged in to the stack's backend, the API
 * reachable through the admin CIDRs (the kubeconfig is the stack's output).
 * Exit codes: 0 restored (or planned), 1 a restore failed or cannot start (no backup,
 * no PV; the message says what is left where), 2 bad arguments.
 */
import { resolve } from "node:path";
import { parseCommandLine as parseArgv, UsageError, wantsHelp } from "../cli/args";
import { realClock } from "../base/clock";
import { openStack, stateResources } from "../roll/stack";
import { retainedClaimsFromState, selectClaims } from "./claims";
import { kubeRestoreApi } from "./kube";
import { describePlan, planRestore, RestoreError, restoreVolumes } from "./restore";

export const USAGE = [
  "usage: npm run restore-volumes -- <stack> [--claim <namespace>/<name>] [--yes]",
  "  restores the stack's claims on longhorn-retain (or one) from the newest Longhorn backup of each volume;",
  "  without --yes prints the plan and changes nothing",
].join("\n");

/** The parsed command line, or the exit code and message of a bad one. */
export function parseCommandLine(argv: string[]): { stack: string; claim?: string; yes: boolean } | { code: 0 | 2; message: string } {
  if (wantsHelp(argv)) return { code: 0, message: USAGE };
  let args;
  try {
    args = parseArgv(argv, { claim: { type: "string" }, yes: { type: "boolean" } }, 1);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return { code: 2, message: `${e.message}\n${USAGE}` };
  }
  const [stack] = args.positionals;
  if (!stack) return { code: 2, message: `missing <stack>\n${USAGE}` };
  return { stack, claim: args.values.claim, yes: args.values.yes === true };
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv);
  if ("code" in parsed) {
    (parsed.code === 0 ? console.log : console.error)(parsed.message);
    return parsed.code;
  }
  const stack = await openStack(parsed.stack, resolve(__dirname, "../.."));
  const claims = selectClaims(retainedClaimsFromState(await stateResources(stack)), parsed.claim);
  if (typeof claims === "string") {
    console.error(`${claims}\n${USAGE}`);
    return 2;
  }
  if (!claims.length) {
    console.log(`[restore-volumes ${parsed.stack}] the stack declares no claims on longhorn-retain: nothing to restore`);
    return 0;
  }
  const outputs = await stack.outputs();
  const log = (line: string) => console.log(`[restore-volumes ${parsed.stack}] ${line}`);
  const deps = { cluster: kubeRestoreApi(String(outputs.kubeconfig?.value)), clock: realClock, log };
  try {
    const plans = await planRestore(claims, deps);
    for (const line of describePlan(plans)) log(line);
    if (!parsed.yes) {
      log("nothing changed: run again with --yes to restore");
      return 0;
    }
    await restoreVolumes(plans, deps);
    return 0;
  } catch (e) {
    if (!(e instanceof RestoreError)) throw e;
    console.error(`restore-volumes ${parsed.stack}: ${e.message}${e.restored.length ? `\n(restored before this: ${e.restored.join(", ")})` : ""}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`restore-volumes failed: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}

export { main };
