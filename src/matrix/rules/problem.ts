/**
 * Every broken rule is one line: `<what>: <rule> (got <value>) [<rule id>]`. The
 * subject names the combination, path, skip or pin; the id names the rule, so a
 * reader can look it up in docs/matrix.md.
 */
import type { Combination } from "../types";

export type RuleId =
  | "kube-within-chart-bounds"
  | "kdm-provisionable"
  | "chart-bundled"
  | "harvester-accepts-chart"
  | "harvester-named"
  | "test-entry"
  | "test-supports-os"
  | "known-versions"
  | "no-duplicates"
  | "upgrade-forward"
  | "upgrade-window"
  | "upgrade-coverage"
  | "skip-removal"
  | "skip-entry"
  | "kops-discovery-bucket"
  | "kops-supports-kubernetes"
  | "pin-consistent"
  | "matrix-shape"
  | "data-shape";

export function problem(subject: string, rule: string, id: RuleId): string {
  return `${subject}: ${rule} [${id}]`;
}

/** `rancher v2.9.10 + harvester v1.4.3 + rke2 v1.30.13+rke2r1 + ubuntu-24.04` */
export function combinationLabel(c: Combination): string {
  return [`rancher ${c.rancher}`, c.harvester ? `harvester ${c.harvester}` : undefined, `rke2 ${c.rke2}`, c.os].filter(Boolean).join(" + ");
}

export function combinationSubject(matrix: string, c: Combination): string {
  return `matrix ${matrix} combination ${combinationLabel(c)}`;
}

/** A value as it appears after "got": numbers bare, strings quoted only when they hold spaces. */
export function shown(v: string): string {
  return /\s/.test(v) || v === "" ? JSON.stringify(v) : v;
}
