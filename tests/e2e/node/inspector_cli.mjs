// mistmcp over stdio driven by the MCP Inspector's CLI (npm @modelcontextprotocol/inspector),
// one process per method as a user would run it, against the fake Mist backend.
//
// usage: node inspector_cli.mjs MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { once } from "node:events";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const [mistmcp, fakeMist, pluginDir, workDir] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const launcher = join(dirname(require.resolve("@modelcontextprotocol/inspector/package.json")),
  "clients/launcher/build/index.js");

const log = `${workDir}/inspector-fake-mist.jsonl`;
const fake = spawn(fakeMist, [log, "--max-seconds", "120"], { stdio: ["pipe", "pipe", "inherit"] });
const [portLine] = await once(fake.stdout, "data");
const port = Number(String(portLine).match(/PORT (\d+)/)[1]);
const lastRequest = () => JSON.parse(readFileSync(log, "utf8").trim().split("\n").pop());

// One Inspector CLI run: returns its parsed JSON output (or the raw text) and exit status.
function inspector(methodArgs, serverArgs = []) {
  const r = spawnSync(process.execPath, [launcher, "--cli",
    "-e", "MIST_API_TOKEN=inspector-token", "-e", `MISTMCP_API_BASE_URL=http://127.0.0.1:${port}`,
    "-e", "HOME=/tmp", ...methodArgs, "--", mistmcp, "--plugin-dir", pluginDir, ...serverArgs],
    { encoding: "utf8", timeout: 60000 });
  let out;
  try { out = JSON.parse(r.stdout); } catch { out = r.stdout; }
  return { status: r.status, out, stdout: r.stdout, stderr: r.stderr };
}

let passed = 0, failed = 0;
function check(name, fn) {
  try { fn(); passed++; } catch (e) { failed++; console.error(`FAIL ${name}: ${e.stack || e}`); }
}

check("tools/list in custom mode", () => {
  const r = inspector(["--method", "tools/list"], ["--mode", "custom", "--categories", "orgs_wlans"]);
  assert.equal(r.status, 0, r.stderr);
  const names = r.out.tools.map((t) => t.name);
  assert.deepEqual(names.slice(0, 5),
    ["searchMistTools", "describeMistTool", "callMistTool", "getSelf", "manageMcpTools"]);
  assert.ok(names.includes("listOrgWlans"));
});
check("tools/call reaches Mist", () => {
  const r = inspector(["--method", "tools/call", "--tool-name", "listOrgWlans", "--tool-arg",
    "org_id=org-7", "limit=2"], ["--mode", "custom", "--categories", "orgs_wlans"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.out.structuredContent.path, "/api/v1/orgs/org-7/wlans");
  const req = lastRequest();
  assert.equal(req.headers.Authorization, "Token inspector-token");
  assert.equal(req.query.limit, "2");
});
check("getSelf in minimal mode", () => {
  const r = inspector(["--method", "tools/call", "--tool-name", "getSelf"], ["--mode", "minimal"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.out.structuredContent.email, "demo@demo-networks.example");
});
check("an argument error is reported as such", () => {
  const r = inspector(["--method", "tools/call", "--tool-name", "listOrgWlans", "--tool-arg",
    "org_id=o", "limt=2"], ["--mode", "custom", "--categories", "orgs_wlans"]);
  assert.match(JSON.stringify(r.out), /unknown argument 'limt'/);
});
check("logging/setLevel", () => {
  const r = inspector(["--method", "logging/setLevel", "--log-level", "debug"]);
  assert.equal(r.status, 0, r.stderr);
});
check("a tool of a category that is not enabled is not listed", () => {
  // The Inspector looks the tool up in tools/list before calling it.
  const r = inspector(["--method", "tools/call", "--tool-name", "listOrgWlans", "--tool-arg", "org_id=o"]);
  assert.notEqual(r.status, 0);
  assert.match(r.stdout + r.stderr, /listOrgWlans.*not found/);
});

fake.stdin.end();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
