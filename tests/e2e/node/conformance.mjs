// The official MCP conformance suite (@modelcontextprotocol/conformance) against mistmcp's
// Streamable HTTP endpoint, with its fixture tools from tests/plugins/conformance.c.
// The whole active suite runs; conformance-expected-failures.yml lists the capabilities a
// tools-only server does not offer. The suite fails the run on any other failure and on a
// listed scenario that passes (a stale entry).
//
// usage: node conformance.mjs MISTMCP CONFORMANCE_PLUGIN_DIR WORK_DIR
import { spawnSync } from "node:child_process";
import { startHttp } from "./lib.mjs";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const [mistmcp, pluginDir, workDir] = process.argv.slice(2);
mkdirSync(workDir, { recursive: true });
const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve("@modelcontextprotocol/conformance/package.json")), "dist/index.js");
const baseline = join(dirname(new URL(import.meta.url).pathname), "conformance-expected-failures.yml");

// The fixture prompts come as an operator's --prompts file (beside the built-in ones).
const fixturePrompts = join(dirname(new URL(import.meta.url).pathname), "conformance-prompts.json");
const { child: server, base: url } = await startHttp(mistmcp, ["--plugin-dir", pluginDir,
  "--mode", "custom", "--categories", "conformance", "--prompts", fixturePrompts],
  { MISTMCP_HTTP_ANONYMOUS: "1" });

const r = spawnSync(process.execPath, [cli, "server", "--url", url, "--expected-failures", baseline,
  "-o", workDir], { encoding: "utf8", timeout: 540000 });
const out = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, "");
for (const line of out.split("\n"))
  if (/^[✓✗] |Total:|expected|stale|regression|unexpected/i.test(line)) console.log(line);
const total = out.match(/Total: (\d+) passed, (\d+) failed/);
const ok = r.status === 0 && total && Number(total[1]) >= 15;
server.kill("SIGTERM");
console.log(ok ? "conformance: as expected (every failure is a listed capability mistmcp does not offer)"
  : `conformance: FAILED (exit ${r.status})`);
process.exit(ok ? 0 : 1);
