/**
 * Config checking without holes (issue 12): what the docs promise to refuse is
 * refused wherever it sits, and every refusal is one readable line.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { parseStackConfig, RawConfig } from "../../src/config";
import { plaintextLeaves, readPlaintextLeaves } from "../../src/config/plaintext-leaves";
import { main } from "../../src/cli/plan";
import { loadPlanConfig } from "../../src/plan/run";
import { parse, problems, rawConfig, set, stackFileWith } from "../helpers";
import { removeTempDirs, tempDir } from "../runtime";

afterAll(removeTempDirs);

const SECRET_LINE = (path: string) =>
  `ci-infra:${path} must be set with \`pulumi config set --secret --path '${path}' ...\`: a plaintext secret would be committed in the stack file`;

/** Longhorn backups with the access key encrypted and `rest` (YAML lines at backup's level). */
const backupBlock = (...rest: string[]) =>
  ["  ci-infra:longhorn:", "    backup:", "      enabled: true", "      accessKeyId:", "        secure: v1:AAAAencryptedkeyid==", ...rest.map((l) => `      ${l}`)].join("\n") + "\n";

const planProblems = (file: string, stack = "oci-staging") => problems(() => loadPlanConfig({ stack, configFile: file }));

describe("plaintext secrets are refused per leaf", () => {
  it("refuses a plaintext secretAccessKey beside an encrypted accessKeyId, without echoing it", () => {
    const file = stackFileWith("oci-staging", backupBlock("namespace: ociexamplens", "secretAccessKey: plaintext-s3cr3t-value"));
    const p = planProblems(file);
    expect(p).toEqual([SECRET_LINE("longhorn.backup.secretAccessKey")]);
    expect(p.join("\n")).not.toContain("plaintext-s3cr3t-value");
  });

  it("accepts both keys encrypted", () => {
    const file = stackFileWith("oci-staging", backupBlock("namespace: ociexamplens", "secretAccessKey:", "  secure: v1:AAAAencryptedsecret=="));
    expect(planProblems(file)).toEqual([]);
  });

  it("under `pulumi up` (values decrypted, only top-level keys marked secret) uses the stack file's plaintext leaves", () => {
    const raw = rawConfig("oci-staging", set("longhorn.backup", { enabled: true, namespace: "ociexamplens", accessKeyId: "AKIDdecrypted", secretAccessKey: "decrypted-but-plaintext-in-file" }));
    const file = ["config:", "  ci-infra:longhorn:", "    backup:", "      enabled: true", "      namespace: ociexamplens", "      accessKeyId:", "        secure: v1:AAAA==", "      secretAccessKey: decrypted-but-plaintext-in-file", ""].join("\n");
    const leaves = plaintextLeaves(file, "ci-infra");
    expect([...leaves].sort()).toEqual(["ci-infra:longhorn.backup.enabled", "ci-infra:longhorn.backup.namespace", "ci-infra:longhorn.backup.secretAccessKey"]);
    const secretRaw: RawConfig = { values: raw.values, secretKeys: new Set([...raw.secretKeys, "ci-infra:longhorn"]), plaintextLeaves: leaves };
    const p = problems(() => parseStackConfig(secretRaw, "oci-staging"));
    expect(p).toEqual([SECRET_LINE("longhorn.backup.secretAccessKey")]);
    expect(p.join("\n")).not.toContain("decrypted");
  });

  it("finds the running stack's file beside Pulumi.yaml (stackConfigDir), or says there is none", () => {
    const root = resolve(__dirname, "../..");
    const leaves = readPlaintextLeaves("oci-staging", "ci-infra", root);
    expect(leaves).toContain("ci-infra:nodes.server.count");
    expect(leaves).toContain("ci-infra:network.adminCidrs[0]");
    expect(readPlaintextLeaves("no-such-stack", "ci-infra", root)).toBeUndefined();
    expect(readPlaintextLeaves("oci-staging", "ci-infra", tempDir("no-project-"))).toBeUndefined();
  });

  it("refuses a secret in plaintext when its key is not marked secret at all", () => {
    expect(problems(() => parse("oci-staging", set("githubBot.githubToken", "ghp_plaintexttoken")))).toEqual([SECRET_LINE("githubBot.githubToken")]);
  });
});

describe("values in messages", () => {
  it("shows a non-secret value next to a secret one as itself", () => {
    const file = stackFileWith("oci-staging", backupBlock("namespace: Not A Namespace", "secretAccessKey:", "  secure: v1:AAAAencryptedsecret=="));
    expect(planProblems(file)).toEqual([`ci-infra:longhorn.backup.namespace must be the tenancy's Object Storage namespace (got "Not A Namespace")`]);
  });

  it("never prints a value that was set with --secret, even in a field that need not be secret", () => {
    // `pulumi up`: the runtime hands decrypted values; the stack file says sshPublicKey was encrypted.
    const raw = rawConfig("oci-staging", set("nodes.sshPublicKey", "hunter2-topsecret"));
    const plaintext = new Set(["ci-infra:nodes.server.count", "ci-infra:nodes.ciAgent.count"]);
    const secretRaw: RawConfig = { values: raw.values, secretKeys: new Set([...raw.secretKeys, "ci-infra:nodes"]), plaintextLeaves: plaintext };
    const p = problems(() => parseStackConfig(secretRaw, "oci-staging"));
    expect(p).toEqual(["ci-infra:nodes.sshPublicKey must be an OpenSSH public key line (ssh-ed25519 AAAA... comment) (got [secret])"]);
  });

  it("never prints the value of a secret field, even one set in plaintext with another problem", () => {
    const p = problems(() => parse("oci-staging", set("githubBot.githubToken", "")));
    expect(p.join("\n")).toContain("ci-infra:githubBot.githubToken must not be empty (got [secret])");
  });

  it("shortens a long value to a line of reasonable length, with an ellipsis and the original length", () => {
    const p = problems(() => parse("oci-staging", set("domain", "a".repeat(200_000))));
    expect(p).toHaveLength(1);
    expect(p[0].length).toBeLessThan(400);
    expect(p[0]).toMatch(/^ci-infra:domain must be a lowercase DNS name .* \(got "a+…" \(200000 characters\)\)$/);
  });

  it("shortens a long key name too", () => {
    const p = problems(() => parse("oci-staging", set(`ingress.${"k".repeat(100_000)}`, 1)));
    expect(p).toHaveLength(1);
    expect(p[0].length).toBeLessThan(400);
    expect(p[0]).toMatch(/^ci-infra:ingress\.k+… \(100000 characters\) is not a known key/);
  });

  it("shortens an unknown program name", () => {
    const p = problems(() => parse("oci-staging", set("program", "x".repeat(50_000))));
    expect(p[0].length).toBeLessThan(400);
    expect(p[0]).toMatch(/^ci-infra:program must be one of oci-platform, kops-ci \(got "x+…" \(50000 characters\)\)$/);
  });
});

describe("missing keys", () => {
  const drop = (key: string) => (v: Record<string, string>) => void delete v[key];

  it("reads like the rest when a whole section is missing", () => {
    expect(problems(() => parse("oci-staging", drop("ci-infra:network"), drop("ci-infra:oci"), drop("ci-infra:nodes")))).toEqual([
      "ci-infra:oci is required: an object with compartmentId, tenancyId, region",
      "ci-infra:network is required: an object with adminCidrs (optional: vcnCidr, lbSubnetCidr, nodeSubnetCidr, clientCidrs)",
      "ci-infra:nodes is required: an object with sshPublicKey (optional: server, agent, ciAgent)",
    ]);
  });

  it("never passes a raw validator string on, for a missing or a wrongly typed value", () => {
    const p = problems(() => parse("oci-staging", set("network", "10.0.0.0/16"), set("longhorn.backup.enabled", "yes")));
    expect(p).toEqual([
      'ci-infra:network must be an object with adminCidrs (optional: vcnCidr, lbSubnetCidr, nodeSubnetCidr, clientCidrs) (got "10.0.0.0/16")',
      'ci-infra:longhorn.backup.enabled must be true or false (got "yes")',
    ]);
    expect(p.join("\n")).not.toMatch(/Invalid input/);
  });
});

describe("keys outside the schema", () => {
  it("refuses a typo in the namespace", () => {
    expect(problems(() => parse("oci-staging", (v) => void (v["ci-infr:jenkins"] = '{"storageGbs":50}')))).toEqual([
      "ci-infr:jenkins is not a known key: settings live under ci-infra: (did you mean ci-infra:jenkins?); other namespaces are the providers' (oci, aws, gcp, kubernetes, pulumi)",
    ]);
  });

  it("refuses a key without a known namespace", () => {
    expect(problems(() => parse("oci-staging", (v) => void (v["ocii:region"] = "us-ashburn-1")))).toEqual([
      "ocii:region is not a known key: settings live under ci-infra:; other namespaces are the providers' (oci, aws, gcp, kubernetes, pulumi)",
    ]);
  });

  it("leaves providers' own namespaces to the providers", () => {
    const provider = (v: Record<string, string>) => {
      Object.assign(v, { "oci:region": "us-ashburn-1", "aws:region": "us-east-2", "gcp:project": "p", "kubernetes:context": "c", "pulumi:disable-default-providers": '["*"]' });
    };
    expect(problems(() => parse("oci-staging", provider))).toEqual([]);
  });

  const withProtectFromPrototype = (key: string) => (v: Record<string, string>) => {
    delete v["ci-infra:protect"]; // prod protects by default
    v[`ci-infra:${key}`] = '{"protect": false}';
  };

  it.each(["__proto__", "constructor", "prototype", "hasOwnProperty", "toString"])("refuses %s at top level and it changes no setting", (key) => {
    const before = parse("oci-prod");
    if (before.program !== "oci-platform") throw new Error("wrong program");
    expect(before.settings.protect).toBe(true);
    expect(problems(() => parse("oci-prod", withProtectFromPrototype(key)))).toEqual([
      `ci-infra:${key} is not a known key: ${key} is a name JavaScript objects treat specially, never a setting`,
    ]);
    expect(({} as Record<string, unknown>).protect).toBeUndefined();
  });

  it("refuses such keys nested, at any depth", () => {
    const edit = (v: Record<string, string>) => {
      v["ci-infra:jenkins"] = '{"storageGbs": 50, "__proto__": {"storageGbs": 8}, "constructor": {"x": 1}}';
      v["ci-infra:image"] = '{"pinned": {"__proto__": "ocid1.image.oc1..aaaaaaaaaaaa"}}';
      v["ci-infra:longhorn"] = '{"backup": {"prototype": {"enabled": true}}}';
    };
    expect(problems(() => parse("oci-prod", edit)).sort()).toEqual([
      "ci-infra:image.pinned.__proto__ is not a known key: __proto__ is a name JavaScript objects treat specially, never a setting",
      "ci-infra:jenkins.__proto__ is not a known key: __proto__ is a name JavaScript objects treat specially, never a setting",
      "ci-infra:jenkins.constructor is not a known key: constructor is a name JavaScript objects treat specially, never a setting",
      "ci-infra:longhorn.backup.prototype is not a known key: prototype is a name JavaScript objects treat specially, never a setting",
    ]);
  });

  it("refuses a special name as the program without failing on it", () => {
    expect(problems(() => parse("oci-staging", set("program", "constructor")))).toEqual([
      'ci-infra:program must be one of oci-platform, kops-ci (got "constructor")',
    ]);
  });

  it("refuses __proto__ in a stack file at top level", () => {
    const file = stackFileWith("oci-prod", "  __proto__:\n    protect: false\n", /  ci-infra:protect: true\n/);
    expect(planProblems(file, "oci-prod")).toEqual(["ci-infra:__proto__ is not a known key: __proto__ is a name JavaScript objects treat specially, never a setting"]);
  });

  it("refuses __proto__ nested in a stack file's value (it used to vanish while the file was read)", () => {
    const file = stackFileWith("oci-prod", "  ci-infra:jenkins:\n    storageGbs: 50\n    __proto__:\n      storageGbs: 8\n", /  ci-infra:jenkins:\n(    .*\n)*/);
    expect(planProblems(file, "oci-prod")).toContain("ci-infra:jenkins.__proto__ is not a known key: __proto__ is a name JavaScript objects treat specially, never a setting");
  });
});

describe("invalid YAML", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is a config error: exit 2, one line naming the file, line and column", async () => {
    const err: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...a) => void err.push(a.join(" ")));
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const file = join(tempDir("yaml-"), "Pulumi.draft.yaml");
    writeFileSync(file, "config:\n  ci-infra:program: oci-platform\n  ci-infra:network: {adminCidrs: [\n  ci-infra:domain: x.example.org\n");
    expect(await main(["--config-file", file])).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+ is not valid YAML: \\S.*$`));
    expect(err[0]).not.toContain("\n");
  });
});
