/**
 * The environments the matrix jobs run against: stack config with a clear error
 * when a matrix needs one that is missing, Jenkins credentials referenced by ID, and
 * values that stay Pulumi secrets (never in the rendered files).
 */
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { matrixCredentialsCasc, matrixTargetsSecretData, withMatrixCredentials } from "../../src/apps/jenkins-casc";
import { parseStackConfig } from "../../src/config";
import { SECRET_PLACEHOLDER } from "../../src/base/errors";
import { CATALOG } from "../../src/matrix/catalog";
import { HARVESTER_TESTS_READ } from "../../src/matrix/data/harvester-tests";
import { combinationJobs } from "../../src/matrix/jobs";
import { createMatrixExtension } from "../../src/matrix/plan-extension";
import { harvesterOptions, MatrixTargets, missingTargets, neededTargets, rancherOptions, targetCredentials } from "../../src/matrix/targets";
import { planStack, PlanResult } from "../../src/plan/run";
import { problems, rawConfig, set, stackFileWith } from "../helpers";
import { removeTempDirs } from "../runtime";

// stackFileWith writes into temporary directories.
afterAll(removeTempDirs);

const HARVESTER = { endpoint: "https://harvester-143.ci.example.org", password: SECRET_PLACEHOLDER, vlanId: 100, ipPool: { subnet: "10.20.0.0/24", start: "10.20.0.200", end: "10.20.0.210" } };
const RANCHER = { endpoint: "https://rancher.ci.example.org", adminPassword: SECRET_PLACEHOLDER };
const ALL = {
  harvester: { "v1.4.3": HARVESTER, "v1.5.0": { ...HARVESTER, endpoint: "https://harvester-150.ci.example.org" } },
  rancher: { "v2.9.10": RANCHER, "v2.10.6": RANCHER, "v2.11.2": RANCHER },
};

/** oci-staging with `ci-infra:matrixTargets` set as `pulumi config set --secret --path` would (passwords encrypted). */
function parseWith(targets: unknown) {
  const raw = rawConfig("oci-staging", set("matrixTargets", targets));
  return parseStackConfig({ ...raw, secretKeys: new Set([...raw.secretKeys, "ci-infra:matrixTargets"]) }, "oci-staging");
}

describe("matrixTargets config", () => {
  it("is optional, and when set takes every environment the matrices need", () => {
    const s = parseWith(ALL).settings as { matrixTargets?: MatrixTargets };
    expect(Object.keys(s.matrixTargets!.rancher).sort()).toEqual(["v2.10.6", "v2.11.2", "v2.9.10"]);
    expect(s.matrixTargets!.harvester["v1.4.3"]).toMatchObject({ username: "admin", vlanNic: "mgmt", vlanId: 100 });
    expect(neededTargets(CATALOG).map((n) => `${n.kind} ${n.version}`)).toEqual(["rancher v2.9.10", "harvester v1.4.3", "rancher v2.10.6", "rancher v2.11.2", "harvester v1.5.0"]);
  });

  it("names the key, the missing version and the job that needs it", () => {
    const { ["v2.10.6"]: _, ...rancher } = ALL.rancher;
    const lines = problems(() => parseWith({ ...ALL, rancher }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^ci-infra:matrixTargets\.rancher must have an entry for v2\.10\.6: a matrix job runs against Rancher v2\.10\.6 \(matrix harvester-cloud-provider-0\.2\.10 combination rancher v2\.10\.6 \+ harvester v1\.4\.3 \+ rke2 v1\.31\.9\+rke2r1 \+ ubuntu-24\.04\) \(got \{"v2\.9\.10":\{"endpoint":"https:\/\/rancher\.ci\.example\.org","adminPassword":"\[secret\]"\}/,
    );
    expect(missingTargets(CATALOG, { rancher: [], harvester: ["v1.4.3", "v1.5.0"] }).map((m) => m.message)).toContain(
      "must have an entry for v2.9.10: a matrix job runs against Rancher v2.9.10 (matrix harvester-cloud-provider-0.2.10 combination rancher v2.9.10 + harvester v1.4.3 + rke2 v1.30.13+rke2r1 + ubuntu-24.04)",
    );
  });

  it("refuses values that cannot become harvester/tests options, and plaintext passwords", () => {
    const lines = problems(() =>
      parseWith({ ...ALL, harvester: { ...ALL.harvester, "v1.4.3": { ...HARVESTER, endpoint: "https://a b", vlanId: 0, ipPool: { ...HARVESTER.ipPool, start: "10.20.0.300" } } } }),
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ci-infra:matrixTargets\.harvester\.v1\.4\.3\.endpoint must be an https URL without spaces or quotes .*\(got "https:\/\/a b"\)$/),
        expect.stringMatching(/^ci-infra:matrixTargets\.harvester\.v1\.4\.3\.vlanId must be within 1-4094 \(got 0\)$/),
        expect.stringMatching(/^ci-infra:matrixTargets\.harvester\.v1\.4\.3\.ipPool\.start must be an IPv4 address/),
      ]),
    );
    const raw = rawConfig("oci-staging", set("matrixTargets", { ...ALL, rancher: { ...ALL.rancher, "v2.9.10": { ...RANCHER, adminPassword: "hunter2" } } }));
    const plain = problems(() => parseStackConfig(raw, "oci-staging"));
    expect(plain.some((l) => l.startsWith("ci-infra:matrixTargets.rancher.v2.9.10.adminPassword must be set with `pulumi config set --secret"))).toBe(true);
    expect(plain.join("\n")).not.toContain("hunter2");
  });
});

describe("matrix credentials in Jenkins", () => {
  const targets: MatrixTargets<string> = {
    harvester: { "v1.4.3": { endpoint: "https://h.example.org", username: "admin", password: "h-pass", vlanId: 1, vlanNic: "mgmt", ipPool: { subnet: "10.0.0.0/24", start: "10.0.0.10", end: "10.0.0.20" } } },
    rancher: { "v2.10.6": { endpoint: "https://r.example.org", adminPassword: "r-pass" } },
  };

  it("carry exactly the IDs the jobs bind, and options the conftest declares", () => {
    const creds = targetCredentials(targets);
    expect(creds.map((c) => `${c.kind} ${c.id}`)).toEqual([
      "usernamePassword matrix-harvester-v1.4.3",
      "string matrix-harvester-v1.4.3-options",
      "string matrix-rancher-v2.10.6-admin-password",
      "string matrix-rancher-v2.10.6-options",
    ]);
    const job = combinationJobs(CATALOG).find((j) => j.combination.rancher === "v2.10.6")!;
    expect(creds.map((c) => c.id)).toEqual([job.credentials.harvester!.login, job.credentials.harvester!.options, job.credentials.rancher.adminPassword, job.credentials.rancher.options]);
    expect(harvesterOptions(targets.harvester["v1.4.3"])).toBe("--endpoint=https://h.example.org --vlan-id=1 --vlan-nic=mgmt --ip-pool-subnet=10.0.0.0/24 --ip-pool-start=10.0.0.10 --ip-pool-end=10.0.0.20");
    expect(rancherOptions(targets.rancher["v2.10.6"])).toBe("--rancher-endpoint=https://r.example.org");
    const declared = new Set<string>(HARVESTER_TESTS_READ.conftestOptions);
    for (const o of `${harvesterOptions({ ...targets.harvester["v1.4.3"], imageCacheUrl: "http://cache" })} ${rancherOptions(targets.rancher["v2.10.6"])}`.split(" ")) {
      expect(declared).toContain(o.split("=")[0]);
    }
  });

  it("reference the values by name in JCasC (GLOBAL scope), never inline", () => {
    const creds = targetCredentials(targets);
    const casc = matrixCredentialsCasc(creds);
    expect(casc).not.toMatch(/h-pass|r-pass|https:\/\/h\.example\.org/);
    const list = parseYaml(casc).credentials.system.domainCredentials[0].credentials;
    expect(list[0]).toEqual({ usernamePassword: { scope: "GLOBAL", id: "matrix-harvester-v1.4.3", description: expect.any(String), username: "admin", password: "${jenkins-matrix-targets-matrix-harvester-v1-4-3-password}" } });
    expect(list[3]).toEqual({ string: { scope: "GLOBAL", id: "matrix-rancher-v2.10.6-options", description: expect.any(String), secret: "${jenkins-matrix-targets-matrix-rancher-v2-10-6-options-secret}" } });
    const data = matrixTargetsSecretData(creds, (s) => s);
    expect(Object.keys(data).every((k) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(k))).toBe(true);
    expect(data["matrix-rancher-v2-10-6-admin-password-secret"]).toBe("r-pass");
    const values = withMatrixCredentials({ controller: { additionalExistingSecrets: [{ name: "a", keyName: "b" }], JCasC: { configScripts: { x: "y" } } } }, creds) as any;
    expect(values.controller.additionalExistingSecrets).toHaveLength(1 + 4);
    expect(values.controller.JCasC.configScripts).toMatchObject({ x: "y", "matrix-credentials": casc });
  });
});

describe("the plan with matrixTargets", () => {
  it("seeds the credentials into Jenkins with the values in a Secret, placeholders in every rendered file", async () => {
    const file = stackFileWith(
      "oci-staging",
      [
        "  ci-infra:matrixTargets:",
        "    harvester:",
        ...["v1.4.3", "v1.5.0"].flatMap((v) => [`      ${v}:`, "        endpoint: https://harvester.ci.example.org", "        password:", "          secure: v1:AAAAc2VjcmV0", "        vlanId: 100", "        ipPool: { subnet: 10.20.0.0/24, start: 10.20.0.200, end: 10.20.0.210 }"]),
        "    rancher:",
        ...["v2.9.10", "v2.10.6", "v2.11.2"].flatMap((v) => [`      ${v}:`, "        endpoint: https://rancher.ci.example.org", "        adminPassword:", "          secure: v1:AAAAc2VjcmV0"]),
        "",
      ].join("\n"),
    );
    const p = await planStack({ stack: "oci-staging", configFile: file });
    const values = parseYaml(p.artifacts["helm/jenkins.values.yaml"]);
    const casc = parseYaml(values.controller.JCasC.configScripts["matrix-credentials"]);
    expect(casc.credentials.system.domainCredentials[0].credentials).toHaveLength(2 * 2 + 3 * 2);
    expect(values.controller.additionalExistingSecrets.filter((s: { name: string }) => s.name === "jenkins-matrix-targets")).toHaveLength(10);
    const secret = parseYaml(p.artifacts["manifests/jenkins/secret-jenkins-matrix-targets.yaml"]);
    expect(Object.values(secret.stringData).every((v) => v === SECRET_PLACEHOLDER)).toBe(true);
    expect(JSON.stringify(p.artifacts)).not.toContain("AAAAc2VjcmV0");
    expect(values.controller.JCasC.configScripts["seed-jobs"]).toContain("matrix-rancher-v2.10.6-admin-password");
  });
});

describe("plan warning", () => {
  const ext = createMatrixExtension({ catalog: CATALOG, now: () => new Date("2026-11-23") });
  const planOf = (settings: Record<string, unknown>) => ({ config: { program: "oci-platform", settings } }) as unknown as PlanResult;

  it("says the seeded jobs cannot run while no environment is configured", () => {
    expect(ext.warnings!(planOf({}))).toEqual([
      "ci-infra:matrixTargets is not set: Jenkins gets the 3 matrix validation jobs, and each fails at its credentials until the Harvester and Rancher environments are configured (docs/matrix.md)",
    ]);
    expect(ext.warnings!(planOf({ matrixTargets: {} }))).toEqual([]);
    expect(ext.warnings!({ config: { program: "kops-ci", settings: {} } } as unknown as PlanResult)).toEqual([]);
  });
});
