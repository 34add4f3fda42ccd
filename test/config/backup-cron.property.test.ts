/**
 * cronIntervalHours against a brute-force oracle: expand the hour field as cron
 * does, walk two days hour by hour, and measure the longest wait for the next run.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cronIntervalHours } from "../../src/config/platform-apps";

function longestGap(hours: ReadonlySet<number>): number {
  let longest = 0;
  for (let start = 0; start < 24; start++) {
    if (!hours.has(start)) continue;
    let wait = 1;
    while (!hours.has((start + wait) % 24)) wait++;
    longest = Math.max(longest, wait);
  }
  return longest;
}
const everyN = (n: number) => new Set(Array.from({ length: 24 }, (_, h) => h).filter((h) => h % n === 0));

const minute = fc.integer({ min: 0, max: 59 }).map(String);
const hourList = fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 24 });
const space = fc.stringMatching(/^[ \t]{1,3}$/);

describe("cronIntervalHours (properties)", () => {
  it("a list of hours runs at most the longest cyclic gap apart, in any order, with repeats, at any minute", () => {
    fc.assert(
      fc.property(minute, hourList, fc.array(fc.integer({ min: 0, max: 23 }), { maxLength: 3 }), (m, hours, repeats) => {
        const field = [...hours, ...repeats.filter((h) => hours.includes(h))].join(",");
        expect(cronIntervalHours(`${m} ${field} * * *`)).toBe(longestGap(new Set(hours)));
      }),
    );
  });

  it("*/N runs at most N hours apart for every N from 1 to 24, and * means every hour", () => {
    fc.assert(
      fc.property(minute, fc.integer({ min: 1, max: 24 }), (m, n) => {
        expect(cronIntervalHours(`${m} */${n} * * *`)).toBe(longestGap(everyN(n)));
      }),
    );
    fc.assert(
      fc.property(minute, (m) => {
        expect(cronIntervalHours(`${m} * * * *`)).toBe(1);
      }),
    );
  });

  it("spacing between fields does not change the answer", () => {
    fc.assert(
      fc.property(minute, hourList, fc.array(space, { minLength: 6, maxLength: 6 }), (m, hours, gaps) => {
        const [lead, a, b, c, d, trail] = gaps;
        const spaced = `${lead}${m}${a}${hours.join(",")}${b}*${c}*${d}*${trail}`;
        expect(cronIntervalHours(spaced)).toBe(longestGap(new Set(hours)));
      }),
    );
  });

  it("refuses what it cannot reason about: a day, month or weekday other than *, a minute step or range, an hour above 23, */0", () => {
    const restricted = fc.tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom("1", "*/2", "1-5", "MON", "1,15"));
    fc.assert(
      fc.property(minute, hourList, restricted, (m, hours, [at, value]) => {
        const rest = ["*", "*", "*"];
        rest[at] = value;
        expect(cronIntervalHours(`${m} ${hours.join(",")} ${rest.join(" ")}`)).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom("*/5", "*", "0-30", "60", "99"), hourList, (m, hours) => {
        expect(cronIntervalHours(`${m} ${hours.join(",")} * * *`)).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(minute, hourList, fc.integer({ min: 24, max: 99 }), (m, hours, bad) => {
        expect(cronIntervalHours(`${m} ${[...hours, bad].join(",")} * * *`)).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(minute, fc.integer({ min: 25, max: 99 }), (m, n) => {
        expect(cronIntervalHours(`${m} */${n} * * *`)).toBeUndefined();
      }),
    );
    expect(cronIntervalHours("0 */0 * * *")).toBeUndefined();
  });

  it("never answers outside 1..24 hours, whatever the text", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const h = cronIntervalHours(text);
        if (h !== undefined) {
          expect(Number.isInteger(h)).toBe(true);
          expect(h).toBeGreaterThanOrEqual(1);
          expect(h).toBeLessThanOrEqual(24);
        }
      }),
    );
  });
});
