/**
 * Config of the `oci-platform` program: the OCI network, VMs and load balancer,
 * the cluster on them and the apps on the cluster. Every key is documented in
 * `docs/config.md`; defaults here are the single home of the platform's ports.
 */
import { z } from "zod";
import { cidrContains, cidrOverlaps, parseCidr } from "../base/cidr";
import { adminCidr, cidr, dnsName, intIn, nodePort, ocid, sshPublicKey } from "./rules";
import { BOOT_VOLUME_MAX_GBS, BOOT_VOLUME_MIN_GBS, SHAPES } from "../compat/oci-shapes";
import { DEFAULT_NODE_PORTS } from "../ports";
import { ORACLE_LINUX } from "../versions";
import { cronIntervalHours, platformAppsShape } from "./platform-apps";
import { SERVER_OFFSET_FROM_TOP } from "./addresses";
import { CONTROLLER_HEALTH_PATH, INGRESS_CONTROLLERS } from "../compat/ingress-controllers";

const nodeGroup = (defaults: { count: number; ocpus: number; memoryGbs: number }, maxCount: number) =>
  z
    .strictObject({
      /** How many VMs of this role. */
      count: intIn(0, maxCount).default(defaults.count),
      /** OCI compute shape; see src/compat/oci-shapes.ts for the known ones. */
      shape: z
        .string({ error: "must be a shape name" })
        .refine((s) => s in SHAPES, { error: `must be one of ${Object.keys(SHAPES).join(", ")}` })
        .default("VM.Standard.E4.Flex"),
      /** OCPUs (flexible shapes only). */
      ocpus: intIn(1, 128).optional(),
      /** Memory in GB (flexible shapes only). */
      memoryGbs: intIn(1, 1024).optional(),
      /** Boot volume size, GB: at least OCI's minimum and the image's own size. */
      bootVolumeGbs: intIn(BOOT_VOLUME_MIN_GBS, BOOT_VOLUME_MAX_GBS).default(100),
    })
    .prefault({})
    .superRefine((g, ctx) => {
      const shape = SHAPES[g.shape];
      if (!shape) return;
      if (shape.kind === "fixed") {
        for (const k of ["ocpus", "memoryGbs"] as const) {
          if (g[k] !== undefined) ctx.addIssue({ code: "custom", path: [k], params: { value: g[k] }, message: `must not be set: ${g.shape} is a fixed shape (${shape.ocpus} OCPU, ${shape.memoryGbs} GB)` });
        }
        return;
      }
      const ocpus = g.ocpus ?? defaults.ocpus;
      const memoryGbs = g.memoryGbs ?? defaults.memoryGbs;
      if (ocpus > shape.maxOcpus) {
        ctx.addIssue({ code: "custom", path: ["ocpus"], params: { value: ocpus }, message: `must be at most ${shape.maxOcpus} for ${g.shape}` });
      }
      const perOcpu = memoryGbs / ocpus;
      if (perOcpu < shape.minGbPerOcpu || perOcpu > shape.maxGbPerOcpu || memoryGbs > shape.maxMemoryGbs) {
        ctx.addIssue({
          code: "custom",
          path: ["memoryGbs"],
          params: { value: memoryGbs },
          message: `must be ${shape.minGbPerOcpu}-${shape.maxGbPerOcpu} GB per OCPU and at most ${shape.maxMemoryGbs} GB for ${g.shape} with ${ocpus} OCPUs`,
        });
      }
    })
    .transform((g) => {
      // Resolved sizes: the shape's own for fixed shapes, the role default otherwise.
      const shape = SHAPES[g.shape];
      const fixed = shape.kind === "fixed";
      return {
        ...g,
        ocpus: fixed ? shape.ocpus : (g.ocpus ?? defaults.ocpus),
        memoryGbs: fixed ? shape.memoryGbs : (g.memoryGbs ?? defaults.memoryGbs),
        flex: !fixed,
      };
    });

export const ociPlatformSchema = z
  .strictObject({
    program: z.literal("oci-platform"),
    oci: z.strictObject({
      /** Compartment every resource is created in. */
      compartmentId: ocid("compartment", "tenancy"),
      /**
       * The tenancy (root compartment): the first servers' dynamic group, which lets them
       * read the bootstrap secrets from OCI Vault, can only be created there.
       */
      tenancyId: ocid("tenancy"),
      /** The region, as also given to the provider (`oci:region`); used for Object Storage endpoints. */
      region: z.string({ error: "must be an OCI region identifier" }).regex(/^[a-z]+(-[a-z]+)+-\d+$/, { error: "must be an OCI region identifier such as us-ashburn-1" }),
    }),
    /** Base domain: apps live at rancher.<domain>, ci.<domain>, grafana.<domain>, bot.<domain>. */
    domain: dnsName(),
    network: z
      .strictObject({
        vcnCidr: cidr().default("10.0.0.0/16"),
        /** Public subnet of the load balancer. */
        lbSubnetCidr: cidr().default("10.0.0.0/24"),
        /** Private subnet of every VM; egress through a NAT gateway. */
        nodeSubnetCidr: cidr().default("10.0.1.0/24"),
        /** Who may reach SSH (through the OCI Bastion) and the Kubernetes API. Never the internet. */
        adminCidrs: z.array(adminCidr(), { error: "must be a list of CIDRs" }).min(1, { error: "must list at least one CIDR" }),
        /** Who may reach 80/443 on the load balancer. */
        clientCidrs: z.array(cidr(), { error: "must be a list of CIDRs" }).min(1, { error: "must list at least one CIDR" }).default(["0.0.0.0/0"]),
      })
      .superRefine((n, ctx) => {
        const vcn = parseCidr(n.vcnCidr);
        const lb = parseCidr(n.lbSubnetCidr);
        const nodes = parseCidr(n.nodeSubnetCidr);
        if (!vcn || !lb || !nodes) return; // already reported by the field rules
        for (const [key, sub] of [["lbSubnetCidr", lb], ["nodeSubnetCidr", nodes]] as const) {
          if (!cidrContains(vcn, sub)) ctx.addIssue({ code: "custom", path: [key], params: { value: key === "lbSubnetCidr" ? n.lbSubnetCidr : n.nodeSubnetCidr }, message: `must lie inside vcnCidr ${n.vcnCidr}` });
        }
        if (cidrOverlaps(lb, nodes)) {
          ctx.addIssue({ code: "custom", path: ["nodeSubnetCidr"], params: { value: n.nodeSubnetCidr }, message: `must not overlap lbSubnetCidr ${n.lbSubnetCidr}` });
        }
      }),
    image: z
      .strictObject({
        operatingSystem: z.literal(ORACLE_LINUX.operatingSystem, { error: `must be "${ORACLE_LINUX.operatingSystem}"` }).default(ORACLE_LINUX.operatingSystem),
        /** Only 7.9 runs Docker natively (BRIEF §1); cloud-init targets it. */
        version: z.literal(ORACLE_LINUX.version, { error: `must be "${ORACLE_LINUX.version}": the Oracle Linux release whose Docker setup this platform installs` }).default(ORACLE_LINUX.version),
        /** Explicit image OCID for every pool (a custom image); otherwise the platform image per shape. */
        id: ocid("image").optional(),
        /**
         * The platform image each shape boots, pinned by OCID: a newer image is adopted by
         * changing this (the plan prints the exact command) and rolling the pools.
         */
        pinned: z
          .record(z.string(), ocid("image"), { error: "must map shape names to image OCIDs" })
          .superRefine((m, ctx) => {
            for (const shape of Object.keys(m)) {
              if (!(shape in SHAPES)) ctx.addIssue({ code: "custom", path: [shape], params: { value: shape }, message: `is not a shape name: pin images under one of ${Object.keys(SHAPES).join(", ")}` });
            }
          })
          .default({}),
      })
      .prefault({}),
    nodes: z.strictObject({
      /** Public key installed for the `opc` user on every VM (reach it through the bastion). */
      sshPublicKey: sshPublicKey(),
      /** Kubernetes control plane; an odd count so embedded etcd keeps quorum. */
      server: nodeGroup({ count: 1, ocpus: 2, memoryGbs: 16 }, 7).superRefine((g, ctx) => {
        if (g.count % 2 === 0) {
          ctx.addIssue({ code: "custom", path: ["count"], params: { value: g.count }, message: "must be odd (1, 3, 5 or 7): embedded etcd needs a majority to survive a lost server" });
        }
      }),
      /** Kubernetes workers. */
      agent: nodeGroup({ count: 0, ocpus: 2, memoryGbs: 16 }, 100),
      /** Jenkins executors with a host Docker daemon. */
      ciAgent: nodeGroup({ count: 1, ocpus: 2, memoryGbs: 16 }, 500),
    }),
    docker: z
      .strictObject({
        /** json-file log rotation: size of one file, e.g. 50m. */
        logMaxSize: z.string().regex(/^[1-9]\d*[kmg]$/, { error: "must be a size such as 50m, 1g or 500k" }).default("50m"),
        logMaxFiles: intIn(1, 50).default(5),
      })
      .prefault({}),
    ingress: z
      .strictObject({
        controller: z.enum(INGRESS_CONTROLLERS, { error: `must be one of ${INGRESS_CONTROLLERS.join(", ")}` }).default("traefik"),
        httpNodePort: nodePort().default(DEFAULT_NODE_PORTS.http),
        httpsNodePort: nodePort().default(DEFAULT_NODE_PORTS.https),
        healthNodePort: nodePort().default(DEFAULT_NODE_PORTS.health),
        /**
         * Cluster: any node forwards to a controller anywhere, so a node is healthy when
         * the controller answers through it. Local: the client IP is kept, and the
         * controller runs on every node (a DaemonSet) so each backend answers for itself.
         */
        externalTrafficPolicy: z.enum(["Cluster", "Local"], { error: "must be Cluster or Local" }).default("Cluster"),
        /** Controller replicas with externalTrafficPolicy Cluster; default 2 (spread over nodes). */
        replicas: intIn(1, 20).default(2),
        /** Health-check path; defaults to the chosen controller's (see CONTROLLER_HEALTH_PATH). */
        healthPath: z.string().regex(/^\/[\x21-\x7e]*$/, { error: "must be an absolute URL path such as /ping" }).optional(),
      })
      .prefault({})
      .superRefine((i, ctx) => {
        const seen = new Map<number, string>();
        for (const key of ["httpNodePort", "httpsNodePort", "healthNodePort"] as const) {
          const other = seen.get(i[key]);
          if (other) ctx.addIssue({ code: "custom", path: [key], params: { value: i[key] }, message: `must differ from ${other} (both are ${i[key]})` });
          seen.set(i[key], key);
        }
      })
      .transform((i) => ({ ...i, healthPath: i.healthPath ?? CONTROLLER_HEALTH_PATH[i.controller] })),
    loadBalancer: z
      .strictObject({
        /** Flexible LB bandwidth, Mbps; 10 is the Always Free amount. */
        minBandwidthMbps: intIn(10, 8000).default(10),
        maxBandwidthMbps: intIn(10, 8000).default(10),
        healthCheck: z
          .strictObject({
            intervalMs: intIn(1000, 1800000).default(5000),
            timeoutMs: intIn(1, 600000).default(3000),
            retries: intIn(1, 10).default(3),
          })
          .prefault({})
          .superRefine((h, ctx) => {
            if (h.timeoutMs >= h.intervalMs) {
              ctx.addIssue({ code: "custom", path: ["timeoutMs"], params: { value: h.timeoutMs }, message: `must be shorter than intervalMs ${h.intervalMs}` });
            }
            const detect = h.retries * h.intervalMs + h.timeoutMs;
            if (detect > MAX_DETECTION_MS) {
              ctx.addIssue({
                code: "custom",
                path: ["retries"],
                params: { value: h.retries },
                message: `with intervalMs ${h.intervalMs} and timeoutMs ${h.timeoutMs} takes ${detect} ms to drop a dead node; keep retries*intervalMs+timeoutMs <= ${MAX_DETECTION_MS}`,
              });
            }
          }),
      })
      .prefault({})
      .superRefine((l, ctx) => {
        if (l.minBandwidthMbps > l.maxBandwidthMbps) {
          ctx.addIssue({ code: "custom", path: ["maxBandwidthMbps"], params: { value: l.maxBandwidthMbps }, message: `must be at least minBandwidthMbps ${l.minBandwidthMbps}` });
        }
      }),
    ...platformAppsShape,
  })
  .superRefine((s, ctx) => {
    // Longhorn places each replica of a volume on a different node.
    const storageNodes = s.nodes.server.count + s.nodes.agent.count;
    const replicas = s.longhorn.replicaCount;
    if (replicas !== undefined && replicas > storageNodes) {
      ctx.addIssue({
        code: "custom",
        path: ["longhorn", "replicaCount"],
        params: { value: replicas },
        message: `must not exceed the ${storageNodes} cluster nodes that can hold replicas (nodes.server.count + nodes.agent.count)`,
      });
    }
    const sub = parseCidr(s.network.nodeSubnetCidr);
    if (sub && sub.prefix > 26) {
      ctx.addIssue({ code: "custom", path: ["network", "nodeSubnetCidr"], params: { value: s.network.nodeSubnetCidr }, message: "must be /26 or larger: servers take fixed addresses at the top of the node subnet" });
    } else if (sub) {
      // OCI reserves the first two addresses of a subnet; the servers' block takes the top.
      const room = 2 ** (32 - sub.prefix) - 2 - SERVER_OFFSET_FROM_TOP;
      const dhcp = s.nodes.agent.count + s.nodes.ciAgent.count;
      if (dhcp > room) {
        ctx.addIssue({
          code: "custom",
          path: ["nodes", "ciAgent", "count"],
          params: { value: s.nodes.ciAgent.count },
          message: `with ${s.nodes.agent.count} agents does not fit the node subnet ${s.network.nodeSubnetCidr}: room for ${room} agent and ci-agent VMs; widen network.nodeSubnetCidr`,
        });
      }
    }
  })
  .superRefine((s, ctx) => {
    // Recovery point: a protected (prod) stack loses at most 6 hours of data, and every
    // copy it keeps covers at least a week (one bad week can go unnoticed).
    const b = resolveBackups(s);
    const check = (path: string[], cron: string, retain: number, retainPath: string[], on: boolean) => {
      if (!on) return;
      const every = cronIntervalHours(cron);
      if (every === undefined) return; // already reported by the field rule
      if (s.protect && every > MAX_RPO_HOURS) ctx.addIssue({ code: "custom", path, params: { value: cron }, message: `must run at least every ${MAX_RPO_HOURS} hours in a protected stack (this one runs every ${every})` });
      if (retain * every < MIN_RETENTION_HOURS) {
        ctx.addIssue({ code: "custom", path: retainPath, params: { value: retain }, message: `keeps ${retain} copies taken every ${every} h, ${retain * every} h in all; keep at least ${Math.ceil(MIN_RETENTION_HOURS / every)} (a week)` });
      }
    };
    check(["cluster", "etcdSnapshots", "scheduleCron"], b.etcd.scheduleCron, b.etcd.retention, ["cluster", "etcdSnapshots", "retention"], b.etcd.enabled);
    check(["longhorn", "backup", "schedule", "backupCron"], b.volumes.backupCron, b.volumes.backupRetain, ["longhorn", "backup", "schedule", "backupRetain"], b.volumes.enabled);
  })
  .transform((s) => {
    const b = resolveBackups(s);
    return {
      ...s,
      cluster: { ...s.cluster, etcdSnapshots: b.etcd },
      longhorn: {
        ...s.longhorn,
        replicaCount: s.longhorn.replicaCount ?? Math.min(3, s.nodes.server.count + s.nodes.agent.count),
        backup: { ...s.longhorn.backup, enabled: b.volumes.enabled, schedule: { ...s.longhorn.backup.schedule, backupCron: b.volumes.backupCron, backupRetain: b.volumes.backupRetain } },
      },
    };
  });

/** The most data a protected stack may lose: the longest gap between two off-cluster copies. */
export const MAX_RPO_HOURS = 6;
/** Every kind of copy covers at least a week. */
export const MIN_RETENTION_HOURS = 7 * 24;

/** Backup settings with their defaults, which follow `protect`: on and every 6 h in prod, off (daily when on) elsewhere. */
function resolveBackups(s: { protect: boolean; cluster: { etcdSnapshots: { enabled?: boolean; scheduleCron: string; retention: number } }; longhorn: { backup: { enabled?: boolean; schedule: { backupCron?: string; backupRetain?: number } } } }) {
  const e = s.cluster.etcdSnapshots;
  const v = s.longhorn.backup;
  return {
    etcd: { enabled: e.enabled ?? s.protect, scheduleCron: e.scheduleCron, retention: e.retention },
    volumes: {
      enabled: v.enabled ?? s.protect,
      backupCron: v.schedule.backupCron ?? (s.protect ? "0 */6 * * *" : "0 3 * * *"),
      backupRetain: v.schedule.backupRetain ?? (s.protect ? 28 : 7),
    },
  };
}

/** A dead node must leave load-balancer rotation within this time. */
export const MAX_DETECTION_MS = 30000;

export type OciPlatformInput = z.input<typeof ociPlatformSchema>;
export type OciPlatformSettings = z.output<typeof ociPlatformSchema>;
export type NodeGroupSettings = OciPlatformSettings["nodes"]["server"];
