/**
 * Versions. Every chart and image is pinned (src/versions.ts is their one home),
 * so the plan diff of a PR shows exactly what moves, and nothing upgrades because
 * a registry moved a tag overnight (Longhorn's Grafana got stuck on a deprecated
 * chart and turned an upgrade into a data migration; BRIEF §1).
 */
import { floatingImage } from "../versions";
import { EXCEPTION_PROCESS, Rule } from "./types";
import { SECRET_PLACEHOLDER } from "../base/errors";
import { arr, obj, str } from "./values";

export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
export const HELM_CHART_V4 = "kubernetes:helm.sh/v4:Chart";

/** An exact chart version: 1.2.3 or v1.2.3, optional pre-release/build. No ranges. */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export const helmChartPinned: Rule = {
  name: "helm-chart-pinned",
  enforcement: "mandatory",
  description: "Every Helm release names an exact chart version (no range, no empty version, no `latest`): otherwise each `pulumi up` may install whatever the repository serves that day.",
  exception: `${EXCEPTION_PROCESS}. Pin the version in src/versions.ts instead.`,
  types: [HELM_RELEASE, HELM_CHART_V4],
  check(r) {
    const version = str(r.inputs.version);
    if (version === undefined) return [`installs chart ${str(r.inputs.chart) ?? "(unnamed)"} without a version`];
    return EXACT_VERSION.test(version) ? [] : [`pins chart ${str(r.inputs.chart) ?? ""} to "${version}", not an exact version`];
  },
};

/** Major- or minor-only tags (`1`, `v2.4`) follow new releases of that line. */
export function impreciseImage(ref: string): string | undefined {
  if (ref.includes("@sha256:")) return undefined;
  const tag = ref.slice(ref.lastIndexOf("/") + 1).split(":")[1];
  return tag && /^v?\d+(\.\d+)?(-[a-z0-9]+)?$/i.test(tag) ? `image ${ref} names only a release line ("${tag}")` : undefined;
}

const WORKLOADS: Readonly<Record<string, (spec: Record<string, unknown>) => unknown>> = {
  "kubernetes:core/v1:Pod": (s) => s,
  "kubernetes:apps/v1:Deployment": (s) => obj(s.template)?.spec,
  "kubernetes:apps/v1:StatefulSet": (s) => obj(s.template)?.spec,
  "kubernetes:apps/v1:DaemonSet": (s) => obj(s.template)?.spec,
  "kubernetes:apps/v1:ReplicaSet": (s) => obj(s.template)?.spec,
  "kubernetes:batch/v1:Job": (s) => obj(s.template)?.spec,
  "kubernetes:batch/v1:CronJob": (s) => obj(obj(obj(s.jobTemplate)?.spec)?.template)?.spec,
};

/** Every image a resource runs: workload containers, or image references in Helm values. */
export function imagesOf(type: string, inputs: Readonly<Record<string, unknown>>): string[] {
  const podSpecOf = WORKLOADS[type];
  if (podSpecOf) {
    const pod = obj(podSpecOf(obj(inputs.spec) ?? {}));
    return [...arr(pod?.containers), ...arr(pod?.initContainers)].map((c) => str(obj(c)?.image)).filter((i): i is string => i !== undefined);
  }
  if (type === HELM_RELEASE || type === HELM_CHART_V4) return helmValueImages(inputs.values);
  return [];
}

/**
 * Image references in chart values, by the conventions charts use: a string
 * under a key named `image`, or `{repository, tag}` (an empty tag means the
 * chart's own appVersion, which the chart version pins).
 */
export function helmValueImages(values: unknown, out: string[] = []): string[] {
  const o = obj(values);
  if (Array.isArray(values)) values.forEach((v) => helmValueImages(v, out));
  if (!o) return out;
  const repo = str(o.repository);
  const tag = o.tag;
  if (repo && typeof tag === "string" && tag !== "" && tag !== SECRET_PLACEHOLDER) out.push(`${repo}:${tag}`);
  for (const [k, v] of Object.entries(o)) {
    if (k === "image" && typeof v === "string" && v !== SECRET_PLACEHOLDER) out.push(v);
    else helmValueImages(v, out);
  }
  return out;
}

const IMAGE_TYPES = [...Object.keys(WORKLOADS), HELM_RELEASE, HELM_CHART_V4];

export const imagePinned: Rule = {
  name: "image-pinned",
  enforcement: "mandatory",
  description: "Every container image has an explicit tag or digest, and not a floating one (latest, stable, main, nightly, ...): a moved tag changes what runs with no change in this repository.",
  exception: `${EXCEPTION_PROCESS}. Pin the tag (or digest) in src/versions.ts instead.`,
  types: IMAGE_TYPES,
  check(r) {
    return imagesOf(r.type, r.inputs).map(floatingImage).filter((w): w is string => w !== undefined);
  },
};

export const imageTagPrecise: Rule = {
  name: "image-tag-precise",
  enforcement: "advisory",
  description: "Image tags name a full release (1.2.3), not a line (1 or 1.2) that moves with each patch release.",
  exception: "advisory: a warning in the plan",
  types: IMAGE_TYPES,
  check(r) {
    return imagesOf(r.type, r.inputs).map(impreciseImage).filter((w): w is string => w !== undefined);
  },
};

export const VERSION_RULES: readonly Rule[] = [helmChartPinned, imagePinned, imageTagPrecise];
