/**
 * The mocked providers of the offline plan and the tests. Invokes answer from
 * realistic fixtures; any invoke without a fixture throws, so nothing passes by
 * accident (as pulumi-awsx's tests do). Computed outputs are derived from inputs
 * the way the cloud would (a VM's private IP comes from its subnet's range).
 */
import * as pulumi from "@pulumi/pulumi";
import { formatIpv4, parseCidr } from "../config/cidr";
import { AVAILABILITY_DOMAINS, CUSTOM_IMAGE, OL79_ARM_IMAGES, OL79_X86_IMAGES } from "./fixtures";
import { KOPS_INVOKES } from "./fixtures-kops";
import { SHAPES } from "../oci/shapes";

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
  ...KOPS_INVOKES,
};

/** Stand-ins for generated key material: the right shape, obviously fake. */
function fakePem(label: string, n: number): string {
  return `-----BEGIN ${label}-----\nTU9DSy0${n}\n-----END ${label}-----\n`;
}

function fakeKey(algorithm: string, n: number): Inputs {
  const sshType = algorithm === "ED25519" ? "ssh-ed25519" : algorithm === "RSA" ? "ssh-rsa" : "ecdsa-sha2-nistp256";
  return {
    privateKeyPem: fakePem(algorithm === "RSA" ? "RSA PRIVATE KEY" : "PRIVATE KEY", n),
    privateKeyOpenssh: fakePem("OPENSSH PRIVATE KEY", n),
    publicKeyPem: fakePem("PUBLIC KEY", n),
    publicKeyOpenssh: `${sshType} AAAAMOCK${n}\n`,
  };
}

export class PlanMocks implements pulumi.runtime.Mocks {
  readonly invokes: RecordedInvoke[] = [];
  private readonly byId = new Map<string, Inputs>();
  private readonly ipsUsed = new Map<string, number>();
  private publicIps = 0;
  private serial = 0;

  call(args: pulumi.runtime.MockCallArgs): Inputs {
    const handler = INVOKES[args.token];
    if (!handler) throw new Error(`Mock not implemented: ${args.token}`);
    this.invokes.push({ token: args.token, inputs: args.inputs });
    return handler(args.inputs);
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Inputs } {
    const id = `${args.name}-id`;
    const state: Inputs = { ...args.inputs, ...this.computed(args.type, args.inputs) };
    this.byId.set(id, state);
    return { id, state };
  }

  private computed(type: string, inputs: Inputs): Inputs {
    switch (type) {
      case "oci:Core/vcn:Vcn":
        return { defaultSecurityListId: `${String(inputs.displayName)}-default-sl-id`, defaultRouteTableId: `${String(inputs.displayName)}-default-rt-id` };
      case "oci:Core/instance:Instance": {
        const vnic = (inputs.createVnicDetails as Inputs | undefined) ?? {};
        return { privateIp: vnic.privateIp ?? this.nextIp(String(vnic.subnetId)), state: "RUNNING" };
      }
      case "oci:Bastion/bastion:Bastion":
        // The bastion's private endpoint takes an address in its target subnet.
        return { privateEndpointIpAddress: this.nextIp(String(inputs.targetSubnetId)) };
      case "oci:Kms/vault:Vault":
        return { managementEndpoint: `https://${String(inputs.displayName)}-management.kms.example.oraclecloud.com`, cryptoEndpoint: `https://${String(inputs.displayName)}-crypto.kms.example.oraclecloud.com` };
      case "oci:Core/publicIp:PublicIp":
        // 203.0.113.0/24 is TEST-NET-3: an address that can never be someone's real one.
        return { ipAddress: `203.0.113.${10 + this.publicIps++}` };
      case "gcp:serviceaccount/account:Account": {
        const email = `${String(inputs.accountId)}@${String(inputs.project)}.iam.gserviceaccount.com`;
        return { email, member: `serviceAccount:${email}`, name: `projects/${String(inputs.project)}/serviceAccounts/${email}` };
      }
      case "oci:LoadBalancer/loadBalancer:LoadBalancer":
        return { ipAddressDetails: [{ ipAddress: `203.0.113.${100 + this.publicIps++}`, isPublic: true }] };
      case "tls:index/privateKey:PrivateKey":
        return fakeKey(String(inputs.algorithm), this.serial++);
      case "tls:index/selfSignedCert:SelfSignedCert":
      case "tls:index/locallySignedCert:LocallySignedCert":
        return { certPem: fakePem("CERTIFICATE", this.serial++) };
      case "tls:index/certRequest:CertRequest":
        return { certRequestPem: fakePem("CERTIFICATE REQUEST", this.serial++) };
      case "random:index/randomPassword:RandomPassword":
        return { result: `mock-password-${this.serial++}` };
      default:
        return {};
    }
  }

  private nextIp(subnetId: string): string {
    const cidr = parseCidr(String(this.byId.get(subnetId)?.cidrBlock ?? "10.255.0.0/16"))!;
    // OCI reserves the first two addresses of a subnet for itself.
    const n = (this.ipsUsed.get(subnetId) ?? 1) + 1;
    this.ipsUsed.set(subnetId, n);
    return formatIpv4(cidr.base + n);
  }
}
