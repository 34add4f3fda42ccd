/**
 * Jenkins at `ci.<domain>`: configured as code, admin credentials generated and
 * kept in a Secret, JENKINS_HOME on a retained Longhorn volume, and the ci-agent
 * VMs registered as permanent `docker` agents over SSH with no manual step.
 */
import * as pulumi from "@pulumi/pulumi";
import { CHARTS } from "../versions";
import { AppArgs, AppComponent } from "./app-component";
import { AGENT_KEY_SECRET, agentsCasc, escapeForChartCasc, jobsCasc } from "./jenkins-casc";
import { MatrixCredential, MATRIX_TARGETS_SECRET, matrixTargetsSecretData, withMatrixCredentials } from "./jenkins-casc";
import { retainedClaim } from "./longhorn-values";
import { Manifest, namespace, opaqueSecret } from "./manifest";
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

export interface JenkinsArgs extends AppArgs {
  readonly hostname: string;
  readonly ingressClassName: string;
  readonly tls: TlsPlan;
  readonly storageGbs: number;
  readonly executorsPerAgent: number;
  readonly agents: readonly JenkinsAgentRef[];
  /** PEM private key of the controller's SSH credential (secret). */
  readonly agentPrivateKey: pulumi.Output<string>;
  /** Job DSL seeded at start (the test matrices), if any. */
  readonly jobDsl?: string;
  /** Credentials the matrix jobs bind by ID (src/matrix/targets.ts), values from stack secrets. */
  readonly matrixCredentials?: readonly MatrixCredential<pulumi.Output<string>>[];
  readonly protect: boolean;
  readonly dependsOn: pulumi.Resource[];
}

export function jenkinsValues(a: { hostname: string; ingressClassName: string; tls: TlsPlan; agentsCasc: string; jobDsl?: string }): Record<string, unknown> {
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
      ingress: { enabled: true, ingressClassName: a.ingressClassName, hostName: a.hostname, annotations: t.annotations, tls: t.tls },
      podAnnotations: { "prometheus.io/scrape": "true", "prometheus.io/path": "/prometheus", "prometheus.io/port": "8080" },
    },
    // Kubernetes pod agents are off: Docker jobs need the VMs' real daemons.
    agent: { enabled: false },
    persistence: { enabled: true, existingClaim: HOME_CLAIM },
  };
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
      withMatrixCredentials(jenkinsValues({ hostname: args.hostname, ingressClassName: args.ingressClassName, tls: args.tls, agentsCasc: agentsCasc(list, args.executorsPerAgent), jobDsl: args.jobDsl }), matrixCreds),
    );
    this.release("jenkins", { name: "jenkins", namespace: JENKINS_NAMESPACE, chart: CHARTS.jenkins, values }, { dependsOn: [admin, key, ...matrixSecret, home, ...this.suppliedTls(args.tls, JENKINS_NAMESPACE, ns), ...args.dependsOn] });
    this.url = `https://${args.hostname}`;
    this.registerOutputs({ url: this.url });
  }
}
