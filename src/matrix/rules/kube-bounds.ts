/**
 * The one rule both matrices and platform pins go through: a Kubernetes version
 * must satisfy the `kubeVersion` of every chart installed on it. Helm enforces it
 * at install time; checking it here finds the broken pairing before a job or a
 * `pulumi up` does.
 */
import { isValidRange, satisfiesKubeVersion } from "../version";
import { shown } from "./problem";

/**
 * @param kubernetes a Kubernetes version such as `1.32.5`
 * @param chart how to name the chart in the message, e.g. `rancher v2.10.6`
 * @returns the broken rule as a sentence, or undefined when it holds
 */
export function kubeBoundsRule(kubernetes: string, chart: string, kubeVersion: string): string | undefined {
  if (!isValidRange(kubeVersion)) return `the ${chart} chart's kubeVersion must be a semver range such as "< 1.32.0-0" (got ${JSON.stringify(kubeVersion)})`;
  if (satisfiesKubeVersion(kubernetes, kubeVersion)) return undefined;
  return `Kubernetes must satisfy the ${chart} chart's kubeVersion ${shown(kubeVersion)} (got ${kubernetes})`;
}
