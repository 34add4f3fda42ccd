/**
 * `npm run plan` = `node bin/cli/start-plan.js`: rebuilds bin/ when src/ changed since
 * the last build (freshness.ts), then loads and runs the plan (./plan). A file of its
 * own because the check must run before any other module of ours is loaded.
 */
import { rebuildIfStale } from "./freshness";

rebuildIfStale(__filename);
// eslint-disable-next-line @typescript-eslint/no-require-imports
(require("./plan") as typeof import("./plan")).main(process.argv.slice(2)).then((code) => process.exit(code));
