/**
 * Checks and artifacts that ride along every offline plan (test matrices, policy
 * rules, ...). Each area implements PlanExtension; the CLI's entry (src/cli/plan.ts)
 * lists them and passes them in, so plan/ imports none of the areas that extend it.
 */
import type { PlanResult } from "./run";

export interface PlanFinding {
  /** Process exit code when this finding is fatal: 2 for invalid input/config, 3 for policy violations. */
  readonly exitCode: 2 | 3;
  /** One line per problem, naming what is wrong and the rule. */
  readonly problems: readonly string[];
}

export interface PlanExtension {
  readonly name: string;
  /** Fatal findings (empty when all is well). */
  check?(plan: PlanResult): PlanFinding[];
  /** Advisory lines for the summary's warnings. */
  warnings?(plan: PlanResult): string[];
  /** Extra files for `--out`, relative path → text (secrets already replaced). */
  artifacts?(plan: PlanResult): Record<string, string>;
}
