/**
 * CIDR arithmetic over the whole IPv4 space. The oracle is plain interval maths on
 * [first, last] address ranges, written here without the module's masks.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cidrContains, cidrOverlaps, formatIpv4, parseCidr } from "../../src/base/cidr";

const uint32 = fc.integer({ min: 0, max: 0xffffffff });

/** A canonical block: any address with its host bits cleared, any prefix. */
const block = fc.record({ addr: uint32, prefix: fc.integer({ min: 0, max: 32 }) }).map(({ addr, prefix }) => {
  const size = 2 ** (32 - prefix);
  const first = addr - (addr % size); // clears the host bits without bit operators
  return { first, last: first + size - 1, prefix, text: `${formatIpv4(first)}/${prefix}` };
});

describe("CIDR arithmetic (properties)", () => {
  it("formatIpv4 writes four decimal octets that read back as the same address", () => {
    fc.assert(
      fc.property(uint32, (n) => {
        const octets = formatIpv4(n).split(".");
        expect(octets).toHaveLength(4);
        for (const o of octets) expect(o).toMatch(/^(0|[1-9]\d{0,2})$/);
        expect(octets.reduce((acc, o) => acc * 256 + Number(o), 0)).toBe(n);
      }),
    );
  });

  it("every canonical block parses to its first address and prefix", () => {
    fc.assert(
      fc.property(block, (b) => {
        expect(parseCidr(b.text)).toEqual({ base: b.first, prefix: b.prefix, text: b.text });
      }),
    );
  });

  it("an address with any host bit set is refused, never widened or narrowed", () => {
    const withHostBits = fc
      .record({ addr: uint32, prefix: fc.integer({ min: 0, max: 31 }) })
      .filter(({ addr, prefix }) => addr % 2 ** (32 - prefix) !== 0);
    fc.assert(
      fc.property(withHostBits, ({ addr, prefix }) => {
        expect(parseCidr(`${formatIpv4(addr)}/${prefix}`)).toBeUndefined();
      }),
    );
  });

  it("an octet above 255 or a prefix above 32 is refused", () => {
    const badOctet = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 256, max: 999 }), uint32);
    fc.assert(
      fc.property(badOctet, ([at, octet, n]) => {
        const parts = formatIpv4(n).split(".");
        parts[at] = String(octet);
        expect(parseCidr(`${parts.join(".")}/32`)).toBeUndefined();
      }),
    );
    fc.assert(fc.property(fc.integer({ min: 33, max: 99 }), (p) => {
        expect(parseCidr(`0.0.0.0/${p}`)).toBeUndefined();
      }),
    );
  });

  it("containment is exactly interval inclusion", () => {
    fc.assert(
      fc.property(block, block, (a, b) => {
        expect(cidrContains(parseCidr(a.text)!, parseCidr(b.text)!)).toBe(b.first >= a.first && b.last <= a.last);
      }),
    );
  });

  it("overlap is exactly a shared address, and two blocks overlap only when one holds the other", () => {
    // Biased towards nearby blocks: uniformly drawn ones almost never meet.
    const near = block.chain((a) =>
      fc.record({ delta: fc.integer({ min: -1024, max: 1024 }), prefix: fc.integer({ min: 0, max: 32 }) }).map(({ delta, prefix }) => {
        const size = 2 ** (32 - prefix);
        const addr = Math.min(0xffffffff, Math.max(0, a.first + delta * 2 ** Math.max(0, 32 - a.prefix - 4)));
        const first = addr - (addr % size);
        return [a, { first, last: first + size - 1, prefix, text: `${formatIpv4(first)}/${prefix}` }] as const;
      }),
    );
    fc.assert(
      fc.property(fc.oneof(near, fc.tuple(block, block)), ([a, b]) => {
        const pa = parseCidr(a.text)!;
        const pb = parseCidr(b.text)!;
        const shared = a.first <= b.last && b.first <= a.last;
        expect(cidrOverlaps(pa, pb)).toBe(shared);
        expect(cidrOverlaps(pb, pa)).toBe(shared);
        expect(shared).toBe(cidrContains(pa, pb) || cidrContains(pb, pa));
      }),
    );
  });
});
