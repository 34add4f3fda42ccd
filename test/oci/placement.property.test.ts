/**
 * Placement of n VMs over 1 to 3 availability domains (OCI regions have one or
 * three) and the three fault domains of each: one failure takes as few as possible.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FAULT_DOMAINS, placement } from "../../src/oci/placement";

const ads = fc.integer({ min: 1, max: 3 }).map((k) => Array.from({ length: k }, (_, i) => `AD-${i + 1}`));
const vms = fc.integer({ min: 1, max: 60 });

function place(n: number, domains: readonly string[]) {
  return Array.from({ length: n }, (_, i) => placement(i, domains));
}
function tally(keys: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

describe("placement (properties)", () => {
  it("uses only the region's availability domains and OCI's three fault domains", () => {
    fc.assert(
      fc.property(vms, ads, (n, domains) => {
        for (const p of place(n, domains)) {
          expect(domains).toContain(p.availabilityDomain);
          expect(FAULT_DOMAINS).toContain(p.faultDomain);
        }
      }),
    );
  });

  it("in a one-AD region, no fault domain holds more than ceil(n/3) of n VMs", () => {
    fc.assert(
      fc.property(vms, (n) => {
        const perFd = tally(place(n, ["AD-1"]).map((p) => p.faultDomain));
        for (const held of perFd.values()) expect(held).toBeLessThanOrEqual(Math.ceil(n / 3));
      }),
    );
  });

  it("no availability domain holds more than ceil(n/k) VMs, and inside each no fault domain more than a third of its share, rounded up", () => {
    fc.assert(
      fc.property(vms, ads, (n, domains) => {
        const placed = place(n, domains);
        const perAd = tally(placed.map((p) => p.availabilityDomain));
        for (const [ad, held] of perAd) {
          expect(held).toBeLessThanOrEqual(Math.ceil(n / domains.length));
          const perFd = tally(placed.filter((p) => p.availabilityDomain === ad).map((p) => p.faultDomain));
          for (const inFd of perFd.values()) expect(inFd).toBeLessThanOrEqual(Math.ceil(held / 3));
        }
      }),
    );
  });

  it("the first 3k VMs of a k-AD region never share an (AD, fault domain) pair", () => {
    fc.assert(
      fc.property(vms, ads, (n, domains) => {
        const first = place(Math.min(n, 3 * domains.length), domains);
        expect(new Set(first.map((p) => `${p.availabilityDomain}/${p.faultDomain}`)).size).toBe(first.length);
      }),
    );
  });

  it("refuses a region with no availability domain", () => {
    expect(() => placement(0, [])).toThrow(/no availability domains/);
  });
});
