/**
 * The one command-line parser of the repository's scripts (plan, matrix,
 * review-stack, bench and its worker, roll, verify, restore-volumes and the restore
 * rehearsal): `node:util` parseArgs in strict mode, with its errors turned into one
 * line a user reads (`unknown option --x`, `--json needs a value`) and thrown as
 * UsageError, which each CLI prints with its usage and its documented exit code (1
 * for the plan's tools, 2 for the day-2 commands).
 *
 * Only node: imports, so a CLI can parse its arguments before loading anything heavy.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A bad command line: the CLI prints the message and its usage and exits 1. */
export class UsageError extends Error {}

export type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;
type Config<O extends OptionSpecs> = { args: string[]; options: O; allowPositionals: true; strict: true };
export type Parsed<O extends OptionSpecs> = ReturnType<typeof parseArgs<Config<O>>>;

/**
 * Parses `argv` against `options`; at most `maxPositionals` bare arguments (default none).
 * A string option followed by another option (`--json --out x`) is a missing value,
 * not a value starting with `--` (use `--json=--odd` for that).
 */
export function parseCommandLine<const O extends OptionSpecs>(argv: readonly string[], options: O, maxPositionals = 0): Parsed<O> {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(describe(err));
  }
  if (parsed.positionals.length > maxPositionals) throw new UsageError(`unexpected argument ${parsed.positionals[maxPositionals]}`);
  return parsed;
}

/** Node's messages name the option inside quotes, with usage advice; keep the option and the problem. */
function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const option = /'(-[^' ]+)/.exec(e.message ?? "")?.[1] ?? "";
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${option}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      // A missing value, an ambiguous one (the next word is an option) or a value given to a flag.
      return /argument missing|ambiguous/.test(e.message ?? "") ? `${option} needs a value` : `${option} takes no value`;
    default:
      return e.message ?? String(err);
  }
}

/** `--help` or `-h` anywhere: print the usage, whatever else is wrong. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}
