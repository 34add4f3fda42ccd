/**
 * The reviewed exceptions to the rules, and the buckets a stack may expose, read
 * from `policy/allowances.yaml`. Both the offline plan and the CrossGuard pack
 * honour the same file (the pack through the config the plan writes), so an
 * exception is granted once, in a pull request, with a reason and an expiry.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";
import { z } from "zod";

export const ALLOWANCES_FILE = resolve(__dirname, "../../policy/allowances.yaml");

const stacks = z.array(z.string().min(1)).min(1);
const date = z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.date().transform((d) => d.toISOString().slice(0, 10))]);

const schema = z.strictObject({
  publicBuckets: z
    .array(z.strictObject({ stacks, buckets: z.array(z.string().min(1)).min(1), reason: z.string().min(10) }))
    .nullish()
    .transform((x) => x ?? []),
  exceptions: z
    .array(
      z.strictObject({
        rule: z.string().min(1),
        stacks,
        /** Pulumi logical names of the resources excepted; `*` matches any run of characters. */
        resources: z.array(z.string().min(1)).min(1),
        reason: z.string().min(10),
        approvedBy: z.string().min(1),
        /** YYYY-MM-DD; after it the exception no longer applies. */
        expires: date,
      }),
    )
    .nullish()
    .transform((x) => x ?? []),
});

export type Allowances = z.output<typeof schema>;
export type PolicyException = Allowances["exceptions"][number];

/** Parses allowances text; throws with the file's problems named. */
export function parseAllowances(text: string, source = "policy/allowances.yaml"): Allowances {
  const result = schema.safeParse(parse(text) ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${source}: ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new Error(lines.join("\n"));
  }
  return result.data;
}

export function loadAllowances(file = ALLOWANCES_FILE): Allowances {
  return parseAllowances(readFileSync(file, "utf8"), file);
}

/** `pr-*` style patterns (stacks, resource names): `*` matches any run of characters. */
export function matches(patterns: readonly string[], name: string): boolean {
  return patterns.some((p) => new RegExp(`^${p.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(name));
}

export const stackMatches = matches;

export interface StackAllowances {
  readonly publicBuckets: string[];
  /** Exceptions in force for the stack. */
  readonly exceptions: PolicyException[];
  /** Exceptions for the stack whose date has passed: reported, not honoured. */
  readonly expired: PolicyException[];
}

export function allowancesFor(a: Allowances, stack: string, today = new Date().toISOString().slice(0, 10)): StackAllowances {
  const mine = a.exceptions.filter((e) => stackMatches(e.stacks, stack));
  return {
    publicBuckets: a.publicBuckets.filter((p) => stackMatches(p.stacks, stack)).flatMap((p) => p.buckets),
    exceptions: mine.filter((e) => e.expires >= today),
    expired: mine.filter((e) => e.expires < today),
  };
}

export function isExcepted(exceptions: readonly PolicyException[], rule: string, resource: string): boolean {
  return exceptions.some((e) => e.rule === rule && matches(e.resources, resource));
}
