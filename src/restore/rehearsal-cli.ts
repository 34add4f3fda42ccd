/**
 * The rehearsal workflow's steps (.github/workflows/restore-rehearsal.yml):
 *
 *   tsx src/restore/rehearsal-cli.ts backups-on <stack-file>     longhorn.backup.enabled: true in the file
 *   tsx src/restore/rehearsal-cli.ts mark <stack> --token <t>    marker into each retained volume
 *   tsx src/restore/rehearsal-cli.ts backup <stack>              snapshot + backup of each, now
 *   tsx src/restore/rehearsal-cli.ts lose <stack>                delete each Longhorn volume
 *   tsx src/restore/rehearsal-cli.ts check <stack> --token <t>   the markers are back
 *   tsx src/restore/rehearsal-cli.ts empty-bucket <stack> [--region <r>]
 *       deletes every object version of the stack's volume-backup bucket (its
 *       `backupSchedules.volumes.bucket` output), so `pulumi destroy` can delete it; the
 *       region is staging's, which review stacks copy (`oci:region` of its stack file);
 *       reads the OCI API key as the JSON of `pulumi env open <env> pulumiConfig` on
 *       stdin, never from arguments
 *
 * Exit codes: 0 done, 1 the step failed, 2 bad arguments.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseCommandLine as parseArgv, UsageError, wantsHelp } from "../cli/args";
import { realClock } from "../base/clock";
import { REVIEW_BASE_STACK } from "../plan/review-stack";
import { NAMESPACE as PROJECT } from "../base/format";
import { readStackFile, stackFilePath } from "../plan/stack-file";
import { openStack, stateResources } from "../roll/stack";
import { apiKeyFromPulumiConfig, emptyBucket, ociObjectStore } from "./bucket";
import { retainedClaimsFromState } from "./claims";
import { kubeRestoreApi } from "./kube";
import { backupNow, checkMarkers, loseVolumes, withVolumeBackups, writeMarkers } from "./rehearsal";

export const STEPS = ["backups-on", "mark", "backup", "lose", "check", "empty-bucket"] as const;
export const USAGE = "usage: tsx src/restore/rehearsal-cli.ts backups-on <stack-file> | mark|backup|lose|check <stack> [--token <t>] | empty-bucket <stack> [--region <region>] (API key JSON on stdin)";

export function parseCommandLine(argv: string[]): { step: (typeof STEPS)[number]; target: string; token?: string; region?: string } | { code: 0 | 2; message: string } {
  if (wantsHelp(argv)) return { code: 0, message: USAGE };
  let args;
  try {
    args = parseArgv(argv, { token: { type: "string" }, region: { type: "string" } }, 2);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return { code: 2, message: `${e.message}\n${USAGE}` };
  }
  const [step, target] = args.positionals;
  if (!STEPS.includes(step as (typeof STEPS)[number]) || !target) return { code: 2, message: USAGE };
  const needsToken = step === "mark" || step === "check";
  if (needsToken && !args.values.token) return { code: 2, message: `${step} needs --token\n${USAGE}` };
  return { step: step as (typeof STEPS)[number], target, token: args.values.token, region: args.values.region };
}

/** The bucket of the `backupSchedules` output (src/programs/oci-platform.ts): `{volumes: {bucket}}` or `{volumes: null}`. */
export function volumeBucketOf(backupSchedules: unknown): string | undefined {
  const b = (backupSchedules as { volumes?: { bucket?: unknown } | null } | undefined)?.volumes?.bucket;
  return typeof b === "string" && b ? b : undefined;
}

/** Review stacks copy staging's config (src/plan/review-stack.ts), region included. */
export function reviewStackRegion(): string {
  const region = readStackFile(stackFilePath(REVIEW_BASE_STACK), PROJECT).values["oci:region"];
  if (!region) throw new Error(`stacks/Pulumi.${REVIEW_BASE_STACK}.yaml sets no oci:region; pass --region`);
  return region;
}

async function readStdin(): Promise<string> {
  let s = "";
  for await (const chunk of process.stdin) s += String(chunk);
  return s;
}

async function main(argv: string[]): Promise<number> {
  const p = parseCommandLine(argv);
  if ("code" in p) {
    (p.code === 0 ? console.log : console.error)(p.message);
    return p.code;
  }
  const log = (line: string) => console.log(`[rehearsal ${p.step}] ${line}`);
  if (p.step === "backups-on") {
    writeFileSync(p.target, withVolumeBackups(readFileSync(p.target, "utf8")));
    log(`${p.target}: longhorn.backup.enabled: true`);
    return 0;
  }
  // Read the key first, whatever happens next: a writer into a closed pipe fails the step.
  const keyJson = p.step === "empty-bucket" ? await readStdin() : "";
  const stack = await openStack(p.target, resolve(__dirname, "../.."));
  if (p.step === "empty-bucket") {
    const bucket = volumeBucketOf((await stack.outputs()).backupSchedules?.value);
    if (!bucket) {
      log(`${p.target} has no volume-backup bucket in its outputs (never deployed with backups): nothing to empty`);
      return 0;
    }
    const key = apiKeyFromPulumiConfig(JSON.parse(keyJson) as Record<string, unknown>);
    const region = p.region ?? reviewStackRegion();
    const n = await emptyBucket(await ociObjectStore(key, region, bucket), log);
    log(`${bucket}: deleted ${n.versions} object versions and aborted ${n.uploads} multipart uploads; the bucket is empty`);
    return 0;
  }
  const claims = retainedClaimsFromState(await stateResources(stack));
  if (!claims.length) {
    console.error(`${p.target} declares no claims on longhorn-retain: nothing to rehearse`);
    return 1;
  }
  const deps = { cluster: kubeRestoreApi(String((await stack.outputs()).kubeconfig?.value)), clock: realClock, log };
  if (p.step === "mark") await writeMarkers(claims, p.token!, deps);
  else if (p.step === "check") await checkMarkers(claims, p.token!, deps);
  else if (p.step === "backup") await backupNow(claims, deps);
  else await loseVolumes(claims, deps);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`rehearsal step failed: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}

export { main };
