/**
 * SSH keys between the Jenkins controller and the ci-agent VMs, generated here so
 * no one copies a key by hand: the controller's key pair (private half to a
 * Jenkins credential via a Kubernetes Secret, public half to the agents' cloud-init)
 * and one host key per agent (private half to the VM, public half to Jenkins, which
 * verifies it instead of trusting on first use).
 */
import * as pulumi from "@pulumi/pulumi";
import { generatedKey } from "../components/generated-secrets";
import { CiComponent } from "../components/naming";

export class JenkinsAgentKeys extends CiComponent {
  readonly controllerPrivateKey: pulumi.Output<string>;
  readonly controllerPublicKey: pulumi.Output<string>;
  readonly hostKeys: { readonly privateKey: pulumi.Output<string>; readonly publicKey: pulumi.Output<string> }[];

  constructor(name: string, args: { readonly agentCount: number }, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:apps:JenkinsAgentKeys", name, opts);
    const controller = generatedKey(this.childName("controller"), { algorithm: "ED25519" }, this.childOpts());
    this.controllerPrivateKey = controller.privateKeyOpenssh;
    this.controllerPublicKey = controller.publicKeyOpenssh;
    this.hostKeys = Array.from({ length: args.agentCount }, (_, i) => {
      const k = generatedKey(this.childName(`host-${i}`), { algorithm: "ECDSA", ecdsaCurve: "P256" }, this.childOpts());
      return { privateKey: k.privateKeyOpenssh, publicKey: k.publicKeyOpenssh };
    });
    this.registerOutputs({ controllerPublicKey: this.controllerPublicKey });
  }
}
