/**
 * Server address allocation over every node subnet the config admits (/26 or
 * larger, 1 to 7 servers). Addresses are read back with plain arithmetic here, not
 * with the CIDR module the allocator uses.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { serverPrivateIps, SERVER_OFFSET_FROM_TOP } from "../../src/config/addresses";

const toInt = (ip: string) => ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
const dotted = (n: number) => [2 ** 24, 2 ** 16, 2 ** 8, 1].map((d) => Math.floor(n / d) % 256).join(".");

/** A node subnet as config accepts it: canonical, /8 to /26. */
const subnet = fc.record({ addr: fc.integer({ min: 0, max: 0xffffffff }), prefix: fc.integer({ min: 8, max: 26 }) }).map(({ addr, prefix }) => {
  const size = 2 ** (32 - prefix);
  const first = addr - (addr % size);
  return { first, size, text: `${dotted(first)}/${prefix}` };
});
const serverCount = fc.integer({ min: 1, max: 7 });

describe("serverPrivateIps (properties)", () => {
  it("every server address lies inside the subnet, above OCI's two reserved low addresses and below its broadcast, and none repeats", () => {
    fc.assert(
      fc.property(subnet, serverCount, (s, count) => {
        const ips = serverPrivateIps(s.text, count);
        expect(ips).toHaveLength(count);
        expect(new Set(ips).size).toBe(count);
        for (const ip of ips) {
          expect(ip).toMatch(/^\d{1,3}(\.\d{1,3}){3}$/);
          const n = toInt(ip);
          // OCI reserves the network address, the gateway (first + 1) and the last address.
          expect(n).toBeGreaterThanOrEqual(s.first + 2);
          expect(n).toBeLessThan(s.first + s.size - 1);
        }
      }),
    );
  });

  it("no server address is one DHCP can hand an agent, whatever agent count the config lets fit", () => {
    fc.assert(
      fc.property(subnet, serverCount, fc.double({ min: 0, max: 1, noNaN: true }), (s, count, share) => {
        // The config admits as many DHCP VMs as fit below the servers' block (config/oci-platform.ts).
        const room = s.size - 2 - SERVER_OFFSET_FROM_TOP;
        const dhcp = Math.floor(share * room);
        const lastDhcp = s.first + 1 + dhcp; // DHCP hands out addresses from first + 2 upwards
        for (const ip of serverPrivateIps(s.text, count)) expect(toInt(ip)).toBeGreaterThan(lastDhcp);
      }),
    );
  });

  it("the first server's address depends only on the subnet, so adding servers never moves it", () => {
    fc.assert(
      fc.property(subnet, serverCount, serverCount, (s, a, b) => {
        const [few, many] = a <= b ? [a, b] : [b, a];
        expect(serverPrivateIps(s.text, many).slice(0, few)).toEqual(serverPrivateIps(s.text, few));
      }),
    );
  });

  it("refuses a subnet that is not a CIDR", () => {
    fc.assert(
      fc.property(
        fc.string().filter((t) => !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(t)),
        (t) => {
          expect(() => serverPrivateIps(t, 1)).toThrow(/not a CIDR/);
        },
      ),
    );
  });
});
