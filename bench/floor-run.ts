/**
 * The floor as a process of its own, for the end-to-end comparison with `npm run
 * plan`: `node bin/.bench/bench/floor-run.js --shape <file>` starts Node, loads the
 * SDK and the plan's mocks, replays the registrations of a plan once (floor.ts) and
 * exits, as the plan CLI does. Compiled (tsconfig.bench.json, `npm run bench` builds
 * it) so neither side pays for TypeScript compilation.
 */
import { readFileSync } from "node:fs";
import { parseCommandLine } from "../src/cli/args";
import { floorProgram } from "./floor";
import type { Shape } from "./protocol";

const { values } = parseCommandLine(process.argv.slice(2), { shape: { type: "string" } });
if (!values.shape) throw new Error("usage: floor-run --shape <file>");
const shape = JSON.parse(readFileSync(values.shape, "utf8")) as Shape;
floorProgram(shape.registrations, shape.project, shape.stack, shape.settings)().then((n) => {
  process.stdout.write(`floor: ${n} registrations\n`);
  process.exit(0);
});
