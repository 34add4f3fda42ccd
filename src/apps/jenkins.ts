/**
 * Jenkins at `ci.<domain>`: configured as code, admin credentials generated and
 * kept in a Secret, JENKINS_HOME on a retained Longhorn volume, and the ci-agent
 * VMs registered as permanent `docker` agents over SSH with no manual step.
 */
import * as pulumi from "@pulumi/pulumi";
import { CHARTS } from "../versions";
import { AppComponent, WebAppArgs } from "./app-component";
import { AppAccess, allowlistAnnotations, allowlistMiddleware } from "./client-access";
import { AGENT_KEY_SECRET, agentsCasc, escapeForChartCasc, jobsCasc } from "./jenkins-casc";
import { MatrixCredential, MATRIX_TARGETS_SECRET, matrixTargetsSecretData, withMatrixCredentials } from "./jenkins-casc";
import { retainedClaim } from "./longhorn-values";
import { Manifest, namespace, opaqueSecret } from "./manifest";
import { appPolicies } from "./network-policy";
import { ingressTls, TlsPlan } from "./tls";
import { generatedPassword } from "../components/generated-secrets";

export const JENKINS_NAMESPACE = "jenkins";
const ADMIN_SECRET = "jenkins-admin";
const HOME_CLAIM = "jenkins-home";

/**
 * Plugins, pinned. The first four are the chart's own defaults for 5.9.53; ssh-slaves
 * (SSH agents), job-dsl (seed jobs) and prometheus (queue metrics for alerts) are ours.
 */
export const JENKINS_PLUGINS = [
  "kubernetes:4540.v612369217f87",
  "workflow-aggregator:608.v67378e9d3db_1",
  "git:5.10.1",
  "configuration-as-code:2115.vf6de120eef70",
  "ssh-slaves:3.1097.v868116049892",
  "job-dsl:1.93",
  "prometheus:860.v532442b_44e9a_",
];

export interface JenkinsAgentRef {
  readonly name: string;
  readonly ip: pulumi.Input<string>;
  readonly hostPublicKey: pulumi.Input<string>;
}

export interface JenkinsArgs extends WebAppArgs {
  /** Size of the controller's home volume (retained claim), GB. */
  readonly storageGbs: number;
  /** Executors on each ci-agent VM. */
  readonly executorsPerAgent: number;
  /** The ci-agent VMs registered as permanent SSH agents. */
  readonly agents: readonly JenkinsAgentRef[];
  /** PEM private key of the controller's SSH credential (secret). */
  readonly agentPrivateKey: pulumi.Output<string>;
  /** Job DSL seeded at start (the test matrices), if any. */
  readonly jobDsl?: string;
  /** Credentials the matrix jobs bind by ID (src/matrix/targets.ts), values from stack secrets. */
  readonly matrixCredentials?: readonly MatrixCredential<pulumi.Output<string>>[];
  /** Protects the home volume's claim against deletion (prod). */
  readonly protect: boolean;
}

/** The controller's HTTP port (chart value controller.targetPort, default 8080 in values.yaml @jenkins-5.9.53). */
export const JENKINS_HTTP_PORT = 8080;
/** The controller's pods: the StatefulSet's selector (charts/jenkins/templates/jenkins-controller-statefulset.yaml @jenkins-5.9.53). */
export const JENKINS_CONTROLLER_PODS = { "app.kubernetes.io/component": "jenkins-controller", "app.kubernetes.io/instance": "jenkins" } as const;

/**
 * Pod Security `restricted` for the controller pod. The chart renders the pod context
 * from podSecurityContextOverride and puts controller.containerSecurityContext on the
 * jenkins and init containers, the sidecar's own on config-reload
 * (charts/jenkins/templates/jenkins-controller-statefulset.yaml @jenkins-5.9.53); its
 * defaults lack seccomp and the capability drop.
 */
const RESTRICTED_CONTAINER = { runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } };

/**
 * The TCP agent listener (50000) stays closed: agents connect over SSH. The chart sets
 * JCasC `slaveAgentPort` to controller.agentListenerPort unconditionally
 * (templates/_helpers.tpl @jenkins-5.9.53); Jenkins ignores that setter when
 * jenkins.model.Jenkins.slaveAgentPortEnforce is true and takes the port (-1: off)
 * from the system property (jenkinsci/jenkins core/src/main/java/jenkins/model/Jenkins.java,
 * setSlaveAgentPort). The image's jenkins.sh adds its own slaveAgentPort property only
 * when JAVA_OPTS has none (jenkinsci/docker jenkins.sh).
 */
export const AGENT_LISTENER_OFF = "-Djenkins.model.Jenkins.slaveAgentPort=-1 -Djenkins.model.Jenkins.slaveAgentPortEnforce=true";

export function jenkinsValues(a: { hostname: string; ingressClassName: string; tls: TlsPlan; access: AppAccess; agentsCasc: string; jobDsl?: string }): Record<string, unknown> {
  const t = ingressTls(a.tls, a.hostname, "jenkins-tls");
  const configScripts: Record<string, string> = { "ci-agents": a.agentsCasc };
  if (a.jobDsl) configScripts["seed-jobs"] = escapeForChartCasc(jobsCasc(a.jobDsl));
  return {
    controller: {
      // The controller schedules; builds run on the docker agents.
      numExecutors: 0,
      jenkinsUrl: `https://${a.hostname}`,
      // createSecret stays true: the chart mounts existingSecret only then.
      admin: { existingSecret: ADMIN_SECRET, userKey: "jenkins-admin-user", passwordKey: "jenkins-admin-password", createSecret: true },
      installPlugins: JENKINS_PLUGINS,
      installLatestPlugins: false,
      additionalExistingSecrets: [{ name: AGENT_KEY_SECRET.name, keyName: AGENT_KEY_SECRET.key }],
      JCasC: { defaultConfig: true, configScripts },
      ingress: { enabled: true, ingressClassName: a.ingressClassName, hostName: a.hostname, annotations: { ...t.annotations, ...allowlistAnnotations(a.access, JENKINS_NAMESPACE) }, tls: t.tls },
      podAnnotations: { "prometheus.io/scrape": "true", "prometheus.io/path": "/prometheus", "prometheus.io/port": String(JENKINS_HTTP_PORT) },
      // No agent Service; the listener itself is off through the system properties.
      agentListenerEnabled: false,
      javaOpts: AGENT_LISTENER_OFF,
      podSecurityContextOverride: { runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, fsGroup: 1000, fsGroupChangePolicy: "OnRootMismatch", seccompProfile: { type: "RuntimeDefault" } },
      containerSecurityContext: RESTRICTED_CONTAINER,
      sidecars: { configAutoReload: { containerSecurityContext: RESTRICTED_CONTAINER } },
    },
    // Kubernetes pod agents are off: Docker jobs need the VMs' real daemons.
    agent: { enabled: false },
    persistence: { enabled: true, existingClaim: HOME_CLAIM },
  };
}

/** The ingress controller and Prometheus reach the controller's HTTP port; nothing else gets in (no agent listener). */
export function jenkinsPolicies(access: AppAccess): Manifest[] {
  return appPolicies({ namespace: JENKINS_NAMESPACE, controller: access.controller, web: { pods: JENKINS_CONTROLLER_PODS, ports: [JENKINS_HTTP_PORT] }, metrics: { pods: JENKINS_CONTROLLER_PODS, ports: [JENKINS_HTTP_PORT] }, withinNamespace: true });
}

export function jenkinsAdminSecret<T>(user: string, password: T): Manifest {
  return opaqueSecret(ADMIN_SECRET, JENKINS_NAMESPACE, { "jenkins-admin-user": user, "jenkins-admin-password": password });
}

export function agentKeySecret<T>(privateKey: T): Manifest {
  return opaqueSecret(AGENT_KEY_SECRET.name, JENKINS_NAMESPACE, { [AGENT_KEY_SECRET.key]: privateKey });
}

export class Jenkins extends AppComponent {
  readonly url: string;
  readonly adminPassword: pulumi.Output<string>;

  constructor(name: string, args: JenkinsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:apps:Jenkins", name, args, opts);
    const ns = this.manifest("namespace", namespace(JENKINS_NAMESPACE));
    this.isolate(ns, jenkinsPolicies(args.access));
    const middleware = allowlistMiddleware(args.access, JENKINS_NAMESPACE);
    const allowlist = middleware ? [this.manifest("client-allowlist", middleware, { dependsOn: [ns, ...args.dependsOn] })] : [];
    this.adminPassword = generatedPassword(this.childName("admin-password"), 32, this.childOpts());
    const pw = this.adminPassword;
    const admin = this.secretManifest("admin-secret", (s) => jenkinsAdminSecret("admin", s(pw)), { dependsOn: [ns] });
    const key = this.secretManifest("agent-key", (s) => agentKeySecret(s(args.agentPrivateKey)), { dependsOn: [ns] });
    // Matrix job credentials: a Secret of their values, mounted for JCasC (withMatrixCredentials below).
    const matrixCreds = args.matrixCredentials ?? [];
    const matrixSecret = matrixCreds.length
      ? [this.secretManifest("matrix-targets", (s) => opaqueSecret(MATRIX_TARGETS_SECRET, JENKINS_NAMESPACE, matrixTargetsSecretData(matrixCreds, s)), { dependsOn: [ns] })]
      : [];
    // Our claim on the retained class: deleting the release, or this stack, keeps JENKINS_HOME.
    const home = this.manifest("home", retainedClaim(HOME_CLAIM, JENKINS_NAMESPACE, args.storageGbs), {
      dependsOn: [ns, ...args.dependsOn],
      protect: args.protect,
      retainOnDelete: true,
    });
    const agents = pulumi.all(args.agents.map((a) => pulumi.all([a.ip, a.hostPublicKey]).apply(([host, hostKey]) => ({ name: a.name, host, hostKey }))));
    const values = agents.apply((list) =>
      withMatrixCredentials(jenkinsValues({ hostname: args.hostname, ingressClassName: args.ingressClassName, tls: args.tls, access: args.access, agentsCasc: agentsCasc(list, args.executorsPerAgent), jobDsl: args.jobDsl }), matrixCreds),
    );
    this.release("jenkins", { name: "jenkins", namespace: JENKINS_NAMESPACE, chart: CHARTS.jenkins, values }, { dependsOn: [admin, key, ...matrixSecret, home, ...allowlist, ...this.suppliedTls(args.tls, JENKINS_NAMESPACE, ns), ...args.dependsOn] });
    this.url = `https://${args.hostname}`;
    this.registerOutputs({ url: this.url });
  }
}
