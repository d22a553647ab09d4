// MCP prompts with the official SDK clients (issue 19, item 4): the v1 client
// (@modelcontextprotocol/sdk) over stdio and HTTP in a 2025 session, and the v2 client
// (@modelcontextprotocol/client) pinned to 2026-07-28 over both: the built-in prompts are
// listed with titles and arguments, got with their arguments filled, a missing required
// argument and an unknown prompt are -32602 naming what is wrong, an operator's --prompts file
// adds its prompts, and a modern prompts/list is cacheable and prompts/get's Mcp-Name is
// checked against the body. Then a broken --prompts file stops the start, naming the mistake.
//
// Completion of prompt arguments (completion/complete) is checked the same ways.
//
// usage: node prompts_sdk.mjs MISTMCP PLUGIN_DIR WORK_DIR
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { checker, request, startHttp, stopHttp } from "./lib.mjs";

const [mistmcp, pluginDir, workDir] = process.argv.slice(2);
const { check, done } = checker();
const BUILTIN = ["org_overview", "site_health_check", "find_client", "offline_devices",
  "firmware_compliance", "wlan_connection_failures", "recent_changes"];
const extra = `${workDir}/team-prompts.json`;
writeFileSync(extra, JSON.stringify({ prompts: [{ name: "ap_count", title: "AP count",
  description: "How many APs a site has", arguments: [{ name: "site", description: "Site name",
    required: true }], messages: [{ role: "user", content: { type: "text",
    text: "Count the APs of {{site}} with `listSiteDevicesStats` (type=ap)." } }] }] }));
const args = ["--plugin-dir", pluginDir, "--mode", "minimal", "--prompts", extra];
const env = { PATH: process.env.PATH, HOME: "/tmp", MIST_API_TOKEN: "token-p" };

// What every client must see, whatever its era and transport.
async function exercise(client, label) {
  const { prompts } = await client.listPrompts();
  const names = prompts.map((p) => p.name);
  assert.deepEqual(names, [...BUILTIN, "ap_count"], label);
  for (const p of prompts) {
    assert.ok(p.title && p.description, `${label}: ${p.name} has a title and a description`);
    for (const a of p.arguments ?? []) assert.equal(typeof a.required, "boolean");
  }
  const site = prompts.find((p) => p.name === "site_health_check");
  assert.deepEqual(site.arguments.map((a) => [a.name, a.required]),
    [["site", true], ["duration", false], ["org_id", false]]);
  assert.ok(!("default" in site.arguments[1]), "defaults stay on the server");

  const got = await client.getPrompt({ name: "site_health_check", arguments: { site: "HQ Paris" } });
  const text = got.messages[0].content.text;
  assert.equal(got.messages[0].role, "user");
  assert.match(text, /"HQ Paris" over the last 1d/);
  assert.match(text, /`listSiteDevicesStats`/);
  assert.ok(!text.includes("{{"), "every placeholder filled");
  const mine = await client.getPrompt({ name: "ap_count", arguments: { site: "Lab" } });
  assert.equal(mine.messages[0].content.text, "Count the APs of Lab with `listSiteDevicesStats` (type=ap).");

  // completion of a prompt argument: the values it offers that start with what was typed
  const done = await client.complete({ ref: { type: "ref/prompt", name: "offline_devices" },
    argument: { name: "type", value: "S" } });
  assert.deepEqual(done.completion.values, ["switch"], `${label}: completion`);
  const durations = await client.complete({ ref: { type: "ref/prompt", name: "site_health_check" },
    argument: { name: "duration", value: "" } });
  assert.deepEqual(durations.completion.values, ["1h", "6h", "1d", "7d", "30d"]);
  await assert.rejects(client.complete({ ref: { type: "ref/prompt", name: "offline_devices" },
    argument: { name: "kind", value: "" } }),
  (e) => e.code === -32602 && /no argument 'kind'/.test(e.message), `${label}: completion of no argument`);

  await assert.rejects(client.getPrompt({ name: "find_client", arguments: {} }),
    (e) => e.code === -32602 && /needs the argument 'client'/.test(e.message), `${label}: missing argument`);
  await assert.rejects(client.getPrompt({ name: "site_health" }),
    (e) => e.code === -32602 && /unknown prompt 'site_health'; the prompts are: org_overview/.test(e.message),
    `${label}: unknown prompt`);
  await assert.rejects(client.getPrompt({ name: "find_client", arguments: { client: "a", mac: "b" } }),
    (e) => e.code === -32602 && /no argument 'mac'/.test(e.message), `${label}: unknown argument`);
}

await check("v1 client over stdio (2025 session)", async () => {
  const client = new Client({ name: "prompts-v1", version: "1.0.0" });
  await client.connect(new StdioClientTransport({ command: mistmcp, args, env, stderr: "ignore" }));
  assert.deepEqual(client.getServerCapabilities().prompts, { listChanged: false });
  assert.deepEqual(client.getServerCapabilities().completions, {});
  await exercise(client, "v1 stdio");
  await client.close();
});

const server = await startHttp(mistmcp, args, env);
await check("v1 client over HTTP (2025 session)", async () => {
  const client = new Client({ name: "prompts-v1", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.base),
    { requestInit: { headers: { "X-Authorization": "token-h" } } }));
  assert.deepEqual(client.getServerCapabilities().prompts, { listChanged: false });
  await exercise(client, "v1 http");
  await client.close();
});

const sdk = await import("@modelcontextprotocol/client").catch(() => null);
const sdkStdio = await import("@modelcontextprotocol/client/stdio").catch(() => null);
const pinned = () => new sdk.Client({ name: "prompts-v2", version: "1.0.0" },
  { versionNegotiation: { mode: { pin: "2026-07-28" } } });
if (!sdk || !sdkStdio) {
  console.log("skipped: the v2 client (@modelcontextprotocol/client) is not installed");
} else {
  await check("v2 client pinned to 2026-07-28 over HTTP", async () => {
    const client = pinned();
    await client.connect(new sdk.StreamableHTTPClientTransport(new URL(server.base),
      { requestInit: { headers: { "X-Authorization": "token-v2" } } }));
    await exercise(client, "v2 http");
    await client.close();
  });
  await check("v2 client pinned to 2026-07-28 over stdio", async () => {
    const client = pinned();
    await client.connect(new sdkStdio.StdioClientTransport({ command: mistmcp, args, env,
      stderr: "ignore" }));
    await exercise(client, "v2 stdio");
    await client.close();
  });
}

// The modern wire, as a client without an SDK sends it.
const meta = { "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {} };
async function modern(method, params, headers = {}) {
  const r = await request(server.base, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 7,
    method, params: { ...params, _meta: meta } }), headers: { "Content-Type": "application/json",
    Accept: "application/json, text/event-stream", "X-Authorization": "token-m",
    "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": method, ...headers } });
  return { status: r.status, json: JSON.parse(r.text) };
}
await check("2026-07-28 wire: discover, a cacheable list, Mcp-Name checked on prompts/get", async () => {
  const d = await modern("server/discover", {});
  assert.deepEqual(d.json.result.capabilities.prompts, {});
  assert.deepEqual(d.json.result.capabilities.completions, {});
  const l = await modern("prompts/list", {});
  assert.equal(l.status, 200);
  assert.equal(l.json.result.resultType, "complete");
  assert.equal(l.json.result.cacheScope, "public");
  assert.ok(l.json.result.ttlMs > 0);
  assert.equal(l.json.result._meta["io.modelcontextprotocol/serverInfo"].name, "mistmcp");
  const g = await modern("prompts/get", { name: "ap_count", arguments: { site: "X" } }, { "Mcp-Name": "ap_count" });
  assert.equal(g.status, 200, JSON.stringify(g.json));
  assert.equal(g.json.result.resultType, "complete");
  const bad = await modern("prompts/get", { name: "ap_count", arguments: { site: "X" } }, { "Mcp-Name": "org_overview" });
  assert.equal(bad.status, 400, JSON.stringify(bad.json));
  assert.equal(bad.json.error.code, -32020);
  assert.equal(bad.json.id, 7);
});
await check("the HTTP server stops cleanly", async () => {
  assert.equal(await stopHttp(server), "");
});

await check("a broken --prompts file stops the start, naming the file, the prompt and the field", async () => {
  const broken = `${workDir}/broken-prompts.json`;
  writeFileSync(broken, JSON.stringify({ prompts: [{ name: "x", messages: [{ role: "user",
    content: { type: "text", text: "hello {{who}}" } }] }] }));
  const r = spawnSync(mistmcp, ["--plugin-dir", pluginDir, "--prompts", broken], { env, input: "",
    encoding: "utf8", timeout: 10000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`prompts file ${broken}: prompt 'x': messages\\[0\\]\\.content has the placeholder \\{\\{who\\}\\}`));
  const missing = spawnSync(mistmcp, ["--plugin-dir", pluginDir, "--prompts", `${workDir}/none.json`],
    { env, input: "", encoding: "utf8", timeout: 10000 });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /prompts file .*none\.json: No such file or directory/);
});

await check("--check-prompts: a prompt naming a tool the catalog lacks fails (as the build does)", async () => {
  const renamed = `${workDir}/renamed-prompts.json`;
  writeFileSync(renamed, JSON.stringify({ prompts: [{ name: "old", messages: [{ role: "user",
    content: { type: "text", text: "Use `listOrgWlan` then `getSelf`." } }] }] }));
  const r = spawnSync(mistmcp, ["--check-prompts", "--prompts", renamed], { env, encoding: "utf8", timeout: 10000 });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /prompt 'old' names `listOrgWlan`, which is no tool/);
  assert.ok(!/getSelf/.test(r.stderr), "a real tool is not reported");
  const ok = spawnSync(mistmcp, ["--check-prompts"], { env, encoding: "utf8", timeout: 10000 });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /7 prompts, every tool they name is in the catalog/);
});

done("prompts_sdk");
