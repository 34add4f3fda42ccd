/**
 * Config error lines for any wrong value: one line per problem, each naming the
 * full key, and a value at a secret key never shown, however it is wrong.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { SECRET_PLACEHOLDER } from "../../src/base/errors";
import { formatIssues } from "../../src/config/issues";

const schema = z
  .object({
    bot: z.object({ port: z.number().int().min(1024), token: z.string().min(200), tags: z.array(z.string()).optional() }).strict(),
    name: z.string().optional(),
  })
  .strict();
const hidden = (path: readonly PropertyKey[]) => path.at(-1) === "token";

const MARK = "s3cr3t";
const secret = fc.oneof(
  fc.string({ maxLength: 150 }).map((s) => `${MARK}${s}`),
  fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }).map((a) => ({ nested: `${MARK}${a.join("")}` })),
  fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 3 }).map((a) => a.map((s) => `${MARK}${s}`)),
);
const safeKey = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !k.includes(MARK) && !["port", "token", "tags", "bot", "name", "__proto__"].includes(k));
const junk = fc.jsonValue({ maxDepth: 2 }).filter((v) => !JSON.stringify(v).includes(MARK));
const bot = fc.record(
  { port: fc.oneof(fc.integer({ min: 1024, max: 65535 }), junk), token: secret, tags: fc.oneof(fc.array(fc.string()), junk), extra: junk, [" "]: junk },
  { requiredKeys: ["token"] },
);
const raw = fc.record({ bot: fc.oneof(bot, fc.array(bot, { maxLength: 1 })), name: junk, stray: fc.dictionary(safeKey, junk, { maxKeys: 2 }) }, { requiredKeys: [] });

describe("formatIssues (properties)", () => {
  it("every problem is one line that starts with the full key, and a secret never shows, even inside a wrong object", () => {
    fc.assert(
      fc.property(raw, (input) => {
        const result = schema.safeParse(input);
        if (result.success) return;
        const lines = formatIssues(result.error.issues, input, schema, hidden);
        expect(lines.length).toBeGreaterThan(0);
        for (const line of lines) {
          expect(line).toMatch(/^ci-infra:\S/);
          expect(line).not.toMatch(/[\n\r]/);
          expect(line).not.toContain(MARK);
        }
      }),
    );
  });

  it("a wrong secret is reported by its key with the placeholder in place of the value", () => {
    fc.assert(
      fc.property(secret, (token) => {
        const input = { bot: { port: 2000, token } };
        const result = schema.safeParse(input);
        expect(result.success).toBe(false);
        const lines = formatIssues(result.error!.issues, input, schema, hidden);
        expect(lines.some((l) => l.startsWith("ci-infra:bot.token ") && l.includes(SECRET_PLACEHOLDER))).toBe(true);
      }),
    );
  });
});
