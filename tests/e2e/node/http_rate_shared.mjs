// One rate limit per Mist token across replicas (issue 20, item 4): a real redis-server, three
// mistmcp HTTP replicas sharing sessions and the rate limit through it (--session-store,
// --session-secret-file) with a limit of 30 calls an hour (burst 30), one 2025 session
// initialized on replica 0, then 31 getSelf calls in that session spread round-robin over the
// three replicas: 30 reach Mist, the 31st is refused by the limit (whichever replica serves
// it), and the fake Mist backend saw exactly 30 requests. Each replica's /metrics agrees: one
// refusal in all, no call decided without Redis. A 2026-07-28 request (no session) with the
// same token is refused as well. Last, with Redis killed, a call still answers at once: the
// replica decides it alone, counts it and says so on stderr.
//
// Skipped ("skipped: redis-server not installed") where there is no redis-server.
//
// usage: node http_rate_shared.mjs MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { checker, request, startFake, startHttp, stopHttp } from "./lib.mjs";
import { redisMissing, startRedis } from "./redis.mjs";

const [mistmcp, fakeMist, pluginDir, workDir] = process.argv.slice(2);
if (redisMissing()) {
  console.log(`skipped: ${redisMissing()}`);
  process.exit(0);
}
const { check, done } = checker();

const redisDir = mkdtempSync(`${workDir}/redis-`);
const redis = await startRedis(redisDir);
process.on("exit", () => { redis.child.kill("SIGKILL"); rmSync(redisDir, { recursive: true, force: true }); });

const log = `${workDir}/rate-shared-fake-mist.jsonl`;
writeFileSync(log, "");
const { child: fake, port: fakePort } = await startFake(fakeMist, log);
const selfRequests = () => readFileSync(log, "utf8").trim().split("\n").filter(Boolean)
  .map((l) => JSON.parse(l)).filter((r) => r.path === "/api/v1/self").length;

const secret = `${workDir}/rate-shared-secret`;
writeFileSync(secret, randomBytes(48).toString("base64"), { mode: 0o600 });
const env = { MISTMCP_API_BASE_URL: `http://127.0.0.1:${fakePort}` };
const args = ["--plugin-dir", pluginDir, "--no-access-log", "--session-store",
  `redis://127.0.0.1:${redis.port}`, "--session-secret-file", secret, "--rate-limit", "30",
  "--rate-burst", "30"];
const replicas = [];
for (let i = 0; i < 3; i++) replicas.push(await startHttp(mistmcp, args, env));

const TOKEN = "token-rate-shared";
const VERSION = "2025-06-18";
const headers = (sid) => ({ "Content-Type": "application/json", Accept: "application/json, text/event-stream",
  "X-Authorization": TOKEN, ...(sid ? { "Mcp-Session-Id": sid, "MCP-Protocol-Version": VERSION } : {}) });
// The JSON-RPC message of an answer given as JSON or as an event stream.
const messageOf = (res) => {
  if (!/text\/event-stream/.test(res.headers.get("content-type") ?? "")) return JSON.parse(res.text);
  const data = res.text.split("\n").filter((l) => l.startsWith("data:")).map((l) => JSON.parse(l.slice(5)));
  return data.find((m) => m.id !== undefined);
};
const metric = async (r, name) => {
  const text = (await request(replicas[r].base.replace(/\/mcp$/, "/metrics"))).text;
  const m = text.match(new RegExp(`^${name} (\\d+)$`, "m"));
  assert.ok(m, `${name} on replica ${r}`);
  return Number(m[1]);
};

let sid;
await check("each replica says the rate limit is shared through Redis", async () => {
  for (const r of replicas)
    assert.match(r.stderr(), /sessions and the rate limit are shared through Redis at 127\.0\.0\.1:/);
});

await check("a session initialized on replica 0", async () => {
  const res = await request(replicas[0].base, { method: "POST", headers: headers(), body: JSON.stringify({
    jsonrpc: "2.0", id: 1, method: "initialize",
    params: { protocolVersion: VERSION, capabilities: {}, clientInfo: { name: "rate", version: "1" } } }) });
  assert.equal(res.status, 200, res.text);
  sid = res.headers.get("mcp-session-id");
  assert.ok(sid, "a session id");
  const n = await request(replicas[0].base, { method: "POST", headers: headers(sid),
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) });
  assert.equal(n.status, 202, n.text);
});

await check("31 getSelf calls round-robin over 3 replicas: 30 reach Mist, the 31st is refused", async () => {
  const before = selfRequests();
  const outcomes = [];
  for (let i = 0; i < 31; i++) {
    const r = i % 3;
    const res = await request(replicas[r].base, { method: "POST", headers: headers(sid), body: JSON.stringify({
      jsonrpc: "2.0", id: 100 + i, method: "tools/call", params: { name: "getSelf", arguments: {} } }) });
    assert.equal(res.status, 200, `call ${i} on replica ${r}: ${res.text.slice(0, 300)}`);
    const msg = messageOf(res);
    assert.equal(msg.id, 100 + i);
    assert.ok(msg.result, `call ${i} on replica ${r}: ${res.text.slice(0, 300)}`);
    outcomes.push({ r, error: msg.result.isError === true, text: JSON.stringify(msg.result.content) });
  }
  const failed = outcomes.map((o, i) => (o.error ? i : -1)).filter((i) => i >= 0);
  assert.deepEqual(failed, [30], `the calls that failed: ${JSON.stringify(failed.map((i) => outcomes[i]))}`);
  assert.match(outcomes[30].text, /rate limit for this token is reached \(30 calls per hour, --rate-limit\): retry in \d+ s/);
  assert.equal(selfRequests() - before, 30, "requests the fake Mist backend saw");
});

await check("the replicas' metrics: one refusal in all, nothing decided without Redis", async () => {
  let refused = 0;
  for (let r = 0; r < 3; r++) {
    refused += await metric(r, 'mistmcp_rate_limited_total\\{outcome="refused"\\}');
    assert.equal(await metric(r, "mistmcp_rate_limit_local_total"), 0, `replica ${r}`);
  }
  assert.equal(refused, 1);
});

// A 2026-07-28 request needs no session: the bucket is the token's, whatever the era.
const MODERN = "2026-07-28";
let nextId = 1000;
async function modernGetSelf(r, token) {
  const body = { jsonrpc: "2.0", id: nextId++, method: "tools/call", params: { name: "getSelf", arguments: {},
    _meta: { "io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {} } } };
  const res = await request(replicas[r].base, { method: "POST", body: JSON.stringify(body), headers: {
    "Content-Type": "application/json", Accept: "application/json, text/event-stream", "X-Authorization": token,
    "MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/call", "Mcp-Name": "getSelf" } });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  return messageOf(res).result;
}

await check("the same token without a session, on another replica: refused too", async () => {
  const before = selfRequests();
  const res = await modernGetSelf(1, TOKEN);
  assert.equal(res.isError, true, JSON.stringify(res).slice(0, 300));
  assert.match(JSON.stringify(res.content), /rate limit for this token is reached/);
  assert.equal(selfRequests(), before);
});

await check("Redis gone: a call still answers at once, decided by the replica alone, and says so", async () => {
  redis.child.kill("SIGKILL");
  await new Promise((ok) => redis.child.once("exit", ok));
  const before = selfRequests();
  const t0 = Date.now();
  const res = await modernGetSelf(2, "token-while-redis-is-down");
  assert.ok(Date.now() - t0 < 3000, `answered in ${Date.now() - t0} ms`);
  assert.notEqual(res.isError, true, JSON.stringify(res).slice(0, 300));
  assert.equal(selfRequests() - before, 1);
  assert.equal(await metric(2, "mistmcp_rate_limit_local_total"), 1);
  assert.match(replicas[2].stderr(), /the rate limit is not shared while Redis does not answer \(Redis at 127\.0\.0\.1:\d+ /);
  assert.doesNotMatch(replicas[2].stderr(), /token-while-redis-is-down/);
});

await check("the replicas stop cleanly", async () => {
  for (const r of replicas) assert.equal(await stopHttp(r), "");
});
fake.kill();
done("http_rate_shared");
