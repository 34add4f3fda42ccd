/** How messages name keys and show values, for any key and any value. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clip, keyOf, NAMESPACE, show, SHOWN_CHARS } from "../../src/base/format";

const suffix = /… \((\d+) characters\)$/;
/** Any text, often right at the cut (SHOWN_CHARS ± 2), where an off-by-one would show. */
const text = (unit?: "binary") =>
  fc.oneof(
    fc.string({ unit, maxLength: 400 }),
    // One UTF-16 unit each (a newline, a quote, a control character among them), so the length is exact.
    fc.integer({ min: SHOWN_CHARS - 2, max: SHOWN_CHARS + 2 }).chain((n) => fc.string({ unit: fc.constantFrom("a", "\n", '"', "\\", "\u0001", "é"), minLength: n, maxLength: n })),
  );

describe("key and value formatting (properties)", () => {
  it("clip keeps short text whole and cuts long text to SHOWN_CHARS characters, naming the full length", () => {
    fc.assert(
      fc.property(text(), (text) => {
        const out = clip(text);
        if (text.length <= SHOWN_CHARS) {
          expect(out).toBe(text);
        } else {
          expect(out.startsWith(text.slice(0, SHOWN_CHARS))).toBe(true);
          expect(Number(suffix.exec(out)?.[1])).toBe(text.length);
          expect(out.slice(SHOWN_CHARS)).toMatch(/^… \(\d+ characters\)$/);
        }
      }),
    );
  });

  it("a string value is shown quoted on one line; a short one reads back exactly, a long one as its first SHOWN_CHARS characters", () => {
    fc.assert(
      fc.property(text("binary"), (text) => {
        const out = show(text);
        expect(out).not.toMatch(/[\n\r]/);
        if (text.length <= SHOWN_CHARS) {
          expect(JSON.parse(out)).toBe(text);
        } else {
          const m = /^(".*") \((\d+) characters\)$/.exec(out);
          expect(m).not.toBeNull();
          expect(JSON.parse(m![1])).toBe(`${text.slice(0, SHOWN_CHARS)}…`);
          expect(Number(m![2])).toBe(text.length);
        }
      }),
    );
  });

  it("numbers and booleans are shown bare; any other JSON value as JSON, on one line, cut like text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.boolean()), (v) => {
        expect(show(v)).toBe(String(v));
      }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue()), fc.constant(null)), (v) => {
        const out = show(v);
        const json = JSON.stringify(v);
        expect(out).not.toMatch(/[\n\r]/);
        if (json.length <= SHOWN_CHARS) expect(JSON.parse(out)).toEqual(JSON.parse(json));
        else expect(out).toBe(`${json.slice(0, SHOWN_CHARS)}… (${json.length} characters)`);
      }),
    );
  });

  it("a key path reads back from its key: namespace, dotted names, [index] for array positions", () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,30}$/);
    const path = fc.tuple(name, fc.array(fc.oneof(name, fc.nat({ max: 99 })), { maxLength: 6 })).map(([h, t]) => [h, ...t]);
    fc.assert(
      fc.property(path, (p) => {
        const key = keyOf(p);
        expect(key.startsWith(`${NAMESPACE}:`)).toBe(true);
        const m = /^ci-infra:([^.[\]]+)((?:\.[^.[\]]+|\[\d+\])*)$/.exec(key);
        expect(m, key).not.toBeNull();
        const rest = [...m![2].matchAll(/\[(\d+)\]|\.([^.[\]]+)/g)].map((x) => (x[1] !== undefined ? Number(x[1]) : x[2]));
        expect([m![1], ...rest]).toEqual(p);
      }),
    );
  });

  it("no key segment shows more than SHOWN_CHARS of its name, however long", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 500 }).filter((s) => !/[.[\]]/.test(s)), { minLength: 1, maxLength: 4 }), (p) => {
        const key = keyOf(p);
        for (const seg of p) expect(key).toContain(seg.length <= SHOWN_CHARS ? seg : `${seg.slice(0, SHOWN_CHARS)}… (${seg.length} characters)`);
        expect(key.length).toBeLessThanOrEqual(NAMESPACE.length + 1 + p.length * (SHOWN_CHARS + 1 + "… (500 characters)".length));
      }),
    );
  });
});
