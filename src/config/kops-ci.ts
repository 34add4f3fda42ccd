/**
 * Config of the `kops-ci` program: the GCS buckets of kOps CI, the keyless job
 * identities in GCP and AWS, the Boskos pool of GCP projects and the kOps state
 * store. Every key is documented in `docs/kops-ci.md`. Names that other code
 * derives from `name` (service accounts, pool, role) live in `src/kops/names.ts`.
 */
import { z } from "zod";
import { intIn } from "./rules";

/** GCP's basic roles: everything in a project. Never given to a CI identity (the policy rule reads this too). */
export const PRIMITIVE_ROLES: readonly string[] = ["roles/owner", "roles/editor", "roles/viewer"];

/** Upstream's settled lifecycle for `k8s-staging-kops` (BRIEF §2). */
export const STAGING_DEFAULTS = { name: "k8s-staging-kops", pullsAgeDays: 30, kopsAgeDays: 365 } as const;
export const RESULTS_DEFAULTS = { name: "k8s-infra-kops-ci-results", ageDays: 90 } as const;

/**
 * Long enough for the longest kOps e2e job (upgrade jobs: create, upgrade, test,
 * delete; their Prow timeouts are at most a few hours), well under AWS's 12 h cap.
 */
export const DEFAULT_SESSION_SECONDS = 4 * 3600;
export const MAX_SESSION_SECONDS = 12 * 3600;

/** What the Boskos projects need for kOps e2e on GCE, and what the janitor cleans. */
export const DEFAULT_BOSKOS_APIS = [
  "compute.googleapis.com",
  "iam.googleapis.com",
  "storage.googleapis.com",
  "dns.googleapis.com",
  "cloudresourcemanager.googleapis.com",
  "serviceusage.googleapis.com",
  "logging.googleapis.com",
] as const;
/**
 * What a kOps e2e run on GCE needs inside a disposable Boskos project: VMs and
 * networks, running them as a service account, its state-store bucket (which
 * kubetest2-kops creates in the project) and DNS. No role that can grant roles:
 * kOps binds roles/container.serviceAgent at project level unless the cluster
 * runs as an existing account (`--gce-service-account`; kubernetes/kops
 * pkg/model/gcemodel/service_accounts.go), and granting that would take
 * setIamPolicy on the project, which lets a job make itself owner.
 */
export const DEFAULT_E2E_ROLES = [
  "roles/compute.admin",
  "roles/iam.serviceAccountUser",
  "roles/storage.admin",
  "roles/dns.admin",
] as const;
/**
 * What the Boskos GCP janitor deletes (kubernetes-sigs/boskos cmd/janitor/gcp_janitor.py
 * at 3563df0d: compute resources, logging sinks, service-account keys, after listing
 * the enabled services). It deletes no bucket, no DNS zone and no service account.
 */
export const DEFAULT_JANITOR_ROLES = [
  "roles/compute.admin",
  "roles/logging.configWriter",
  "roles/iam.serviceAccountKeyAdmin",
  "roles/serviceusage.serviceUsageViewer",
] as const;

/**
 * Roles that carry setIamPolicy on the project: whoever holds one can grant
 * itself owner, so a CI identity never does.
 */
export const GRANTING_ROLES: readonly string[] = ["roles/resourcemanager.projectIamAdmin", "roles/iam.securityAdmin"];
/** Roles of the organization or folder hierarchy, meaningless (or worse) on a pool project. */
const ORG_LEVEL_ROLE = /^roles\/(resourcemanager\.(organization|folder)[A-Za-z]*|orgpolicy\.[A-Za-z.]+|billing\.[A-Za-z.]+|iam\.organizationRole[A-Za-z]*)$/;

/**
 * The Prow job limits kubernetes/test-infra's config tests allow on its build
 * clusters (config/tests/jobs/jobs_test.go verifyPodQOSGuaranteed at 9cd5798c:
 * requests equal limits, at most 7 CPU and 27Gi), and upstream's kOps upgrade jobs'
 * own values (config/jobs/kubernetes/kops/kops-periodics-upgrades.yaml: 4 CPU, 6Gi).
 */
export const PROW_MAX = { cpu: 7, memoryGi: 27 } as const;
export const PROW_DEFAULT_RESOURCES = { cpu: "4", memory: "6Gi" } as const;

/**
 * kOps names instance roles `<kind>.<cluster>` (longest kind: `apiservers.`) and
 * truncates names past 64 characters with a hash (kubernetes/kops pkg/model/names.go
 * IAMName, pkg/truncate, MaxLengthIAMRoleName in pkg/model/iam/types.go). Job cluster
 * names are `e2e-<10 hex>.<clusterDomain>`, so the domain must leave room for both.
 */
export const MAX_CLUSTER_DOMAIN_CHARS = 64 - "apiservers.".length - "e2e-0123456789.".length;

const digitsOf = (v: unknown) => (typeof v === "number" && Number.isSafeInteger(v) ? String(v) : v);

/** A numeric id written as a number or a string (YAML makes either); kept as a string. */
const numericId = (what: string, min: number, max: number) =>
  z.preprocess(
    digitsOf,
    z.string({ error: `must be ${what}` }).regex(new RegExp(`^[1-9]\\d{${min - 1},${max - 1}}$`), { error: `must be ${what}, ${min}-${max} digits` }),
  );

/**
 * A GCS bucket name without dots: 3-63 lowercase letters, digits, '-' and '_',
 * starting and ending with a letter or digit. Dotted names need a verified
 * domain; "goog" prefixes and "google" are reserved by Google.
 */
const gcsBucket = () =>
  z
    .string({ error: "must be a bucket name" })
    .refine((v) => /^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/.test(v) && !v.startsWith("goog") && !v.includes("google"), {
      error: "must be a GCS bucket name: 3-63 lowercase letters, digits, '-' or '_', starting and ending with a letter or digit, not starting with \"goog\" nor containing \"google\"",
    });

/** An S3 bucket name usable with virtual-hosted TLS URLs (so no dots). */
const s3Bucket = () =>
  z
    .string({ error: "must be a bucket name" })
    .refine((v) => /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(v) && !v.startsWith("xn--") && !v.startsWith("sthree-") && !/(-s3alias|--ol-s3|--x-s3)$/.test(v), {
      error: "must be an S3 bucket name: 3-63 lowercase letters, digits or '-', starting and ending with a letter or digit, no dots (they break HTTPS virtual-hosted URLs)",
    });

const ageDays = () => intIn(1, 3650);

const gcpProjectId = () =>
  z.string({ error: "must be a GCP project id" }).regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, {
    error: "must be a GCP project id: 6-30 lowercase letters, digits or '-', starting with a letter, not ending with '-'",
  });

const KSA_SUBJECT_RE = /^system:serviceaccount:([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?):([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)$/;

/** The `sub` claim of a Kubernetes service-account token. */
export const ksaSubject = () =>
  z.string({ error: "must be a service-account subject" }).regex(KSA_SUBJECT_RE, {
    error: "must be a Kubernetes service-account subject system:serviceaccount:<namespace>:<name>",
  });

/** A Kubernetes ServiceAccount as a token's `sub` claim names it, parsed once here. */
export interface ServiceAccountSubject {
  /** `system:serviceaccount:<namespace>:<name>`, as trust policies match it. */
  readonly subject: string;
  readonly namespace: string;
  readonly name: string;
}

/** Parses a subject `ksaSubject` has accepted. */
function toSubject(subject: string): ServiceAccountSubject {
  const m = KSA_SUBJECT_RE.exec(subject)!;
  return { subject, namespace: m[1], name: m[3] };
}

const subjects = () =>
  z
    .array(ksaSubject(), { error: "must be a list of service-account subjects" })
    .min(1, { error: "must list at least one service-account subject" })
    .refine((l) => new Set(l).size === l.length, { error: "must not list a subject twice" });

/**
 * The CI cluster's service-account token issuer. AWS and GCP fetch
 * `<issuer>/.well-known/openid-configuration` over HTTPS, so it must be an https
 * URL without query, fragment or trailing slash (the `iss` claim is compared
 * byte for byte).
 */
const issuerUrl = () =>
  z.string({ error: "must be an https URL" }).refine(
    (v) => {
      try {
        const u = new URL(v);
        return u.protocol === "https:" && !u.search && !u.hash && !u.username && !v.endsWith("/") && u.href.replace(/\/$/, "") === v;
      } catch {
        return false;
      }
    },
    { error: "must be the https URL of the cluster's token issuer, exactly as in the tokens' iss claim, with no query, fragment or trailing slash" },
  );

const gcpRole = () =>
  z
    .string({ error: "must be a role name" })
    .refine((r) => !PRIMITIVE_ROLES.includes(r), { error: "must not be a primitive role (owner, editor, viewer): grant the predefined roles e2e needs", abort: true })
    .refine((r) => !GRANTING_ROLES.includes(r), { error: "must not be a role that can grant roles (it carries setIamPolicy: a job holding it can make itself owner of the project)", abort: true })
    .refine((r) => !ORG_LEVEL_ROLE.test(r), { error: "must not be an organization-level role (organization, folder, org policy, billing): pool identities act on their projects only", abort: true })
    .refine((r) => /^roles\/[a-zA-Z]+\.[a-zA-Z.]+$/.test(r), { error: "must be a predefined role such as roles/compute.admin" });

const distinct = <T extends z.ZodTypeAny>(item: T, what: string) =>
  z
    .array(item, { error: `must be a list of ${what}` })
    .min(1, { error: `must list at least one of ${what}` })
    .refine((l) => new Set(l).size === l.length, { error: "must not list a value twice" });

const AWS_REGION_RE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const awsRegion = () => z.string({ error: "must be an AWS region" }).regex(AWS_REGION_RE, { error: "must be an AWS region such as us-east-2" });

const AWS_ZONE_RE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d[a-z]$/;
const awsZone = () => z.string({ error: "must be an availability zone" }).regex(AWS_ZONE_RE, { error: "must be an availability zone such as us-east-2a" });

const DNS_LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
const K8S_NAME = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

/** A CPU quantity in whole or milli cores (`4`, `3500m`), as Kubernetes writes it. */
const cpuQuantity = () =>
  z
    .string({ error: "must be a CPU quantity" })
    .regex(/^(\d+|\d+m)$/, { error: "must be a CPU quantity such as 4 or 3500m" })
    .refine((q) => cores(q) > 0 && cores(q) <= PROW_MAX.cpu, { error: `must be more than 0 and at most ${PROW_MAX.cpu} CPUs (kubernetes/test-infra job policy: the job must fit an 8-core node)` });
/** A memory quantity in Mi or Gi (`6Gi`). */
const memoryQuantity = () =>
  z
    .string({ error: "must be a memory quantity" })
    .regex(/^\d+(Mi|Gi)$/, { error: "must be a memory quantity such as 6Gi or 512Mi" })
    .refine((q) => gibibytes(q) > 0 && gibibytes(q) <= PROW_MAX.memoryGi, { error: `must be more than 0 and at most ${PROW_MAX.memoryGi}Gi (kubernetes/test-infra job policy: the job must fit a 30G node)` });

export const cores = (q: string) => (q.endsWith("m") ? Number(q.slice(0, -1)) / 1000 : Number(q));
export const gibibytes = (q: string) => (q.endsWith("Gi") ? Number(q.slice(0, -2)) : Number(q.slice(0, -2)) / 1024);

export const kopsCiSchema = z
  .strictObject({
    program: z.literal("kops-ci"),
    /**
     * Short name of this deployment; prefix of every name unique within a project
     * or account (service accounts, workload identity pool, IAM role). Two stacks
     * sharing a project or account need different names.
     */
    name: z.string({ error: "must be a short name" }).regex(/^[a-z][a-z0-9-]{1,18}[a-z0-9]$/, {
      error: "must be 3-20 lowercase letters, digits or '-', starting with a letter (it prefixes service-account ids of at most 30 characters)",
    }),
    gcp: z.strictObject({
      /** Host project of the buckets, service accounts and workload identity pool. */
      project: gcpProjectId(),
      /** Its number (`gcloud projects describe <project> --format='value(projectNumber)'`): federated principals are named by it. */
      projectNumber: numericId("a project number", 6, 20),
      /** Location of both GCS buckets (multi-region such as US, or a region). */
      location: z
        .string({ error: "must be a GCS location" })
        .regex(/^([A-Za-z]{2,4}|[A-Za-z]+-[A-Za-z]+\d+|[A-Za-z]+\d+)$/, { error: "must be a GCS location such as US, EU or us-central1" })
        .transform((l) => l.toUpperCase())
        .default("US"),
    }),
    buckets: z
      .strictObject({
        /** Staged kOps builds (`kops/`), PR builds (`pulls/`) and the version markers. */
        staging: z
          .strictObject({
            name: gcsBucket().default(STAGING_DEFAULTS.name),
            /**
             * Grant allUsers read. kOps e2e clusters on AWS download the staged
             * binaries anonymously, so upstream keeps it public; it stays off unless
             * a stack says so.
             */
            publicRead: z.boolean({ error: "must be true or false" }).default(false),
            pullsAgeDays: ageDays().default(STAGING_DEFAULTS.pullsAgeDays),
            kopsAgeDays: ageDays().default(STAGING_DEFAULTS.kopsAgeDays),
            /**
             * The bucket exists already (the community-managed k8s-staging-kops):
             * import it into the stack instead of creating it.
             */
            adopt: z.boolean({ error: "must be true or false" }).default(false),
          })
          .prefault({}),
        /** CI results (logs, junit) written by the e2e jobs. */
        results: z
          .strictObject({
            name: gcsBucket().default(RESULTS_DEFAULTS.name),
            ageDays: ageDays().default(RESULTS_DEFAULTS.ageDays),
            /** The bucket exists already: import it instead of creating it. */
            adopt: z.boolean({ error: "must be true or false" }).default(false),
          })
          .prefault({}),
      })
      .prefault({})
      .superRefine((b, ctx) => {
        if (b.staging.name === b.results.name) {
          ctx.addIssue({ code: "custom", path: ["results", "name"], params: { value: b.results.name }, message: "must differ from staging.name: the buckets have different writers and public access" });
        }
      }),
    /** The CI cluster whose pods run the jobs: its token issuer and the service accounts trusted. */
    cluster: z
      .strictObject({
        issuer: issuerUrl(),
        /** e2e jobs: write results and `pulls/`, assume the AWS role, use Boskos projects. */
        jobServiceAccounts: subjects(),
        /** Release jobs: alone write `kops/releases/` and the version markers. */
        publisherServiceAccounts: subjects(),
        /** The Boskos janitor: cleans returned projects. */
        janitorServiceAccounts: subjects(),
      })
      .superRefine((c, ctx) => {
        const owner = new Map<string, string>();
        for (const key of ["jobServiceAccounts", "publisherServiceAccounts", "janitorServiceAccounts"] as const) {
          c[key].forEach((s, i) => {
            const other = owner.get(s);
            if (other) ctx.addIssue({ code: "custom", path: [key, i], params: { value: s }, message: `must not also be in ${other}: each identity keeps its own service accounts` });
            owner.set(s, key);
          });
        }
      })
      // The identities' subjects, parsed once, by identity kind (GcpIdentityKind in
      // src/kops/names.ts is this record's keys).
      .transform((c) => ({
        ...c,
        serviceAccounts: {
          job: c.jobServiceAccounts.map(toSubject),
          publisher: c.publisherServiceAccounts.map(toSubject),
          janitor: c.janitorServiceAccounts.map(toSubject),
        },
      })),
    boskos: z
      .strictObject({
        /** Parent of the pool's projects: a folder id or an organization id, exactly one. */
        folderId: numericId("a folder id", 6, 20).optional(),
        orgId: numericId("an organization id", 6, 20).optional(),
        billingAccount: z.string({ error: "must be a billing account id" }).regex(/^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/, { error: "must be a billing account id such as 012345-6789AB-CDEF01" }),
        /**
         * Project ids are `<projectPrefix>-<nn>` (three digits from 100 on);
         * globally unique, so per stack. 26 + 4 characters fit the 30 of a project id.
         */
        projectPrefix: z.string({ error: "must be a project id prefix" }).regex(/^[a-z][a-z0-9-]{2,24}[a-z0-9]$/, {
          error: "must be 4-26 lowercase letters, digits or '-', starting with a letter (project ids are <prefix>-<nn>, at most 30 characters)",
        }),
        count: intIn(1, 100),
        apis: distinct(z.string({ error: "must be a service name" }).regex(/^[a-z0-9-]+\.googleapis\.com$/, { error: "must be a service name such as compute.googleapis.com" }), "APIs").default([...DEFAULT_BOSKOS_APIS]),
        /** Granted to the job identity on each pool project, nowhere else. */
        e2eRoles: distinct(gcpRole(), "roles").default([...DEFAULT_E2E_ROLES]),
        janitorRoles: distinct(gcpRole(), "roles").default([...DEFAULT_JANITOR_ROLES]),
      })
      .superRefine((b, ctx) => {
        if (b.folderId !== undefined && b.orgId !== undefined) {
          ctx.addIssue({ code: "custom", path: ["orgId"], params: { value: b.orgId }, message: "must not be set together with folderId: a project has one parent" });
        } else if (b.folderId === undefined && b.orgId === undefined) {
          ctx.addIssue({ code: "custom", path: ["folderId"], message: "or orgId must be set: the pool's projects need a parent (a folder keeps them apart from the rest of the organization)" });
        }
      }),
    aws: z
      .strictObject({
        accountId: z.preprocess(digitsOf, z.string({ error: "must be an AWS account id" }).regex(/^\d{12}$/, { error: "must be a 12-digit AWS account id" })),
        /** Region of the state-store and discovery buckets. */
        region: awsRegion(),
        /** Regions where e2e clusters may be created; EC2, SQS and EventBridge rights stop there. */
        clusterRegions: distinct(awsRegion(), "regions"),
        /**
         * Zones the jobs pin (one per job, `--zones`), each inside clusterRegions:
         * without them kubetest2-kops picks a random region of its own list
         * (kubernetes/kops tests/e2e/kubetest2-kops/aws/zones.go RandomZones).
         */
        clusterZones: distinct(awsZone(), "zones"),
        /**
         * Parent DNS zone of every e2e cluster name (`<id>.<clusterDomain>`). kOps
         * names its IAM roles and instance profiles `<kind>.<cluster name>`, so the
         * role's IAM rights are limited to names ending in this domain.
         */
        clusterDomain: z
          .string({ error: "must be a DNS name" })
          .regex(new RegExp(`^(?=.{1,200}$)${DNS_LABEL}(\\.${DNS_LABEL})+$`), { error: "must be a lowercase DNS zone such as tests-kops-aws.ci.example.org" })
          .refine((d) => d.length <= MAX_CLUSTER_DOMAIN_CHARS, {
            error: `must be at most ${MAX_CLUSTER_DOMAIN_CHARS} characters: kOps truncates role names past 64 (apiservers.e2e-<10 hex>.<domain>), and a truncated name leaves the role's IAM scope`,
          }),
        /** Route53 hosted zone of `clusterDomain`: the only zone the role may change. */
        hostedZoneId: z.string({ error: "must be a hosted zone id" }).regex(/^Z[A-Z0-9]{6,31}$/, { error: "must be a Route53 hosted zone id such as Z0123456789ABCDEFGHIJ" }),
        /** Longest session of the e2e role; SDKs refresh web-identity credentials on their own. */
        sessionDurationSeconds: intIn(3600, MAX_SESSION_SECONDS).default(DEFAULT_SESSION_SECONDS),
        stateStore: z.strictObject({
          bucket: s3Bucket(),
          /** Leftover state of clusters whose deletion failed. */
          expireDays: ageDays().default(30),
          noncurrentDays: ageDays().default(7),
        }),
        /** Public OIDC documents of the e2e clusters (IRSA). */
        discovery: z.strictObject({
          bucket: s3Bucket(),
          expireDays: ageDays().default(30),
        }),
      })
      .superRefine((a, ctx) => {
        // Judged against a valid region list only (its own rules report the rest).
        const regionsValid = (a.clusterRegions ?? []).every((r) => AWS_REGION_RE.test(r));
        (regionsValid ? (a.clusterZones ?? []) : []).forEach((zone, i) => {
          if (AWS_ZONE_RE.test(zone) && !a.clusterRegions.includes(zone.slice(0, -1))) {
            ctx.addIssue({ code: "custom", path: ["clusterZones", i], params: { value: zone }, message: `must be a zone of one of clusterRegions (${a.clusterRegions.join(", ")}): the role's EC2 rights stop at those regions` });
          }
        });
        if (a.stateStore.bucket === a.discovery.bucket) {
          ctx.addIssue({ code: "custom", path: ["discovery", "bucket"], params: { value: a.discovery.bucket }, message: "must differ from stateStore.bucket: the discovery bucket is public, the state store holds cluster secrets" });
        }
      }),
    /** The Prow that runs the generated jobs. */
    prow: z.strictObject({
      /** Build cluster of every job (`cluster:`); Prow refuses a job for a cluster it does not know. */
      cluster: z.string({ error: "must be a build cluster name" }).regex(new RegExp(`^${K8S_NAME}$`), { error: "must be a Prow build cluster name: lowercase letters, digits and '-', as in Prow's kubeconfig contexts" }),
      /** Where Prow runs job pods (Prow's `pod_namespace`, test-pods in kubernetes/test-infra config/prow/config.yaml). */
      podNamespace: z.string({ error: "must be a namespace" }).regex(new RegExp(`^${K8S_NAME}$`), { error: "must be a Kubernetes namespace name" }).default("test-pods"),
      /** Requests and limits of every job container (Guaranteed QoS: they are equal). */
      resources: z
        .strictObject({ cpu: cpuQuantity().default(PROW_DEFAULT_RESOURCES.cpu), memory: memoryQuantity().default(PROW_DEFAULT_RESOURCES.memory) })
        .prefault({}),
    }),
    markers: z
      .strictObject({
        /** Branches whose version markers are published and read by jobs. */
        branches: distinct(z.string({ error: "must be a branch name" }).regex(/^(master|main|release-\d+\.\d+)$/, { error: "must be master, main or release-<major>.<minor>" }), "branches").default(["master"]),
      })
      .prefault({}),
  })
  .superRefine((s, ctx) => {
    // A job pod runs in Prow's pod namespace, as a ServiceAccount of that namespace.
    // Only judged on a valid subject list (its own rules report the rest).
    const namespaces = (s.cluster?.jobServiceAccounts ?? []).map((sub) => KSA_SUBJECT_RE.exec(sub)?.[1]);
    if (namespaces.length === 0 || namespaces.includes(undefined) || !s.prow?.podNamespace) return;
    if (!namespaces.includes(s.prow.podNamespace)) {
      ctx.addIssue({
        code: "custom",
        path: ["prow", "podNamespace"],
        params: { value: s.prow.podNamespace },
        message: "must be the namespace of one of cluster.jobServiceAccounts: Prow runs the job pods there, as that ServiceAccount",
      });
    }
  });

export type KopsCiSettings = z.output<typeof kopsCiSchema>;
