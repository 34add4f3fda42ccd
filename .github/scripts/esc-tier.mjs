#!/usr/bin/env node
/**
 * `node .github/scripts/esc-tier.mjs <stack-file> <tier>`: points a stack file's
 * ESC imports at another tier of the same environments, in place:
 * `environment: [ci-infra/oci-prod]` becomes `[ci-infra/oci-prod-readonly]`.
 *
 * Why: a stack file imports the environment that `pulumi up` needs
 * (`<project>/<stack>`, deploy credentials). Previews and drift detection run
 * with a read-only Pulumi team token that may open only `<project>/<stack>-readonly`
 * (read-only cloud identities), and review stacks only `<project>/oci-staging-review`.
 * The token's ESC permissions are the boundary; this rewrite only makes the job
 * ask for the environment it may open. A job that skips it fails to open the
 * deploy environment instead of getting write credentials.
 *
 * Only the top-level `environment:` block is touched (a list, or `imports:` with a
 * list), item by item, so comments and the rest of the file stay as they are.
 * No dependencies: drift.yml runs it before any `npm ci` of the checkout.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const TIER = /^[a-z][a-z0-9-]{0,30}$/;
/** `- <project>/<environment>` with an optional trailing comment. */
const ITEM = /^(\s+-\s+)(["']?)([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)\2(\s*(?:#.*)?)$/;

/** The stack file's text with every ESC import moved to `tier`, and the new names. */
export function retier(text, tier) {
  if (!TIER.test(tier)) throw new Error(`tier "${tier}": expected lowercase letters, digits and dashes`);
  const lines = text.split("\n");
  const start = lines.findIndex((l) => /^environment:\s*(#.*)?$/.test(l));
  if (start < 0) throw new Error("no top-level `environment:` block: the stack imports no ESC environment");
  const imports = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    if (/^\S/.test(line)) break; // the next top-level key
    if (/^\s*(#.*)?$/.test(line) || /^\s+imports:\s*(#.*)?$/.test(line)) continue;
    const m = ITEM.exec(line);
    if (!m) throw new Error(`line ${i + 1}: not an import this script understands: ${line.trim()}`);
    const [, lead, quote, name, rest] = m;
    const next = name.endsWith(`-${tier}`) ? name : `${name}-${tier}`;
    lines[i] = `${lead}${quote}${next}${quote}${rest}`;
    imports.push(next);
  }
  if (imports.length === 0) throw new Error("the `environment:` block lists no imports");
  return { text: lines.join("\n"), imports };
}

function main(argv) {
  const [file, tier] = argv;
  if (!file || !tier || argv.length !== 2) {
    process.stderr.write("usage: node .github/scripts/esc-tier.mjs <stack-file> <tier>\n");
    return 2;
  }
  try {
    const r = retier(readFileSync(file, "utf8"), tier);
    writeFileSync(file, r.text);
    process.stdout.write(`${file}: ESC imports ${r.imports.join(", ")}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`${file}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(main(process.argv.slice(2)));
