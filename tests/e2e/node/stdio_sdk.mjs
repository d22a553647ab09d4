// mistmcp over stdio driven by the official MCP TypeScript SDK client, against the fake Mist
// backend. Checks what a real client sees (tools, list_changed, results, errors) and what Mist
// receives, in managed, all and custom modes, and that bad options fail with exit status 2.
//
// usage: node stdio_sdk.mjs MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { once } from "node:events";

const [mistmcp, fakeMist, pluginDir, workDir] = process.argv.slice(2);
let passed = 0, failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
  } catch (e) {
    failed++;
    console.error(`FAIL ${name}: ${e.stack || e}`);
  }
}
const timeout = (ms, what) =>
  new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms).unref());
const bounded = (p, what, ms = 10000) => Promise.race([p, timeout(ms, what)]);

// The fake backend, on an ephemeral loopback port.
const log = `${workDir}/sdk-fake-mist.jsonl`;
const fake = spawn(fakeMist, [log, "--max-seconds", "120"], { stdio: ["pipe", "pipe", "inherit"] });
const [portLine] = await bounded(once(fake.stdout, "data"), "fake backend start");
const port = Number(String(portLine).match(/PORT (\d+)/)[1]);
const lastRequest = () => {
  const lines = readFileSync(log, "utf8").trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
};

function connect(args, extraEnv = {}) {
  const transport = new StdioClientTransport({
    command: mistmcp,
    args: ["--plugin-dir", pluginDir, ...args],
    env: {
      PATH: process.env.PATH,
      HOME: "/tmp",
      MISTMCP_API_BASE_URL: `http://127.0.0.1:${port}`,
      MIST_API_TOKEN: "sdk-token",
      ...extraEnv,
    },
    stderr: "pipe",
  });
  const client = new Client({ name: "mistmcp-e2e", version: "1.0.0" });
  return { client, transport, ready: bounded(client.connect(transport), "connect") };
}
const mapped = (pid, lib) => readFileSync(`/proc/${pid}/maps`, "utf8").includes(`/${lib}.so`);

// --- a host that never refreshes its tool list ---------------------------------------------
// Many hosts ignore notifications/tools/list_changed. This one lists tools once, then works
// only through the discovery tools: search, then call by name with the category enabled on
// the fly. It never lists tools again.
{
  const { client, ready } = connect([]);
  await ready;
  let listCalls = 0;
  const listTools = client.listTools.bind(client);
  client.listTools = (...a) => { listCalls++; return listTools(...a); };
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {}); // ignored
  await check("a host that never re-lists tools works through callMistTool", async () => {
    const { tools } = await bounded(client.listTools(), "tools/list");
    assert.ok(!tools.some((t) => t.name === "listSiteWlans"));
    const found = await bounded(client.callTool({ name: "searchMistTools",
      arguments: { query: "SSIDs of a site" } }), "search");
    const hit = found.structuredContent.results.find((h) => h.name === "listSiteWlans");
    assert.ok(hit, JSON.stringify(found.structuredContent.results.map((h) => h.name)));
    assert.equal(hit.category, "sites_wlans");
    const r = await bounded(client.callTool({ name: "callMistTool", arguments: {
      name: hit.name, arguments: { site_id: "s-42" }, enable_category: true } }), "call by name");
    assert.equal(r.isError, undefined, JSON.stringify(r));
    assert.equal(r.structuredContent.path, "/api/v1/sites/s-42/wlans");
    assert.equal(lastRequest().path, "/api/v1/sites/s-42/wlans");
    const again = await bounded(client.callTool({ name: "callMistTool", arguments: {
      name: "listSiteWlans", arguments: {} } }), "bad arguments");
    assert.equal(again.isError, true);
    assert.match(again.content[0].text, /Invalid arguments for listSiteWlans.*site_id/);
    assert.equal(listCalls, 1, "the host listed tools only once");
  });
  await client.close();
}

// --- managed mode -------------------------------------------------------------------------
{
  const { client, transport, ready } = connect([]);
  await ready;
  let listChanged = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => { listChanged++; });

  await check("initialize", async () => {
    assert.equal(client.getServerVersion().name, "mistmcp");
    assert.equal(client.getServerCapabilities().tools.listChanged, true);
    assert.match(client.getInstructions(), /getSelf/);
  });
  await check("managed mode lists only the built-ins", async () => {
    const { tools } = await bounded(client.listTools(), "tools/list");
    assert.deepEqual(tools.map((t) => t.name),
      ["searchMistTools", "describeMistTool", "callMistTool", "getSelf", "manageMcpTools"]);
    const manage = tools[4];
    assert.equal(manage.inputSchema.properties.enable_mcp_tools_categories.items.enum, undefined,
      "names only: the 195 categories are found with searchMistTools, not listed in the schema");
    assert.equal(mapped(transport.pid, "orgs_wlans"), false);
  });
  await check("getSelf", async () => {
    const r = await bounded(client.callTool({ name: "getSelf", arguments: {} }), "getSelf");
    assert.equal(r.structuredContent.email, "demo@demo-networks.example");
    const req = lastRequest();
    assert.equal(req.path, "/api/v1/self");
    assert.equal(req.headers.Authorization, "Token sdk-token");
  });
  await check("enable a category: plugin mapped, list_changed, tools listed", async () => {
    const r = await bounded(client.callTool({
      name: "manageMcpTools",
      arguments: { enable_mcp_tools_categories: ["orgs_wlans", "sites_wlans"] },
    }), "enable");
    assert.deepEqual(Object.keys(r.structuredContent.enabled), ["orgs_wlans", "sites_wlans"]);
    for (let i = 0; i < 50 && listChanged === 0; i++) await new Promise((ok) => setTimeout(ok, 20));
    assert.equal(listChanged, 1);
    assert.ok(mapped(transport.pid, "orgs_wlans") && mapped(transport.pid, "sites_wlans"));
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    assert.ok(names.includes("listOrgWlans") && names.includes("listSiteWlans"));
    assert.ok(!names.includes("createOrgWlan"), "write tools hidden by default");
    const list = tools.find((t) => t.name === "listOrgWlans");
    assert.equal(list.annotations.readOnlyHint, true);
  });
  await check("a call reaches Mist as the tool says", async () => {
    const r = await bounded(client.callTool({
      name: "listSiteWlans", arguments: { site_id: "site 1/2", limit: 3 },
    }), "listSiteWlans");
    assert.equal(r.isError, undefined);
    const req = lastRequest();
    assert.equal(req.method, "GET");
    assert.equal(req.path, "/api/v1/sites/site%201%2F2/wlans");
    assert.equal(req.query.limit, "3");
    assert.equal(r.structuredContent.path, "/api/v1/sites/site%201%2F2/wlans");
  });
  await check("argument errors are results the model can read", async () => {
    const r = await client.callTool({ name: "listSiteWlans", arguments: { limit: 3 } });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /missing required argument 'site_id'/);
  });
  await check("disable: plugin unmapped, tool gone", async () => {
    await client.callTool({ name: "manageMcpTools", arguments: { disable_mcp_tools_categories: "orgs_wlans,sites_wlans" } });
    assert.equal(mapped(transport.pid, "orgs_wlans"), false);
    await assert.rejects(client.callTool({ name: "listOrgWlans", arguments: {} }),
      (e) => e.code === -32602 && /manageMcpTools/.test(e.message));
  });
  await check("unknown categories are named", async () => {
    const r = await client.callTool({ name: "manageMcpTools", arguments: { enable_mcp_tools_categories: "[\"nope\"]" } });
    assert.deepEqual(r.structuredContent.unknown, ["nope"]);
  });
  await client.close();
}

// --- all and custom modes, write tools --------------------------------------------------------
await check("all mode lists every read-only tool", async () => {
  const { client, ready } = connect(["--mode", "all"]);
  await ready;
  const { tools } = await bounded(client.listTools(), "tools/list all");
  assert.ok(tools.length > 480, `${tools.length} tools`);
  assert.ok(tools.filter((t) => t.name !== "manageMcpTools").every((t) => t.annotations.readOnlyHint === true));
  await client.close();
});
await check("custom mode with write tools", async () => {
  const { client, ready } = connect(["--mode", "custom", "--categories", "orgs_wlans", "--enable-write-tools"],
    { MIST_ORG_ID: "org-9" });
  await ready;
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  assert.ok(names.includes("createOrgWlan") && names.includes("listOrgWlans"));
  const create = tools.find((t) => t.name === "createOrgWlan");
  assert.equal(create.annotations.destructiveHint, true);
  // Issue 16: the first call previews and sends nothing; the same call with its token sends.
  const before = readFileSync(log, "utf8");
  let r = await client.callTool({ name: "createOrgWlan", arguments: { body: { ssid: "guest" } } });
  assert.equal(r.isError, undefined, JSON.stringify(r));
  assert.match(r.content[0].text, /^Nothing was sent yet\. The write:\nPOST \/api\/v1\/orgs\/org-9\/wlans/);
  assert.equal(readFileSync(log, "utf8"), before, "the preview sent nothing");
  const token = r.structuredContent.confirmation.token;
  r = await client.callTool({ name: "createOrgWlan", arguments: { body: { ssid: "guest" }, confirm: token } });
  assert.equal(r.isError, undefined, JSON.stringify(r));
  const req = lastRequest();
  assert.equal(req.method, "POST");
  assert.equal(req.path, "/api/v1/orgs/org-9/wlans");
  assert.deepEqual(JSON.parse(req.body), { ssid: "guest" });
  assert.equal(req.headers["Content-Type"], "application/json");
  await client.close();
});
// --- hosts that cap the list, and confirmation prompts (issue 12 part 3) --------------------
// A host that keeps only the first tools (Cursor keeps 40) must still reach every tool: every
// mode but minimal lists the discovery tools first. Reads and writes go through different
// dispatchers so that a host asks the user to confirm exactly the writes.
const DISCOVERY = ["searchMistTools", "describeMistTool", "callMistTool"];
for (const [mode, args, first] of [
  ["minimal", ["--mode", "minimal"], ["getSelf", "manageMcpTools"]],
  ["managed", [], [...DISCOVERY, "getSelf", "manageMcpTools"]],
  ["managed+write", ["--enable-write-tools"], [...DISCOVERY, "callMistWriteTool", "getSelf", "manageMcpTools"]],
  ["custom", ["--mode", "custom", "--categories", "orgs_wlans"], [...DISCOVERY, "getSelf", "manageMcpTools"]],
  ["all", ["--mode", "all"], [...DISCOVERY, "getSelf", "manageMcpTools"]],
  ["all+write", ["--mode", "all", "--enable-write-tools"], [...DISCOVERY, "callMistWriteTool", "getSelf", "manageMcpTools"]],
]) {
  await check(`${mode}: the first tools listed`, async () => {
    const { client, ready } = connect(args);
    await ready;
    const { tools } = await bounded(client.listTools(), `tools/list ${mode}`);
    assert.deepEqual(tools.slice(0, first.length).map((t) => t.name), first);
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    if (byName.callMistTool) { // it runs reads only: a host need not confirm it
      assert.equal(byName.callMistTool.annotations.readOnlyHint, true);
      assert.equal(byName.callMistTool.annotations.destructiveHint, undefined);
    }
    if (byName.callMistWriteTool) { // it changes the network: a host confirms it
      assert.equal(byName.callMistWriteTool.annotations.readOnlyHint, undefined);
      assert.equal(byName.callMistWriteTool.annotations.destructiveHint, true);
    }
    const text = client.getInstructions();
    if (mode.startsWith("all"))
      assert.match(text, mode.endsWith("+write") ? /Every Mist tool is listed\. Some hosts pass only the first tools/
        : /Every read-only Mist tool is listed\. Some hosts pass only the first tools/);
    assert.equal(/callMistWriteTool/.test(text), mode.endsWith("+write"), text);
    await client.close();
  });
}
await check("reads and writes each through their own dispatcher", async () => {
  const { client, ready } = connect(["--enable-write-tools"], { MIST_ORG_ID: "org-9" });
  await ready;
  const call = (name, args) => bounded(client.callTool({ name, arguments: args }), name);
  let r = await call("callMistTool", { name: "createOrgWlan", enable_category: true,
    arguments: { org_id: "org-9", body: { ssid: "x" } } });
  assert.equal(r.isError, true);
  assert.match(r.content[0].text, /createOrgWlan: it is a write tool \(a POST; some POSTs, such as the show commands, only read.*run it with callMistWriteTool/);
  let { tools } = await client.listTools();
  assert.ok(!tools.some((t) => t.name === "createOrgWlan"), "a refused call enables nothing");
  r = await call("callMistWriteTool", { name: "listOrgWlans", arguments: { org_id: "org-9" } });
  assert.equal(r.isError, true);
  assert.match(r.content[0].text, /listOrgWlans: it only reads: run it with callMistTool/);
  r = await call("callMistWriteTool", { name: "createOrgWlan", enable_category: true,
    arguments: { org_id: "org-9", body: { ssid: "via-dispatcher" } } });
  assert.equal(r.isError, undefined, JSON.stringify(r));
  const token = r.structuredContent.confirmation.token; // issue 16: previewed, then confirmed
  r = await call("callMistWriteTool", { name: "createOrgWlan",
    arguments: { org_id: "org-9", body: { ssid: "via-dispatcher" }, confirm: token } });
  assert.equal(r.isError, undefined, JSON.stringify(r));
  let req = lastRequest();
  assert.equal(req.method, "POST");
  assert.deepEqual(JSON.parse(req.body), { ssid: "via-dispatcher" });
  r = await call("callMistTool", { name: "listOrgWlans", arguments: { org_id: "org-9" } });
  assert.equal(r.isError, undefined, JSON.stringify(r));
  req = lastRequest();
  assert.equal(req.method, "GET");
  assert.equal(req.path, "/api/v1/orgs/org-9/wlans");
  r = await call("callMistTool", { name: "getSelf" }); // a built-in Mist call: a read
  assert.equal(r.isError, undefined, JSON.stringify(r));
  await client.close();
});
await check("read-only server: a write is refused naming the option", async () => {
  const { client, ready } = connect([]);
  await ready;
  const r = await bounded(client.callTool({ name: "callMistTool", arguments: { name: "deleteOrgWlan",
    arguments: { org_id: "o", wlan_id: "w" } } }), "callMistTool");
  assert.equal(r.isError, true);
  assert.match(r.content[0].text, /deleteOrgWlan: it is a write tool.*--enable-write-tools/);
  await assert.rejects(client.callTool({ name: "callMistWriteTool", arguments: { name: "deleteOrgWlan" } }),
    (e) => e.code === -32602, "no write dispatcher on a read-only server");
  await client.close();
});
await check("bad options: exit status 2 and one line naming the value", async () => {
  const r = spawnSync(mistmcp, ["--mode", "custom", "--categories", "orgs_wlans,bogus", "--plugin-dir", pluginDir],
    { encoding: "utf8", timeout: 10000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^mistmcp: unknown category 'bogus' in --categories/);
  assert.equal(r.stderr.trim().split("\n").length, 1);
});

fake.stdin.end();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
