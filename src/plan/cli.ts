/**
 * `npm run plan -- [<stack> | --stack <name>] [--config-file <path>] [--json <file>] [--out <dir>] [--diff <base-plan.json> [--fail-on-changes]]`
 *
 * `--config-file path/Pulumi.<name>.yaml` plans stack `<name>`, as Pulumi names
 * stacks from their files; a file named otherwise needs `--stack <name>`.
 *
 * Evaluates the real program with mocked providers: no Pulumi CLI, no cloud
 * account. Exit 0 on success, 2 on invalid config, 3 on policy violations, 4 when
 * `--fail-on-changes` and the plan differs from `--diff`'s, 1 on anything else.
 * With `--diff`, stdout is the Markdown diff and the summary goes to stderr.
 */
import { readFileSync } from "node:fs";
import { ConfigError } from "../base/errors";
import { asPlanJson, diffPlans, hasChanges, PlanJson, renderDiffMarkdown } from "./diff";
import { parseCommandLine, UsageError, wantsHelp } from "../cli/args";
import type { PlanExtension } from "./extensions";
import { planJson, writeArtifacts, writeJson } from "./output-files";
import { DEFAULT_STACK, planStack, planStackName, PlanInputError } from "./run";
import { renderSummary } from "./summary";
import { planWarnings } from "./warnings";

export const USAGE = "usage: npm run plan -- [<stack> | --stack <name>] [--config-file <path>] [--json <file>] [--out <dir>] [--diff <base-plan.json> [--fail-on-changes]]";

export interface CliArgs {
  /** Unset only with `--config-file`, whose `Pulumi.<name>.yaml` then names the stack. */
  stack?: string;
  configFile?: string;
  json?: string;
  out?: string;
  /** A plan JSON of another commit to compare with. */
  diff?: string;
  failOnChanges?: boolean;
}

const OPTIONS = {
  stack: { type: "string" },
  "config-file": { type: "string" },
  json: { type: "string" },
  out: { type: "string" },
  diff: { type: "string" },
  "fail-on-changes": { type: "boolean" },
} as const;

export function parseArgs(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseCommandLine(argv, OPTIONS, 1);
  } catch (err) {
    if (err instanceof UsageError) throw new PlanInputError(`${err.message}\n${USAGE}`);
    throw err;
  }
  const { values: v, positionals } = parsed;
  const [positional] = positionals;
  if (positional !== undefined && v.stack !== undefined && positional !== v.stack) throw new PlanInputError(`two stack names: ${positional} and ${v.stack}\n${USAGE}`);
  const args: CliArgs = {};
  const stack = positional ?? v.stack;
  if (stack !== undefined) args.stack = stack;
  if (v["config-file"] !== undefined) args.configFile = v["config-file"];
  if (v.json !== undefined) args.json = v.json;
  if (v.out !== undefined) args.out = v.out;
  if (v.diff !== undefined) args.diff = v.diff;
  if (v["fail-on-changes"]) args.failOnChanges = true;
  if (args.stack === undefined && args.configFile === undefined) args.stack = DEFAULT_STACK;
  if (args.failOnChanges && !args.diff) throw new PlanInputError(`--fail-on-changes needs --diff <base-plan.json>\n${USAGE}`);
  return args;
}

/**
 * The plan CLI. `extensions` (matrix, policy, ...) are assembled where the CLI
 * starts (src/cli/plan.ts), so plan/ imports none of them.
 */
export async function main(argv: readonly string[], extensions: readonly PlanExtension[]): Promise<number> {
  const progress = (msg: string) => process.stderr.write(`… ${msg}\n`);
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  try {
    const args = parseArgs(argv);
    const stack = planStackName(args);
    progress(`planning stack ${stack}${args.configFile ? ` from ${args.configFile}` : ""} with mocked providers`);
    // Read the base first: a wrong path should fail before a long plan.
    const base = args.diff ? readBasePlan(args.diff) : undefined;
    const plan = await planStack({ stack, configFile: args.configFile });
    const warnings = [...planWarnings(plan), ...extensions.flatMap((e) => e.warnings?.(plan) ?? [])];
    // Every file --out writes, the extensions' too (the matrix jobs), listed in the summary.
    const artifacts: Record<string, string> = Object.assign({}, plan.artifacts, ...extensions.map((e) => e.artifacts?.(plan) ?? {}));
    const summary = renderSummary(plan, warnings, Object.keys(artifacts));
    if (base) console.error(summary);
    else console.log(summary);
    const diff = base ? diffPlans(base, planJson(plan)) : undefined;
    if (diff) console.log(renderDiffMarkdown(diff));
    if (args.json) {
      writeJson(args.json, plan);
      progress(`wrote ${args.json}`);
    }
    if (args.out) {
      const files = writeArtifacts(args.out, artifacts);
      progress(`wrote ${files.length} artifacts under ${args.out}`);
    }
    // Files first, so a failing plan still leaves its JSON for the diff and the review.
    const findings = extensions.flatMap((e) => e.check?.(plan) ?? []).filter((f) => f.problems.length > 0);
    if (findings.length > 0) {
      for (const f of findings) console.error(f.problems.join("\n"));
      // Invalid input (2) outranks policy violations (3): fix the input first.
      return Math.min(...findings.map((f) => f.exitCode));
    }
    return args.failOnChanges && diff && hasChanges(diff) ? 4 : 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.problems.join("\n"));
      return 2;
    }
    if (err instanceof PlanInputError) {
      console.error(err.message);
      return 1;
    }
    console.error(`plan failed: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.CI_INFRA_DEBUG) console.error(err);
    return 1;
  }
}

function readBasePlan(file: string): PlanJson {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new PlanInputError(`--diff: cannot read ${file}`);
  }
  try {
    return asPlanJson(JSON.parse(text), file);
  } catch (err) {
    throw new PlanInputError(`--diff: ${err instanceof Error ? err.message : String(err)}`);
  }
}
