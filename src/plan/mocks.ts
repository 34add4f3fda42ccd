/**
 * The mocked providers of the offline plan and the tests. Invokes answer from
 * realistic fixtures; any invoke without a fixture throws, so nothing passes by
 * accident (as pulumi-awsx's tests do). Computed outputs are derived from inputs
 * the way the cloud would (a VM's private IP comes from its subnet's range).
 *
 * Every value is a pure function of the resource (type, name, inputs), never of
 * creation order: the plan diff compares two runs, and a counter would move every
 * value created after an added resource (issue 12). Generated material (keys,
 * certificates, passwords) hashes the inputs too, since changing them replaces it.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { SERVER_OFFSET_FROM_TOP } from "../config/addresses";
import { formatIpv4, parseCidr } from "../base/cidr";
import { AVAILABILITY_DOMAINS, CUSTOM_IMAGE, OBJECT_STORAGE_NAMESPACE, OL79_ARM_IMAGES, OL79_X86_IMAGES } from "./fixtures";
import { KOPS_INVOKES } from "./fixtures-kops";
import { SHAPES } from "../compat/oci-shapes";

type Inputs = Record<string, unknown>;
type InvokeHandler = (inputs: Inputs) => Inputs;

export interface RecordedInvoke {
  readonly token: string;
  readonly inputs: Inputs;
}

const INVOKES: Record<string, InvokeHandler> = {
  "oci:Identity/getAvailabilityDomains:getAvailabilityDomains": (a) => ({
    compartmentId: a.compartmentId,
    id: "ads",
    availabilityDomains: AVAILABILITY_DOMAINS.map((name, i) => ({ name, id: `ocid1.availabilitydomain.oc1..ad${i + 1}`, compartmentId: a.compartmentId })),
  }),
  "oci:Core/getImages:getImages": (a) => {
    const arch = SHAPES[String(a.shape)]?.arch ?? "x86_64";
    const all = arch === "aarch64" ? OL79_ARM_IMAGES : OL79_X86_IMAGES;
    const filters = (a.filters as { name: string; values: string[]; regex?: boolean }[] | undefined) ?? [];
    const images = all.filter(
      (img) =>
        img.operatingSystem === a.operatingSystem &&
        img.operatingSystemVersion === a.operatingSystemVersion &&
        filters.every((f) => f.name !== "display_name" || f.values.some((v) => (f.regex ? new RegExp(v).test(img.displayName) : v === img.displayName))),
    );
    return { ...a, id: "images", images };
  },
  "oci:Core/getImage:getImage": (a) => {
    const image = [CUSTOM_IMAGE, ...OL79_X86_IMAGES, ...OL79_ARM_IMAGES].find((i) => i.id === a.imageId);
    if (!image) throw new Error(`image ${String(a.imageId)} not found (404)`);
    return { ...image, imageId: a.imageId };
  },
  "oci:ObjectStorage/getNamespace:getNamespace": (a) => ({ ...a, id: "namespace", namespace: OBJECT_STORAGE_NAMESPACE }),
  ...KOPS_INVOKES,
};

/** JSON with object keys sorted, so equal values always hash alike. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Inputs)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** A stable digest of what identifies a mocked value. */
function digest(...parts: unknown[]): string {
  return createHash("sha256").update(canonical(parts)).digest("hex");
}

/** Stand-ins for generated key material: the right shape, obviously fake. */
function fakePem(label: string, seed: string): string {
  return `-----BEGIN ${label}-----\nTU9DSy0${seed.slice(0, 16)}\n-----END ${label}-----\n`;
}

function fakeKey(algorithm: string, seed: string): Inputs {
  const sshType = algorithm === "ED25519" ? "ssh-ed25519" : algorithm === "RSA" ? "ssh-rsa" : "ecdsa-sha2-nistp256";
  return {
    privateKeyPem: fakePem(algorithm === "RSA" ? "RSA PRIVATE KEY" : "PRIVATE KEY", seed),
    privateKeyOpenssh: fakePem("OPENSSH PRIVATE KEY", seed),
    publicKeyPem: fakePem("PUBLIC KEY", seed),
    publicKeyOpenssh: `${sshType} AAAAMOCK${seed.slice(0, 16)}\n`,
  };
}

/** An address in 203.0.113.0/24 (TEST-NET-3): one that can never be someone's real one. */
function testNetIp(seed: string): string {
  return `203.0.113.${1 + (parseInt(seed.slice(0, 8), 16) % 254)}`;
}

export class PlanMocks implements pulumi.runtime.Mocks {
  readonly invokes: RecordedInvoke[] = [];
  private readonly byId = new Map<string, Inputs>();
  /** Private addresses handed out per subnet ID, as integers. */
  private readonly taken = new Map<string, Set<number>>();

  call(args: pulumi.runtime.MockCallArgs): Inputs {
    const handler = INVOKES[args.token];
    if (!handler) throw new Error(`Mock not implemented: ${args.token}`);
    this.invokes.push({ token: args.token, inputs: args.inputs });
    return handler(args.inputs);
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Inputs } {
    const id = `${args.name}-id`;
    const state: Inputs = { ...args.inputs, ...this.computed(args.type, args.name, args.inputs) };
    this.byId.set(id, state);
    return { id, state };
  }

  private computed(type: string, name: string, inputs: Inputs): Inputs {
    // Addresses belong to the resource whatever its other inputs (tags change in place).
    const identity = digest(type, name);
    // Generated material is replaced, so regenerated, when its inputs change.
    const generated = () => digest(type, name, inputs);
    switch (type) {
      case "oci:Core/vcn:Vcn":
        return { defaultSecurityListId: `${String(inputs.displayName)}-default-sl-id`, defaultRouteTableId: `${String(inputs.displayName)}-default-rt-id` };
      case "oci:Core/instance:Instance": {
        const vnic = (inputs.createVnicDetails as Inputs | undefined) ?? {};
        return { privateIp: this.privateIp(String(vnic.subnetId), identity, vnic.privateIp as string | undefined), state: "RUNNING" };
      }
      case "oci:Bastion/bastion:Bastion":
        // The bastion's private endpoint takes an address in its target subnet.
        return { privateEndpointIpAddress: this.privateIp(String(inputs.targetSubnetId), identity) };
      case "oci:Kms/vault:Vault":
        return { managementEndpoint: `https://${String(inputs.displayName)}-management.kms.example.oraclecloud.com`, cryptoEndpoint: `https://${String(inputs.displayName)}-crypto.kms.example.oraclecloud.com` };
      case "oci:Core/publicIp:PublicIp":
        return { ipAddress: testNetIp(identity) };
      case "gcp:serviceaccount/account:Account": {
        const email = `${String(inputs.accountId)}@${String(inputs.project)}.iam.gserviceaccount.com`;
        return { email, member: `serviceAccount:${email}`, name: `projects/${String(inputs.project)}/serviceAccounts/${email}` };
      }
      case "oci:LoadBalancer/loadBalancer:LoadBalancer": {
        // A load balancer on a reserved IP answers on that IP.
        const reserved = (inputs.reservedIps as { id?: string }[] | undefined)?.[0]?.id;
        const ip = reserved === undefined ? undefined : this.byId.get(reserved)?.ipAddress;
        return { ipAddressDetails: [{ ipAddress: typeof ip === "string" ? ip : testNetIp(identity), isPublic: inputs.isPrivate !== true }] };
      }
      case "tls:index/privateKey:PrivateKey":
        return fakeKey(String(inputs.algorithm), generated());
      case "tls:index/selfSignedCert:SelfSignedCert":
      case "tls:index/locallySignedCert:LocallySignedCert":
        return { certPem: fakePem("CERTIFICATE", generated()) };
      case "tls:index/certRequest:CertRequest":
        return { certRequestPem: fakePem("CERTIFICATE REQUEST", generated()) };
      case "random:index/randomPassword:RandomPassword":
        return { result: `mock-password-${generated().slice(0, 16)}` };
      case "oci:Identity/customerSecretKey:CustomerSecretKey":
        // The resource id is the S3 access key; `key` is the secret half.
        return { key: `mock-s3-secret-${generated().slice(0, 24)}` };
      default:
        return {};
    }
  }

  /**
   * A private address the cloud picks in a subnet: `fixed` when the program asks
   * for one, else an address chosen by the resource's identity among those DHCP
   * may hand out (above OCI's two reserved ones, below the servers' fixed block;
   * src/config/addresses.ts). Two names that hash to the same address cannot both
   * have it: the later one takes the next free address. So an address depends on
   * the resource alone unless an earlier one hashed onto it (about 1 in 238 per
   * pair in a /24): adding a VM to any pool, or a different creation order,
   * leaves the other VMs where they were. Sequential numbering would not: the
   * pools' VMs register in the order their inputs resolve, not in pool order, so
   * one more VM in the pool that registers first would move every address after it.
   */
  private privateIp(subnetId: string, identity: string, fixed?: string): string {
    const cidr = parseCidr(String(this.byId.get(subnetId)?.cidrBlock ?? "10.255.0.0/16"))!;
    const taken = this.taken.get(subnetId) ?? new Set<number>();
    this.taken.set(subnetId, taken);
    if (fixed) {
      const [a, b, c, d] = fixed.split(".").map(Number);
      taken.add(((a << 24) | (b << 16) | (c << 8) | d) >>> 0);
      return fixed;
    }
    const size = 2 ** (32 - cidr.prefix);
    const first = cidr.base + 2;
    // Subnets too small for the servers' block: anything but the broadcast address.
    const count = size - 2 - SERVER_OFFSET_FROM_TOP > 0 ? size - 2 - SERVER_OFFSET_FROM_TOP : Math.max(size - 3, 1);
    const start = parseInt(identity.slice(0, 8), 16) % count;
    for (let i = 0; i < count; i++) {
      const ip = first + ((start + i) % count);
      if (!taken.has(ip)) {
        taken.add(ip);
        return formatIpv4(ip);
      }
    }
    throw new Error(`no free private address left in subnet ${cidr.text}`);
  }
}
