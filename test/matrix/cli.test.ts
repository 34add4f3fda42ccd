import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RANCHER } from "../../src/matrix/data/rancher";
import { describe, expect, it } from "vitest";
import { CATALOG } from "../../src/matrix/catalog";
import { main, parseMatrixArgs, USAGE } from "../../src/matrix/cli";
import { CHARTS } from "../../src/versions";
import { withCombinations, ROW_2_10 } from "./fixtures";

function run(argv: string[], sources?: Parameters<typeof main>[2]) {
  let out = "";
  let err = "";
  const code = main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) }, sources);
  return { code, out, err };
}

describe("matrix CLI", () => {
  it("parses its flags", () => {
    expect(parseMatrixArgs([])).toEqual({ check: false, format: "table" });
    expect(parseMatrixArgs(["--check", "--format", "markdown"])).toEqual({ check: true, format: "markdown" });
    expect(parseMatrixArgs(["--format=json"])).toEqual({ check: false, format: "json" });
    expect(parseMatrixArgs(["-h"])).toBe("help");
  });

  it("--help prints the usage and exits 0", () => {
    expect(run(["--help"])).toEqual({ code: 0, out: `${USAGE}\n`, err: "" });
  });

  it("--check on the shipped matrices prints them and exits 0", () => {
    const r = run(["--check"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("v2.10.6  v1.4.3     v1.31.9+rke2r1");
    expect(r.err).toBe("matrix check: every rule holds (matrices, kOps upgrades, platform pins)\n");
  });

  it("--format json prints parseable JSON", () => {
    const r = run(["--format", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).matrices[0].combinations).toHaveLength(3);
  });

  it("--check exits 2 listing every broken rule, matrix and pins alike", () => {
    const broken = withCombinations({ ...ROW_2_10, rke2: "v1.32.4+rke2r1" });
    const pins = { k3s: { version: "v1.37.1+k3s1" }, charts: CHARTS, rancher: RANCHER };
    const r = run(["--check", "--format", "markdown"], { catalog: broken, pins });
    expect(r.code).toBe(2);
    expect(r.out).toContain("| v2.10.6 | v1.4.3 | v1.32.4+rke2r1 |");
    const lines = r.err.trimEnd().split("\n");
    expect(lines[0]).toBe("3 broken matrix rules:");
    expect(lines.slice(1).map((l) => l.match(/\[([a-z-]+)\]$/)?.[1])).toEqual(["kdm-provisionable", "chart-bundled", "kube-within-chart-bounds"]);
    expect(lines[3]).toMatch(/^ {2}platform pin K3S v1\.37\.1\+k3s1 with CHARTS\.rancher: /);
  });

  it("without --check it only prints, whatever the data", () => {
    expect(run([], { catalog: withCombinations({ ...ROW_2_10, rke2: "v1.32.4+rke2r1" }) }).code).toBe(0);
  });

  it.each([
    [["--bogus"], "unknown option --bogus"],
    [["--format", "xml"], "--format must be one of table, json, markdown (got xml)"],
    [["--format"], "--format needs a value: table, json, markdown"],
    [["--format", "--check"], "--format needs a value: table, json, markdown"],
    [["check"], "unexpected argument check"],
  ])("%j exits 1 with the usage", (argv, message) => {
    const r = run(argv as string[], { catalog: CATALOG });
    expect(r).toEqual({ code: 1, out: "", err: `${message}\n${USAGE}\n` });
  });

  it("is wired as `npm run matrix` and fails on bad flags without a stack trace", () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8"));
    expect(pkg.scripts.matrix).toBe("tsx src/matrix/cli.ts");
    // One real process (npm itself adds a second or two, so run its script directly).
    const bad = spawnSync(join(__dirname, "../../node_modules/.bin/tsx"), ["src/matrix/cli.ts", "--format", "yaml"], { encoding: "utf8", cwd: join(__dirname, "../..") });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toBe(`--format must be one of table, json, markdown (got yaml)\n${USAGE}\n`);
  });
});
