/**
 * The deployed stack as verify reads it, through the Pulumi Automation API (the same
 * workspace as `npm run roll`): outputs and config with secrets decrypted (held in
 * memory, never printed) and the resources of its state.
 */
import { resolve } from "node:path";
import { openStack, stateResources } from "../roll/stack";
import type { StackView } from "./plan";

export async function loadStackView(stackName: string): Promise<StackView> {
  const stack = await openStack(stackName, resolve(__dirname, "../.."));
  const [outputs, config, resources] = await Promise.all([stack.outputs(), stack.getAllConfig(), stateResources(stack)]);
  return {
    outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value])),
    config: Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.value])),
    resources,
  };
}

/** One line saying why a stack could not be opened. */
export function openError(stackName: string, e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  if (/no stack named|stack .* not found|could not find stack/i.test(m)) return `stack ${stackName} does not exist in the backend you are logged in to (pulumi stack ls lists them)`;
  if (/ENOENT|command not found|not installed|could not find.*pulumi/i.test(m)) return `the Pulumi CLI is needed to read stack ${stackName} (https://www.pulumi.com/docs/install/)`;
  const line = m.split("\n").map((l) => l.trim()).find((l) => l && !/^code:|^stdout:|^stderr:|^err\?:/.test(l)) ?? "unknown error";
  return `cannot open stack ${stackName}: ${line.slice(0, 200)}`;
}
