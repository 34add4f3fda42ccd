/**
 * npm run roll -- <stack> [--pool server|agent|ci-agent] [--yes]
 *
 * Replaces the VMs of a pool (default: agent, ci-agent, then server) one at a time
 * on a deployed stack. Without --yes it prints the order and changes nothing.
 * Exit codes: 0 done (or nothing to do), 1 a VM did not come back (the roll stopped,
 * the rest untouched), 2 bad arguments or a pool that cannot be rolled.
 */
import { resolve } from "node:path";
import { parseCommandLine, UsageError, wantsHelp } from "../cli/args";
import { BACKEND_SETS } from "../oci/load-balancer";
import { KUBE_API_PORT } from "../ports";
import { kubeClusterApi } from "./kube";
import { BackendSetRef, ociBackendHealth } from "./lb-health";
import { Pool, POOLS, refusal, roll, RollError, rollOrder } from "./roll";
import { realClock } from "../base/clock";
import { openStack, pulumiRunner, stateResources, targetsFromState } from "./stack";

const USAGE = "usage: npm run roll -- <stack> [--pool server|agent|ci-agent] [--yes]";

/** The backend sets a pool's VMs are registered in (see src/oci/load-balancer.ts). */
export function backendSetsOf(pool: Pool, ports: { http: number; https: number }): BackendSetRef[] {
  if (pool === "ci-agent") return [];
  const sets = [{ name: BACKEND_SETS.http, port: ports.http }, { name: BACKEND_SETS.https, port: ports.https }];
  return pool === "server" ? [...sets, { name: BACKEND_SETS.api, port: KUBE_API_PORT }] : sets;
}

async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  let args;
  try {
    args = parseCommandLine(argv, { pool: { type: "string" }, yes: { type: "boolean" } }, 1);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${e.message}\n${USAGE}`);
    return 2;
  }
  const [stackName] = args.positionals;
  const pool = args.values.pool as Pool | undefined;
  if (!stackName || (pool !== undefined && !POOLS.includes(pool))) {
    console.error(`${pool !== undefined && !POOLS.includes(pool) ? `--pool must be one of ${POOLS.join(", ")} (got ${pool})\n` : ""}${USAGE}`);
    return 2;
  }
  const stack = await openStack(stackName, resolve(__dirname, "../.."));
  const resources = await stateResources(stack);
  const outputs = await stack.outputs();
  const log = (line: string) => console.log(`[roll ${stackName}] ${line}`);
  const pools: Pool[] = pool ? [pool] : ["agent", "ci-agent", "server"];
  for (const p of pools) {
    const targets = targetsFromState(resources, p);
    if (!targets.length && !pool) continue;
    const refused = refusal(p, targets);
    if (refused) {
      console.error(`roll ${p}: ${refused}`);
      return 2;
    }
    log(`${p}: ${rollOrder(p, targets).map((t) => t.node).join(" → ")}`);
    if (!args.values.yes) continue;
    const ports = outputs.ports?.value as { http: number; https: number };
    try {
      await roll(
        { pool: p, targets },
        {
          runner: pulumiRunner(stack, log),
          cluster: kubeClusterApi(String(outputs.kubeconfig?.value), realClock),
          backends: ociBackendHealth(String(outputs.loadBalancerId?.value), backendSetsOf(p, ports)),
          clock: realClock,
          log,
        },
      );
    } catch (e) {
      if (!(e instanceof RollError)) throw e;
      console.error(`roll ${p} stopped: ${e.message} (replaced: ${e.replaced.join(", ") || "none"})`);
      return 1;
    }
  }
  if (!args.values.yes) log("nothing changed: run again with --yes to replace these VMs one at a time");
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`roll failed: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}

export { main };
