// The official MCP conformance suite (0.2.0-alpha.12, installed as
// @modelcontextprotocol/conformance-next) run for exactly what each revision requires:
// --requirements 2026-07-28, then --requirements 2025-11-25, against one mistmcp HTTP server
// that speaks both (issue 18), its fixture tools from tests/plugins/conformance.c. Each run has
// its expected-failures file, one reason per entry; the suite fails a run on any other failure
// and on a listed entry that passes (stale); a scenario with a warning counts as failing there.
//
// usage: node conformance_requirements.mjs MISTMCP CONFORMANCE_PLUGIN_DIR WORK_DIR
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { startHttp, stopHttp } from "./lib.mjs";

const [mistmcp, pluginDir, workDir] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve("@modelcontextprotocol/conformance-next/package.json")),
  "dist/index.js");
const here = dirname(new URL(import.meta.url).pathname);
// The fixture prompts come as an operator's --prompts file (beside the built-in ones).
const server = await startHttp(mistmcp, ["--plugin-dir", pluginDir, "--mode", "custom",
  "--categories", "conformance", "--prompts", join(here, "conformance-prompts.json")],
  { MISTMCP_HTTP_ANONYMOUS: "1" });

// Run asynchronously: the server's stderr (its access log) is a pipe this process must keep
// draining, or the server blocks on it mid-run.
async function run(args) {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout.on("data", (d) => { text += d; });
  child.stderr.on("data", (d) => { text += d; });
  const timer = setTimeout(() => child.kill(), 240000);
  const [status] = await once(child, "close"); // after the last output was read, unlike "exit"
  clearTimeout(timer);
  return { status, text: text.replace(/\x1b\[[0-9;]*m/g, "") };
}

let ok = true;
for (const revision of ["2026-07-28", "2025-11-25"]) {
  const out = join(workDir, revision);
  mkdirSync(out, { recursive: true });
  const r = await run([cli, "server", "--url", server.base, "--requirements", revision,
    "--expected-failures", join(here, `conformance-${revision}-expected-failures.yml`), "-o", out]);
  const rows = [...r.text.matchAll(/^([✓✗]) (\S+):/gm)];
  for (const line of r.text.split("\n"))
    if (/^Total:|stale|regression|unexpected|baseline check|^  [✗✓] /i.test(line)) console.log(`${revision}: ${line}`);
  console.log(`${revision}: ${rows.filter((m) => m[1] === "✓").length} of ${rows.length} scenarios run ` +
    `pass (the suite's ✓, extension and pending ones included), exit ${r.status}`);
  ok &&= r.status === 0 && rows.length > 0;
}
const stopped = await stopHttp(server);
if (stopped) console.log(`the server did not stop cleanly: ${stopped}`);
console.log(ok && !stopped ? "conformance requirements: as expected" : "conformance requirements: FAILED");
process.exit(ok && !stopped ? 0 : 1);
