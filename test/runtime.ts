/**
 * Test hygiene for the Pulumi runtime and the file system: mocks that put back what
 * they replaced, and temporary directories that are removed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import * as state from "@pulumi/pulumi/runtime/state";
import { vi } from "vitest";

/**
 * `pulumi.runtime.setMocks`, returning a function that restores the runtime's
 * previous settings (monitor, project, stack, preview flag, feature support).
 */
/** The runtime's process-wide store; `getStore` is internal, so its type is not published. */
interface Store {
  settings: { monitor?: unknown; options: Record<string, unknown> } & Record<string, unknown>;
  [k: string]: unknown;
}
const getStore = (state as unknown as { getStore(): Store }).getStore;

export async function swapMocks(mocks: pulumi.runtime.Mocks, project: string, stack: string, preview = false): Promise<() => void> {
  const store = getStore();
  const saved = { store: { ...store }, settings: { ...store.settings }, options: { ...store.settings.options } };
  await pulumi.runtime.setMocks(mocks, project, stack, preview);
  return () => {
    // Resets the settings module's own monitor variable, which nothing else reaches.
    (settings.setMockOptions as (...a: unknown[]) => void)(saved.settings.monitor, saved.options.project, saved.options.stack, saved.options.dryRun, saved.options.organization);
    Object.assign(store, saved.store);
    store.settings = Object.assign(store.settings, saved.settings, { options: Object.assign(store.settings.options, saved.options) });
  };
}

const made = new Set<string>();

/** A fresh temporary directory, removed by `removeTempDirs` (call it in afterEach or afterAll). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}

/**
 * Captures what a CLI prints (console.log, console.error) and silences its progress on
 * stderr; the caller restores with `vi.restoreAllMocks()` (afterEach).
 */
export function captureConsole(): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...a) => void out.push(a.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...a) => void err.push(a.join(" ")));
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  return { out, err };
}
