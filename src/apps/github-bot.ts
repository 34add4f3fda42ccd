/**
 * Longhorn's GitHub bot (longhorn/bot) at `bot.<domain>`: a webhook receiver on
 * port 8080 behind HTTP basic auth, calling GitHub with a token. It reads its
 * settings from the environment (GITHUB_TOKEN, FLASK_USERNAME, FLASK_PASSWORD);
 * all three come from a Secret. It has no health endpoint, so probes are TCP.
 * The image is built from a pinned commit by .github/workflows/github-bot-image.yml
 * (GITHUB_BOT in src/versions.ts). Internet-facing: it reaches only DNS and public
 * HTTPS (GitHub's API), nothing in the cluster or the VCN.
 */
import * as pulumi from "@pulumi/pulumi";
import { AppComponent, WebAppArgs } from "./app-component";
import { AppAccess, allowlistAnnotations, allowlistMiddleware } from "./client-access";
import { Manifest, namespace, opaqueSecret } from "./manifest";
import { appPolicies, publicHttpsEgressOnly } from "./network-policy";
import { ingressTls } from "./tls";
import { generatedPassword } from "../components/generated-secrets";

export const BOT_NAMESPACE = "github-bot";
export const BOT_NAME = "github-bot";
/** gunicorn's bind (longhorn/bot github-bot/gunicorn.conf.py at GITHUB_BOT.commit). */
export const BOT_PORT = 8080;
/**
 * The image (python:3.10-alpine, github-bot/Dockerfile at GITHUB_BOT.commit) has no USER,
 * so it would run as root; nobody suffices: gunicorn binds 8080 and writes only to /tmp.
 */
const BOT_UID = 65534;
const LABELS = { "app.kubernetes.io/name": BOT_NAME, "app.kubernetes.io/managed-by": "ci-infra" };

export interface BotManifestArgs extends Pick<WebAppArgs, "hostname" | "ingressClassName" | "tls" | "access"> {
  /** The bot's image: a digest or the pinned commit's tag (src/versions.ts GITHUB_BOT). */
  readonly image: string;
  /** User of the webhook's basic auth, which GitHub sends in the webhook URL. */
  readonly basicAuthUser: string;
}

export function botSecret<T>(token: T, password: T, user: string): Manifest {
  return opaqueSecret(BOT_NAME, BOT_NAMESPACE, { GITHUB_TOKEN: token, FLASK_USERNAME: user, FLASK_PASSWORD: password }, LABELS);
}

export function botDeployment(a: BotManifestArgs): Manifest {
  const fromSecret = (key: string) => ({ name: key, valueFrom: { secretKeyRef: { name: BOT_NAME, key } } });
  const tcp = { tcpSocket: { port: BOT_PORT } };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: BOT_NAME, namespace: BOT_NAMESPACE, labels: LABELS },
    spec: {
      replicas: 1,
      selector: { matchLabels: LABELS },
      template: {
        metadata: { labels: LABELS },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: BOT_UID, runAsGroup: BOT_UID, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name: BOT_NAME,
              image: a.image,
              imagePullPolicy: "IfNotPresent",
              ports: [{ name: "http", containerPort: BOT_PORT, protocol: "TCP" }],
              env: [fromSecret("GITHUB_TOKEN"), fromSecret("FLASK_USERNAME"), fromSecret("FLASK_PASSWORD")],
              readinessProbe: { ...tcp, periodSeconds: 10, failureThreshold: 3 },
              livenessProbe: { ...tcp, initialDelaySeconds: 15, periodSeconds: 20, failureThreshold: 3 },
              resources: { requests: { cpu: "50m", memory: "96Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            },
          ],
        },
      },
    },
  };
}

export function botService(): Manifest {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: BOT_NAME, namespace: BOT_NAMESPACE, labels: LABELS },
    spec: { selector: LABELS, ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] },
  };
}

export function botIngress(a: BotManifestArgs): Manifest {
  const t = ingressTls(a.tls, a.hostname, "github-bot-tls");
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name: BOT_NAME, namespace: BOT_NAMESPACE, labels: LABELS, annotations: { ...t.annotations, ...allowlistAnnotations(a.access, BOT_NAMESPACE) } },
    spec: {
      ingressClassName: a.ingressClassName,
      tls: t.tls,
      rules: [{ host: a.hostname, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: BOT_NAME, port: { name: "http" } } } }] } }],
    },
  };
}

/**
 * The bot's namespace: the ingress controller reaches the bot's port (and cert-manager's
 * solver); the bot reaches DNS and public HTTPS only.
 */
export function botPolicies(access: AppAccess): Manifest[] {
  return [
    ...appPolicies({ namespace: BOT_NAMESPACE, controller: access.controller, web: { pods: LABELS, ports: [BOT_PORT] }, withinNamespace: false }),
    publicHttpsEgressOnly(BOT_NAMESPACE, LABELS),
  ];
}

export interface GithubBotArgs extends WebAppArgs, BotManifestArgs {
  /** The GitHub token the bot acts with (secret). */
  readonly githubToken: pulumi.Output<string>;
}

export class GithubBot extends AppComponent {
  readonly url: string;
  /** The webhook URL to give GitHub, with the generated basic-auth credentials (secret). */
  readonly webhookUrl: pulumi.Output<string>;

  constructor(name: string, args: GithubBotArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ci-infra:apps:GithubBot", name, args, opts);
    const ns = this.manifest("namespace", namespace(BOT_NAMESPACE));
    const policies = this.isolate(ns, botPolicies(args.access));
    const middleware = allowlistMiddleware(args.access, BOT_NAMESPACE);
    const allowlist = middleware ? [this.manifest("client-allowlist", middleware, { dependsOn: [ns, ...args.dependsOn] })] : [];
    const password = generatedPassword(this.childName("basic-auth"), 32, this.childOpts());
    const secret = this.secretManifest("secret", (s) => botSecret(s(args.githubToken), s(password), args.basicAuthUser), { dependsOn: [ns] });
    // The policies first: the internet-facing pod never runs unconfined.
    const deployment = this.manifest("deployment", botDeployment(args), { dependsOn: [secret, ...policies] });
    const service = this.manifest("service", botService(), { dependsOn: [ns] });
    this.manifest("ingress", botIngress(args), { dependsOn: [service, deployment, ...allowlist, ...this.suppliedTls(args.tls, BOT_NAMESPACE, ns), ...args.dependsOn] });
    this.url = `https://${args.hostname}`;
    this.webhookUrl = pulumi.secret(pulumi.interpolate`https://${args.basicAuthUser}:${password}@${args.hostname}/project`);
    this.registerOutputs({ url: this.url });
  }
}
