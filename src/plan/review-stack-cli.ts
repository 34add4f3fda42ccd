/**
 * `npm run review-stack -- <pr-number>`: writes `stacks/Pulumi.pr-<n>.yaml`.
 *
 * Run it after `pulumi config cp --stack <org>/oci-staging --dest <org>/pr-<n>`
 * (or `pulumi stack init ... --copy-config-from`): that copies staging's config
 * and re-encrypts its secrets for the new stack; this then applies the review
 * overrides (review-stack.ts) in place, keeping comments and encrypted values,
 * and adds staging's ESC `environment:` imports, which the copy leaves out. Without a copied file it starts from
 * staging's and drops encrypted values, which only the new stack could decrypt
 * (they then come from the stack's ESC environment or `pulumi config set --secret`).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isMap, isScalar, parseDocument, YAMLMap } from "yaml";
import { parseCommandLine, UsageError, wantsHelp } from "../cli/args";
import { editDocument } from "./config-edit";
import { readStackFile } from "./stack-file";
import { PROJECT } from "./run";
import { stackFilePath } from "./stack-file";
import { REVIEW_BASE_STACK, reviewOverrides } from "./review-stack";

export function writeReviewStackFile(stack: string, target = stackFilePath(stack)): { path: string; created: boolean; droppedSecrets: string[] } {
  const base = readStackFile(stackFilePath(REVIEW_BASE_STACK), PROJECT);
  const created = !existsSync(target);
  const doc = parseDocument(readFileSync(created ? stackFilePath(REVIEW_BASE_STACK) : target, "utf8"));
  const droppedSecrets: string[] = [];
  const config = doc.get("config") as YAMLMap | undefined;
  if (created && isMap(config)) {
    // Drop each encrypted value, not the section around it: `githubBot.githubToken`
    // goes, `githubBot.enabled` and `image` stay.
    const dropSecure = (map: YAMLMap, path: string) => {
      for (const item of [...map.items]) {
        const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
        const at = path ? `${path}.${key}` : key;
        if (isMap(item.value) && item.value.has("secure")) {
          map.delete(item.key);
          droppedSecrets.push(at);
        } else if (isMap(item.value)) dropSecure(item.value, at);
      }
    };
    if (base.secretKeys.size) dropSecure(config, "");
  }
  editDocument(doc, reviewOverrides(stack, base.values));
  // `pulumi config cp` copies config, not the ESC imports that bring the cloud credentials.
  const baseDoc = parseDocument(readFileSync(stackFilePath(REVIEW_BASE_STACK), "utf8"));
  if (baseDoc.has("environment") && !doc.has("environment")) doc.set("environment", baseDoc.get("environment"));
  const header = `Review stack ${stack}: ${REVIEW_BASE_STACK} with the overrides of src/plan/review-stack.ts (written by npm run review-stack).`;
  doc.commentBefore = created ? ` ${header}` : doc.commentBefore;
  writeFileSync(target, doc.toString());
  return { path: target, created, droppedSecrets };
}

export const USAGE = [
  "usage: npm run review-stack -- <pr-number>",
  "  writes stacks/Pulumi.pr-<pr-number>.yaml: oci-staging's config with the review overrides",
  "  (src/plan/review-stack.ts) and its ESC imports; run it after `pulumi config cp` (docs/delivery.md)",
].join("\n");

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    console.log(USAGE);
    process.exit(0);
  }
  let arg: string | undefined;
  try {
    arg = parseCommandLine(argv, {}, 1).positionals[0];
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n${USAGE}\n`);
    process.exit(1);
  }
  // No argument is a usage error, not an attempt on stack "".
  if (arg === undefined) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(1);
  }
  const stack = /^\d+$/.test(arg) ? `pr-${arg}` : arg;
  try {
    const r = writeReviewStackFile(stack);
    process.stderr.write(`${r.created ? "wrote" : "updated"} ${r.path}\n`);
    for (const k of r.droppedSecrets) process.stderr.write(`dropped encrypted ${k}: set it with pulumi config set --secret -s ${stack}, or import an ESC environment\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exit(1);
  }
}
