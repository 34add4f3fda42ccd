/** Every matrix rule over a catalog: what `--check`, the tests and the plan run. */
import { CATALOG } from "./catalog";
import { matrixProblems } from "./rules/combinations";
import { dataProblems } from "./rules/data";
import { kopsProblems } from "./rules/kops";
import type { Catalog } from "./types";

export function catalogProblems(catalog: Catalog = CATALOG): string[] {
  return [...dataProblems(catalog), ...matrixProblems(catalog), ...kopsProblems(catalog)];
}
