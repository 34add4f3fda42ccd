import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/plan";
import { parseArgs } from "../../src/plan/cli";
import { stackFilePath } from "../../src/plan/stack-file";
import { captureConsole, removeTempDirs, tempDir } from "../runtime";

const tmp = () => tempDir("plan-");
afterAll(removeTempDirs);

const capture = captureConsole;
afterEach(() => vi.restoreAllMocks());

describe("arguments", () => {
  it("defaults to oci-staging and takes one positional stack", () => {
    expect(parseArgs([])).toEqual({ stack: "oci-staging" });
    expect(parseArgs(["oci-prod", "--json", "p.json", "--out", "o"])).toEqual({ stack: "oci-prod", json: "p.json", out: "o" });
    expect(() => parseArgs(["--bogus"])).toThrow(/unknown option --bogus/);
    expect(() => parseArgs(["--json"])).toThrow(/--json needs a value/);
  });
});

describe("plan", () => {
  it("prints a summary, writes the plan JSON and the cloud-init artifacts; exit 0", async () => {
    const { out } = capture();
    const dir = tmp();
    const code = await main(["oci-staging", "--json", join(dir, "plan.json"), "--out", join(dir, "out")]);
    expect(code).toBe(0);
    const summary = out.join("\n");
    expect(summary).toMatch(/^stack oci-staging · program oci-platform · \d+ resources/);
    expect(summary).toContain("oci-staging-ingress (ci-infra:oci:IngressLoadBalancer)");
    expect(summary).toContain('"health":30254');
    const json = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8"));
    expect(Object.keys(json)).toEqual(["stack", "program", "resources", "outputs"]);
    const lb = json.resources.find((r: { type: string }) => r.type === "oci:LoadBalancer/backendSet:BackendSet");
    expect(lb).toMatchObject({ urn: expect.stringContaining("::oci-staging-ingress-"), parent: expect.stringContaining("IngressLoadBalancer"), protect: false });
    expect(lb.dependsOn).toEqual([expect.stringContaining("oci-staging-ingress-lb")]);
    // What an `up` may replace, and how (issue 15): recorded for every resource.
    for (const r of json.resources) expect(r, r.name).toMatchObject({ deleteBeforeReplace: expect.any(Boolean), ignoreChanges: expect.any(Array), replaceOnChanges: expect.any(Array) });
    expect(readdirSync(join(dir, "out", "cloud-init")).sort()).toEqual(["ci-agent.yaml", "server.yaml"]);
    // The summary lists every file --out wrote, the matrix extension's too, one per line.
    const listed = summary.slice(summary.indexOf("artifacts (--out")).split("\n").slice(1).filter((l) => l.startsWith("  ") && !l.startsWith("  - ")).map((l) => l.trim());
    const written = (readdirSync(join(dir, "out"), { recursive: true }) as string[]).filter((f) => /\.\w+$/.test(f));
    expect(listed.slice(0, written.length).sort()).toEqual(written.sort());
    expect(listed).toContain("matrix/jenkins-jobs.groovy");
    expect(summary).toContain(`artifacts (--out, ${written.length}):`);
  });

  it("exits 2 with one line per problem on invalid config", async () => {
    const { err } = capture();
    const dir = tmp();
    const file = join(dir, "Pulumi.draft.yaml");
    writeFileSync(file, readFileSync(stackFilePath("oci-staging"), "utf8").replace("minBandwidthMbps: 10", "minBandwidthMbps: 10\n    maxBandwidthMbsp: 20"));
    expect(await main(["--config-file", file])).toBe(2);
    expect(err).toEqual([expect.stringMatching(/^ci-infra:loadBalancer\.maxBandwidthMbsp is not a known key/)]);
  });

  it("exits 1 with a message for a missing stack file", async () => {
    const { err } = capture();
    expect(await main(["no-such-stack"])).toBe(1);
    expect(err.join("\n")).toContain("no stack file at");
  });

  it("never prints an encrypted value, even when it is the invalid one", async () => {
    const { err } = capture();
    const dir = tmp();
    const file = join(dir, "Pulumi.s.yaml");
    const secure = "v1:c2VjcmV0LWNpcGhlcnRleHQtdGhhdC1tdXN0LW5vdC1sZWFr";
    writeFileSync(file, `${readFileSync(stackFilePath("oci-staging"), "utf8")}  ci-infra:docker:\n    logMaxSize:\n      secure: ${secure}\n`);
    // Offline, a ciphertext cannot be decrypted: the value is the placeholder, marked secret.
    expect(await main(["--config-file", file, "--json", join(dir, "p.json")])).toBe(2);
    expect(err).toEqual(['ci-infra:docker.logMaxSize must be a size such as 50m, 1g or 500k (got [secret])']);
    expect(err.join("\n")).not.toContain(secure);
    expect(readdirSync(dir)).not.toContain("p.json");
  });

  it("as a process: exit 2, the message, no stack trace", () => {
    const dir = tmp();
    const file = join(dir, "Pulumi.bad.yaml");
    writeFileSync(file, readFileSync(stackFilePath("oci-staging"), "utf8").replace("10.20.1.0/24", "10.99.1.0/24"));
    const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/plan.ts", "--config-file", file], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('ci-infra:network.nodeSubnetCidr must lie inside vcnCidr 10.20.0.0/16 (got "10.99.1.0/24")');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("--help", () => {
  it("prints the usage and exits 0", async () => {
    const { out } = capture();
    expect(await main(["--help"])).toBe(0);
    expect(out.join("\n")).toMatch(/^usage: npm run plan --/);
  });
});
