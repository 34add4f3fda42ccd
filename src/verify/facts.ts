/**
 * What `npm run verify` relies on in software we do not own, each with the source
 * and version it was read at. The checks and the fake servers in test/verify/ both
 * read these, so a wrong path or field here fails the tests that replay upstream's
 * objects.
 */

/**
 * Helm's Secret storage driver: one Secret per release revision, of type
 * `helm.sh/release.v1`, labelled `owner=helm`, `name=<release>`, `version=<revision>`
 * and `status=<status>` (helm/helm pkg/storage/driver/secrets.go newSecretsObject,
 * identical at v3.21.4 and v4.2.4; the statuses are pkg/release/status.go at v3.21.4).
 * The newest revision of a healthy release is `deployed`; older ones are `superseded`.
 */
export const HELM = {
  secretType: "helm.sh/release.v1",
  ownerSelector: "owner=helm",
  labels: { name: "name", owner: "owner", status: "status", version: "version" },
  deployed: "deployed",
} as const;

/**
 * Longhorn settings are `settings.longhorn.io/v1beta2` objects in the Longhorn
 * namespace whose top-level `value` holds the setting as a string
 * (longhorn/longhorn-manager k8s/pkg/apis/longhorn/v1beta2/setting.go and
 * k8s/pkg/apis/longhorn/register.go, group `longhorn.io`, at v1.12.1). The orphan
 * settings' names are types/setting.go at v1.12.1; `orphan-resource-auto-deletion`
 * is a `;`-separated list whose items Longhorn trims (UnmarshalOrphanResourceTypes),
 * the grace period an integer of seconds.
 */
export const LONGHORN = {
  group: "longhorn.io",
  version: "v1beta2",
  settings: "settings",
  orphanAutoDeletion: "orphan-resource-auto-deletion",
  orphanGracePeriod: "orphan-resource-auto-deletion-grace-period",
  /**
   * `backups.longhorn.io/v1beta2` (k8s/pkg/apis/longhorn/v1beta2/backup.go at v1.12.1):
   * `status.state` is `Completed` once uploaded, `status.volumeName` names the volume,
   * `status.backupCreatedAt` is when the upload finished, RFC 3339 in UTC (set from
   * backupstore's util.Now() in controller/backup_controller.go and parsed with
   * time.RFC3339 in util/time.go).
   */
  backups: "backups",
  backupCompleted: "Completed",
  /**
   * Longhorn's CSI driver; a PersistentVolume's `spec.csi.volumeHandle` is the Longhorn
   * volume name (types/types.go LonghornDriverName and csi/controller_server.go
   * CreateVolume, `vol.Name = volumeID`, at v1.12.1).
   */
  csiDriver: "driver.longhorn.io",
} as const;

/**
 * k3s records each etcd snapshot as a cluster-scoped `ETCDSnapshotFile`
 * (`etcdsnapshotfiles.k3s.cattle.io/v1`): `spec.snapshotName`, `spec.nodeName`,
 * `spec.location`, `spec.s3` (set only for snapshots uploaded to S3), and
 * `status.creationTime`, `status.readyToUse`, `status.error.message`. k3s takes these
 * types from github.com/k3s-io/api (its go.mod requires v0.1.4 on the current
 * branches); read in k3s-io/api k3s.cattle.io/v1/types.go and
 * pkg/crds/yaml/generated/k3s.cattle.io_etcdsnapshotfiles.yaml (`scope: Cluster`) at
 * v0.1.2, the newest tag available here.
 */
export const K3S_SNAPSHOTS = { group: "k3s.cattle.io", version: "v1", plural: "etcdsnapshotfiles" } as const;

/**
 * Jenkins' remote API: `/computer/api/json` is ComputerSet (Jenkins#getComputer) whose
 * agents are exported as `computer`, each with `displayName`, `offline` and
 * `offlineCauseReason` (jenkinsci/jenkins core/src/main/java/hudson/model/ComputerSet.java
 * `@Exported(name = "computer")` and hudson/model/Computer.java at jenkins-2.568.2, the
 * controller our chart pin runs). HTTP basic auth with the user's real password is
 * accepted (jenkins/security/BasicHeaderRealPasswordAuthenticator.java), and `/login`
 * is readable without logging in (Jenkins.ALWAYS_READABLE_PATHS).
 */
export const JENKINS = { computersPath: "/computer/api/json" } as const;

/** How each app answers when it is up, and where that was read. */
export const APP_PROBES = {
  /** rancher/rancher pkg/api/steve/health/health.go at v2.15.0: `/ping` writes `pong`. */
  rancher: { path: "/ping", method: "GET", status: 200, body: "pong" },
  /** Jenkins' login page, readable anonymously (see JENKINS). */
  jenkins: { path: "/login", method: "GET", status: 200 },
  /**
   * Grafana's apiHealthHandler (grafana/grafana pkg/api/http_server.go): 200 when the
   * server runs and reaches its database, 503 otherwise. The pinned chart probes
   * readiness on it (grafana-community/helm-charts charts/grafana/values.yaml at
   * grafana-12.11.1, shared/reference/charts/); Grafana's own tree is too large to
   * mirror here, so no Grafana tag was read.
   */
  grafana: { path: "/api/health", method: "GET", status: 200 },
  /**
   * longhorn/bot github-bot/longhorn_github_bot/__init__.py at 937b18e (2026-03-27)
   * serves only `POST /project` behind Flask-HTTPAuth 4.1.0 (its requirements.txt),
   * whose login_required answers 401 without credentials (flask_httpauth.py at v4.1.0):
   * the bot is up and its basic auth is on. No credentials are sent.
   */
  bot: { path: "/project", method: "POST", status: 401 },
} as const;

export type AppName = keyof typeof APP_PROBES;

/**
 * The pod that probes the pod network: busybox 1.37.0 (glibc, Debian 13) by the
 * digest of its image index (docker-library/repo-info repos/busybox/remote/1.37.0.md at
 * 01a7054). The official image is built with `make defconfig`
 * (docker-library/busybox Dockerfile-builder.template), which turns on NC_110_COMPAT and
 * NC_EXTRA (`nc -z -w SEC`: connect only, with a timeout; exit 0 only when the connect
 * succeeds) and FEATURE_NSLOOKUP_BIG (answers printed as `Name:` / `Address:` lines)
 * (mirror/busybox networking/nc.c, nc_bloaty.c and nslookup.c at 1_36_1, the newest tag
 * mirrored; the 1.37 options are unchanged upstream).
 */
export const PROBE_IMAGE = "busybox:1.37.0@sha256:9db7b59979c38555a39def84a31fb98b5296952f9e3afd4f6f11f05b07adfab0";

