// mcp-remote (npm) bridging a stdio MCP client to mistmcp's HTTP endpoint, configured as the
// seed README configures it for Claude Desktop: URL with ?cloud=&mode=, the token in
// --header X-Authorization:..., --transport http-only. The stdio side is the SDK client.
//
// usage: node mcp_remote.mjs MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import assert from "node:assert/strict";
import { startFake, startHttp } from "./lib.mjs";
import { readFileSync } from "node:fs";
import { once } from "node:events";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const [mistmcp, fakeMist, pluginDir, workDir] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const proxy = join(dirname(require.resolve("mcp-remote/package.json")), "dist/proxy.js");

const log = `${workDir}/remote-fake-mist.jsonl`;
const { child: fake, port: fakePort } = await startFake(fakeMist, log);
const { child: server, base: mcpUrl } = await startHttp(mistmcp, ["--plugin-dir", pluginDir],
  { MISTMCP_API_BASE_URL: `http://127.0.0.1:${fakePort}` });
const base = `${mcpUrl}/`;

let passed = 0, failed = 0;
async function check(name, fn) {
  try { await fn(); passed++; } catch (e) { failed++; console.error(`FAIL ${name}: ${e.stack || e}`); }
}

const transport = new StdioClientTransport({
  command: process.execPath,
  args: [proxy, `${base}?cloud=api.mist.com&mode=custom&categories=orgs_wlans`,
    "--header", "X-Authorization:${MIST_API_TOKEN}", "--transport", "http-only"],
  env: { PATH: process.env.PATH, HOME: workDir, MIST_API_TOKEN: "remote-token",
    MCP_REMOTE_CONFIG_DIR: `${workDir}/mcp-remote-config` },
  stderr: "pipe",
});
const client = new Client({ name: "claude-desktop-like", version: "1.0.0" });
await check("connects through mcp-remote", async () => {
  await Promise.race([client.connect(transport),
    new Promise((_, no) => setTimeout(() => no(new Error("connect timed out")), 30000))]);
  assert.equal(client.getServerVersion().name, "mistmcp");
});
await check("tools of the query's categories", async () => {
  const names = (await client.listTools()).tools.map((t) => t.name);
  assert.ok(names.includes("getSelf") && names.includes("listOrgWlans"));
});
await check("a call reaches Mist with the header's token", async () => {
  const r = await client.callTool({ name: "listOrgWlans", arguments: { org_id: "remote-org" } });
  assert.equal(r.structuredContent.path, "/api/v1/orgs/remote-org/wlans");
  const last = JSON.parse(readFileSync(log, "utf8").trim().split("\n").pop());
  assert.equal(last.headers.Authorization, "Token remote-token");
});

await client.close();
server.kill("SIGTERM");
await once(server, "exit");
fake.stdin.end();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
