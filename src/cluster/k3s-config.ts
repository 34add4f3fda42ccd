/**
 * k3s bootstrap as cloud-init fragments. Pure: the token and CA material come in
 * as strings (real values for the VMs, placeholders for plan artifacts).
 *
 * k3s keeps its own embedded containerd, so it lives beside the host Docker daemon.
 * Its bundled Traefik and ServiceLB are disabled on every server (the flags must
 * match across servers): ingress is our NodePort controller behind the OCI LB.
 */
import { createHash } from "node:crypto";
import { stringify } from "yaml";
import type { CloudInitFragment } from "../cloud-init/fragment";
import { K3S_SELINUX_INSTALL, k3sSelinuxRepoFragment } from "../cloud-init/k3s-selinux";
import { KUBE_API_PORT } from "../ports";
import { K3S } from "../versions";

export const K3S_TLS_DIR = "/var/lib/rancher/k3s/server/tls";
export const K3S_CONFIG_PATH = "/etc/rancher/k3s/config.yaml";
export const POD_CIDR = "10.42.0.0/16";
/**
 * On OCI, 169.254.169.254 is three services: the instance metadata service (HTTP,
 * TCP 80), the VCN resolver (DNS, 53/udp+tcp) and NTP (123/udp). Pods must keep DNS
 * (CoreDNS forwards to it) and NTP; only the metadata port is theirs to lose.
 * Sources: https://docs.oracle.com/en-us/iaas/Content/Compute/Tasks/gettingmetadata.htm,
 * https://docs.oracle.com/en-us/iaas/Content/Network/Concepts/dns.htm,
 * https://docs.oracle.com/en-us/iaas/Content/Compute/Tasks/configuringntpservice.htm
 */
export const IMDS = { address: "169.254.169.254/32", tcpPorts: [80] } as const;

/**
 * CA files k3s (≥ v1.26.2) uses instead of generating its own when present before
 * the first start, relative to K3S_TLS_DIR. The etcd CAs are required even without etcd.
 */
export const K3S_CA_FILES = [
  "server-ca.crt",
  "server-ca.key",
  "client-ca.crt",
  "client-ca.key",
  "request-header-ca.crt",
  "request-header-ca.key",
  "etcd/peer-ca.crt",
  "etcd/peer-ca.key",
  "etcd/server-ca.crt",
  "etcd/server-ca.key",
  "service.key",
] as const;
export type K3sCaFile = (typeof K3S_CA_FILES)[number];
/** The public halves: written into user_data as they are. */
export type K3sCaCertFile = Extract<K3sCaFile, `${string}.crt`>;
/** The private keys: kept in OCI Vault, fetched by the first server at boot. */
export type K3sCaKeyFile = Exclude<K3sCaFile, K3sCaCertFile>;
export const K3S_CA_CERT_FILES = K3S_CA_FILES.filter((f): f is K3sCaCertFile => f.endsWith(".crt"));
export const K3S_CA_KEY_FILES = K3S_CA_FILES.filter((f): f is K3sCaKeyFile => !f.endsWith(".crt"));

/** Where the first server finds its CA keys: OCI Vault secrets, read with its instance principal. */
export interface CaKeysInVault {
  /** OCID of the secret holding each key file (base64 of the PEM). */
  readonly secretIds: Readonly<Record<K3sCaKeyFile, string>>;
  /** The region of the vault (the Secrets endpoint is regional). */
  readonly region: string;
}

export type NodeBootstrap =
  | {
      readonly kind: "first-server";
      /** Start embedded etcd so more servers can join (HA). */
      readonly clusterInit: boolean;
      readonly caCerts: Readonly<Record<K3sCaCertFile, string>>;
      readonly caKeys: CaKeysInVault;
      readonly ociCliPackage: string;
      /** The other servers: a replaced first server joins one of them instead of initialising a new cluster. */
      readonly peers: readonly string[];
      /** The secure server token it joins with then. */
      readonly rejoinToken: string;
    }
  | { readonly kind: "joining-server"; readonly serverUrl: string }
  | { readonly kind: "agent"; readonly serverUrl: string };

export interface K3sNodeArgs {
  /**
   * `token` in the node's config: the server token's password on the first server,
   * the secure form `K10<CA hash>::<user>:<password>` on every node that joins.
   */
  readonly token: string;
  /** Servers only: the separate token agents join with (k3s `agent-token`). */
  readonly agentToken?: string;
  /** Extra names/IPs the API certificate must cover (the load balancer's IP, server IPs). */
  readonly tlsSans: readonly string[];
  /** Servers: the fixed private IP k3s advertises (`node-ip`); agents: undefined, k3s picks the VNIC's. */
  readonly nodeIp: string | undefined;
  /** Extra kubelet flags the node's OS needs (src/compat: cgroup v1). */
  readonly kubeletArgs: readonly string[];
  /** SELinux is enforcing on the node and k3s-selinux is installed: containerd labels containers. */
  readonly selinux: boolean;
  /** Servers: snapshot settings, and the Vault region and OCI CLI package to read their keys with. */
  readonly etcdSnapshots?: EtcdSnapshots & { readonly vaultRegion: string; readonly ociCliPackage: string };
  /** How the node joins: first server (cluster-init), joining server or agent, and the URL it joins. */
  readonly bootstrap: NodeBootstrap;
}

/**
 * Scheduled etcd snapshots uploaded to OCI Object Storage (S3-compatible). Flag
 * names from k3s-io/k3s pkg/cli/cmds (etcd-snapshot-schedule-cron,
 * etcd-snapshot-retention, etcd-s3, etcd-s3-endpoint, etcd-s3-bucket, etcd-s3-region,
 * etcd-s3-folder, etcd-s3-access-key, etcd-s3-secret-key). The keys are not in
 * user_data: each server reads a config drop-in holding them from OCI Vault
 * (k3s merges /etc/rancher/k3s/config.yaml.d/*.yaml, https://docs.k3s.io/installation/configuration).
 */
export interface EtcdSnapshots {
  readonly scheduleCron: string;
  readonly retention: number;
  readonly s3: { readonly endpoint: string; readonly bucket: string; readonly region: string; readonly folder: string };
  /** Vault secret whose content is the drop-in with etcd-s3-access-key/etcd-s3-secret-key. */
  readonly credentialsSecretId: string;
}

export const ETCD_S3_DROPIN_PATH = "/etc/rancher/k3s/config.yaml.d/50-etcd-s3.yaml";

/** The drop-in the Vault secret holds: only the two keys, YAML as k3s reads its config. */
export function etcdS3CredentialsDropin(accessKey: string, secretKey: string): string {
  return stringify({ "etcd-s3-access-key": accessKey, "etcd-s3-secret-key": secretKey });
}

/** What every node's bootstrap is derived from. */
export interface ClusterBootstrap {
  /** The server token's password (servers join with it; it can read every cluster secret). */
  readonly token: string;
  /** The agent token's password (agents join with it and nothing else). */
  readonly agentToken: string;
  /** Public address of the API (the load balancer's reserved IP). */
  readonly apiAddress: string;
  /** Fixed private IPs of the servers, in order. */
  readonly serverIps: readonly string[];
  readonly caCerts: Readonly<Record<K3sCaCertFile, string>>;
  readonly caKeys: CaKeysInVault;
  /** Off-cluster etcd snapshots; with them even a single server runs embedded etcd. */
  readonly etcdSnapshots?: EtcdSnapshots;
}

/** What the node's OS asks of k3s (derived from src/compat). */
export interface NodeHost {
  readonly kubeletArgs: readonly string[];
  readonly selinux: boolean;
  /** The OCI CLI package of the OS: the first server reads its CA keys from Vault with it. */
  readonly ociCliPackage: string;
}

/**
 * The secure join token k3s itself writes (`K10<sha256 hex of the CA bundle>::<user>:<password>`):
 * a joining node checks that the server's /cacerts hashes to it before trusting the
 * server. /cacerts serves the bytes of server-ca.crt, so the hash is of the file we place.
 * Source: k3s-io/k3s pkg/clientaccess/token.go (tokenPrefix "K10", sha256, hex) and
 * pkg/server/handlers/router.go (CACerts reads runtime.ServerCA = tls/server-ca.crt).
 */
export function secureToken(serverCaCertFile: string, user: "server" | "node", password: string): string {
  // The plan's artifacts render with a placeholder certificate (`<server-ca.crt>`): show the form, not a hash of the placeholder.
  const hash = /^<[^>\n]+>\n?$/.test(serverCaCertFile) ? "<sha256 of server-ca.crt>" : createHash("sha256").update(serverCaCertFile, "utf8").digest("hex");
  return `K10${hash}::${user}:${password}`;
}

/**
 * The k3s settings of the node at `index` of `role`: the first server initialises
 * the cluster from the pre-placed CAs (with embedded etcd when there are several
 * servers); every other node joins the first server's fixed address, servers with
 * the server token, agents with the agent token (user `node`, k3s deps.go).
 */
export function nodeBootstrap(c: ClusterBootstrap, role: "server" | "agent", index: number, host: NodeHost): K3sNodeArgs {
  const serverUrl = `https://${c.serverIps[0]}:${KUBE_API_PORT}`;
  const caFile = ensureNewline(c.caCerts["server-ca.crt"]);
  const common = { tlsSans: [c.apiAddress, ...c.serverIps], kubeletArgs: host.kubeletArgs, selinux: host.selinux };
  if (role === "agent") return { ...common, token: secureToken(caFile, "node", c.agentToken), nodeIp: undefined, bootstrap: { kind: "agent", serverUrl } };
  const server = {
    ...common,
    agentToken: c.agentToken,
    nodeIp: c.serverIps[index],
    ...(c.etcdSnapshots ? { etcdSnapshots: { ...c.etcdSnapshots, vaultRegion: c.caKeys.region, ociCliPackage: host.ociCliPackage } } : {}),
  };
  if (index > 0) return { ...server, token: secureToken(caFile, "server", c.token), bootstrap: { kind: "joining-server", serverUrl } };
  return {
    ...server,
    token: c.token,
    bootstrap: {
      kind: "first-server",
      // Embedded etcd for HA, and for snapshots even on one server (k3s snapshots etcd only).
      clusterInit: c.serverIps.length > 1 || c.etcdSnapshots !== undefined,
      caCerts: c.caCerts,
      caKeys: c.caKeys,
      ociCliPackage: host.ociCliPackage,
      peers: c.serverIps.slice(1),
      rejoinToken: secureToken(caFile, "server", c.token),
    },
  };
}

/**
 * `/etc/rancher/k3s/config.yaml`: keys are k3s flag names (k3s-io/k3s pkg/cli/cmds/agent.go:
 * `kubelet-arg` "Customized flag for kubelet process", `selinux` "Enable SELinux in
 * containerd" [$K3S_SELINUX]; server.go: `agent-token`, `tls-san`, `disable`, `cluster-init`).
 */
export function k3sConfig(a: K3sNodeArgs): Record<string, unknown> {
  const common: Record<string, unknown> = { token: a.token };
  if (a.nodeIp) common["node-ip"] = a.nodeIp;
  if (a.kubeletArgs.length) common["kubelet-arg"] = [...a.kubeletArgs];
  if (a.selinux) common.selinux = true;
  if (a.bootstrap.kind === "agent") return { ...common, server: a.bootstrap.serverUrl };
  const server: Record<string, unknown> = {
    ...common,
    ...(a.agentToken ? { "agent-token": a.agentToken } : {}),
    "tls-san": [...a.tlsSans],
    disable: ["traefik", "servicelb"],
    "write-kubeconfig-mode": "0600",
    // Secrets at rest in the datastore are encrypted, not just base64.
    "secrets-encryption": true,
    ...(a.etcdSnapshots
      ? {
          "etcd-snapshot-schedule-cron": a.etcdSnapshots.scheduleCron,
          "etcd-snapshot-retention": a.etcdSnapshots.retention,
          "etcd-s3": true,
          "etcd-s3-endpoint": a.etcdSnapshots.s3.endpoint,
          "etcd-s3-bucket": a.etcdSnapshots.s3.bucket,
          "etcd-s3-region": a.etcdSnapshots.s3.region,
          "etcd-s3-folder": a.etcdSnapshots.s3.folder,
        }
      : {}),
  };
  if (a.bootstrap.kind === "joining-server") server.server = a.bootstrap.serverUrl;
  else if (a.bootstrap.clusterInit) server["cluster-init"] = true;
  return server;
}

export function k3sInstallCommand(kind: NodeBootstrap["kind"]): string {
  // The installer is taken from the pinned release tag, not get.k3s.io's moving copy;
  // it verifies the binary's checksum against that release. Its own k3s-selinux step
  // is skipped: the node installs the pinned EL7 policy itself (src/compat, K3S_SELINUX_EL7).
  const url = `https://raw.githubusercontent.com/k3s-io/k3s/${encodeURIComponent(K3S.version)}/install.sh`;
  const exec = kind === "agent" ? "agent" : "server";
  return `curl -sfL --retry 5 ${url} -o /usr/local/bin/k3s-install.sh && INSTALL_K3S_SKIP_SELINUX_RPM=true INSTALL_K3S_VERSION='${K3S.version}' INSTALL_K3S_EXEC='${exec}' sh /usr/local/bin/k3s-install.sh`;
}

/** Reads a server's secrets from OCI Vault at boot: the CA keys (first server) and the etcd S3 drop-in (every server, with snapshots). */
export const FETCH_SECRETS_PATH = "/usr/local/sbin/ci-infra-fetch-secrets";
export const JOIN_OR_INIT_PATH = "/usr/local/sbin/ci-infra-k3s-join-or-init";
export const REJOIN_CONFIG_PATH = "/etc/rancher/k3s/rejoin.yaml";
const PEER_PLACEHOLDER = "__PEER__";

/**
 * The first server of an HA cluster initialises embedded etcd only when no other
 * server answers: a VM that replaces it (`npm run roll`) must join the running
 * cluster, or it would start a second, empty one. k3s serves `/cacerts` without
 * authentication on 6443 (pkg/server/handlers/router.go), which makes it the probe.
 */
export function joinOrInitScript(peers: readonly string[]): string {
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    `for ip in ${peers.map(shQuote).join(" ")}; do`,
    '  if curl -sfk --max-time 5 "https://$ip:' + KUBE_API_PORT + '/cacerts" >/dev/null; then',
    `    sed -e "s|${PEER_PLACEHOLDER}|$ip|" ${REJOIN_CONFIG_PATH} > ${K3S_CONFIG_PATH}`,
    `    echo "ci-infra: server $ip answers; joining it instead of initialising a new cluster" >&2`,
    "    exit 0",
    "  fi",
    "done",
    "",
  ].join("\n");
}

/**
 * The first server's script that reads the CA keys from OCI Vault before k3s first
 * starts. It retries for up to 15 minutes: the dynamic group that lets this instance
 * read them is created after the instance (it matches the instance's OCID), and
 * OCI takes a while to honour a new one. k3s must not start without them (it would
 * generate CAs Pulumi does not know), so the install runs only if this succeeds.
 *
 * The OCI CLI authenticates as the instance (`--auth instance_principal`); its SDK
 * reads the instance certificate from IMDS v2 (`/opc/v2`, `Authorization: Bearer
 * Oracle`; oracle/oci-python-sdk src/oci/auth/federation_client.py /
 * certificate_retriever.py). The secret bundle's content is the base64 of the file.
 * An optional directory argument fetches elsewhere (CA rotation, see the README).
 */
export function fetchSecretsScript(region: string, entries: readonly { readonly secretId: string; readonly path: string; readonly caKey?: boolean }[]): string {
  const lines = [
    "#!/bin/bash",
    "set -euo pipefail",
    "umask 077",
    // CA keys go under the TLS directory, or the one given (CA rotation).
    ...(entries.some((e) => e.caKey) ? [`dir="\${1:-${K3S_TLS_DIR}}"`] : []),
    "fetch() {",
    '  local id="$1" dest="$2" tries=0 content',
    `  until content="$(oci secrets secret-bundle get --auth instance_principal --region ${shQuote(region)} --secret-id "$id" --query 'data."secret-bundle-content".content' --raw-output)"; do`,
    "    tries=$((tries + 1))",
    '    if [ "$tries" -ge 90 ]; then echo "ci-infra: cannot read secret $id from OCI Vault; k3s is not started" >&2; exit 1; fi',
    "    sleep 10",
    "  done",
    '  mkdir -p "$(dirname "$dest")"',
    "  printf '%s' \"$content\" | base64 -d > \"$dest.tmp\"",
    '  mv "$dest.tmp" "$dest"',
    "}",
    ...entries.map((e) => `fetch ${shQuote(e.secretId)} ${e.caKey ? `"$dir"/${shQuote(e.path)}` : shQuote(e.path)}`),
    "",
  ];
  return lines.join("\n");
}

/** The first server's CA keys, by file name under the TLS directory (or the directory given, for rotation). */
export function fetchCaKeysScript(k: CaKeysInVault, extra: readonly { readonly secretId: string; readonly path: string }[] = []): string {
  return fetchSecretsScript(k.region, [...K3S_CA_KEY_FILES.map((f) => ({ secretId: k.secretIds[f], path: f, caKey: true })), ...extra]);
}

function shQuote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/**
 * Pods must not read the instance metadata service: the node's user_data there
 * carries this bootstrap (token, CA keys on the first server).
 */
export function imdsGuardRule(): string {
  const ports = IMDS.tcpPorts.length === 1 ? `--dport ${IMDS.tcpPorts[0]}` : `-m multiport --dports ${IMDS.tcpPorts.join(",")}`;
  return `FORWARD -s ${POD_CIDR} -d ${IMDS.address} -p tcp ${ports} -j DROP`;
}

export function imdsGuardFragment(): CloudInitFragment {
  const rule = imdsGuardRule();
  const unit = [
    "[Unit]",
    "Description=Block pod access to the OCI instance metadata service",
    "Before=k3s.service k3s-agent.service",
    "After=network-online.target",
    "",
    "[Service]",
    "Type=oneshot",
    `ExecStart=/bin/sh -c 'iptables -C ${rule} 2>/dev/null || iptables -I ${rule}'`,
    "RemainAfterExit=yes",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
  return {
    writeFiles: [{ path: "/etc/systemd/system/ci-infra-imds-guard.service", content: unit, permissions: "0644" }],
    runcmd: ["systemctl daemon-reload", "systemctl enable --now ci-infra-imds-guard.service"],
  };
}

/**
 * The node's k3s: config, CA certificates and the key fetcher on the first server,
 * and one install line whose steps each must succeed before the next: the SELinux
 * policy, the OCI CLI, the keys from Vault, then k3s. The policy and the CLI get yum
 * calls of their own rather than joining cloud-init's package step, where one
 * unresolvable package would fail Docker's and Longhorn's with it.
 */
export function k3sFragments(a: K3sNodeArgs): CloudInitFragment[] {
  const writeFiles = [{ path: K3S_CONFIG_PATH, content: stringify(k3sConfig(a)), permissions: "0600" }];
  const steps: string[] = [];
  if (a.selinux) steps.push(K3S_SELINUX_INSTALL);
  const s3 = a.etcdSnapshots ? [{ secretId: a.etcdSnapshots.credentialsSecretId, path: ETCD_S3_DROPIN_PATH }] : [];
  if (a.bootstrap.kind === "first-server") {
    for (const f of K3S_CA_CERT_FILES) writeFiles.push({ path: `${K3S_TLS_DIR}/${f}`, content: ensureNewline(a.bootstrap.caCerts[f]), permissions: "0644" });
    writeFiles.push({ path: FETCH_SECRETS_PATH, content: fetchCaKeysScript(a.bootstrap.caKeys, s3), permissions: "0700" });
    steps.push(`yum install -y ${a.bootstrap.ociCliPackage}`, FETCH_SECRETS_PATH);
    if (a.bootstrap.clusterInit && a.bootstrap.peers.length) {
      const rejoin = k3sConfig({ ...a, token: a.bootstrap.rejoinToken, bootstrap: { kind: "joining-server", serverUrl: `https://${PEER_PLACEHOLDER}:${KUBE_API_PORT}` } });
      writeFiles.push({ path: REJOIN_CONFIG_PATH, content: stringify(rejoin), permissions: "0600" });
      writeFiles.push({ path: JOIN_OR_INIT_PATH, content: joinOrInitScript(a.bootstrap.peers), permissions: "0700" });
      steps.push(JOIN_OR_INIT_PATH);
    }
  } else if (a.etcdSnapshots) {
    // Joining servers snapshot and upload too: they read only the S3 drop-in.
    writeFiles.push({ path: FETCH_SECRETS_PATH, content: fetchSecretsScript(a.etcdSnapshots.vaultRegion, s3), permissions: "0700" });
    steps.push(`yum install -y ${a.etcdSnapshots.ociCliPackage}`, FETCH_SECRETS_PATH);
  }
  steps.push(k3sInstallCommand(a.bootstrap.kind));
  return [imdsGuardFragment(), ...(a.selinux ? [k3sSelinuxRepoFragment()] : []), { writeFiles, runcmd: [steps.join(" && ")] }];
}

function ensureNewline(s: string): string {
  return s.endsWith("\n") ? s : `${s}\n`;
}
