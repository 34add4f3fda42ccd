/**
 * Generated credentials. The providers mark these outputs secret themselves
 * (additionalSecretOutputs), but only the engine applies that; wrapping here keeps
 * them secret in every path, the offline plan included.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";

/** Letters and digits only: these end up in URLs, env files and YAML. */
export function generatedPassword(name: string, length: number, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
  return pulumi.secret(new random.RandomPassword(name, { length, special: false }, opts).result);
}

export interface GeneratedKey {
  readonly resource: tls.PrivateKey;
  readonly privateKeyPem: pulumi.Output<string>;
  readonly privateKeyOpenssh: pulumi.Output<string>;
  readonly publicKeyOpenssh: pulumi.Output<string>;
}

export function generatedKey(name: string, args: tls.PrivateKeyArgs, opts: pulumi.CustomResourceOptions): GeneratedKey {
  const resource = new tls.PrivateKey(name, args, opts);
  return {
    resource,
    privateKeyPem: pulumi.secret(resource.privateKeyPem),
    privateKeyOpenssh: pulumi.secret(resource.privateKeyOpenssh),
    publicKeyOpenssh: resource.publicKeyOpenssh,
  };
}
