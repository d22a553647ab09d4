// The seed README's example questions against the demo cloud (issue 15), asked the way a model
// asks them in managed mode with the official MCP TypeScript SDK client over stdio: search for
// the tool (searchMistTools), then run it through the dispatcher (callMistTool with
// enable_category), and check the answer is the demo world's:
//   "Show me my organization details"                 -> Demo Networks, its 8 sites
//   "List all my sites and their status"              -> the 8 sites, stats naming only them
//   "Show me access points that are offline"          -> lon-ap-03, lon-ap-07, par-ap-02
//   "What wireless clients are connected to my guest network?" -> every Guest client, only them
//   "Which devices need firmware updates?"            -> ber-sw-1 (older than the other switches)
//   "Locate the client xyz"                           -> a client found by part of its hostname,
//                                                        at a listed site and AP
//   "Which site has the worst wireless experience and why?" -> New York: its connection
//                                                        SLEs, classified as authorization, the
//                                                        RADIUS server's reject
//   "Why can't users connect to the corporate WLAN?"  -> Corp is 802.1X; its auth failures, all
//                                                        at New York, from its clients, as many
//                                                        as the alarm counts
// No LLM: each question is a scripted sequence of tool calls.
//
// usage: node demo_questions.mjs MISTMCP PLUGIN_DIR
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import assert from "node:assert/strict";

const [mistmcp, pluginDir] = process.argv.slice(2);
let passed = 0, failed = 0;
async function check(name, fn) {
  try { await fn(); passed++; } catch (e) { failed++; console.error(`FAIL ${name}: ${e.stack || e}`); }
}
const bounded = (p, what, ms = 15000) => Promise.race([p,
  new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms).unref())]);

const transport = new StdioClientTransport({ command: mistmcp,
  args: ["--demo", "--plugin-dir", pluginDir, "--max-result-bytes", "4000000"],
  env: { PATH: process.env.PATH, HOME: "/tmp" }, stderr: "pipe" });
const client = new Client({ name: "demo-questions", version: "1.0.0" });
await bounded(client.connect(transport), "connect");

// The tools searchMistTools ranks first for a question.
async function search(question) {
  const r = await bounded(client.callTool({ name: "searchMistTools", arguments: { query: question } }), question);
  assert.ok(!r.isError, `searchMistTools: ${r.content?.[0]?.text}`);
  return r.structuredContent.results.map((t) => t.name);
}
// A read-only tool run as a model in managed mode runs it; its answer parsed.
async function run(name, args) {
  const r = await bounded(client.callTool({ name: "callMistTool",
    arguments: { name, arguments: args, enable_category: true } }), name);
  assert.ok(!r.isError, `${name} ${JSON.stringify(args)}: ${r.content?.[0]?.text?.slice(0, 300)}`);
  return JSON.parse(r.content[0].text);
}
const found = (hits, tool, within = 3) =>
  assert.ok(hits.slice(0, within).includes(tool), `${tool} is not in the top ${within}: ${hits.slice(0, 5)}`);

const self = (await client.callTool({ name: "getSelf", arguments: {} })).structuredContent;
const orgId = self.privileges[0].org_id;
const sites = await run("listOrgSites", { org_id: orgId });
const siteIds = new Set(sites.map((s) => s.id));
const devices = await run("listOrgDevicesStats", { org_id: orgId, type: "all", limit: 1000 });

await check("Show me my organization details", async () => {
  found(await search("Show me my organization details"), "getOrg");
  const org = await run("getOrg", { org_id: orgId });
  assert.equal(org.name, "Demo Networks");
  assert.equal(org.id, orgId);
  assert.equal(self.privileges[0].name, "Demo Networks");
});

await check("List all my sites and their status", async () => {
  const hits = await search("List all my sites and their status");
  found(hits, "listOrgSiteStats");
  assert.equal(sites.length, 8);
  const stats = await run("listOrgSiteStats", { org_id: orgId });
  assert.ok(Array.isArray(stats) && stats.length > 0, "site stats");
  assert.equal(stats.length, 8, "a status for each site");
  for (const s of stats) assert.ok(siteIds.has(s.id), `site stats name site ${s.id}, not listed`);
  // Their status agrees with the devices: London has 2 of its 8 APs down, Paris 1 of 7.
  const byName = Object.fromEntries(stats.map((s) => [s.name, s]));
  assert.deepEqual([byName.London.num_ap, byName.London.num_ap_connected], [8, 6]);
  assert.deepEqual([byName.Paris.num_ap, byName.Paris.num_ap_connected], [7, 6]);
  const aps = devices.filter((d) => d.type === "ap").length;
  assert.equal(stats.reduce((n, s) => n + s.num_ap, 0), aps);
});

await check("Show me access points that are offline", async () => {
  found(await search("Show me access points that are offline"), "listOrgDevicesStats");
  const down = await run("listOrgDevicesStats", { org_id: orgId, status: "disconnected" });
  assert.deepEqual(down.map((d) => d.name).sort(), ["lon-ap-03", "lon-ap-07", "par-ap-02"]);
  for (const d of down) {
    assert.equal(d.type, "ap");
    assert.ok(siteIds.has(d.site_id));
  }
});

await check("What wireless clients are connected to my guest network?", async () => {
  found(await search("What wireless clients are connected to my guest network?"), "searchOrgWirelessClients");
  const wlans = await run("listOrgWlans", { org_id: orgId });
  const guest = wlans.find((w) => w.ssid === "Guest");
  assert.ok(guest, "a Guest WLAN");
  const onGuest = (await run("searchOrgWirelessClients", { org_id: orgId, ssid: "Guest", limit: 1000 })).results;
  const all = (await run("searchOrgWirelessClients", { org_id: orgId, limit: 1000 })).results;
  assert.ok(onGuest.length > 0);
  assert.equal(onGuest.length, all.filter((c) => c.last_ssid === "Guest").length, "every Guest client, only them");
  const apMacs = new Set(devices.filter((d) => d.type === "ap").map((d) => d.mac));
  for (const c of onGuest) {
    assert.equal(c.last_wlan_id, guest.id);
    assert.ok(apMacs.has(c.last_ap), `client ${c.mac} on an unknown AP ${c.last_ap}`);
  }
});

await check("Which devices need firmware updates?", async () => {
  const hits = await search("Which devices need firmware updates?");
  assert.ok(hits.slice(0, 5).some((t) => /Upgrade|Version/.test(t)), `firmware tools: ${hits.slice(0, 5)}`);
  // Per type, the devices whose version is not the newest one that type runs.
  const newest = {};
  for (const d of devices)
    if (!newest[d.type] || d.version.localeCompare(newest[d.type], undefined, { numeric: true }) > 0)
      newest[d.type] = d.version;
  const behind = devices.filter((d) => d.version !== newest[d.type]).map((d) => d.name);
  assert.deepEqual(behind, ["ber-sw-1"]);
});

await check("Locate the client xyz", async () => {
  const hits = await search("Locate the client xyz");
  assert.ok(hits.slice(0, 3).some((t) => /^search(Org|Site)(Wireless|Wired|Wan)Clients$/.test(t)),
    `a client search in the top 3: ${hits.slice(0, 5)}`);
  // "xyz": part of a real client's hostname, as a user would type it.
  const some = (await run("searchOrgWirelessClients", { org_id: orgId, limit: 1000 })).results[7];
  const part = some.last_hostname.split("-").slice(1, 3).join("-");
  const wireless = (await run("searchOrgWirelessClients", { org_id: orgId, hostname: `*${part}*` })).results;
  const wired = (await run("searchOrgWiredClients", { org_id: orgId, dhcp_hostname: `*${part}*` })).results;
  const hit = wireless.find((c) => c.mac === some.mac);
  assert.ok(hit, `client ${some.last_hostname} not found by *${part}* (${wireless.length} wireless, ${wired.length} wired)`);
  const ap = devices.find((d) => d.mac === hit.last_ap);
  assert.ok(ap && ap.site_id === hit.site_id, "its AP is at its site");
  assert.ok(siteIds.has(hit.site_id));
});

await check("Which site has the worst wireless experience and why?", async () => {
  found(await search("Which site has the worst wireless experience and why?"), "getOrgSle", 3);
  // The worst sites, worst first (by the mean of their wireless SLEs).
  const worst = await run("getOrgSle", { org_id: orgId, metric: "worst-sites-by-sle" });
  const site = sites.find((s) => s.id === worst.results[0].site_id);
  assert.equal(site?.name, "New York Sales");
  // Why: its lowest SLE, that SLE's biggest classifier, and what failed there.
  const slesOf = worst.results[0];
  const keys = ["coverage", "capacity", "time-to-connect", "successful-connect", "roaming", "throughput", "ap-availability"];
  const lowest = keys.reduce((a, b) => (slesOf[b] < slesOf[a] ? b : a));
  assert.ok(["successful-connect", "time-to-connect"].includes(lowest), `New York's lowest: ${lowest}`);
  assert.ok(slesOf[lowest] < 0.7, `New York's ${lowest}: ${slesOf[lowest]}`);
  for (const other of worst.results.slice(1)) assert.ok(other[lowest] > slesOf[lowest]);
  const scope = { site_id: site.id, scope: "site", scope_id: site.id };
  const summary = await run("getSiteSleSummary", { ...scope, metric: lowest });
  const degraded = (c) => c.samples.degraded.reduce((a, b) => a + b, 0);
  const top = summary.classifiers.reduce((a, b) => (degraded(b) > degraded(a) ? b : a));
  assert.equal(top.name, "authorization");
  assert.ok(degraded(top) > 0.8 * summary.sle.samples.degraded.reduce((a, b) => a + b, 0), "most of it");
  const details = await run("getSiteSleClassifierDetails", { ...scope, metric: lowest, classifier: top.name });
  assert.match(details.failures[0].reason, /RADIUS server .* Access-Reject/);
  // The same story as the alarm, and as the users it names.
  const alarms = (await run("searchOrgAlarms", { org_id: orgId, type: "auth_failure_surge" })).results;
  assert.equal(alarms.length, 1);
  assert.equal(alarms[0].site_id, site.id);
  assert.equal(details.failures[0].count, alarms[0].count);
  const users = await run("listSiteSleImpactedWirelessClients", { ...scope, metric: lowest, classifier: top.name });
  assert.equal(users.users.length, top.impact.num_users);
  for (const u of users.users) assert.equal(u.ssid, "Corp");
});

await check("Why can't users connect to the corporate WLAN?", async () => {
  found(await search("Why can't users connect to the corporate WLAN?"), "listOrgWlans", 5);
  const wlans = await run("listOrgWlans", { org_id: orgId });
  const corp = wlans.find((w) => w.auth?.type === "eap");
  assert.equal(corp?.ssid, "Corp", "the corporate WLAN is the 802.1X one");
  // Its clients' events: what fails, then the failures themselves.
  found(await search("wireless client auth failure events on an SSID"), "searchOrgWirelessClientEvents", 3);
  const byType = await run("countOrgWirelessClientEvents", { org_id: orgId, ssid: corp.ssid, distinct: "type" });
  const failureType = byType.results.map((r) => r.type).find((t) => /AUTH_FAILURE/.test(t));
  assert.equal(failureType, "MARVIS_EVENT_CLIENT_AUTH_FAILURE");
  const failures = (await run("searchOrgWirelessClientEvents",
    { org_id: orgId, ssid: corp.ssid, type: failureType, limit: 1000 })).results;
  const count = byType.results.find((r) => r.type === failureType).count;
  assert.equal(failures.length, count);
  const alarm = (await run("searchOrgAlarms", { org_id: orgId, type: "auth_failure_surge" })).results[0];
  assert.equal(failures.length, alarm.count, "as many as the alarm counts");
  // All at one site (the alarm's), on its APs, from clients the world lists on Corp.
  const clients = (await run("searchOrgWirelessClients", { org_id: orgId, ssid: "Corp", limit: 1000 })).results;
  const failing = new Set();
  for (const e of failures) {
    assert.equal(e.wlan_id, corp.id);
    const ap = devices.find((d) => d.mac === e.ap);
    assert.equal(ap?.site_id, alarm.site_id, `failure on AP ${e.ap}`);
    assert.match(e.text, /RADIUS server .* Access-Reject/);
    const mac = /\(([0-9a-f]{12})\)/.exec(e.text)?.[1];
    const who = clients.find((c) => c.mac === mac);
    assert.ok(who && who.last_ap === e.ap && who.site_id === alarm.site_id, `client ${mac}`);
    failing.add(mac);
  }
  assert.ok(failing.size > 5, `${failing.size} clients fail`);
  // No other WLAN fails.
  const elsewhere = (await run("searchOrgWirelessClientEvents", { org_id: orgId, type: failureType, ssid: "Guest" })).results;
  assert.equal(elsewhere.length, 0);
});

await client.close();

// Over HTTP, as `packaging/dev.sh run` starts it: no token needed, and the server says how to
// connect a client to the address it listens on.
await check("the HTTP demo server: no token, and how to connect", async () => {
  const { startHttp } = await import("./lib.mjs");
  const { StreamableHTTPClientTransport } = await import("@modelcontextprotocol/sdk/client/streamableHttp.js");
  const { child, base, stderr } = await startHttp(mistmcp, ["--demo", "--plugin-dir", pluginDir], {});
  try {
    for (let i = 0; i < 50 && !/Stop with Ctrl-C/.test(stderr()); i++) await new Promise((ok) => setTimeout(ok, 20));
    assert.ok(stderr().includes(`claude mcp add --transport http mist-demo ${base}`), stderr());
    assert.ok(stderr().includes(`curl -s ${base.replace(/\/mcp$/, "/healthz")}`), stderr());
    const c = new Client({ name: "demo-http", version: "1.0.0" });
    await bounded(c.connect(new StreamableHTTPClientTransport(new URL(base))), "HTTP connect");
    const me = (await c.callTool({ name: "getSelf", arguments: {} })).structuredContent;
    assert.equal(me.privileges[0].name, "Demo Networks");
    await c.close();
  } finally { child.kill(); }
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
