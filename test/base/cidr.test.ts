import { describe, expect, it } from "vitest";
import { cidrContains, cidrOverlaps, parseCidr } from "../../src/base/cidr";

describe("parseCidr", () => {
  it.each(["10.0.0.0/16", "0.0.0.0/0", "192.168.1.128/25", "203.0.113.7/32"])("accepts %s", (c) => {
    expect(parseCidr(c)?.text).toBe(c);
  });
  it.each(["10.0.0.1/24", "10.0.0.0/33", "256.0.0.0/8", "10.0.0.0", "10.0.0/8", "fd00::/8", ""])("rejects %s", (c) => {
    expect(parseCidr(c)).toBeUndefined();
  });
});

describe("containment and overlap", () => {
  const c = (s: string) => parseCidr(s)!;
  it("a subnet lies inside its VCN, not the other way round", () => {
    expect(cidrContains(c("10.0.0.0/16"), c("10.0.1.0/24"))).toBe(true);
    expect(cidrContains(c("10.0.1.0/24"), c("10.0.0.0/16"))).toBe(false);
    expect(cidrContains(c("10.0.0.0/16"), c("10.1.0.0/24"))).toBe(false);
  });
  it("adjacent ranges do not overlap; nested ones do", () => {
    expect(cidrOverlaps(c("10.0.0.0/24"), c("10.0.1.0/24"))).toBe(false);
    expect(cidrOverlaps(c("10.0.0.0/23"), c("10.0.1.0/24"))).toBe(true);
    expect(cidrOverlaps(c("0.0.0.0/0"), c("10.0.1.0/24"))).toBe(true);
  });
});

describe("canonical spelling", () => {
  it("refuses leading zeros, which some tools read as octal", () => {
    for (const t of ["010.0.0.0/8", "10.0.0.0/08", "10.00.0.0/16", "192.168.001.0/24"]) expect(parseCidr(t), t).toBeUndefined();
    for (const t of ["10.0.0.0/8", "0.0.0.0/0", "100.64.0.0/10", "10.20.0.0/16"]) expect(parseCidr(t)?.text, t).toBe(t);
  });
});
