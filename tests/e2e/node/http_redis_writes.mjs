// Confirmed writes across replicas (issue 20 with issue 16): two mistmcp HTTP replicas share
// sessions through a real redis-server, with write tools on. A round-robin balancer may send
// a write's preview to one replica and its confirmation to the other; checked without a
// balancer, by sending each request to the replica named:
//   - token mode: the preview on A gives a token; the same call with confirm on B sends
//     exactly one PUT; the token used on B is refused on A (one use across the replicas), and
//     a token for other arguments is refused with that reason;
//   - elicit mode: the tools/call on A asks the user on its own event stream; the client's
//     answer, a POST that lands on B, reaches A's waiting call, which sends the PUT;
//   - a decline answered through B sends nothing.
//
// Skipped ("skipped: redis-server not installed") where there is no redis-server.
//
// usage: node http_redis_writes.mjs MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { checker, eventReader, startFake, startHttp, stopHttp } from "./lib.mjs";
import { redisMissing, startRedis } from "./redis.mjs";

const [mistmcp, fakeMist, pluginDir, workDir] = process.argv.slice(2);
if (redisMissing()) {
  console.log(`skipped: ${redisMissing()}`);
  process.exit(0);
}
const { check, done } = checker();
mkdirSync(workDir, { recursive: true });
const redisDir = mkdtempSync(`${workDir}/redis-writes-`);
process.on("exit", () => rmSync(redisDir, { recursive: true, force: true }));
const redis = await startRedis(redisDir);
const log = `${workDir}/redis-writes-fake-mist.jsonl`;
writeFileSync(log, "");
const { child: fake, port: fakePort } = await startFake(fakeMist, log);
const writes = () => readFileSync(log, "utf8").trim().split("\n").filter(Boolean)
  .map((l) => JSON.parse(l)).filter((r) => r.method !== "GET");
const secret = `${workDir}/redis-writes-secret`;
writeFileSync(secret, randomBytes(48).toString("base64"), { mode: 0o600 });
const args = ["--plugin-dir", pluginDir, "--no-access-log", "--enable-write-tools",
  "--session-store", `redis://127.0.0.1:${redis.port}`, "--session-secret-file", secret];
const env = { MISTMCP_API_BASE_URL: `http://127.0.0.1:${fakePort}` };
const A = await startHttp(mistmcp, args, env), B = await startHttp(mistmcp, args, env);
const url = (r) => `${r.base}?mode=custom&categories=orgs_wlans`;

const TOKEN = "token-redis-writes";
const VERSION = "2025-11-25";
const post = (r, body, sid) => fetch(url(r), { method: "POST", body: JSON.stringify(body),
  headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream",
    "X-Authorization": TOKEN, ...(sid ? { "Mcp-Session-Id": sid, "MCP-Protocol-Version": VERSION } : {}) } });
// The JSON-RPC answer with this id, from a JSON or event-stream body.
async function answer(res, id) {
  const text = await res.text();
  const msgs = /text\/event-stream/.test(res.headers.get("content-type") ?? "")
    ? text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)))
    : [JSON.parse(text)];
  const m = msgs.find((x) => x.id === id);
  assert.ok(m, `no answer ${id} in ${text.slice(0, 300)}`);
  return m;
}
async function session(r, capabilities = {}) {
  const res = await post(r, { jsonrpc: "2.0", id: 1, method: "initialize", params: {
    protocolVersion: VERSION, capabilities, clientInfo: { name: "writes", version: "1" } } });
  assert.equal(res.status, 200);
  const sid = res.headers.get("mcp-session-id");
  await res.text();
  assert.equal((await post(r, { jsonrpc: "2.0", method: "notifications/initialized" }, sid)).status, 202);
  return sid;
}
const update = (ssid, wlan = "wlan-r") => ({ org_id: "org-r", wlan_id: wlan,
  body: { ssid, auth: { type: "psk", psk: "redis-writes-psk" } } });
let nextId = 10;
const call = async (r, sid, args) => {
  const id = nextId++;
  return (await answer(await post(r, { jsonrpc: "2.0", id, method: "tools/call",
    params: { name: "updateOrgWlan", arguments: args } }, sid), id)).result;
};

await check("token mode: a preview on one replica, its confirmation on the other, one use in all", async () => {
  const sid = await session(A);
  const before = writes().length;
  const preview = await call(A, sid, update("Across"));
  const token = preview.structuredContent?.confirmation?.token;
  assert.match(token ?? "", /^mmc_[0-9a-f]{48}$/, JSON.stringify(preview).slice(0, 400));
  assert.equal(writes().length, before, "a preview sends nothing");
  const sent = await call(B, sid, { ...update("Across"), confirm: token });
  assert.notEqual(sent.isError, true, JSON.stringify(sent).slice(0, 400));
  assert.equal(writes().length, before + 1);
  assert.equal(writes().at(-1).path, "/api/v1/orgs/org-r/wlans/wlan-r");
  const again = await call(A, sid, { ...update("Across"), confirm: token });
  assert.equal(again.isError, true, "a token is used once across the replicas");
  assert.equal(writes().length, before + 1);
  const other = await call(A, sid, update("Other"));
  const t2 = other.structuredContent.confirmation.token;
  const changed = await call(B, sid, { ...update("Changed"), confirm: t2 });
  assert.equal(changed.isError, true);
  assert.match(changed.content[0].text, /arguments differ/);
  assert.equal(writes().length, before + 1);
});

await check("token mode: another session cannot redeem a session's token on any replica", async () => {
  const mine = await session(A), theirs = await session(B);
  const preview = await call(A, mine, update("Mine", "wlan-m"));
  const token = preview.structuredContent.confirmation.token;
  const before = writes().length;
  const stolen = await call(B, theirs, { ...update("Mine", "wlan-m"), confirm: token });
  assert.equal(stolen.isError, true);
  assert.equal(writes().length, before);
});

// The elicitation of a tools/call on r's stream, answered with action through other.
async function elicitAcross(r, other, ssid, action) {
  const sid = await session(r, { elicitation: { form: {} } });
  const id = nextId++;
  const res = await post(r, { jsonrpc: "2.0", id, method: "tools/call",
    params: { name: "updateOrgWlan", arguments: update(ssid, `wlan-${ssid}`) } }, sid);
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  const { next, reader } = eventReader(res); // the JSON-RPC messages of this POST's stream
  let msg;
  do msg = await next(); while (msg.method !== "elicitation/create");
  const reply = await post(other, { jsonrpc: "2.0", id: msg.id,
    result: action === "accept" ? { action, content: {} } : { action } }, sid);
  assert.equal(reply.status, 202);
  do msg = await next(); while (msg.id !== id);
  reader.cancel().catch(() => {});
  return msg.result;
}

await check("elicit mode: the answer posted to the other replica reaches the waiting call", async () => {
  const before = writes().length;
  const t0 = Date.now();
  const r = await elicitAcross(A, B, "Elicited", "accept");
  assert.notEqual(r.isError, true, JSON.stringify(r).slice(0, 400));
  assert.ok(Date.now() - t0 < 5000, "answered at once, not after the elicitation's timeout");
  assert.equal(writes().length, before + 1);
  assert.equal(writes().at(-1).path, "/api/v1/orgs/org-r/wlans/wlan-Elicited");
});

await check("elicit mode: a decline answered through the other replica sends nothing", async () => {
  const before = writes().length;
  const r = await elicitAcross(B, A, "Declined", "decline");
  assert.match(r.content[0].text, /^The user declined/);
  assert.equal(writes().length, before);
});

await check("both replicas stop cleanly", async () => {
  assert.equal(await stopHttp(A), "");
  assert.equal(await stopHttp(B), "");
});
fake.kill();
done("http_redis_writes");
