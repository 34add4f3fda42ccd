/**
 * plan-comment.yml treats everything a pull request controls as untrusted. Its two
 * github-script steps run here against a fake GitHub: which artifacts the first
 * lets through to the download, and what the second reads, refuses and posts.
 */
import * as fs from "node:fs";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { join } from "node:path";
import { parse } from "yaml";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { fakeGithub, newCalls, runScript, scriptOf } from "./github-script";
import { removeTempDirs, tempDir } from "../runtime";

afterAll(removeTempDirs);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const FILE = "plan-comment.yml";
const ENV: Record<string, string> = parse(readFileSync(join(__dirname, "../../.github/workflows", FILE), "utf8")).env;
const CHECK = scriptOf(FILE, "comment", "check");
const POST = scriptOf(FILE, "comment", 1);
const MAX_COMMENTS = Number(ENV.MAX_COMMENTS);

function artifact(id: number, name: string, size = 2000): Any {
  return { id, name, size_in_bytes: size, expired: false };
}

async function check(opts: { branch?: string; stacks: string[]; artifacts: Any[] }) {
  const rec = newCalls();
  const github = fakeGithub(
    {
      "repos.get": () => ({ default_branch: opts.branch ?? "main" }),
      "repos.getContent": () => [...opts.stacks.map((s) => ({ name: `Pulumi.${s}.yaml` })), { name: "README.md" }],
      "actions.listWorkflowRunArtifacts": () => opts.artifacts,
    },
    rec,
  );
  await runScript(CHECK, { github, env: { ...ENV, RUN_ID: "99" }, rec });
  return rec;
}

describe("plan-comment.yml: which artifacts are downloaded", () => {
  it("takes stack names from the default branch's stacks/, not from the run", async () => {
    const rec = await check({ branch: "trunk", stacks: ["oci-staging", "oci-prod"], artifacts: [artifact(1, "plan-comment-oci-staging"), artifact(2, "plan-comment-added-by-the-pr"), artifact(3, "plan-comment-..%2Fx"), artifact(4, "plan-oci-staging")] });
    expect(rec.calls.find((c) => c.api === "repos.getContent")!.params).toMatchObject({ path: "stacks", ref: "trunk" });
    expect(rec.outputs.ids).toBe("1");
    expect(JSON.parse(rec.outputs.stacks)).toEqual(["oci-staging"]);
    expect(rec.warnings.join("\n")).toContain("plan-comment-added-by-the-pr");
  });

  it("checks each artifact's size before the download and skips oversized ones", async () => {
    const rec = await check({ stacks: ["oci-staging", "oci-prod"], artifacts: [artifact(1, "plan-comment-oci-staging", Number(ENV.MAX_ARTIFACT_BYTES) + 1), artifact(2, "plan-comment-oci-prod")] });
    expect(rec.outputs.ids).toBe("2");
    expect(rec.warnings.join("\n")).toMatch(/plan-comment-oci-staging: \d+ bytes/);
  });

  it("caps the comments of one run", async () => {
    const stacks = Array.from({ length: MAX_COMMENTS + 5 }, (_, i) => `s${String(i).padStart(2, "0")}`);
    const rec = await check({ stacks, artifacts: stacks.map((s, i) => artifact(i + 1, `plan-comment-${s}`)) });
    expect(rec.outputs.ids.split(",")).toHaveLength(MAX_COMMENTS);
  });
});

/** Writes the downloaded artifacts as download-artifact lays them out. */
function downloaded(files: Record<string, Record<string, string>>): string {
  const root = tempDir("plan-comment-");
  const stacks = Object.keys(files);
  for (const [stack, content] of Object.entries(files)) {
    const dir = stacks.length === 1 ? join(root, "comments") : join(root, "comments", `plan-comment-${stack}`);
    mkdirSync(dir, { recursive: true });
    for (const [name, body] of Object.entries(content)) writeFileSync(join(dir, name), body);
  }
  return root;
}

/** `require("fs")` and `require("path")` as the script sees them, rooted at `root` (the job's working directory). */
function rooted(root: string) {
  const at = (p: string) => path.resolve(root, p);
  const fsView = { lstatSync: (p: string) => fs.lstatSync(at(p)), readFileSync: (p: string, e: BufferEncoding) => fs.readFileSync(at(p), e) };
  return (m: string) => (m === "fs" ? fsView : m === "path" ? path : require(m));
}

const HEAD = { sha: "a".repeat(40), repo: "o/r", branch: "feature" };

async function post(opts: { files: Record<string, Record<string, string>>; pr?: Partial<Any>; comments?: Any[]; root?: string }) {
  const rec = newCalls();
  const pr = { state: "open", head: { sha: HEAD.sha, ref: HEAD.branch, repo: { full_name: HEAD.repo } }, ...opts.pr };
  const github = fakeGithub({ "pulls.get": () => pr, "issues.listComments": () => opts.comments ?? [] }, rec);
  const root = opts.root ?? downloaded(opts.files);
  await runScript(POST, { github, env: { ...ENV, HEAD_SHA: HEAD.sha, HEAD_REPO: HEAD.repo, HEAD_BRANCH: HEAD.branch, STACKS: JSON.stringify(Object.keys(opts.files)) }, require: rooted(root), rec });
  return rec;
}

const comment = (stack: string, body = `### plan of ${stack}`) => ({ "pr-number": "42\n", stack: `${stack}\n`, [`${stack}.md`]: body });

describe("plan-comment.yml: what is read and posted", () => {
  it("posts one comment per stack with its own marker, editing the bot's earlier one, stripping markers from the body", async () => {
    const rec = await post({
      files: { "oci-staging": comment("oci-staging", "<!-- ci-infra-plan:oci-prod -->\nstaging plan"), "oci-prod": comment("oci-prod") },
      comments: [{ id: 5, user: { type: "Bot" }, body: "<!-- ci-infra-plan:oci-prod -->\nold" }, { id: 6, user: { type: "User" }, body: "<!-- ci-infra-plan:oci-staging -->\nspoofed" }],
    });
    expect(rec.failed).toEqual([]);
    const created = rec.calls.filter((c) => c.api === "issues.createComment").map((c) => c.params);
    const updated = rec.calls.filter((c) => c.api === "issues.updateComment").map((c) => c.params);
    expect(created).toEqual([{ owner: "o", repo: "r", issue_number: 42, body: "<!-- ci-infra-plan:oci-staging -->\n\nstaging plan" }]);
    expect(updated).toEqual([{ owner: "o", repo: "r", comment_id: 5, body: "<!-- ci-infra-plan:oci-prod -->\n### plan of oci-prod" }]);
  });

  it("reads a lone artifact where download-artifact puts it (the path itself)", async () => {
    const rec = await post({ files: { "oci-staging": comment("oci-staging") } });
    expect(rec.failed).toEqual([]);
    expect(rec.calls.filter((c) => c.api === "issues.createComment")).toHaveLength(1);
  });

  it.each([
    ["another head repository (a fork with the same branch and commit)", { head: { sha: HEAD.sha, ref: HEAD.branch, repo: { full_name: "fork/r" } } }],
    ["another head branch", { head: { sha: HEAD.sha, ref: "other", repo: { full_name: HEAD.repo } } }],
    ["another head commit", { head: { sha: "b".repeat(40), ref: HEAD.branch, repo: { full_name: HEAD.repo } } }],
    ["a closed pull request", { state: "closed" }],
  ])("refuses %s", async (_what, pr) => {
    const rec = await post({ files: { "oci-staging": comment("oci-staging"), "oci-prod": comment("oci-prod") }, pr });
    expect(rec.failed).toHaveLength(1);
    expect(rec.calls.filter((c) => /Comment$/.test(c.api))).toEqual([]);
  });

  it("refuses to read a file above the size limit, or one that is not a regular file", async () => {
    const big = "x".repeat(Number(ENV.MAX_FILE_BYTES) + 1);
    await expect(post({ files: { "oci-staging": comment("oci-staging", big), "oci-prod": comment("oci-prod") } })).rejects.toThrow(/not a regular file of at most/);
    const root = downloaded({ "oci-staging": comment("oci-staging"), "oci-prod": comment("oci-prod") });
    const md = join(root, "comments", "plan-comment-oci-prod", "oci-prod.md");
    fs.rmSync(md);
    symlinkSync("/etc/passwd", md);
    await expect(post({ files: { "oci-staging": comment("oci-staging"), "oci-prod": comment("oci-prod") }, root })).rejects.toThrow(/oci-prod\.md: not a regular file/);
  });

  it("skips an artifact whose stack file names another stack", async () => {
    const rec = await post({ files: { "oci-staging": { ...comment("oci-staging"), stack: "oci-prod\n" }, "oci-prod": comment("oci-prod") } });
    expect(rec.calls.filter((c) => c.api === "issues.createComment")).toHaveLength(1);
    expect(rec.warnings.join("\n")).toContain("names another stack");
  });
});
