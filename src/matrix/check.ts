/** Every matrix rule over a catalog: what `--check`, the tests and the plan run. */
import { CATALOG } from "./catalog";
import { matrixProblems } from "./rules/combinations";
import { kopsProblems } from "./rules/kops";
import type { Catalog } from "./types";

export function catalogProblems(catalog: Catalog = CATALOG): string[] {
  return [...matrixProblems(catalog), ...kopsProblems(catalog)];
}
