/** Edited copies of the shipped catalog, for tables of broken matrices. */
import { CATALOG } from "../../src/matrix/catalog";
import type { Catalog, Combination, KopsUpgrades } from "../../src/matrix/types";

export const SEED = CATALOG.matrices[0];

export function withCombinations(...combinations: Combination[]): Catalog {
  return { ...CATALOG, matrices: [{ ...SEED, combinations }] };
}

export function withKops(kops: Partial<KopsUpgrades>): Catalog {
  return { ...CATALOG, kops: { ...CATALOG.kops, ...kops } };
}

export const [ROW_2_9, ROW_2_10, ROW_2_11] = SEED.combinations;
