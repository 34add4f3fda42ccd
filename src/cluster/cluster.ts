/**
 * The k3s cluster on the `server`/`agent` VMs: its PKI and join token (generated
 * here, kept as Pulumi secrets), the cloud-init that bootstraps each node, and,
 * once the VMs exist, a verified connection to its API for the apps.
 *
 * The CAs are generated before any VM and placed where k3s looks for them before
 * its first start, so Pulumi can build an admin kubeconfig without SSH. The CA
 * data must never change afterwards (`k3s certificate rotate-ca` is the supported
 * rotation), hence `protect` on the CA keys.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { CiComponent } from "../components/naming";
import { ApiServerReady } from "./api-ready";
import { CaKeysInVault, ClusterBootstrap, EtcdSnapshots, K3S_CA_CERT_FILES, K3S_CA_FILES, K3S_CA_KEY_FILES, K3sCaCertFile, K3sCaFile, K3sCaKeyFile } from "./k3s-config";
import { KUBE_API_PORT } from "../ports";
import { renderKubeconfig } from "./kubeconfig";
import { GeneratedKey, generatedKey, generatedPassword } from "../components/generated-secrets";

export interface ClusterArgs {
  /** Fixed private IPs of the servers, in order; the first initialises the cluster. */
  readonly serverIps: readonly string[];
  /** Public address the API is reached at (the load balancer's reserved IP). */
  readonly apiAddress: pulumi.Input<string>;
  /** Protect the CA keys against deletion (prod). */
  readonly protectCa: boolean;
  /** How long `pulumi up` waits for a fresh cluster's API. */
  readonly readyTimeoutSeconds: number;
}

const CA_VALIDITY_HOURS = 10 * 365 * 24;
const ADMIN_CERT_VALIDITY_HOURS = 365 * 24;
/** The admin certificate is re-issued by the first `pulumi up` in its last 30 days. */
const ADMIN_CERT_EARLY_RENEWAL_HOURS = 30 * 24;

/** The CAs k3s needs (see K3S_CA_FILES): name → common name. */
const CAS = {
  "server-ca": "k3s-server-ca",
  "client-ca": "k3s-client-ca",
  "request-header-ca": "k3s-request-header-ca",
  "etcd/peer-ca": "etcd-peer-ca",
  "etcd/server-ca": "etcd-server-ca",
} as const;
type CaName = keyof typeof CAS;

export class Cluster extends CiComponent {
  /** The server join token, a secret. */
  private readonly token: pulumi.Output<string>;
  /** The agent join token (k3s `agent-token`): agents never hold the server token. */
  private readonly agentToken: pulumi.Output<string>;
  /** The CA certificates k3s finds on the first server (public). */
  readonly caCerts: pulumi.Output<Record<K3sCaCertFile, string>>;
  /** The CA and service-account private keys, secret: they go to OCI Vault, never into user_data. */
  readonly caKeys: Readonly<Record<K3sCaKeyFile, pulumi.Output<string>>>;
  readonly apiUrl: pulumi.Output<string>;
  /** Admin kubeconfig (secret). */
  readonly kubeconfig: pulumi.Output<string>;
  private readonly serverCaCert: pulumi.Output<string>;
  private readonly adminCertPem: pulumi.Output<string>;
  private readonly adminKeyPem: pulumi.Output<string>;

  constructor(name: string, private readonly args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:cluster:Cluster", name, opts);
    const caOpts = this.childOpts({ protect: args.protectCa });

    this.token = generatedPassword(this.childName("token"), 48, this.childOpts());
    this.agentToken = generatedPassword(this.childName("agent-token"), 48, this.childOpts());

    const cas = {} as Record<CaName, { key: GeneratedKey; cert: tls.SelfSignedCert }>;
    for (const [ca, commonName] of Object.entries(CAS) as [CaName, string][]) {
      const slug = ca.replace("/", "-");
      const key = generatedKey(this.childName(`${slug}-key`), { algorithm: "ECDSA", ecdsaCurve: "P256" }, caOpts);
      const cert = new tls.SelfSignedCert(this.childName(`${slug}-cert`), {
        privateKeyPem: key.privateKeyPem,
        subject: { commonName, organization: "ci-infra" },
        isCaCertificate: true,
        validityPeriodHours: CA_VALIDITY_HOURS,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature", "key_encipherment"],
      }, caOpts);
      cas[ca] = { key, cert };
    }
    // Signs service-account tokens; RSA as kube-apiserver's default expects.
    const serviceKey = generatedKey(this.childName("service-account-key"), { algorithm: "RSA", rsaBits: 2048 }, caOpts);

    const files: Record<K3sCaFile, pulumi.Output<string>> = {} as Record<K3sCaFile, pulumi.Output<string>>;
    for (const ca of Object.keys(CAS) as CaName[]) {
      files[`${ca}.crt` as K3sCaFile] = cas[ca].cert.certPem;
      files[`${ca}.key` as K3sCaFile] = cas[ca].key.privateKeyPem;
    }
    files["service.key"] = serviceKey.privateKeyPem;
    if (K3S_CA_FILES.some((f) => !files[f])) throw new Error("cluster PKI does not cover every k3s CA file");
    this.caCerts = pulumi.all(Object.fromEntries(K3S_CA_CERT_FILES.map((f) => [f, files[f]]))) as pulumi.Output<Record<K3sCaCertFile, string>>;
    this.caKeys = Object.fromEntries(K3S_CA_KEY_FILES.map((f) => [f, pulumi.secret(files[f])])) as Record<K3sCaKeyFile, pulumi.Output<string>>;

    // Admin client certificate: O=system:masters is cluster-admin by Kubernetes' default RBAC.
    const adminKey = generatedKey(this.childName("admin-key"), { algorithm: "ECDSA", ecdsaCurve: "P256" }, this.childOpts());
    const adminCsr = new tls.CertRequest(this.childName("admin-csr"), {
      privateKeyPem: adminKey.privateKeyPem,
      subject: { commonName: "ci-infra-admin", organization: "system:masters" },
    }, this.childOpts());
    const adminCert = new tls.LocallySignedCert(this.childName("admin-cert"), {
      certRequestPem: adminCsr.certRequestPem,
      caCertPem: cas["client-ca"].cert.certPem,
      caPrivateKeyPem: cas["client-ca"].key.privateKeyPem,
      validityPeriodHours: ADMIN_CERT_VALIDITY_HOURS,
      earlyRenewalHours: ADMIN_CERT_EARLY_RENEWAL_HOURS,
      allowedUses: ["client_auth", "digital_signature", "key_encipherment"],
    }, this.childOpts());

    this.serverCaCert = cas["server-ca"].cert.certPem;
    this.adminCertPem = adminCert.certPem;
    this.adminKeyPem = adminKey.privateKeyPem;
    this.apiUrl = pulumi.interpolate`https://${args.apiAddress}:${KUBE_API_PORT}`;
    this.kubeconfig = pulumi.secret(
      pulumi.all([this.apiUrl, this.serverCaCert, this.adminCertPem, this.adminKeyPem]).apply(([server, caCertPem, clientCertPem, clientKeyPem]) =>
        renderKubeconfig({ name: this.stack, server, caCertPem, clientCertPem, clientKeyPem }),
      ),
    );
    this.registerOutputs({ apiUrl: this.apiUrl });
  }

  /**
   * What the nodes' bootstrap is derived from (see nodeBootstrap), given where the
   * CA keys are kept; secret: it carries the join tokens.
   */
  bootstrap(caKeys: pulumi.Input<CaKeysInVault>, etcdSnapshots?: pulumi.Input<EtcdSnapshots>): pulumi.Output<ClusterBootstrap> {
    return pulumi.secret(
      pulumi.all([this.token, this.agentToken, this.caCerts, caKeys, this.args.apiAddress, etcdSnapshots]).apply(([token, agentToken, caCerts, keys, apiAddress, snapshots]) => ({
        token,
        agentToken,
        caCerts,
        caKeys: keys as CaKeysInVault,
        apiAddress,
        serverIps: this.args.serverIps,
        ...(snapshots ? { etcdSnapshots: snapshots as EtcdSnapshots } : {}),
      })),
    );
  }

  /**
   * The Kubernetes provider for the apps, created once the API answers. `dependsOn`
   * names what must exist first (the server VMs and the API listener).
   */
  connect(dependsOn: pulumi.Input<pulumi.Resource>[]): k8s.Provider {
    const ready = new ApiServerReady(this.childName("api-ready"), {
      url: this.apiUrl,
      caCertPem: this.serverCaCert,
      clientCertPem: this.adminCertPem,
      clientKeyPem: this.adminKeyPem,
      timeoutSeconds: this.args.readyTimeoutSeconds,
    }, this.childOpts({ dependsOn }));
    return new k8s.Provider(this.childName("k8s"), {
      kubeconfig: this.kubeconfig,
      // Field ownership instead of last-applied annotations; safer with Helm alongside.
      enableServerSideApply: true,
    }, { parent: this, dependsOn: [ready] });
  }
}
