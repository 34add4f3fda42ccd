/**
 * npm run verify -- <stack> [--ca-file <pem>]
 *
 * Is the platform a stack deployed healthy? Reads the stack's outputs, config and
 * state with the Automation API and prints one line per check: load-balancer backends,
 * app URLs and their certificates, Helm releases, Jenkins agents, Longhorn's orphan
 * settings, the pod metadata guard and DNS, and the age of the newest etcd snapshot and
 * volume backups. Exit codes: 0 every check passed (or skipped), 1 a check failed or the
 * stack could not be read, 2 bad arguments.
 */
import { readFileSync } from "node:fs";
import { parseCommandLine, UsageError, wantsHelp } from "../cli/args";
import { realClock } from "../base/clock";
import { kubeReader } from "./kube";
import { ociAuth, ociLoadBalancerHealth } from "./lb";
import { notVerifiable, StackView, VerifyPlan, verifyPlan } from "./plan";
import { exitCode, formatLine, summary, verify } from "./run";
import { loadStackView, openError } from "./stack";
import type { VerifyClients } from "./types";
import { httpsClient } from "./web";

const USAGE = `usage: npm run verify -- <stack> [--ca-file <pem>]
  <stack>          a deployed oci-platform stack (e.g. oci-staging, or <org>/oci-prod)
  --ca-file <pem>  certificates to trust besides the system's, e.g. Let's Encrypt's staging roots`;

export interface CliDeps {
  loadStack(name: string): Promise<StackView>;
  clients(plan: VerifyPlan, view: StackView, extraCa: string | undefined): VerifyClients;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const realDeps: CliDeps = {
  loadStack: loadStackView,
  clients: (plan, view, extraCa) => ({
    lb: ociLoadBalancerHealth(plan.loadBalancerId, () => ociAuth(view.config)),
    web: httpsClient({ extraCa }),
    kube: kubeReader(plan.kubeconfig, realClock),
    now: () => Date.now(),
  }),
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

export async function main(argv: string[], deps: CliDeps = realDeps): Promise<number> {
  if (wantsHelp(argv)) {
    deps.out(USAGE);
    return 0;
  }
  let args;
  try {
    args = parseCommandLine(argv, { "ca-file": { type: "string" } }, 1);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    deps.err(`${e.message.startsWith("unexpected argument") ? `one stack at a time (${e.message})` : e.message}\n${USAGE}`);
    return 2;
  }
  const [stackName] = args.positionals;
  if (!stackName) {
    deps.err(USAGE);
    return 2;
  }
  let extraCa: string | undefined;
  const caFile = args.values["ca-file"];
  if (caFile !== undefined) {
    try {
      extraCa = readFileSync(caFile, "utf8");
    } catch (e) {
      deps.err(`--ca-file ${caFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return 2;
    }
    if (!extraCa.includes("-----BEGIN CERTIFICATE-----")) {
      deps.err(`--ca-file ${caFile}: no PEM certificate in it`);
      return 2;
    }
  }

  let view: StackView;
  try {
    view = await deps.loadStack(stackName);
  } catch (e) {
    deps.err(`verify: ${openError(stackName, e)}`);
    return 1;
  }
  const why = notVerifiable(stackName, view);
  if (why) {
    // kops-ci stacks have nothing to verify here; a platform stack without outputs is broken.
    const skipped = view.config["ci-infra:program"] !== undefined && view.config["ci-infra:program"] !== "oci-platform";
    (skipped ? deps.out : deps.err)(`verify: ${why}`);
    return skipped ? 0 : 1;
  }
  const plan = verifyPlan(stackName, view);
  const secrets = new Set<string>();
  const results = await verify(plan, deps.clients(plan, view, extraCa), { acceptUntrusted: plan.acmeStaging && !extraCa }, secrets);
  for (const r of results) deps.out(formatLine(r, secrets));
  const code = exitCode(results);
  deps.out(`verify ${stackName}: ${summary(results)}${code ? "" : ", the platform is healthy"}`);
  return code;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`verify failed: ${(e as Error).message.split("\n")[0]}`);
      process.exit(1);
    },
  );
}
