/**
 * `npm run matrix -- [--check] [--format table|json|markdown]`
 *
 * Prints the test matrices; with --check also runs every rule over them and the
 * platform pins. Exit 0 when all hold, 2 listing every broken rule, 1 on bad
 * arguments.
 */
import { parseCommandLine, UsageError } from "../cli/args";
import { CATALOG } from "./catalog";
import { catalogProblems } from "./check";
import { PlatformPins, platformPinProblems } from "./pins";
import { REPORT_FORMATS, renderReport, ReportFormat } from "./render/report";
import type { Catalog } from "./types";

export const USAGE = "usage: npm run matrix -- [--check] [--format table|json|markdown]";

export interface MatrixArgs {
  check: boolean;
  format: ReportFormat;
}

export class MatrixUsageError extends Error {}

const OPTIONS = { check: { type: "boolean" }, format: { type: "string" }, help: { type: "boolean", short: "h" } } as const;

export function parseMatrixArgs(argv: readonly string[]): MatrixArgs | "help" {
  let values;
  try {
    ({ values } = parseCommandLine(argv, OPTIONS));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    throw new MatrixUsageError(err.message.startsWith("--format needs a value") ? `--format needs a value: ${REPORT_FORMATS.join(", ")}` : err.message);
  }
  if (values.help) return "help";
  const format = values.format ?? "table";
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new MatrixUsageError(`--format must be one of ${REPORT_FORMATS.join(", ")} (got ${format})`);
  return { check: values.check ?? false, format: format as ReportFormat };
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const STDIO: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** What the CLI reads; tests pass broken copies. Pins default to src/versions.ts. */
export interface Sources {
  readonly catalog: Catalog;
  readonly pins?: PlatformPins;
}

export function main(argv: readonly string[], io: Io = STDIO, sources: Sources = { catalog: CATALOG }): number {
  let args: MatrixArgs | "help";
  try {
    args = parseMatrixArgs(argv);
  } catch (err) {
    if (!(err instanceof MatrixUsageError)) throw err;
    io.err(`${err.message}\n${USAGE}\n`);
    return 1;
  }
  if (args === "help") {
    io.out(`${USAGE}\n`);
    return 0;
  }
  io.out(renderReport(args.format, sources.catalog));
  if (!args.check) return 0;
  const problems = [...catalogProblems(sources.catalog), ...platformPinProblems(sources.pins)];
  if (problems.length) {
    io.err(`${problems.length} broken matrix rule${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  ${p}`).join("\n")}\n`);
    return 2;
  }
  io.err("matrix check: every rule holds (matrices, kOps upgrades, platform pins)\n");
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    // A bug, not a user mistake: one line unless asked for the trace.
    console.error(`matrix failed: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.CI_INFRA_DEBUG) console.error(err);
    process.exitCode = 1;
  }
}
