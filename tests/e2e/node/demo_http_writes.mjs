// The demo cloud over Streamable HTTP (issue 15, item 4), with the official MCP TypeScript SDK
// client: two sessions, each with its own token, change the demo world, and neither sees the
// other's changes; a session with a token of its own sees the world unchanged; without
// --enable-write-tools a session cannot change anything. Each write is previewed, then
// confirmed with its one-time token (issue 16).
//
// usage: node demo_http_writes.mjs MISTMCP PLUGIN_DIR
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import assert from "node:assert/strict";
import { startHttp } from "./lib.mjs";

const [mistmcp, pluginDir] = process.argv.slice(2);
let passed = 0, failed = 0;
async function check(name, fn) {
  try { await fn(); passed++; } catch (e) { failed++; console.error(`FAIL ${name}: ${e.stack || e}`); }
}

async function connect(base, token) {
  const client = new Client({ name: `e2e-${token}`, version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${base}?mode=all`),
    { requestInit: { headers: { "X-Authorization": token } } });
  await client.connect(transport);
  return client;
}

// The JSON a tool answered; throws with the text on an error result. A write is previewed
// first and sends nothing (issue 16, token mode, the default): it is confirmed here with the
// token its preview gave, as a user who read the preview would, so each session confirms its
// own writes independently.
async function call(client, name, args) {
  let r = await client.callTool({ name, arguments: args });
  const token = r.structuredContent?.confirmation?.token;
  if (token) {
    assert.match(r.content[0].text, /^Nothing was sent yet\./);
    r = await client.callTool({ name, arguments: { ...args, confirm: token } });
  }
  if (r.isError) throw new Error(`${name}: ${r.content[0].text}`);
  const text = r.content[0].text;
  return text.startsWith("Done:") ? text : JSON.parse(text);
}

const ssids = async (client, org) =>
  (await call(client, "listOrgWlans", { org_id: org })).map((w) => w.ssid).sort().join(",");

const { child: server } = await startHttp(mistmcp,
  ["--demo", "--enable-write-tools", "--plugin-dir", pluginDir], {});
const base = `http://127.0.0.1:${server.spawnargs[server.spawnargs.indexOf("--port") + 1]}/mcp`;
const a = await connect(base, "token-A");
const b = await connect(base, "token-B");
const org = (await call(a, "getSelf", {})).privileges[0].org_id;

await check("each session's creation shows in its own list only", async () => {
  await call(a, "createOrgWlan", { org_id: org, body: { ssid: "A-lab" } });
  await call(b, "createOrgWlan", { org_id: org, body: { ssid: "B-lab" } });
  assert.equal(await ssids(a, org), "A-lab,Corp,Guest,IoT");
  assert.equal(await ssids(b, org), "B-lab,Corp,Guest,IoT");
});
await check("a deletion in one session leaves the other's world alone", async () => {
  const corp = (await call(b, "listOrgWlans", { org_id: org })).find((w) => w.ssid === "Corp");
  await call(b, "deleteOrgWlan", { org_id: org, wlan_id: corp.id });
  assert.equal(await ssids(b, org), "B-lab,Guest,IoT");
  assert.equal(await ssids(a, org), "A-lab,Corp,Guest,IoT");
  const fetched = await call(a, "getOrgWLAN", { org_id: org, wlan_id: corp.id });
  assert.equal(fetched.ssid, "Corp");
});
await check("a PUT in one session changes that session's GET only", async () => {
  const sites = await call(a, "listOrgSites", { org_id: org });
  const paris = sites.find((s) => s.name === "Paris");
  await call(a, "updateSiteInfo", { site_id: paris.id, body: { name: "Paris Opera" } });
  assert.equal((await call(a, "getSiteInfo", { site_id: paris.id })).name, "Paris Opera");
  assert.equal((await call(b, "getSiteInfo", { site_id: paris.id })).name, "Paris");
});
await check("a third token starts from the world as it is at start", async () => {
  const c = await connect(base, "token-C");
  assert.equal(await ssids(c, org), "Corp,Guest,IoT");
  await c.close();
});
await check("a bad body is Mist's 400 naming the field", async () => {
  const args = { org_id: org, body: { ssid: "x", auth: { type: "wpa9" } } };
  let r = await a.callTool({ name: "createOrgWlan", arguments: args });
  r = await a.callTool({ name: "createOrgWlan",
    arguments: { ...args, confirm: r.structuredContent.confirmation.token } });
  assert.ok(r.isError);
  assert.match(r.content[0].text, /HTTP 400: body\.auth\.type: not one of the enum's values: "eap"/);
});
// Clients that send no token at all (as `packaging/dev.sh run` invites them to): each session
// still gets a demo world of its own.
await check("sessions without a token each get their own world", async () => {
  const anonymous = async () => {
    const client = new Client({ name: "e2e-anonymous", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}?mode=all`)));
    return client;
  };
  const x = await anonymous(), y = await anonymous();
  try {
    await call(x, "createOrgWlan", { org_id: org, body: { ssid: "X-lab" } });
    assert.equal(await ssids(x, org), "Corp,Guest,IoT,X-lab");
    assert.equal(await ssids(y, org), "Corp,Guest,IoT", "a tokenless session saw another's WLAN");
  } finally {
    await x.close();
    await y.close();
  }
});

await a.close();
await b.close();
server.kill();

const { child: readOnly } = await startHttp(mistmcp, ["--demo", "--plugin-dir", pluginDir], {});
const roBase = `http://127.0.0.1:${readOnly.spawnargs[readOnly.spawnargs.indexOf("--port") + 1]}/mcp`;
await check("without --enable-write-tools nothing changes", async () => {
  const c = await connect(roBase, "token-A");
  const tools = (await c.listTools()).tools.map((t) => t.name);
  assert.ok(!tools.includes("createOrgWlan") && tools.includes("listOrgWlans"));
  const r = await c.callTool({ name: "callMistTool",
    arguments: { name: "createOrgWlan", arguments: { org_id: org, body: { ssid: "Sneaky" } } } });
  assert.ok(r.isError && /read-only/.test(r.content[0].text), r.content[0].text);
  assert.equal(await ssids(c, org), "Corp,Guest,IoT");
  await c.close();
});
readOnly.kill();

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
