/** The compatibility rules, each with a catalog that passes and one that fails. */
import { describe, expect, it } from "vitest";
import { NODE_OS } from "../../src/compat/node-os";
import { COMPAT, CompatCatalog, compatFindings, jenkinsAgentJava, kubeletArgs, PINS } from "../../src/compat/rules";

const ol7 = NODE_OS["oracle-linux-7.9"];
const asOf = new Date("2026-12-02T00:00:00Z");
const pins = { k3s: "v1.36.3+k3s1", jenkins: "2.568.2", longhorn: "1.12.1" };
const findings = (p: Partial<typeof pins> = {}, catalog: CompatCatalog = COMPAT) => compatFindings([ol7.id], asOf, { ...pins, ...p }, catalog);

describe("the shipped pins on Oracle Linux 7.9", () => {
  it("have no known failure, and name each known risk with its source", () => {
    const f = compatFindings([ol7.id], asOf, PINS);
    expect(f.problems).toEqual([]);
    expect(f.warnings.join("\n")).toContain("--fail-cgroupv1=false");
    expect(f.warnings.join("\n")).toContain("kernel 5.4.17 (UEK R6) is below the 5.8 Longhorn recommends");
    expect(f.warnings.join("\n")).toContain("premier support ended on 2024-12-31");
    for (const w of f.warnings.filter((x) => !x.includes("premier"))) expect(w).toMatch(/source: \S+/);
  });
});

describe("cgroup v1 and the kubelet", () => {
  it("Kubernetes 1.35+ on a cgroup v1 host gets fail-cgroupv1=false; 1.34 and cgroup v2 hosts do not", () => {
    expect(kubeletArgs(ol7, "v1.36.3+k3s1")).toEqual(["fail-cgroupv1=false"]);
    expect(kubeletArgs(ol7, "v1.35.0+k3s1")).toEqual(["fail-cgroupv1=false"]);
    expect(kubeletArgs(ol7, "v1.34.9+k3s1")).toEqual([]);
    expect(kubeletArgs({ ...ol7, cgroup: 2 }, "v1.36.3+k3s1")).toEqual([]);
  });

  it("a minor past the one verified on cgroup v1 is refused, naming both pins and the source", () => {
    const f = findings({ k3s: "v1.37.1+k3s1" });
    expect(f.problems).toHaveLength(1);
    expect(f.problems[0]).toMatch(/^node OS oracle-linux-7\.9 with K3S v1\.37\.1\+k3s1: Kubernetes 1\.37 on cgroup v1 is not verified \(checked through 1\.36; .*no earlier than 1\.38\).*source: kubernetes\/kubelet .*\[compat-cgroup-v1\]$/);
    // The same pin is fine on a cgroup v2 host.
    expect(compatFindings(["cg2" as never], asOf, { ...pins, k3s: "v1.37.1+k3s1" }, { ...COMPAT, os: { cg2: { ...ol7, id: "cg2" as never, cgroup: 2 } } }).problems).toEqual([]);
  });
});

describe("Jenkins and the agents' Java", () => {
  it("derives Java from the Jenkins version: 21 from 2.545, 17 before", () => {
    expect(jenkinsAgentJava("2.568.2")).toBe(21);
    expect(jenkinsAgentJava("2.545")).toBe(21);
    expect(jenkinsAgentJava("2.541.1")).toBe(17);
    expect(() => jenkinsAgentJava("2.400")).toThrow(/no Java requirement recorded for Jenkins 2\.400/);
  });

  it("a Java Adoptium does not publish for EL7 is refused", () => {
    const catalog = { ...COMPAT, jenkinsJava: [...COMPAT.jenkinsJava, { fromJenkins: "2.560", java: 25, source: { at: "test", says: "test" } }] };
    const f = findings({}, catalog);
    expect(f.problems).toEqual([expect.stringMatching(/^node OS oracle-linux-7\.9 with Jenkins 2\.568\.2: agents need Java 25, which Adoptium does not publish for EL7 .*\[compat-agent-java\]$/)]);
  });
});

describe("Docker's EL7 dependencies", () => {
  it("fail the plan when no enabled repository provides them (the first build's ol7_developer gap)", () => {
    const noDeveloper = { ...ol7, repos: ol7.repos.filter((r) => r.id !== "ol7_developer") };
    const f = findings({}, { ...COMPAT, os: { [ol7.id]: noDeveloper } });
    expect(f.problems).toEqual([expect.stringMatching(/^node OS oracle-linux-7\.9 with Docker's EL7 packages: slirp4netns, fuse-overlayfs must come from a repository the nodes enable \(enabled: ol7_addons; source: docker\/docker-ce-packaging .*\[compat-docker-deps\]$/)]);
  });
});

describe("Longhorn and the kernel", () => {
  it("warns below the recommended kernel, not at or above it", () => {
    expect(findings().warnings.some((w) => w.includes("Longhorn"))).toBe(true);
    const newer = { ...ol7, kernel: { name: "UEK R7", release: "5.15.0" } };
    expect(findings({}, { ...COMPAT, os: { [ol7.id]: newer } }).warnings.some((w) => w.includes("Longhorn"))).toBe(false);
  });

  it("an OS the catalog does not describe is refused", () => {
    expect(compatFindings(["oracle-linux-6" as never], asOf, pins).problems).toEqual(["node OS oracle-linux-6: must be described in src/compat/node-os.ts before nodes can run it [compat-os-known]"]);
  });
});

describe("every fact carries its source", () => {
  it("OS facts, requirements and chart pins name where they were read", () => {
    for (const os of Object.values(NODE_OS)) expect(os.sources.length).toBeGreaterThan(0);
    for (const s of [...COMPAT.cgroupV1.sources, ...COMPAT.jenkinsJava.map((j) => j.source), COMPAT.adoptiumEl7.source, COMPAT.dockerEl7Requires.source, ...COMPAT.longhornHost.sources]) {
      expect(s.at).toMatch(/\S+\/\S+/);
      expect(s.says.length).toBeGreaterThan(10);
    }
  });
});
