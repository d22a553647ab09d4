// MCP 2026-07-28 requests served by any of two replicas with no shared state (issue 18): two
// mistmcp HTTP servers with the same settings and no session store, and one client whose
// requests alternate between them. Each replica answers the same tool list (ttlMs/cacheScope
// included), a tools/list cursor from one is valid on the other (it is the offset, no state
// behind it), the discovery path (searchMistTools on one, describeMistTool on the other,
// callMistTool on either) works across them with the request's own token, neither keeps a
// session, and with one replica gone the other serves the same requests unchanged. Last, a
// URL's categories stay loaded between modern requests (the server keeps eight sets).
//
// usage: node http_replicas.mjs MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { checker, request, startFake, startHttp, stopHttp } from "./lib.mjs";

const [mistmcp, fakeMist, pluginDir, workDir] = process.argv.slice(2);
const { check, done } = checker();
const log = `${workDir}/http-replicas-fake-mist.jsonl`;
const { child: fake, port: fakePort } = await startFake(fakeMist, log);
const backend = () => readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
const env = { MISTMCP_API_BASE_URL: `http://127.0.0.1:${fakePort}` };
const args = ["--plugin-dir", pluginDir, "--mode", "all", "--no-access-log"];
const replicas = [await startHttp(mistmcp, args, env), await startHttp(mistmcp, args, env)];

const MODERN = "2026-07-28";
let nextId = 1;
// One modern request to replica r (0 or 1) with token; resolves to the JSON-RPC answer.
async function rpc(r, method, params = {}, token = "token-A") {
  const body = { jsonrpc: "2.0", id: nextId++, method, params: { ...params, _meta: {
    "io.modelcontextprotocol/protocolVersion": MODERN,
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": { name: "replicas", version: "1" } } } };
  const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream",
    "X-Authorization": token, "MCP-Protocol-Version": MODERN, "Mcp-Method": method };
  if (method === "tools/call") headers["Mcp-Name"] = params.name;
  const res = await request(replicas[r].base, { method: "POST", headers, body: JSON.stringify(body) });
  assert.equal(res.status, 200, `replica ${r} ${method}: ${res.text.slice(0, 400)}`);
  assert.equal(res.headers.get("mcp-session-id"), null, "no session id on the modern path");
  const json = JSON.parse(res.text);
  assert.equal(json.id, body.id);
  assert.ok(json.result, `replica ${r} ${method}: ${res.text.slice(0, 400)}`);
  return json.result;
}
const metric = async (r, pattern) => {
  const text = (await request(replicas[r].base.replace(/\/mcp$/, "/metrics"))).text;
  return [...text.matchAll(pattern)].reduce((sum, m) => sum + Number(m[1]), 0);
};
const callsOf = (r) => metric(r, /^mistmcp_tool_calls_total\{[^}]*\} (\d+)$/gm);
const sessionsOf = (r) => metric(r, /^mistmcp_sessions_active (\d+)$/gm);

let listA;
await check("both replicas answer the same tool list, with the same caching hints", async () => {
  listA = await rpc(0, "tools/list");
  const listB = await rpc(1, "tools/list", {}, "token-B");
  assert.ok(listA.tools.length > 400, `all mode lists the read-only catalog (${listA.tools.length})`);
  assert.deepEqual(listB.tools, listA.tools);
  assert.equal(listB.ttlMs, listA.ttlMs);
  assert.equal(listA.cacheScope, "public");
  assert.equal(listB.cacheScope, listA.cacheScope);
});

await check("a cursor is valid on the other replica: it carries no server state", async () => {
  // the server pages at 1,000 tools; a cursor it would hand out is its offset, so one taken
  // at any offset must give the same page on either replica
  for (const at of [1, 250, listA.tools.length - 1]) {
    const cursor = `mm1:${at}`;
    const [a, b] = [await rpc(0, "tools/list", { cursor }), await rpc(1, "tools/list", { cursor })];
    assert.deepEqual(a.tools.map((t) => t.name), listA.tools.slice(at).map((t) => t.name), cursor);
    assert.deepEqual(b.tools, a.tools, cursor);
  }
});

await check("search on one replica, describe on the other, call on both: each with its token", async () => {
  const before = [await callsOf(0), await callsOf(1)];
  const found = await rpc(0, "tools/call", { name: "searchMistTools", arguments: { query: "org wlans" } });
  assert.match(JSON.stringify(found), /listOrgWlans/);
  const described = await rpc(1, "tools/call", { name: "describeMistTool", arguments: { name: "listOrgWlans" } });
  assert.match(JSON.stringify(described), /\/api\/v1\/orgs\/\{org_id\}\/wlans/);
  for (const [r, token] of [[0, "token-A"], [1, "token-B"], [0, "token-B"], [1, "token-A"]]) {
    const res = await rpc(r, "tools/call", { name: "callMistTool",
      arguments: { name: "listOrgWlans", arguments: { org_id: `org-${r}` } } }, token);
    assert.notEqual(res.isError, true, JSON.stringify(res).slice(0, 400));
    assert.equal(res.resultType, "complete");
    const last = backend().at(-1);
    assert.equal(last.path, `/api/v1/orgs/org-${r}/wlans`);
    assert.equal(last.headers.Authorization, `Token ${token}`);
  }
  const after = [await callsOf(0), await callsOf(1)];
  // replica 0: search + 2 calls, replica 1: describe + 2 calls (every tool call is counted)
  assert.equal(after[0] - before[0], 3, "tool calls served by replica 0");
  assert.equal(after[1] - before[1], 3, "tool calls served by replica 1");
  assert.equal(await sessionsOf(0), 0, "replica 0 keeps no session");
  assert.equal(await sessionsOf(1), 0, "replica 1 keeps no session");
});

await check("without --session-store, an HTTP server maps no Redis client (hiredis)", async () => {
  for (const r of replicas) {
    const maps = readFileSync(`/proc/${r.child.pid}/maps`, "utf8");
    assert.ok(maps.includes("/libmicrohttpd.so"), "the check reads the right process");
    assert.ok(!maps.includes("/libhiredis.so"), "hiredis is loaded only by a Redis session store");
  }
});

await check("with one replica gone, the other serves the same requests", async () => {
  assert.equal(await stopHttp(replicas[0]), "");
  const list = await rpc(1, "tools/list");
  assert.deepEqual(list.tools, listA.tools);
  const res = await rpc(1, "tools/call", { name: "listOrgWlans", arguments: { org_id: "after" } });
  assert.notEqual(res.isError, true, JSON.stringify(res).slice(0, 400));
  assert.equal(backend().at(-1).path, "/api/v1/orgs/after/wlans");
});

await check("the remaining replica stops cleanly", async () => {
  assert.equal(await stopHttp(replicas[1]), "");
});

// Modern requests choosing categories in the URL: the first request of a set loads its
// plugins and the server keeps them (eight sets at most), so the next request of that set
// does not load and unload them again.
await check("a URL's categories stay loaded between modern requests, eight sets at most", async () => {
  const server = await startHttp(mistmcp, ["--plugin-dir", pluginDir, "--mode", "minimal",
    "--no-access-log"], env);
  const loaded = async () => Number((await request(server.base.replace(/\/mcp$/, "/metrics"))).text
    .match(/^mistmcp_plugins_loaded (\d+)$/m)[1]);
  const modern = async (query, org) => {
    const body = { jsonrpc: "2.0", id: nextId++, method: "tools/call", params: { name: "listOrgWlans",
      arguments: { org_id: org }, _meta: { "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": {} } } };
    const r = await request(`${server.base}?${query}`, { method: "POST", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream",
        "X-Authorization": "token-pin", "MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/call",
        "Mcp-Name": "listOrgWlans" } });
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.notEqual(JSON.parse(r.text).result.isError, true, r.text.slice(0, 300));
  };
  assert.equal(await loaded(), 0, "minimal mode loads nothing at start");
  await modern("categories=orgs_wlans", "pin-1");
  assert.equal(await loaded(), 1, "orgs_wlans stays loaded after its request");
  await modern("categories=orgs_wlans", "pin-2");
  assert.equal(await loaded(), 1);
  // eight more sets, each with orgs_wlans and one other category: the first set is replaced
  const others = ["orgs_sites", "orgs_alarms", "orgs_inventory", "orgs_devices", "orgs_nac_rules",
    "orgs_psks", "orgs_rf_templates", "orgs_webhooks"];
  for (const [i, other] of others.entries()) await modern(`categories=orgs_wlans,${other}`, `pin-x${i}`);
  assert.equal(await loaded(), 1 + others.length, "orgs_wlans and the eight others");
  assert.equal(await stopHttp(server), "");
});
fake.kill();
done("http_replicas");
