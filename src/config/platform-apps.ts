/**
 * Config of what runs on the cluster: TLS, the apps and Longhorn. Part of the
 * `oci-platform` program's schema; hostnames default to `<app>.<domain>`.
 */
import { X509Certificate } from "node:crypto";
import { z } from "zod";
import { GITHUB_BOT } from "../versions";
import { cidr, dnsName, intIn, secretString } from "./rules";
import { parseCidr } from "../base/cidr";
import { CATALOG } from "../matrix/catalog";
import { missingTargets } from "../matrix/targets";

/** Longhorn's orphan kinds (setting `orphan-resource-auto-deletion`, v1.9+). */
export const ORPHAN_KINDS = ["replica-data", "instance"] as const;


/**
 * A cron schedule of the form the backup rules can reason about: a fixed minute, an
 * hour field of `*`, `*\/N`, one hour or a list of hours, and every day
 * (`0 *\/6 * * *`, `30 3 * * *`).
 */
export const backupCron = () =>
  z.string({ error: "must be a cron schedule such as 0 */6 * * *" }).refine((c) => cronIntervalHours(c) !== undefined, {
    error: "must be a cron schedule with a fixed minute, an hour of *, */N, H or H1,H2,..., and * for day, month and weekday (such as 0 */6 * * *)",
  });

/** The longest gap, in hours, between two runs of a daily cron schedule, or undefined when the form is not one we read. */
export function cronIntervalHours(cron: string): number | undefined {
  const f = cron.trim().split(/\s+/);
  if (f.length !== 5 || !/^\d{1,2}$/.test(f[0]) || Number(f[0]) > 59 || f.slice(2).some((x) => x !== "*")) return undefined;
  const h = f[1];
  if (h === "*") return 1;
  const step = /^\*\/(\d{1,2})$/.exec(h);
  if (step) return Number(step[1]) >= 1 && Number(step[1]) <= 24 ? Number(step[1]) : undefined;
  if (!/^\d{1,2}(,\d{1,2})*$/.test(h)) return undefined;
  const hours = [...new Set(h.split(",").map(Number))].sort((a, b) => a - b);
  if (hours.some((x) => x > 23)) return undefined;
  return Math.max(...hours.map((x, i) => (i + 1 < hours.length ? hours[i + 1] - x : 24 - x + hours[0])));
}

const IMAGE_RE = /^[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

/**
 * The bot's image is pinned when it names a digest, or a tag that is the full
 * longhorn/bot commit it was built from (what .github/workflows/github-bot-image.yml
 * pushes, once per commit). Version and moving tags can be pushed again.
 */
export function botImagePin(image: string): { digest: string } | { commit: string } | undefined {
  const digest = /@(sha256:[a-f0-9]{64})$/.exec(image);
  if (digest) return { digest: digest[1] };
  const tag = /:([0-9a-f]{40})$/.exec(image.slice(image.lastIndexOf("/") + 1));
  return tag ? { commit: tag[1] } : undefined;
}

/** Who may reach an app, narrowing `network.clientCidrs` at the ingress controller. */
const appClientCidrs = () =>
  z.array(cidr(), { error: "must be a list of CIDRs" }).min(1, { error: "must list at least one CIDR (leave the key out to admit every client the load balancer admits)" }).optional();

/** PEM certificates, each parsed. */
function pemCertificates(text: string): X509Certificate[] | undefined {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) return undefined;
  try {
    return blocks.map((b) => new X509Certificate(b));
  } catch {
    return undefined;
  }
}

export const platformAppsShape = {
  /** Protect stateful resources (CA keys, the reserved IP, app volumes, backup bucket) against deletion. */
  protect: z.boolean({ error: "must be true or false" }).default(true),
  cluster: z
    .strictObject({
      /** How long the first `pulumi up` waits for the new API server. */
      readyTimeoutSeconds: intIn(60, 7200).default(1500),
      /**
       * k3s etcd snapshots uploaded to the `<stack>-etcd-snapshots` bucket. Default: on
       * where `protect` is (prod). With them, even one server runs embedded etcd.
       */
      etcdSnapshots: z
        .strictObject({
          enabled: z.boolean({ error: "must be true or false" }).optional(),
          scheduleCron: backupCron().default("0 */6 * * *"),
          /** Snapshots kept (k3s prunes older ones, locally and in the bucket). */
          retention: intIn(1, 1000).default(28),
        })
        .prefault({}),
    })
    .prefault({}),
  tls: z
    .strictObject({
      /** acme: cert-manager with Let's Encrypt over HTTP-01; secret: your certificate. */
      mode: z.enum(["acme", "secret"], { error: "must be acme or secret" }).default("acme"),
      /** Let's Encrypt account email (expiry notices). */
      acmeEmail: z.email({ error: "must be an email address" }).optional(),
      /** staging issues untrusted certificates with generous rate limits; use it outside prod. */
      acmeServer: z.enum(["staging", "production"], { error: "must be staging or production" }).default("production"),
      /** PEM certificate chain covering every app host (mode secret). */
      certificate: secretString().optional(),
      /** PEM private key of that certificate (mode secret). */
      privateKey: secretString().optional(),
      /**
       * PEM of the CA that issued `certificate`, when it is not in public trust stores
       * (mode secret). Rancher then hands it to its agents (strict agent TLS).
       */
      caCertificate: z
        .string({ error: "must be a PEM certificate" })
        .refine((v) => pemCertificates(v)?.every((c) => c.ca) ?? false, { error: "must be one or more PEM CA certificates (-----BEGIN CERTIFICATE-----, basic constraints CA:TRUE)" })
        .optional(),
    })
    .prefault({})
    .superRefine((t, ctx) => {
      if (t.mode === "acme" && !t.acmeEmail) ctx.addIssue({ code: "custom", path: ["acmeEmail"], message: "must be set when mode is acme: Let's Encrypt needs an account email" });
      if (t.mode === "secret") {
        for (const k of ["certificate", "privateKey"] as const) {
          if (!t[k]) ctx.addIssue({ code: "custom", path: [k], message: "must be set (with --secret) when mode is secret" });
        }
      }
      if (t.mode === "acme" && t.caCertificate) ctx.addIssue({ code: "custom", path: ["caCertificate"], message: "must not be set when mode is acme: the Let's Encrypt roots are known" });
    }),
  rancher: z
    .strictObject({
      hostname: dnsName().optional(),
      /** Clients admitted to Rancher (downstream clusters' agents connect here too). */
      clientCidrs: appClientCidrs(),
    })
    .prefault({}),
  jenkins: z
    .strictObject({
      hostname: dnsName().optional(),
      /** Clients admitted to Jenkins. */
      clientCidrs: appClientCidrs(),
      /** Executors on each ci-agent VM: concurrent Docker jobs per VM. */
      executorsPerAgent: intIn(1, 32).default(2),
      /** JENKINS_HOME volume on Longhorn. */
      storageGbs: intIn(8, 4096).default(50),
    })
    .prefault({}),
  grafana: z
    .strictObject({
      hostname: dnsName().optional(),
      /** Clients admitted to Grafana. */
      clientCidrs: appClientCidrs(),
      storageGbs: intIn(1, 1024).default(10),
      /** Where alerts go (Slack-compatible or generic webhook URL); a secret, it often embeds a token. */
      alertWebhookUrl: secretString().optional(),
    })
    .prefault({}),
  prometheus: z
    .strictObject({
      retentionDays: intIn(1, 365).default(15),
      storageGbs: intIn(8, 4096).default(50),
    })
    .prefault({}),
  githubBot: z
    .strictObject({
      enabled: z.boolean({ error: "must be true or false" }).default(false),
      hostname: dnsName().optional(),
      /** Clients admitted to the webhook endpoint (GitHub's hook ranges, api.github.com/meta). */
      clientCidrs: appClientCidrs(),
      /**
       * The bot's image as built by .github/workflows/github-bot-image.yml: by digest
       * (`repo@sha256:<digest>`) or by the longhorn/bot commit tag (`repo:<40 hex>`).
       * longhorn/bot itself publishes only the moving :master tag.
       */
      image: z
        .string()
        .regex(IMAGE_RE, { error: "must be an image reference such as registry.example.org/github-bot@sha256:<digest>" })
        .refine((i) => botImagePin(i) !== undefined, {
          error: "must be pinned by digest (<repo>@sha256:<64 hex>) or by the 40-hex longhorn/bot commit it was built from (<repo>:<commit>, as .github/workflows/github-bot-image.yml pushes it); other tags (master, latest, versions) can be pushed again",
        })
        .refine((i) => { const p = botImagePin(i); return !p || !("commit" in p) || p.commit === GITHUB_BOT.commit; }, {
          error: `must carry the commit pinned in src/versions.ts (GITHUB_BOT.commit ${GITHUB_BOT.commit}), the one the image workflow builds; for another build, give its digest`,
        })
        .optional(),
      /** GitHub token the bot calls the API with. */
      githubToken: secretString().optional(),
      /** User name of the HTTP basic auth on the webhook endpoint; the password is generated. */
      basicAuthUser: z.string().regex(/^[a-z][a-z0-9-]{2,31}$/, { error: "must be 3-32 lowercase letters, digits or '-'" }).default("github"),
    })
    .prefault({})
    .superRefine((b, ctx) => {
      if (!b.enabled) return;
      if (!b.githubToken) ctx.addIssue({ code: "custom", path: ["githubToken"], message: "must be set (pulumi config set --secret --path githubBot.githubToken) while the bot is enabled" });
      if (!b.image) ctx.addIssue({ code: "custom", path: ["image"], message: "must be set while the bot is enabled: a pinned image of longhorn/bot (repo@sha256:<digest>)" });
    }),
  longhorn: z
    .strictObject({
      /** Replicas of each volume; default min(3, cluster nodes). Never above the nodes that can hold them. */
      replicaCount: intIn(1, 10).optional(),
      /** Orphans Longhorn deletes by itself once the grace period has passed. */
      orphanAutoDeletion: z.array(z.enum(ORPHAN_KINDS, { error: `must be one of ${ORPHAN_KINDS.join(", ")}` })).default([...ORPHAN_KINDS]),
      /** Seconds an orphan must stay orphaned before deletion, so a CR briefly missing during an update survives. */
      orphanGracePeriodSeconds: intIn(0, 86400).default(300),
      backup: z
        .strictObject({
          /** Back volumes up to an OCI Object Storage bucket created here (S3-compatible API). Default: on where `protect` is. */
          enabled: z.boolean({ error: "must be true or false" }).optional(),
          /** OCI Object Storage namespace of the tenancy (`oci os ns get`); looked up when absent. */
          namespace: z.string().regex(/^[a-z0-9]+$/, { error: "must be the tenancy's Object Storage namespace" }).optional(),
          /**
           * A customer secret key to write both backup buckets with. Absent: the stack creates
           * a dedicated user whose group may write only those buckets, and its key.
           */
          accessKeyId: secretString().optional(),
          secretAccessKey: secretString().optional(),
          /** Longhorn RecurringJobs for the volumes on the retained class (Jenkins home, Grafana). */
          schedule: z
            .strictObject({
              backupCron: backupCron().optional(),
              /** Backups kept per volume. */
              backupRetain: intIn(1, 100).optional(),
              snapshotCron: backupCron().default("0 * * * *"),
              snapshotRetain: intIn(1, 100).default(6),
            })
            .prefault({}),
        })
        .prefault({})
        .superRefine((b, ctx) => {
          if (Boolean(b.accessKeyId) !== Boolean(b.secretAccessKey)) {
            ctx.addIssue({ code: "custom", path: [b.accessKeyId ? "secretAccessKey" : "accessKeyId"], message: "must be set together with its pair (or leave both out and the stack creates the backup writer's key)" });
          }
        }),
    })
    .prefault({}),
  /** Harvester and Rancher environments of the test-matrix jobs (see matrixTargetsSchema). */
  matrixTargets: matrixTargetsSchema(),
};

// ---- Test-matrix environments (src/matrix/targets.ts) ----------------------------

/** An http(s) URL pytest can take as one shlex word: no whitespace, no quotes. */
function optionUrl(scheme: "https" | "http or https") {
  return z.string({ error: `must be an ${scheme} URL` }).refine((v) => (scheme === "https" ? /^https:\/\/[^\s'"\\]+$/ : /^https?:\/\/[^\s'"\\]+$/).test(v), {
    error: `must be an ${scheme} URL without spaces or quotes (it becomes a harvester/tests option)`,
  });
}

function ipv4() {
  return z.string({ error: "must be an IPv4 address" }).refine((v) => parseCidr(`${v}/32`) !== undefined, { error: "must be an IPv4 address such as 192.168.0.200" });
}

/**
 * `ci-infra:matrixTargets`: the Harvester clusters and Rancher servers the matrix jobs
 * run against, keyed by the version each runs (`v1.4.3`, `v2.10.6`). Optional; once
 * set, every Rancher and Harvester version a matrix combination names must be here,
 * since Jenkins then seeds jobs that need their credentials. Values become Jenkins
 * credentials (src/matrix/targets.ts); passwords are Pulumi secrets.
 */
function matrixTargetsSchema() {
  const version = z.string().regex(/^v\d+\.\d+\.\d+$/, { error: "must be a release version such as v1.4.3" });
  const harvester = z.strictObject({
    /** Harvester API/dashboard URL (harvester/tests --endpoint). */
    endpoint: optionUrl("https"),
    /** Dashboard user (--username); harvester/tests' README: fixed as admin. */
    username: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, { error: "must be a user name (letters, digits, _ . @ -)" }).default("admin"),
    password: secretString(),
    /** VLAN the guest VMs' network uses (--vlan-id; the test refuses -1). */
    vlanId: intIn(1, 4094),
    /** Cluster network NIC of that VLAN (--vlan-nic; config.yml's default is mgmt). */
    vlanNic: z.string().regex(/^[A-Za-z0-9_.-]{1,15}$/, { error: "must be a network interface or cluster network name such as mgmt" }).default("mgmt"),
    /** Addresses for LoadBalancer services of pool IPAM (--ip-pool-subnet/start/end). */
    ipPool: z.strictObject({ subnet: cidr(), start: ipv4(), end: ipv4() }),
    /** Mirror of the guest cloud images (--image-cache-url). */
    imageCacheUrl: optionUrl("http or https").optional(),
  });
  const rancher = z.strictObject({
    /** Rancher URL (--rancher-endpoint). */
    endpoint: optionUrl("https"),
    /** Password of Rancher's admin user: the test logs in as admin (--rancher-admin-password). */
    adminPassword: secretString(),
  });
  return z
    .strictObject({
      harvester: z.record(version, harvester).default({}),
      rancher: z.record(version, rancher).default({}),
    })
    .optional()
    .superRefine((t, ctx) => {
      if (!t) return;
      for (const miss of missingTargets(CATALOG, { rancher: Object.keys(t.rancher), harvester: Object.keys(t.harvester) })) {
        ctx.addIssue({ code: "custom", path: [miss.kind], message: miss.message });
      }
    });
}
