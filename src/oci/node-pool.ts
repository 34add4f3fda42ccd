/**
 * The VMs of one role (`server`, `agent` or `ci-agent`), on Oracle Linux with
 * Docker, spread over availability and fault domains, reachable by SSH only
 * through the OCI Bastion.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { CiComponent, ownerTags } from "../components/naming";
import type { NodeRole } from "../cloud-init/roles";
import type { ChosenImage } from "./image";
import { placement } from "./placement";

export interface NodePoolArgs {
  /** Compartment of the instances. */
  readonly compartmentId: string;
  /** server, agent or ci-agent: picks the cloud-init bootstrap and the tags. */
  readonly role: NodeRole;
  /** Number of VMs. */
  readonly count: number;
  /** OCI compute shape (src/compat/oci-shapes.ts). */
  readonly shape: string;
  /** Set for flexible shapes only. */
  readonly shapeConfig?: { readonly ocpus: number; readonly memoryGbs: number };
  /** Boot volume size, GB. */
  readonly bootVolumeGbs: number;
  /** The image chosen for the shape (newest OL 7.9 platform image, or the configured OCID). */
  readonly image: ChosenImage;
  /** The region's availability domains, which the VMs are spread over (src/oci/placement.ts). */
  readonly availabilityDomains: readonly string[];
  /** The private node subnet. */
  readonly subnetId: pulumi.Input<string>;
  /** Network security groups of the VMs' VNICs. */
  readonly nsgIds: pulumi.Input<string>[];
  /** Admin SSH public key, reached through the bastion. */
  readonly sshPublicKey: string;
  /** Fixed private IPs, in order (servers); DHCP when absent. */
  readonly privateIps?: readonly string[];
  /** cloud-config of the VM at `index`; a secret when it carries bootstrap credentials. */
  readonly userData: (index: number) => pulumi.Input<string>;
  /** Logical names of the VMs `npm run roll` is replacing now: they take their current cloud-init, SSH key and image. */
  readonly rolling?: ReadonlySet<string>;
}

/**
 * Instance inputs whose change the provider would apply by replacing the VM
 * (metadata) or rebuilding its boot volume (the image): an `up` ignores them, `npm
 * run roll` applies them VM by VM. Source: BRIEF §6 (the OCI provider's instance
 * schema as checked at the terraform-provider-oci commit @pulumi/oci 4.20.0 pins).
 */
export const ROLLED_INPUTS = ["metadata", "sourceDetails.sourceId"] as const;

export class NodePool extends CiComponent {
  readonly instances: oci.core.Instance[];
  readonly privateIps: pulumi.Output<string>[];

  constructor(name: string, args: NodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:oci:NodePool", name, opts);
    this.instances = Array.from({ length: args.count }, (_, i) => {
      const where = placement(i, args.availabilityDomains);
      const hostname = `${args.role}-${i}`;
      return new oci.core.Instance(this.childName(String(i)), {
        compartmentId: args.compartmentId,
        displayName: this.childName(String(i)),
        availabilityDomain: where.availabilityDomain,
        faultDomain: where.faultDomain,
        shape: args.shape,
        shapeConfig: args.shapeConfig ? { ocpus: args.shapeConfig.ocpus, memoryInGbs: args.shapeConfig.memoryGbs } : undefined,
        sourceDetails: { sourceType: "image", sourceId: args.image.id, bootVolumeSizeInGbs: String(args.bootVolumeGbs) },
        createVnicDetails: {
          subnetId: args.subnetId,
          assignPublicIp: "false",
          nsgIds: args.nsgIds,
          hostnameLabel: hostname,
          privateIp: args.privateIps?.[i],
        },
        metadata: {
          ssh_authorized_keys: args.sshPublicKey,
          user_data: pulumi.output(args.userData(i)).apply((text) => Buffer.from(text, "utf8").toString("base64")),
        },
        // Only IMDS v2 (`/opc/v2`, `Authorization: Bearer Oracle`) answers: what the nodes
        // run at boot uses it (cloud-init's Oracle datasource on OL 7.9 images since
        // July 2020, BRIEF §6; the OCI CLI's SDK for the instance principal,
        // oracle/oci-python-sdk src/oci/auth: METADATA_URL_BASE .../opc/v2 with
        // 'Authorization: Bearer Oracle').
        instanceOptions: { areLegacyImdsEndpointsDisabled: true },
        // Managed SSH sessions through the OCI Bastion need the agent's Bastion plugin.
        agentConfig: { pluginsConfigs: [{ name: "Bastion", desiredState: "ENABLED" }] },
        freeformTags: ownerTags(this.stack, name, { role: args.role }),
      }, this.childOpts({
        // A replacement keeps the hostname and (servers) the fixed private IP, which
        // the old VM holds until it is gone.
        deleteBeforeReplace: true,
        // cloud-init, the SSH key and the image would each replace (or rebuild) every
        // VM of the pool in one `up`. They reach VMs one at a time through
        // `npm run roll`, which replaces each VM with the current inputs.
        // ...except for the VM a roll is replacing right now (src/config/rolling.ts).
        ignoreChanges: args.rolling?.has(this.childName(String(i))) ? [] : [...ROLLED_INPUTS],
      }));
    });
    this.privateIps = this.instances.map((vm) => vm.privateIp);
    this.registerOutputs({ privateIps: this.privateIps });
  }
}
