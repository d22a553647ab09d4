// The official MCP conformance suite (@modelcontextprotocol/conformance) against mistmcp's
// Streamable HTTP endpoint, with its fixture tools from tests/plugins/conformance.c.
// Scenarios for features mistmcp does not offer (resources, prompts, completion, sampling,
// elicitation) are not run; every scenario run must pass.
//
// usage: node conformance.mjs MISTMCP CONFORMANCE_PLUGIN_DIR WORK_DIR
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const [mistmcp, pluginDir, workDir] = process.argv.slice(2);
mkdirSync(workDir, { recursive: true });
const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve("@modelcontextprotocol/conformance/package.json")), "dist/index.js");
const scenarios = ["server-initialize", "ping", "tools-list", "logging-set-level",
  "tools-call-simple-text", "tools-call-image", "tools-call-audio", "tools-call-embedded-resource",
  "tools-call-mixed-content", "tools-call-with-logging", "tools-call-error",
  "tools-call-with-progress", "dns-rebinding-protection"];

let server, url;
for (let attempt = 0; attempt < 5 && !url; attempt++) {
  const port = 20000 + Math.floor(Math.random() * 30000);
  server = spawn(mistmcp, ["--transport", "http", "--port", String(port), "--plugin-dir", pluginDir,
    "--mode", "custom", "--categories", "conformance"],
    { stdio: ["ignore", "inherit", "pipe"], env: { PATH: process.env.PATH, HOME: "/tmp", MISTMCP_HTTP_ANONYMOUS: "1" } });
  let err = "";
  server.stderr.on("data", (d) => { err += d; });
  for (let i = 0; i < 50 && !/listening|cannot listen/.test(err); i++) await new Promise((ok) => setTimeout(ok, 20));
  if (/listening/.test(err)) url = `http://127.0.0.1:${port}/mcp`;
  else server.kill();
}
if (!url) { console.error("mistmcp did not start"); process.exit(1); }

let passed = 0, failed = 0;
for (const scenario of scenarios) {
  const r = spawnSync(process.execPath, [cli, "server", "--url", url, "--scenario", scenario,
    "-o", join(workDir, scenario)], { encoding: "utf8", timeout: 120000 });
  const m = (r.stdout + r.stderr).match(/Passed: (\d+)\/(\d+), (\d+) failed/);
  const ok = r.status === 0 && m && m[3] === "0" && Number(m[1]) > 0;
  if (ok) passed++;
  else {
    failed++;
    console.error(`FAIL ${scenario}:\n${(r.stdout + r.stderr).split("\n").filter((l) => /FAIL|Error|Passed/.test(l)).join("\n")}`);
  }
  console.log(`${ok ? "ok  " : "FAIL"} ${scenario} ${m ? m[0] : ""}`);
}
server.kill("SIGTERM");
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
