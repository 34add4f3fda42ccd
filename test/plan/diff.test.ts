import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/plan";
import { parseArgs } from "../../src/plan/cli";
import { asPlanJson, diffPlans, diffValues, hasChanges, PlanJson, PlanJsonResource, renderDiffMarkdown } from "../../src/plan/diff";
import { removeTempDirs, tempDir } from "../runtime";

afterAll(removeTempDirs);

const urn = (type: string, name: string) => `urn:pulumi:oci-staging::ci-infra::${type}::${name}`;
const BS = "oci:LoadBalancer/backendSet:BackendSet";
const NSG = "oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule";

function res(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PlanJsonResource> = {}): PlanJsonResource {
  return { urn: urn(type, name), type, name, parent: null, dependsOn: [], protect: false, retainOnDelete: false, inputs, ...extra };
}

function planOf(resources: PlanJsonResource[], outputs: Record<string, unknown> = {}): PlanJson {
  return { stack: "oci-staging", program: "oci-platform", resources, outputs };
}

const health = (port: number) => ({ name: "ingress-http", healthChecker: { protocol: "HTTP", port, urlPath: "/ping" } });
const BASE = planOf(
  [
    res(BS, "oci-staging-ingress-ingress-http", health(30254)),
    res(NSG, "oci-staging-net-node-ssh-bastion", { source: "10.20.1.0/24", tcpOptions: { destinationPortRange: { min: 22, max: 22 } } }),
    res("oci:Core/instance:Instance", "oci-staging-server-0", { metadata: { user_data: "[secret]" }, freeformTags: { stack: "oci-staging" } }),
  ],
  { loadBalancerIp: "203.0.113.10" },
);
const HEAD = planOf(
  [
    res(BS, "oci-staging-ingress-ingress-http", health(30255)),
    res("oci:Core/instance:Instance", "oci-staging-server-0", { metadata: { user_data: "[secret]" }, freeformTags: { stack: "oci-staging", role: "server" } }, { protect: true }),
    res("oci:Core/instance:Instance", "oci-staging-ci-agent-0", { shape: "VM.Standard.E4.Flex" }),
  ],
  { loadBalancerIp: "203.0.113.10" },
);

describe("diffValues", () => {
  it("reports leaf paths, array items and keys that appear or vanish", () => {
    expect(diffValues({ a: { b: 1, c: [1, 2] } }, { a: { b: 2, c: [1], d: "x" } })).toEqual([
      { path: "a.b", before: 1, after: 2 },
      { path: "a.c[1]", before: 2, after: undefined },
      { path: "a.d", before: undefined, after: "x" },
    ]);
    expect(diffValues({ a: [{ x: 1 }] }, { a: [{ x: 1 }] })).toEqual([]);
  });
});

describe("diffPlans", () => {
  const d = diffPlans(BASE, HEAD);

  it("finds added, removed and changed resources by URN", () => {
    expect(d.added.map((r) => r.name)).toEqual(["oci-staging-ci-agent-0"]);
    expect(d.removed.map((r) => r.name)).toEqual(["oci-staging-net-node-ssh-bastion"]);
    expect(d.changed.map((c) => [c.name, c.changes.map((x) => x.path)])).toEqual([
      ["oci-staging-ingress-ingress-http", ["inputs.healthChecker.port"]],
      ["oci-staging-server-0", ["inputs.freeformTags.role", "protect"]],
    ]);
    expect(hasChanges(d)).toBe(true);
  });

  it("sees no change between a plan and itself, and ignores dependsOn order", () => {
    const a = planOf([res(BS, "x", {}, { dependsOn: ["u1", "u2"] })]);
    const b = planOf([res(BS, "x", {}, { dependsOn: ["u2", "u1"] })]);
    expect(hasChanges(diffPlans(BASE, BASE))).toBe(false);
    expect(hasChanges(diffPlans(a, b))).toBe(false);
  });

  it("reports stack output changes", () => {
    const o = diffPlans(planOf([], { ip: "203.0.113.10" }), planOf([], { ip: "203.0.113.11" }));
    expect(o.outputs).toEqual([{ path: "ip", before: "203.0.113.10", after: "203.0.113.11" }]);
  });
});

describe("renderDiffMarkdown", () => {
  it("puts the counts on the first line, then added, removed, changed with paths", () => {
    const md = renderDiffMarkdown(diffPlans(BASE, HEAD));
    const lines = md.split("\n");
    expect(lines[0]).toBe("**Plan diff for `oci-staging`**: 1 added, 1 removed, 2 changed");
    const order = ["#### Added (1)", "#### Removed (1)", "#### Changed (2)"].map((h) => lines.indexOf(h));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(md).toContain("- `oci:Core/instance:Instance` **oci-staging-ci-agent-0**");
    expect(md).toContain("  - `inputs.healthChecker.port`: `30254` → `30255`");
    expect(md).toContain("  - `protect`: `false` → `true`");
  });

  // The diff does no redaction itself: plans are redacted when recorded (src/plan/secrets.ts).
  it("shows a value turning secret as the placeholder, and cannot see a secret change", () => {
    const a = planOf([res("oci:Core/instance:Instance", "vm", { metadata: { user_data: "cGxhaW4=" } })]);
    const b = planOf([res("oci:Core/instance:Instance", "vm", { metadata: { user_data: "[secret]" } })]);
    const md = renderDiffMarkdown(diffPlans(a, b));
    expect(md).toContain('`inputs.metadata.user_data`: `"cGxhaW4="` → `"[secret]"`');
    // Both sides redacted: a changed secret cannot be seen, and is not reported.
    expect(hasChanges(diffPlans(b, b))).toBe(false);
  });

  it("says so when nothing changed, and truncates long values", () => {
    expect(renderDiffMarkdown(diffPlans(BASE, BASE)).split("\n")).toEqual(["**Plan diff for `oci-staging`**: 0 added, 0 removed, 0 changed", "", "No changes."]);
    const long = renderDiffMarkdown(diffPlans(planOf([res(BS, "x", { v: "a" })]), planOf([res(BS, "x", { v: "b".repeat(500) })])));
    expect(long.split("\n").find((l) => l.includes("inputs.v"))!.length).toBeLessThan(200);
  });
});

describe("plan JSON input", () => {
  it("rejects what is not a plan", () => {
    expect(() => asPlanJson({ resources: [] }, "x.json")).toThrow(/x\.json is not a plan JSON/);
    expect(() => asPlanJson({ stack: "s", resources: [{ name: "n" }] }, "x.json")).toThrow(/lacks urn or type/);
    expect(asPlanJson({ stack: "s", resources: [] }, "x.json").outputs).toEqual({});
  });
});

describe("CLI flags", () => {
  afterEach(() => vi.restoreAllMocks());

  it("parses --diff and --fail-on-changes, which needs --diff", () => {
    expect(parseArgs(["oci-prod", "--diff", "base.json", "--fail-on-changes"])).toEqual({ stack: "oci-prod", diff: "base.json", failOnChanges: true });
    expect(() => parseArgs(["--fail-on-changes"])).toThrow(/--fail-on-changes needs --diff/);
    expect(() => parseArgs(["--diff"])).toThrow(/--diff needs a value/);
  });

  it("exits 1 on an unreadable or malformed base plan, before planning", async () => {
    const err: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...a) => void err.push(a.join(" ")));
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const dir = tempDir("diff-");
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ hello: 1 }));
    expect(await main(["oci-staging", "--diff", join(dir, "missing.json")])).toBe(1);
    expect(await main(["oci-staging", "--diff", join(dir, "bad.json")])).toBe(1);
    expect(err.join("\n")).toMatch(/cannot read .*missing\.json[\s\S]*bad\.json is not a plan JSON/);
  });
});

describe("dependsOn and replacement options as sets", () => {
  it("reports a dependency added among others as that one addition, and a removal as a removal", () => {
    const a = planOf([res(BS, "x", {}, { dependsOn: [urn(BS, "a"), urn(BS, "c"), urn(BS, "d")] })]);
    const b = planOf([res(BS, "x", {}, { dependsOn: [urn(BS, "c"), urn(BS, "b"), urn(BS, "a")] })]);
    expect(diffPlans(a, b).changed[0].changes).toEqual([
      { path: "dependsOn", before: undefined, after: urn(BS, "b") },
      { path: "dependsOn", before: urn(BS, "d"), after: undefined },
    ]);
    const md = renderDiffMarkdown(diffPlans(a, b));
    expect(md).toContain(`  - \`dependsOn\`: added \`${BS}\` **b**`);
    expect(md).toContain(`  - \`dependsOn\`: removed \`${BS}\` **d**`);
  });

  it("shows a change of deleteBeforeReplace, ignoreChanges or replaceOnChanges", () => {
    const vm = (extra: Partial<PlanJsonResource>) => planOf([res("oci:Core/instance:Instance", "vm", { shape: "E4" }, extra)]);
    const before = vm({ deleteBeforeReplace: false, ignoreChanges: ["metadata"], replaceOnChanges: [] });
    const after = vm({ deleteBeforeReplace: true, ignoreChanges: ["sourceDetails.sourceId", "metadata"], replaceOnChanges: ["shape"] });
    const d = diffPlans(before, after);
    expect(d.changed[0].changes).toEqual([
      { path: "deleteBeforeReplace", before: false, after: true },
      { path: "ignoreChanges", before: undefined, after: "sourceDetails.sourceId" },
      { path: "replaceOnChanges", before: undefined, after: "shape" },
    ]);
    const md = renderDiffMarkdown(d);
    expect(md).toContain("  - `deleteBeforeReplace`: `false` → `true`");
    expect(md).toContain("  - `ignoreChanges`: added `sourceDetails.sourceId`");
    // The resource's line says how an `up` would replace it.
    expect(md).toContain("- `oci:Core/instance:Instance` **vm** (deleteBeforeReplace; ignoreChanges: `metadata`, `sourceDetails.sourceId`; replaceOnChanges: `shape`)");
  });

  it("marks a change that ignoreChanges keeps an `up` from applying", () => {
    const vm = (userData: string) => planOf([res("oci:Core/instance:Instance", "vm", { metadata: { user_data: userData }, shape: "E4" }, { ignoreChanges: ["metadata"] })]);
    const md = renderDiffMarkdown(diffPlans(vm("a"), vm("b")));
    expect(md).toContain('  - `inputs.metadata.user_data`: `"a"` → `"b"` (ignored by `pulumi up`: ignoreChanges)');
  });

  it("reads a plan JSON written before the options were recorded as having none", () => {
    const old = planOf([res(BS, "x", { a: 1 })]);
    const now = planOf([res(BS, "x", { a: 1 }, { deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [] })]);
    expect(hasChanges(diffPlans(old, now))).toBe(false);
  });
});

describe("a changed long value", () => {
  const yaml = (port: number) => ["jenkins:", "  nodes:", ...Array.from({ length: 30 }, (_, i) => `    - name: agent-${i}\n      port: ${i === 17 ? port : 22}`)].join("\n");

  it("shows as a line diff of the lines that changed, with a line of context", () => {
    const md = renderDiffMarkdown(diffPlans(planOf([res(BS, "x", { cfg: yaml(22) })]), planOf([res(BS, "x", { cfg: yaml(2222) })])));
    const lines = md.split("\n");
    const at = lines.indexOf("  - `inputs.cfg`: 1 line changed");
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 9)).toEqual(["    ```diff", "     …", "         - name: agent-17", "    -      port: 22", "    +      port: 2222", "         - name: agent-18", "     …", "    ```"]);
  });

  it("shows where a long one-line value differs, not two identical truncated prefixes", () => {
    const policy = (action: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/ci".repeat(3) }, Action: [action], Resource: "arn:aws:s3:::kops-state-store/*" }] });
    const md = renderDiffMarkdown(diffPlans(planOf([res(BS, "x", { policy: policy("s3:GetObject") })]), planOf([res(BS, "x", { policy: policy("s3:PutObject") })])));
    const line = md.split("\n").find((l) => l.includes("inputs.policy"))!;
    expect(line).toContain("Get");
    expect(line).toContain("Put");
    expect(line.length).toBeLessThan(260);
  });
});
