/**
 * k3s bootstrap as cloud-init fragments. Pure: the token and CA material come in
 * as strings (real values for the VMs, placeholders for plan artifacts).
 *
 * k3s keeps its own embedded containerd, so it lives beside the host Docker daemon.
 * Its bundled Traefik and ServiceLB are disabled on every server (the flags must
 * match across servers): ingress is our NodePort controller behind the OCI LB.
 */
import { stringify } from "yaml";
import type { CloudInitFragment } from "../cloud-init/fragment";
import { K3S } from "../versions";

export const K3S_TLS_DIR = "/var/lib/rancher/k3s/server/tls";
export const K3S_CONFIG_PATH = "/etc/rancher/k3s/config.yaml";
export const POD_CIDR = "10.42.0.0/16";
/** The Kubernetes API port: k3s listens here, the load balancer forwards it, NSGs admit it. */
export const KUBE_API_PORT = 6443;
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

export type NodeBootstrap =
  | {
      readonly kind: "first-server";
      /** Start embedded etcd so more servers can join (HA). */
      readonly clusterInit: boolean;
      readonly caFiles: Readonly<Record<K3sCaFile, string>>;
    }
  | { readonly kind: "joining-server"; readonly serverUrl: string }
  | { readonly kind: "agent"; readonly serverUrl: string };

export interface K3sNodeArgs {
  readonly token: string;
  /** Extra names/IPs the API certificate must cover (the load balancer's IP, server IPs). */
  readonly tlsSans: readonly string[];
  readonly nodeIp: string | undefined;
  readonly bootstrap: NodeBootstrap;
}

/** What every node's bootstrap is derived from. */
export interface ClusterBootstrap {
  readonly token: string;
  /** Public address of the API (the load balancer's reserved IP). */
  readonly apiAddress: string;
  /** Fixed private IPs of the servers, in order. */
  readonly serverIps: readonly string[];
  readonly caFiles: Readonly<Record<K3sCaFile, string>>;
}

/**
 * The k3s settings of the node at `index` of `role`: the first server initialises
 * the cluster from the pre-placed CAs (with embedded etcd when there are several
 * servers); every other node joins the first server's fixed address.
 */
export function nodeBootstrap(c: ClusterBootstrap, role: "server" | "agent", index: number): K3sNodeArgs {
  const serverUrl = `https://${c.serverIps[0]}:${KUBE_API_PORT}`;
  const bootstrap: NodeBootstrap =
    role === "agent" ? { kind: "agent", serverUrl } : index === 0 ? { kind: "first-server", clusterInit: c.serverIps.length > 1, caFiles: c.caFiles } : { kind: "joining-server", serverUrl };
  return { token: c.token, tlsSans: [c.apiAddress, ...c.serverIps], nodeIp: role === "server" ? c.serverIps[index] : undefined, bootstrap };
}

/** `/etc/rancher/k3s/config.yaml`: keys are k3s flag names. */
export function k3sConfig(a: K3sNodeArgs): Record<string, unknown> {
  const common: Record<string, unknown> = { token: a.token };
  if (a.nodeIp) common["node-ip"] = a.nodeIp;
  if (a.bootstrap.kind === "agent") return { ...common, server: a.bootstrap.serverUrl };
  const server: Record<string, unknown> = {
    ...common,
    "tls-san": [...a.tlsSans],
    disable: ["traefik", "servicelb"],
    "write-kubeconfig-mode": "0600",
    // Secrets at rest in the datastore are encrypted, not just base64.
    "secrets-encryption": true,
  };
  if (a.bootstrap.kind === "joining-server") server.server = a.bootstrap.serverUrl;
  else if (a.bootstrap.clusterInit) server["cluster-init"] = true;
  return server;
}

export function k3sInstallCommand(kind: NodeBootstrap["kind"]): string {
  // The installer is taken from the pinned release tag, not get.k3s.io's moving copy;
  // it verifies the binary's checksum against that release.
  const url = `https://raw.githubusercontent.com/k3s-io/k3s/${encodeURIComponent(K3S.version)}/install.sh`;
  const exec = kind === "agent" ? "agent" : "server";
  return `curl -sfL --retry 5 ${url} -o /usr/local/bin/k3s-install.sh && INSTALL_K3S_VERSION='${K3S.version}' INSTALL_K3S_EXEC='${exec}' sh /usr/local/bin/k3s-install.sh`;
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

export function k3sFragments(a: K3sNodeArgs): CloudInitFragment[] {
  const writeFiles = [{ path: K3S_CONFIG_PATH, content: stringify(k3sConfig(a)), permissions: "0600" }];
  if (a.bootstrap.kind === "first-server") {
    for (const f of K3S_CA_FILES) {
      writeFiles.push({ path: `${K3S_TLS_DIR}/${f}`, content: ensureNewline(a.bootstrap.caFiles[f]), permissions: f.endsWith(".key") ? "0600" : "0644" });
    }
  }
  return [imdsGuardFragment(), { writeFiles, runcmd: [k3sInstallCommand(a.bootstrap.kind)] }];
}

function ensureNewline(s: string): string {
  return s.endsWith("\n") ? s : `${s}\n`;
}
