import { describe, expect, it } from "vitest";
import { PlatformPins, pinSupportWarnings, platformPinProblems } from "../../src/matrix/pins";
import { RANCHER } from "../../src/matrix/data/rancher";
import { CHARTS, K3S } from "../../src/versions";

/** Pins as of 2026-11, fixed here so that bumping src/versions.ts does not rewrite these tests. */
const PINNED = {
  rancher: { repo: "https://releases.rancher.com/server-charts/stable", chart: "rancher", version: "2.15.0", source: "test" },
  certManager: { repo: "https://charts.jetstack.io", chart: "cert-manager", version: "v1.21.1", source: "test" },
  longhorn: { repo: "https://charts.longhorn.io", chart: "longhorn", version: "1.12.1", kubeVersion: ">= 1.25.0-0", source: "test" },
};
const k3s = (version: string, charts: PlatformPins["charts"] = PINNED): PlatformPins => ({ k3s: { version }, charts, rancher: RANCHER });

describe("platform pins", () => {
  it("K3S fits every chart pin with a kubeVersion today", () => {
    expect(platformPinProblems()).toEqual([]);
    // The check is not vacuous: the pins it reads do declare bounds.
    // Every chart's bound is recorded: its own, or Rancher's with its release data;
    // the Jenkins chart is the one that declares none (jenkins-5.9.53 Chart.yaml).
    const unbound = Object.entries(CHARTS).filter(([, c]) => !("kubeVersion" in c)).map(([k]) => k);
    expect(unbound).toEqual(["rancher", "jenkins"]);
    expect(RANCHER.some((r) => r.version === `v${CHARTS.rancher.version}`)).toBe(true);
    expect(platformPinProblems({ k3s: K3S, charts: CHARTS, rancher: RANCHER })).toEqual([]);
  });

  it("a K3S bump past the Rancher chart's bound fails, naming both pins", () => {
    expect(platformPinProblems(k3s("v1.37.1+k3s1"))).toEqual([
      'platform pin K3S v1.37.1+k3s1 with CHARTS.rancher: Kubernetes must satisfy the rancher 2.15.0 chart\'s kubeVersion "< 1.37.0-0" (got 1.37.1) [kube-within-chart-bounds]',
    ]);
  });

  it("a K3S below Longhorn's lower bound fails", () => {
    expect(platformPinProblems(k3s("v1.24.17+k3s1"))).toEqual([
      'platform pin K3S v1.24.17+k3s1 with CHARTS.longhorn: Kubernetes must satisfy the longhorn 1.12.1 chart\'s kubeVersion ">= 1.25.0-0" (got 1.24.17) [kube-within-chart-bounds]',
    ]);
  });

  it("a chart pin whose bound the current K3S breaks fails", () => {
    expect(platformPinProblems(k3s("v1.36.3+k3s1"))).toEqual([]);
    // Rancher's bound comes from src/matrix/data/rancher.ts (v2.14.4: "< 1.36.0-0").
    const charts = { ...PINNED, rancher: { ...PINNED.rancher, version: "2.14.4" } };
    expect(platformPinProblems(k3s("v1.36.3+k3s1", charts))).toEqual([
      'platform pin K3S v1.36.3+k3s1 with CHARTS.rancher: Kubernetes must satisfy the rancher 2.14.4 chart\'s kubeVersion "< 1.36.0-0" (got 1.36.3) [kube-within-chart-bounds]',
    ]);
  });

  it("a Rancher pin missing from the Rancher data is reported, since its bound is unknown", () => {
    const charts = { ...PINNED, rancher: { ...PINNED.rancher, version: "2.16.0" } };
    expect(platformPinProblems(k3s("v1.36.3+k3s1", charts))).toEqual([
      "platform pin K3S v1.36.3+k3s1 with CHARTS.rancher: rancher 2.16.0 must be listed in src/matrix/data/rancher.ts with its chart's kubeVersion [pin-consistent]",
    ]);
  });

  it("an unparseable K3S version or kubeVersion is reported, not thrown", () => {
    expect(platformPinProblems(k3s("latest"))).toEqual(["platform pin K3S latest: K3S.version must be a version such as v1.36.3+k3s1 (got latest) [pin-consistent]"]);
    const charts = { ...PINNED, longhorn: { ...PINNED.longhorn, kubeVersion: "newer than 1.25" } };
    expect(platformPinProblems(k3s("v1.36.3+k3s1", charts))).toEqual([
      'platform pin K3S v1.36.3+k3s1 with CHARTS.longhorn: the longhorn 1.12.1 chart\'s kubeVersion must be a semver range such as "< 1.32.0-0" (got "newer than 1.25") [kube-within-chart-bounds]',
    ]);
  });
});

describe("support window of the platform's Kubernetes", () => {
  it("warns once the minor is past end of life, not before", () => {
    const pins = k3s("v1.36.3+k3s1");
    expect(pinSupportWarnings(new Date("2026-11-23T00:00:00Z"), pins)).toEqual([]);
    expect(pinSupportWarnings(new Date("2027-06-28T12:00:00Z"), pins)).toEqual([]);
    expect(pinSupportWarnings(new Date("2027-06-29T00:00:01Z"), pins)).toEqual([
      "platform pin K3S v1.36.3+k3s1: Kubernetes 1.36 reached end of life on 2027-06-28; bump K3S in src/versions.ts",
    ]);
  });

  it("asks for the support window of a minor it does not know", () => {
    expect(pinSupportWarnings(new Date("2026-11-23"), k3s("v1.38.0+k3s1"))).toEqual([
      "platform pin K3S v1.38.0+k3s1: Kubernetes 1.38 has no support window in src/matrix/data/kubernetes.ts; add it",
    ]);
  });
});
