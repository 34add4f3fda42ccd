/**
 * The cluster's bootstrap secrets (the CA and service-account private keys) kept in
 * OCI Vault instead of instance metadata, where anyone who can read the instance
 * through the OCI API, and any process on the VM through IMDS, could read them.
 *
 * The first server reads them at boot with its instance principal: a dynamic group
 * that matches only the server instances by OCID, and a policy that lets that group
 * read only these secrets' bundles. The user_data carries secret OCIDs, nothing more.
 *
 * Sources: Vault policy variables `target.secret.id` for secret-bundles
 * (https://docs.oracle.com/en-us/iaas/Content/Identity/policyreference/keypolicyreference.htm);
 * dynamic group matching rules on `instance.id`
 * (https://docs.oracle.com/en-us/iaas/Content/Identity/Tasks/managingdynamicgroups.htm);
 * the provider's types are @pulumi/oci 4.20.0 kms/vault, kms/key, vault/secret,
 * identity/dynamicGroup, identity/policy.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { CiComponent, ownerTags } from "../components/naming";

export interface BootstrapVaultArgs {
  /** Compartment of the vault, its key and secrets. */
  readonly compartmentId: string;
  /** Dynamic groups live in the tenancy's root compartment. */
  readonly tenancyId: string;
  /** Secret material by name (a file name such as `etcd/peer-ca.key`); each becomes one secret. */
  readonly secrets: Readonly<Record<string, pulumi.Output<string>>>;
  /** Protect the vault, its key and the secrets against deletion (prod). */
  readonly protect: boolean;
}

/** A Vault secret name for a file name: letters, digits, `-` and `_` only. */
export function vaultSecretName(file: string): string {
  return file.replace(/[^A-Za-z0-9_-]/g, "-");
}

/** The policy statement that lets `group` read exactly these secrets. */
export function readSecretsStatement(group: string, compartmentId: string, secretIds: readonly string[]): string {
  const which = secretIds.map((id) => `target.secret.id = '${id}'`).join(", ");
  return `Allow dynamic-group ${group} to read secret-bundles in compartment id ${compartmentId} where any {${which}}`;
}

/** A dynamic group rule that matches exactly these instances. */
export function instancesMatchingRule(instanceIds: readonly string[]): string {
  return `Any {${instanceIds.map((id) => `instance.id = '${id}'`).join(", ")}}`;
}

export class BootstrapVault extends CiComponent {
  /** OCID of each secret, by the name it was given. */
  readonly secretIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, private readonly args: BootstrapVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:oci:BootstrapVault", name, opts);
    const tags = ownerTags(this.stack, name);
    const keep = this.childOpts({ protect: args.protect });
    const base = { compartmentId: args.compartmentId, freeformTags: tags };

    // A virtual vault (DEFAULT) is the shared-HSM kind without a dedicated partition.
    const vault = new oci.kms.Vault(this.childName("vault"), { ...base, displayName: this.childName("vault"), vaultType: "DEFAULT" }, keep);
    const key = new oci.kms.Key(this.childName("key"), {
      ...base,
      displayName: this.childName("key"),
      keyShape: { algorithm: "AES", length: 32 },
      managementEndpoint: vault.managementEndpoint,
      protectionMode: "HSM",
    }, keep);
    const ids: Record<string, pulumi.Output<string>> = {};
    for (const [file, value] of Object.entries(args.secrets)) {
      const secret = new oci.vault.Secret(this.childName(vaultSecretName(file)), {
        ...base,
        vaultId: vault.id,
        keyId: key.id,
        secretName: `${this.stack}-${vaultSecretName(file)}`,
        description: `k3s bootstrap file ${file}, read once by the first server at boot`,
        secretContent: { contentType: "BASE64", content: pulumi.secret(value.apply((v) => Buffer.from(v, "utf8").toString("base64"))) },
      }, keep);
      ids[file] = secret.id;
    }
    this.secretIds = pulumi.all(ids);
    this.registerOutputs({ secretIds: this.secretIds });
  }

  /**
   * Lets exactly these instances read the secrets: created after the instances
   * (the rule names their OCIDs), which is why the boot script retries.
   */
  grantReadTo(role: string, instances: readonly oci.core.Instance[]): void {
    const groupName = `${this.stack}-${role}-bootstrap`;
    const group = new oci.identity.DynamicGroup(this.childName(`${role}-group`), {
      compartmentId: this.args.tenancyId,
      name: groupName,
      description: `ci-infra ${this.stack}: the ${role} instances, which read the k3s bootstrap secrets at first boot`,
      matchingRule: pulumi.all(instances.map((i) => i.id)).apply(instancesMatchingRule),
      freeformTags: ownerTags(this.stack, this.componentName),
    }, this.childOpts());
    new oci.identity.Policy(this.childName(`${role}-read`), {
      compartmentId: this.args.compartmentId,
      name: `${groupName}-read`,
      description: `ci-infra ${this.stack}: the ${role} instances may read only the k3s bootstrap secrets`,
      statements: [pulumi.all([group.name, this.secretIds]).apply(([g, ids]) => readSecretsStatement(g, this.args.compartmentId, Object.values(ids)))],
      freeformTags: ownerTags(this.stack, this.componentName),
    }, this.childOpts());
  }
}
