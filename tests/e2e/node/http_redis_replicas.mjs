// Issue 20: three mistmcp HTTP replicas sharing their 2025 sessions through a real Redis, behind
// a real HAProxy (Debian's) that sends each request to the next replica. All of it runs here,
// on loopback ports, as children of this script (no daemon), with every file under the work
// directory; every wait is bounded. Checked:
//   - the MCP SDK client (v1) through HAProxy: connect, enable categories, call their tools; the
//     calls land on more than one replica (their /metrics), all succeed, and list_changed
//     reaches the client whichever replica handled the enable;
//   - the GET stream on one replica gets the list_changed of an enable POSTed to another one
//     (Accept: application/json only, so the notification cannot ride on the POST's answer);
//   - two enables of one session at once on two replicas: neither is lost (a read at once on a
//     third replica may still miss one: a replica answers a call before it writes the change to
//     Redis; counted and printed, not failed);
//   - a session id with another token is refused (403) by every replica, DELETE too;
//   - a replica killed (SIGKILL) mid-session: the next requests succeed on the others;
//   - Redis killed: new sessions get 503 saying why, the replicas keep serving; Redis started
//     again empty: the old session is unknown (404) everywhere, the client starts a new one;
//   - load: 1,000 sessions x 20 calls through HAProxy, 50 requests in flight, no error;
//   - an operator's mistakes: a replica given another secret file answers 403 saying so and
//     tells its operator (both fingerprints); a Redis that wants a password the URL does not
//     give is "down" with what to change (503 for new sessions, /healthz, /metrics); an ACL
//     user with only the README's commands, keys and channels serves a session on two replicas.
// Without redis-server, haproxy or libhiredis the test says "skipped: ..." and ctest reports
// it skipped. $LOAD_SESSIONS changes the load's 1,000 sessions (for a quick run by hand; the
// check's name says the sizes used).
//
// usage: node http_redis_replicas.mjs MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR README
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { checker, startFake, startHttp, stopHttp, waitFor } from "./lib.mjs";
import { freePort, startRedis as startRedisIn } from "./redis.mjs";

const [mistmcp, fakeMist, pluginDir, workDir, readme] = process.argv.slice(2);

// The README's replica command and HAProxy block, used as written there (ports, paths and the
// health checks' interval changed).
const section = readFileSync(readme, "utf8").split("### Several replicas (sessions shared through Redis)")[1]?.split("\n### ")[0];
assert.ok(section, "README has no section 'Several replicas (sessions shared through Redis)'");
const readmeArgs = section.match(/\nmistmcp (--transport http [\s\S]*?)\n```/)[1].replace(/\\\n/g, " ").trim().split(/\s+/);
const readmeHaproxy = section.match(/```haproxy\n([\s\S]*?)```/)[1];
const argAfter = (name) => readmeArgs[readmeArgs.indexOf(name) + 1];
assert.equal(argAfter("--trusted-proxy"), "127.0.0.1", "the README's replicas trust the balancer");
assert.ok(argAfter("--request-state-key-file"), "the README's replicas share a request-state key");
assert.match(readmeHaproxy, /option forwardfor/);

// $REDIS_SERVER and $HAPROXY name the binaries (a path that does not exist: as if missing).
const find = (env, name) => (process.env[env] !== undefined ? [process.env[env]]
  : [...(process.env.PATH || "").split(":"), "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"]
    .map((d) => `${d}/${name}`)).find((p) => p.startsWith("/") && existsSync(p));
const redisServer = find("REDIS_SERVER", "redis-server");
const haproxy = find("HAPROXY", "haproxy");
const hiredis = (() => {
  for (const ldconfig of ["/sbin/ldconfig", "/usr/sbin/ldconfig"])
    try { return /libhiredis\.so\.0\.14\b/.test(execFileSync(ldconfig, ["-p"], { encoding: "utf8" })); } catch { /* next */ }
  return false;
})();
if (!redisServer || !haproxy || !hiredis) {
  const missing = [!redisServer && "redis-server not installed (Debian: apt-get install redis-server)",
    !haproxy && "haproxy not installed (Debian: apt-get install haproxy)",
    !hiredis && "libhiredis0.14 not installed (Debian: apt-get install libhiredis0.14)"].filter(Boolean);
  console.log(`skipped: ${missing.join("; ")}`);
  process.exit(0);
}

const { check, done } = checker();
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const dir = `${workDir}/redis-replicas`;
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const mine = []; // redis-server and haproxy: killed when this script exits, whatever happens
process.on("exit", () => { for (const c of mine) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL"); });

// Redis on a free loopback port, keeping nothing on disk; a restart is a new one on the same
// port with a new, empty directory.
const redisPort = await freePort();
let redisRuns = 0;
async function startRedis() {
  const rdir = `${dir}/redis-${++redisRuns}`;
  mkdirSync(rdir, { recursive: true });
  return (await startRedisIn(rdir, redisPort, redisServer)).child;
}
let redis = await startRedis();

const log = `${dir}/fake-mist.jsonl`;
const { child: fake, port: fakePort } = await startFake(fakeMist, log);
const backend = () => readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
const secret = `${dir}/session-secret`, stateKey = `${dir}/request-state-key`;
writeFileSync(secret, randomBytes(48).toString("base64") + "\n", { mode: 0o600 });
writeFileSync(stateKey, randomBytes(48).toString("base64") + "\n", { mode: 0o600 });
const env = { MISTMCP_API_BASE_URL: `http://127.0.0.1:${fakePort}` };
// The README's command (HAProxy on 127.0.0.1 is a trusted proxy: its X-Forwarded-For names the
// client), with this test's Redis and files, in managed mode so that a session enables
// categories; startHttp gives the transport and port.
const fromReadme = readmeArgs.map((a, i) => {
  const option = readmeArgs[i - 1];
  return option === "--session-store" ? `redis://127.0.0.1:${redisPort}` : option === "--session-secret-file" ? secret
    : option === "--request-state-key-file" ? stateKey : a;
}).filter((a, i, all) => !["--transport", "--port"].includes(a) && !["--transport", "--port"].includes(all[i - 1]));
const args = ["--plugin-dir", pluginDir, "--mode", "managed", "--no-access-log", ...fromReadme];
const replicas = [];
for (let r = 0; r < 3; r++) {
  const s = await startHttp(mistmcp, args, env);
  assert.match(s.stderr(), /sessions (and the rate limit )?are shared through Redis at 127\.0\.0\.1:\d+/);
  replicas.push(s);
}

// HAProxy with the README's block: round robin over the three, each request balanced on its
// own (the first check proves it; HAProxy 2.6 does so in its default keep-alive mode), a
// replica checked on /healthz every 200 ms here, and a request whose connection is refused sent
// to another replica (retry-on conn-failure, redispatch). Timeouts long enough for the event
// streams to stay open. X-Replica (added here) says which replica answered (r0, r1, r2).
const haPort = await freePort();
const haCfg = `${dir}/haproxy.cfg`;
const servers = [...readmeHaproxy.matchAll(/^ *server .*$/gm)];
assert.equal(servers.length, 3, "the README's block has three servers");
writeFileSync(haCfg, `global
    maxconn 4096
${readmeHaproxy.replace("bind 127.0.0.1:8000", `bind 127.0.0.1:${haPort}`)
    .replace(/^ *server .*\n/gm, "")
    .replace("    balance roundrobin\n", "    balance roundrobin\n    http-response set-header X-Replica %s\n")
    .trimEnd()}
${replicas.map((s, i) => `    server r${i} 127.0.0.1:${s.port} check inter 200ms fall 1 rise 1`).join("\n")}
`);
const ha = spawn(haproxy, ["-f", haCfg, "-db"], { stdio: ["ignore", "pipe", "pipe"] });
mine.push(ha);
let haOut = "";
ha.stdout.on("data", (d) => { haOut += d; });
ha.stderr.on("data", (d) => { haOut += d; });
const haBase = `http://127.0.0.1:${haPort}/mcp`;
for (let i = 0; ; i++) {
  const up = await fetch(`http://127.0.0.1:${haPort}/healthz`).then((r) => r.status === 200, () => false);
  if (up) break;
  if (i > 100 || ha.exitCode !== null) throw new Error(`haproxy did not start:\n${haOut.slice(-3000)}`);
  await sleep(50);
}

// ---- helpers -------------------------------------------------------------------------------
const MCP_VERSION = "2025-06-18";
const initBody = (id = 1) => ({ jsonrpc: "2.0", id, method: "initialize",
  params: { protocolVersion: MCP_VERSION, capabilities: {}, clientInfo: { name: "redis-replicas", version: "1" } } });
// The JSON-RPC messages of an answer (JSON or an event stream).
function messagesOf(contentType, text) {
  if (!text) return [];
  if ((contentType || "").startsWith("text/event-stream"))
    return text.split(/\r?\n\r?\n/).map((ev) => ev.split(/\r?\n/).filter((l) => l.startsWith("data:"))
      .map((l) => l.slice(5).trimStart()).join("\n")).filter(Boolean).map((d) => JSON.parse(d));
  return [JSON.parse(text)];
}
// One POST; resolves to { status, headers, text, messages, answer (the response to body.id) }.
async function post(url, token, sid, body, accept = "application/json, text/event-stream") {
  const headers = { "Content-Type": "application/json", Accept: accept };
  if (token !== undefined) headers["X-Authorization"] = token;
  if (sid) { headers["Mcp-Session-Id"] = sid; headers["MCP-Protocol-Version"] = MCP_VERSION; }
  const r = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
  const text = await r.text();
  let messages = [];
  try { messages = messagesOf(r.headers.get("content-type"), text); } catch { /* not JSON-RPC */ }
  return { status: r.status, headers: r.headers, text, messages,
    answer: messages.find((m) => m.id !== undefined && m.id === body.id) };
}
// A session made with raw requests: initialize then notifications/initialized; resolves to its id.
async function rawSession(url, token) {
  const init = await post(url, token, null, initBody());
  assert.equal(init.status, 200, `initialize: ${init.text.slice(0, 300)}`);
  const sid = init.headers.get("mcp-session-id");
  assert.match(sid ?? "", /^[0-9a-f]{32}$/);
  const ack = await post(url, token, sid, { jsonrpc: "2.0", method: "notifications/initialized" });
  assert.equal(ack.status, 202, `initialized: ${ack.text.slice(0, 300)}`);
  return sid;
}
const call = (name, args = {}, id = 2) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } });
const metricsOf = async (r) => (await (await fetch(replicas[r].origin + "/metrics")).text());
const sum = (text, re) => [...text.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
const toolCalls = (text, outcome = "ok") =>
  sum(text, new RegExp(`^mistmcp_tool_calls_total\\{[^}]*outcome="${outcome}"\\} (\\d+)$`, "gm"));
const listChanged = (text) => sum(text, /^mistmcp_list_changed_total (\d+)$/gm);
const alive = () => replicas.map((s, r) => [s, r]).filter(([s]) => s.child.exitCode === null && s.child.signalCode === null);
// Each live replica's tool calls (ok and error) and list_changed count now.
async function snapshot() {
  const out = [];
  for (const [, r] of alive()) {
    const text = await metricsOf(r);
    out[r] = { ok: toolCalls(text), error: toolCalls(text, "error"), changed: listChanged(text) };
  }
  return out;
}
const delta = (a, b, key) => b.map((x, r) => (x ? x[key] - a[r][key] : undefined));
async function until(test, what, ms = 3000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) if (await test()) return;
  throw new Error(`${what}: not within ${ms} ms`);
}

// A GET event stream read in the background: messages() is what arrived so far.
async function openStream(url, token, sid) {
  const ac = new AbortController();
  const r = await fetch(url, { headers: { Accept: "text/event-stream", "X-Authorization": token,
    "Mcp-Session-Id": sid, "MCP-Protocol-Version": MCP_VERSION }, signal: ac.signal });
  assert.equal(r.status, 200, `GET stream: ${r.status}`);
  assert.equal(r.headers.get("content-type"), "text/event-stream");
  const got = [];
  let buf = "";
  (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of r.body) {
        buf += decoder.decode(chunk, { stream: true });
        let at;
        while ((at = buf.search(/\r?\n\r?\n/)) >= 0) {
          const ev = buf.slice(0, at);
          buf = buf.slice(at).replace(/^\r?\n\r?\n/, "");
          const data = ev.split(/\r?\n/).filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
          if (data) got.push(JSON.parse(data));
        }
      }
    } catch { /* aborted */ }
  })();
  return { messages: () => got, close: () => ac.abort() };
}

// The v1 SDK client through HAProxy, counting list_changed.
async function sdkClient(token) {
  const client = new Client({ name: `redis-replicas-${token}`, version: "1.0.0" });
  const c = { changed: 0, errors: [], stream: undefined };
  // which replica (HAProxy's X-Replica: r0, r1, r2) answered the client's last GET (its stream)
  const seeing = async (url, init) => {
    const r = await fetch(url, init);
    if ((init?.method ?? "GET") === "GET" && r.status === 200) c.stream = Number(r.headers.get("x-replica")?.slice(1));
    return r;
  };
  const transport = new StreamableHTTPClientTransport(new URL(haBase),
    { requestInit: { headers: { "X-Authorization": token } }, fetch: seeing });
  Object.assign(c, { client, transport });
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => { c.changed++; });
  client.onerror = (e) => { c.errors.push(String(e)); };
  await client.connect(transport);
  return c;
}

// ---- the SDK client through HAProxy ----------------------------------------------------------
let sdk;
await check("HAProxy balances each request on its own: the three replicas each answer", async () => {
  // Nine raw initializes through HAProxy: each replica makes three sessions.
  const before = [];
  for (let r = 0; r < 3; r++) before[r] = sum(await metricsOf(r), /^mistmcp_sessions_active (\d+)$/gm);
  for (let i = 0; i < 9; i++) {
    const res = await post(haBase, `rr-${i}`, null, initBody());
    assert.equal(res.status, 200, res.text.slice(0, 300));
  }
  const made = [];
  for (let r = 0; r < 3; r++) made[r] = sum(await metricsOf(r), /^mistmcp_sessions_active (\d+)$/gm) - before[r];
  assert.deepEqual(made, [3, 3, 3], `sessions made per replica: ${made}`);
});

await check("SDK client through HAProxy: enable on each replica, list_changed each time, calls on all three", async () => {
  sdk = await sdkClient("token-sdk");
  assert.match(sdk.transport.sessionId ?? "", /^[0-9a-f]{32}$/);
  const start = await snapshot();
  const categories = ["orgs_wlans", "orgs_sites", "orgs_alarms"];
  const handledBy = [];
  for (const [i, cat] of categories.entries()) {
    const before = await snapshot();
    const res = await sdk.client.callTool({ name: "manageMcpTools", arguments: { enable_mcp_tools_categories: [cat] } });
    assert.notEqual(res.isError, true, JSON.stringify(res).slice(0, 400));
    await until(() => sdk.changed >= i + 1, `list_changed for ${cat} (enabled on ${handledBy.length} so far)`);
    const d = delta(before, await snapshot(), "changed");
    handledBy.push(d.findIndex((n) => n === 1));
    assert.equal(d.reduce((a, b) => a + b, 0), 1, `list_changed counted once in all: ${d}`);
  }
  console.log(`the enables were handled by replicas ${handledBy.join(", ")}`);
  assert.equal(new Set(handledBy).size, 3, `enables handled by ${handledBy}: round robin should give each replica one`);
  await sleep(300);
  assert.equal(sdk.changed, 3, "exactly one list_changed per enable (no duplicate)");
  // Every replica's copy shows the three categories' tools.
  const lists = [];
  for (let i = 0; i < 3; i++) lists.push((await sdk.client.listTools()).tools.map((t) => t.name).sort());
  assert.ok(lists[0].includes("listOrgWlans") && lists[0].includes("listOrgSites") && lists[0].includes("searchOrgAlarms"),
    lists[0].join(","));
  assert.deepEqual(lists[1], lists[0]);
  assert.deepEqual(lists[2], lists[0]);
  // Nine calls of an enabled tool, each answered with its own call's path, with the session's token.
  for (let i = 0; i < 9; i++) {
    const r = await sdk.client.callTool({ name: "listOrgWlans", arguments: { org_id: `sdk-${i}` } });
    assert.notEqual(r.isError, true, JSON.stringify(r).slice(0, 400));
    assert.equal(r.structuredContent.path, `/api/v1/orgs/sdk-${i}/wlans`);
    const last = backend().at(-1);
    assert.equal(last.path, `/api/v1/orgs/sdk-${i}/wlans`);
    assert.equal(last.headers.Authorization, "Token token-sdk");
  }
  const end = await snapshot();
  const ok = delta(start, end, "ok"), errors = delta(start, end, "error");
  console.log(`tool calls per replica (ok): ${ok.join(", ")}`);
  assert.deepEqual(errors, [0, 0, 0], `failed tool calls per replica: ${errors}`);
  assert.equal(ok.reduce((a, b) => a + b, 0), 12, "3 enables + 9 calls");
  assert.ok(ok.every((n) => n > 0), `calls landed on every replica: ${ok}`);
});

// ---- the GET stream on one replica, the enable on another -----------------------------------
await check("GET stream on replica X gets the list_changed of an enable POSTed (JSON only) to replica Y", async () => {
  for (const [x, y, cat] of [[0, 1, "orgs_wlans"], [1, 2, "orgs_sites"], [2, 0, "orgs_alarms"]]) {
    const token = `token-stream-${x}${y}`;
    const sid = await rawSession(haBase, token);
    const stream = await openStream(replicas[x].base, token, sid);
    try {
      await sleep(100); // the stream is attached before the notification is published
      const res = await post(replicas[y].base, token, sid,
        call("manageMcpTools", { enable_mcp_tools_categories: [cat] }), "application/json");
      assert.equal(res.status, 200, `enable on ${y}: ${res.text.slice(0, 300)}`);
      assert.match(res.headers.get("content-type"), /^application\/json/);
      assert.notEqual(res.answer?.result?.isError, true, res.text.slice(0, 300));
      assert.ok(!res.messages.some((m) => m.method), "the JSON answer carries only the response");
      await until(() => stream.messages().some((m) => m.method === "notifications/tools/list_changed"),
        `list_changed on replica ${x}'s stream after the enable on ${y}`);
      // and the replica of the stream serves the new tools
      const list = await post(replicas[x].base, token, sid, { jsonrpc: "2.0", id: 3, method: "tools/list" });
      assert.ok(list.answer?.result?.tools?.length > 0, list.text.slice(0, 300));
      assert.ok(list.answer.result.tools.length > 5, `replica ${x} lists ${list.answer.result.tools.length} tools`);
    } finally {
      stream.close();
    }
  }
});

// ---- one session changed on two replicas at once ---------------------------------------------
await check("two enables at once on two replicas: neither is lost, every replica lists both", async () => {
  const pairs = [["orgs_wlans", "orgs_sites"], ["orgs_alarms", "orgs_inventory"], ["orgs_webhooks", "orgs_psks"]];
  const tool = { orgs_wlans: "listOrgWlans", orgs_sites: "listOrgSites", orgs_alarms: "searchOrgAlarms",
    orgs_inventory: "getOrgInventory", orgs_webhooks: "listOrgWebhooks", orgs_psks: "listOrgPsks" };
  let staleReads = 0;
  const ROUNDS = 20;
  for (let round = 0; round < ROUNDS; round++) {
    const token = `token-race-${round}`;
    const sid = await rawSession(haBase, token);
    for (const r of [0, 1, 2]) // each replica holds a copy, at the same version
      assert.equal((await post(replicas[r].base, token, sid, { jsonrpc: "2.0", id: 9, method: "ping" })).status, 200);
    const [x, y] = pairs[round % pairs.length];
    const [a, b] = [round % 3, (round + 1) % 3];
    const answers = await Promise.all([
      post(replicas[a].base, token, sid, call("manageMcpTools", { enable_mcp_tools_categories: [x] }, 20), "application/json"),
      post(replicas[b].base, token, sid, call("manageMcpTools", { enable_mcp_tools_categories: [y] }, 21), "application/json")]);
    for (const res of answers) {
      assert.equal(res.status, 200, res.text.slice(0, 300));
      assert.notEqual(res.answer?.result?.isError, true, res.text.slice(0, 300));
    }
    // A replica writes what a call changed to Redis before it answers: once both answers are
    // in, a read on any replica sees both changes (read-your-writes across replicas).
    for (const r of [0, 1, 2]) {
      let names = [];
      for (let tries = 0, end = Date.now() + 2000; ; tries++) {
        const list = await post(replicas[r].base, token, sid, { jsonrpc: "2.0", id: 3, method: "tools/list" });
        names = list.answer.result.tools.map((t) => t.name);
        if (names.includes(tool[x]) && names.includes(tool[y])) break;
        if (tries === 0) staleReads++;
        if (Date.now() > end)
          assert.fail(`round ${round}: ${x} enabled on replica ${a}, ${y} on ${b} at once; 2 s later replica ${r} ` +
            `lists ${tool[x]}: ${names.includes(tool[x])}, ${tool[y]}: ${names.includes(tool[y])}`);
        await sleep(20);
      }
    }
  }
  assert.equal(staleReads, 0, `${staleReads} of ${3 * ROUNDS} reads right after both answers missed a change`);
});

// ---- token binding --------------------------------------------------------------------------
await check("a session id with another token: 403 on every replica (held or not), DELETE too", async () => {
  const sid = await rawSession(replicas[0].base, "token-owner");
  const wrong = async (r) => {
    const p = await post(replicas[r].base, "token-thief", sid, { jsonrpc: "2.0", id: 5, method: "ping" });
    assert.equal(p.status, 403, `POST on replica ${r}: ${p.status} ${p.text.slice(0, 200)}`);
    const g = await fetch(replicas[r].base, { headers: { Accept: "text/event-stream", "X-Authorization": "token-thief",
      "Mcp-Session-Id": sid } });
    await g.body?.cancel();
    assert.equal(g.status, 403, `GET on replica ${r}`);
    const d = await fetch(replicas[r].base, { method: "DELETE", headers: { "X-Authorization": "token-thief", "Mcp-Session-Id": sid } });
    await d.text();
    assert.equal(d.status, 403, `DELETE on replica ${r}`);
  };
  // replicas 1 and 2 hold no copy (Redis's binding answers), replica 0 made it (its copy's)
  for (const r of [1, 2, 0]) await wrong(r);
  const before = backend().length;
  for (const r of [0, 1, 2]) {
    const ok = await post(replicas[r].base, "token-owner", sid, call("getSelf", {}, 6));
    assert.equal(ok.status, 200, `owner on replica ${r}: ${ok.text.slice(0, 200)}`);
    assert.notEqual(ok.answer?.result?.isError, true);
  }
  assert.equal(backend().length, before + 3, "only the owner's calls reached Mist");
  for (const r of [1, 2]) await wrong(r); // now each holds a copy
  const thief = await post(haBase, "token-thief", sdk.transport.sessionId, call("getSelf", {}, 7));
  assert.equal(thief.status, 403, "the SDK client's session with another token through HAProxy");
  // the owner ends it; then it is unknown everywhere
  const d = await fetch(replicas[2].base, { method: "DELETE", headers: { "X-Authorization": "token-owner", "Mcp-Session-Id": sid } });
  await d.text();
  assert.equal(d.status, 200);
  for (const r of [0, 1, 2])
    assert.equal((await post(replicas[r].base, "token-owner", sid, { jsonrpc: "2.0", id: 8, method: "ping" })).status, 404,
      `after DELETE on replica 2, replica ${r}`);
});

// ---- a replica killed mid-session --------------------------------------------------------------
let killed; // the replica that held the SDK client's GET stream
await check("DELETE on one replica ends the session on every replica at once: copies dropped, streams ended", async () => {
  const sid = await rawSession(replicas[0].base, "token-delete");
  // replicas 1 and 2 take copies, and replica 1 holds the GET stream
  assert.equal((await post(replicas[2].base, "token-delete", sid, call("getSelf"))).status, 200);
  const stream = await openStream(replicas[1].base, "token-delete", sid);
  const active = async (r) => sum(await metricsOf(r), /^mistmcp_sessions_active (\d+)$/gm);
  const before = [await active(1), await active(2)];
  const del = await fetch(replicas[0].base, { method: "DELETE", headers: { "X-Authorization": "token-delete",
    "Mcp-Session-Id": sid } });
  assert.equal(del.status, 200);
  // no request needed: the other replicas drop their copies (and the stream ends) on their own
  await until(async () => (await active(1)) === before[0] - 1 && (await active(2)) === before[1] - 1,
    "the copies on replicas 1 and 2 dropped");
  stream.close();
  for (const r of [0, 1, 2]) {
    const res = await post(replicas[r].base, "token-delete", sid, call("getSelf"));
    assert.equal(res.status, 404, `replica ${r}: ${res.text.slice(0, 200)}`);
  }
});

await check("the replica holding the client's GET stream killed (SIGKILL): the next requests succeed on the others", async () => {
  assert.ok(Number.isInteger(sdk.stream), `the SDK client's GET stream went through HAProxy (${sdk.stream})`);
  killed = sdk.stream;
  const others = [0, 1, 2].filter((r) => r !== killed);
  const before = await snapshot();
  replicas[killed].child.kill("SIGKILL");
  await once(replicas[killed].child, "exit");
  const n = 12;
  for (let i = 0; i < n; i++) {
    const r = await sdk.client.callTool({ name: "listOrgWlans", arguments: { org_id: `after-kill-${i}` } });
    assert.notEqual(r.isError, true, JSON.stringify(r).slice(0, 400));
    assert.equal(r.structuredContent.path, `/api/v1/orgs/after-kill-${i}/wlans`);
  }
  for (let i = 0; i < 6; i++) {
    const res = await post(haBase, `after-kill-${i}`, null, initBody());
    assert.equal(res.status, 200, `initialize ${i} after the kill: ${res.text.slice(0, 200)}`);
  }
  const ok = delta(before, await snapshot(), "ok");
  assert.equal(ok[others[0]] + ok[others[1]], n, `calls per replica: ${ok}`);
  assert.ok(ok[others[0]] > 0 && ok[others[1]] > 0, `both remaining replicas served: ${ok}`);
  // The SDK client opens its GET stream again (through HAProxy: on a live replica), and
  // list_changed reaches it there, once.
  await until(() => sdk.stream !== killed, "the SDK client's GET stream reopened", 5000);
  await sleep(200);
  const changed = sdk.changed;
  const res = await sdk.client.callTool({ name: "manageMcpTools", arguments: { enable_mcp_tools_categories: ["orgs_inventory"] } });
  assert.notEqual(res.isError, true);
  await until(() => sdk.changed > changed, "list_changed after the kill", 5000);
  await sleep(500);
  assert.equal(sdk.changed - changed, 1, `list_changed notifications for one enable (stream now on replica ${sdk.stream})`);
});

await check("the killed replica started again on its port: HAProxy sends it requests, it adopts the session", async () => {
  const old = replicas[killed];
  const child = spawn(mistmcp, ["--transport", "http", "--port", String(old.port), ...args],
    { stdio: ["ignore", "inherit", "pipe"], env: { PATH: process.env.PATH, HOME: "/tmp", ...env } });
  mine.push(child);
  let err = "";
  child.stderr.on("data", (d) => { err += d; });
  await until(() => /listening|cannot listen/.test(err), "the replica started again", 5000);
  assert.match(err, /listening/, err);
  replicas[killed] = { ...old, child, stderr: () => err };
  // HAProxy's check (every 200 ms, up after one success) sees it again
  const before = await snapshot();
  await until(async () => {
    const r = await sdk.client.callTool({ name: "listOrgWlans", arguments: { org_id: "back" } });
    assert.notEqual(r.isError, true, JSON.stringify(r).slice(0, 400));
    return (await snapshot())[killed].ok > before[killed].ok;
  }, `a call reached replica ${killed} again`, 5000);
});

// ---- Redis restarted ---------------------------------------------------------------------------
await check("Redis down: a new session gets 503 saying why, the replicas keep serving", async () => {
  redis.kill("SIGKILL");
  await once(redis, "exit");
  for (const url of [...alive().map(([r]) => r.base), haBase]) {
    const res = await post(url, "token-during", null, initBody(11));
    assert.equal(res.status, 503, `${url}: ${res.status} ${res.text.slice(0, 300)}`);
    assert.match(res.headers.get("content-type"), /^application\/json/);
    assert.equal(res.headers.get("mcp-session-id"), null);
    const msg = res.answer ?? res.messages[0];
    assert.equal(msg?.jsonrpc, "2.0", res.text);
    assert.equal(msg.id, 11, res.text);
    assert.equal(typeof msg.error?.code, "number", res.text);
    assert.match(msg.error.message, /session store is unavailable, no session was made/, res.text);
    assert.match(msg.error.message, /Redis|127\.0\.0\.1/, `the message says what is down: ${msg.error.message}`);
    if (url === haBase) console.log(`while Redis is down, initialize: 503 ${msg.error.message}`);
  }
  // a session no replica holds a copy of may well exist: 503 (send again), not 404 (gone);
  // a DELETE cannot be done in Redis either: 503, and nothing is ended on one replica only
  const nobody = "0123456789abcdef0123456789abcdef";
  for (const [s, r] of alive()) {
    const res = await post(s.base, "token-during", nobody, call("getSelf"));
    assert.equal(res.status, 503, `replica ${r}: ${res.text.slice(0, 200)}`);
    assert.match(res.text, /session store does not answer/);
    const del = await fetch(s.base, { method: "DELETE", headers: { "X-Authorization": "token-during",
      "Mcp-Session-Id": nobody } });
    assert.equal(del.status, 503, `replica ${r} DELETE`);
    const health = await (await fetch(s.origin + "/healthz")).text();
    assert.match(health, /session store: down/, `replica ${r} /healthz: ${health}`);
  }
  for (const [s, r] of alive()) {
    assert.equal((await fetch(s.origin + "/healthz")).status, 200, `replica ${r} /healthz`);
    assert.equal((await fetch(s.origin + "/metrics")).status, 200, `replica ${r} /metrics`);
  }
  // the SDK client's session: each remaining replica holds a copy, which serves meanwhile
  for (let i = 0; i < 4; i++) {
    const r = await sdk.client.callTool({ name: "listOrgWlans", arguments: { org_id: `redis-down-${i}` } });
    assert.notEqual(r.isError, true, JSON.stringify(r).slice(0, 400));
  }
  // 2026-07-28 requests need no session, so no Redis
  const modern = await fetch(haBase, { method: "POST", headers: { "Content-Type": "application/json",
    Accept: "application/json, text/event-stream", "X-Authorization": "token-modern", "MCP-Protocol-Version": "2026-07-28",
    "Mcp-Method": "tools/list" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: { _meta: {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {} } } }) });
  const text = await modern.text();
  assert.equal(modern.status, 200, text.slice(0, 300));
  assert.ok(JSON.parse(text).result.tools.length > 0);
});

await check("Redis back, empty: the old session is unknown (404) everywhere, the SDK client starts anew", async () => {
  redis = await startRedis();
  // the replicas reconnect after their backoff (at most 5 s)
  for (const [s, r] of alive())
    await until(async () => (await post(s.base, `token-back-${r}`, null, initBody())).status === 200,
      `replica ${r} makes sessions again`, 10000);
  const sid = sdk.transport.sessionId;
  for (const [s, r] of alive()) {
    const res = await post(s.base, "token-sdk", sid, { jsonrpc: "2.0", id: 12, method: "ping" });
    assert.equal(res.status, 404, `replica ${r}: ${res.status} ${res.text.slice(0, 200)}`);
  }
  await assert.rejects(sdk.client.callTool({ name: "listOrgWlans", arguments: { org_id: "old" } }),
    (e) => e.code === 404 && /unknown or expired session/.test(e.message));
  await sdk.client.close();
  sdk = await sdkClient("token-sdk");
  assert.notEqual(sdk.transport.sessionId, sid);
  await sdk.client.callTool({ name: "manageMcpTools", arguments: { enable_mcp_tools_categories: ["orgs_wlans"] } });
  await until(() => sdk.changed >= 1, "list_changed in the new session");
  for (let i = 0; i < 4; i++) {
    const r = await sdk.client.callTool({ name: "listOrgWlans", arguments: { org_id: `anew-${i}` } });
    assert.notEqual(r.isError, true, JSON.stringify(r).slice(0, 400));
    assert.equal(r.structuredContent.path, `/api/v1/orgs/anew-${i}/wlans`);
  }
  await sdk.client.close();
});

// ---- load ------------------------------------------------------------------------------------
const SESSIONS = Number(process.env.LOAD_SESSIONS || 1000), CALLS = 20, WIDTH = 50;
await check(`load: ${SESSIONS} sessions x ${CALLS} calls through HAProxy, ${WIDTH} in flight, no error`, async () => {
  let errors = 0, calls = 0;
  const firstErrors = [];
  const fail = (what) => { errors++; if (firstErrors.length < 5) firstErrors.push(what); };
  const before = await snapshot();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: WIDTH }, async () => {
    while (next < SESSIONS) {
      const i = next++;
      const token = `load-${i}`;
      try {
        const init = await post(haBase, token, null, initBody());
        const sid = init.headers.get("mcp-session-id");
        if (init.status !== 200 || !sid) { fail(`initialize ${i}: ${init.status} ${init.text.slice(0, 200)}`); continue; }
        for (let k = 0; k < CALLS; k++) {
          const res = await post(haBase, token, sid, call("getSelf", {}, 2 + k));
          if (res.status !== 200 || !res.answer?.result || res.answer.result.isError)
            fail(`session ${i} call ${k}: ${res.status} ${res.text.slice(0, 200)}`);
          else calls++;
        }
      } catch (e) { fail(`session ${i}: ${e}`); }
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const ok = delta(before, await snapshot(), "ok");
  console.log(`load: ${SESSIONS} sessions x ${CALLS} calls = ${calls} calls through HAProxy in ${seconds.toFixed(1)} s ` +
    `= ${(calls / seconds).toFixed(0)} calls/s (${((calls + SESSIONS) / seconds).toFixed(0)} requests/s), ` +
    `${errors} errors; calls per replica ${ok.filter((n) => n !== undefined).join(", ")}`);
  assert.equal(errors, 0, firstErrors.join("\n"));
  assert.equal(calls, SESSIONS * CALLS);
  assert.ok(ok.every((n) => n > 0) && ok.filter((n) => n !== undefined).length === 3, `calls per replica: ${ok}`);
});

// ---- an operator's mistakes ------------------------------------------------------------------
await check("a replica given another secret file: 403 that says so, and the operator is told", async () => {
  const otherSecret = `${dir}/other-secret`;
  writeFileSync(otherSecret, randomBytes(48).toString("base64") + "\n", { mode: 0o600 });
  const odd = await startHttp(mistmcp, args.map((a) => (a === secret ? otherSecret : a)), env);
  try {
    const fingerprint = (s) => s.stderr().match(/session secret fingerprint ([0-9a-f]{8})/)?.[1];
    assert.ok(fingerprint(odd) && fingerprint(replicas[0]), odd.stderr());
    assert.notEqual(fingerprint(odd), fingerprint(replicas[0]), "different files, different fingerprints");
    assert.equal(fingerprint(replicas[1]), fingerprint(replicas[0]), "the same file, the same fingerprint");
    const sid = await rawSession(replicas[0].base, "token-odd");
    const res = await post(odd.base, "token-odd", sid, call("getSelf"));
    assert.equal(res.status, 403, res.text.slice(0, 300));
    assert.match(res.text, /another replica .* another session secret.*--session-secret-file/, res.text);
    const del = await fetch(odd.base, { method: "DELETE", headers: { "X-Authorization": "token-odd", "Mcp-Session-Id": sid } });
    assert.equal(del.status, 403);
    await waitFor(odd.stderr, (t) => new RegExp(`given another --session-secret-file \\(.*\\): its secret's fingerprint is ` +
      `${fingerprint(replicas[0])}, this replica's ${fingerprint(odd)}$`, "m").test(t), "the operator's warning");
    // the session itself is unharmed where the secret is right
    assert.equal((await post(replicas[1].base, "token-odd", sid, call("getSelf"))).status, 200);
  } finally {
    assert.equal(await stopHttp(odd), "");
  }
});

await check("Redis wants a password the URL does not give: down, saying so (not 'up')", async () => {
  const pdir = `${dir}/redis-password`;
  mkdirSync(pdir, { recursive: true });
  const locked = await startRedisIn(pdir, undefined, redisServer, ["--requirepass", "redis-pw-e2e"]);
  const url = `redis://127.0.0.1:${locked.port}`;
  const s = await startHttp(mistmcp, args.map((a) => (a.startsWith("redis://") ? url : a)), env);
  try {
    const init = await post(s.base, "token-locked", null, initBody(21));
    assert.equal(init.status, 503, init.text.slice(0, 300));
    assert.equal(init.headers.get("retry-after"), "5");
    assert.match(init.answer?.error?.message ?? "", /refuses this client: Redis requires a password and the --session-store URL gives none/,
      init.text);
    const health = await (await fetch(s.origin + "/healthz")).text();
    assert.match(health, /session store: down: Redis at 127\.0\.0\.1:\d+ refuses this client: Redis requires a password .*\(Redis answered PING with: NOAUTH/, health);
    assert.doesNotMatch(health, /: up/);
    assert.match(await (await fetch(s.origin + "/metrics")).text(), /^mistmcp_session_store_up 0$/m);
    const wrong = await startHttp(mistmcp, args.map((a) => (a.startsWith("redis://") ? `redis://:not-it@127.0.0.1:${locked.port}` : a)), env);
    try {
      const res = await post(wrong.base, "token-locked", null, initBody(22));
      assert.equal(res.status, 503);
      assert.match(res.answer?.error?.message ?? "", /user or password is not the one Redis has/, res.text);
      assert.doesNotMatch(res.text + wrong.stderr(), /not-it/, "the password is never shown");
    } finally {
      assert.equal(await stopHttp(wrong), "");
    }
  } finally {
    assert.equal(await stopHttp(s), "");
    locked.child.kill("SIGTERM");
  }
});

await check("an ACL user with only the README's commands, keys and channels: two replicas serve a session", async () => {
  // the README's ACL line, as written there (its password replaced)
  const acl = section.match(/ACL SETUSER (mistmcp on >PASSWORD [^\n`]*)/)?.[1];
  assert.ok(acl, "the README gives the ACL user's line");
  const adir = `${dir}/redis-acl`;
  mkdirSync(adir, { recursive: true });
  const words = acl.replace(">PASSWORD", ">acl-pw-e2e").split(/\s+/);
  const aclRedis = await startRedisIn(adir, undefined, redisServer, ["--user", ...words]);
  const url = `redis://mistmcp:acl-pw-e2e@127.0.0.1:${aclRedis.port}`;
  const pair = [];
  try {
    for (let i = 0; i < 2; i++)
      pair.push(await startHttp(mistmcp, [...args.map((a) => (a.startsWith("redis://") ? url : a)), "--rate-limit", "1000"], env));
    const health = await (await fetch(pair[0].origin + "/healthz")).text();
    assert.match(health, /session store: redis at .*: up/, health);
    const sid = await rawSession(pair[0].base, "token-acl");
    const on = await post(pair[1].base, "token-acl", sid, call("manageMcpTools", { enable_mcp_tools_categories: ["orgs_wlans"] }), "application/json");
    assert.equal(on.status, 200, on.text.slice(0, 300));
    assert.notEqual(on.answer?.result?.isError, true, on.text.slice(0, 300));
    const res = await post(pair[0].base, "token-acl", sid, call("listOrgWlans", { org_id: "acl" }, 3), "application/json");
    assert.equal(res.status, 200, res.text.slice(0, 300));
    assert.notEqual(res.answer?.result?.isError, true, res.text.slice(0, 400));
    const del = await fetch(pair[1].base, { method: "DELETE", headers: { "X-Authorization": "token-acl", "Mcp-Session-Id": sid } });
    assert.equal(del.status, 200);
    for (const s of pair) {
      assert.doesNotMatch(s.stderr(), /NOPERM|refused|No permissions/i, s.stderr());
      assert.match(await (await fetch(s.origin + "/metrics")).text(), /^mistmcp_session_store_up 1$/m);
    }
  } finally {
    for (const s of pair) assert.equal(await stopHttp(s), "");
    aclRedis.child.kill("SIGTERM");
  }
});

// ---- the end -------------------------------------------------------------------------------
await check("the remaining replicas stop cleanly", async () => {
  ha.kill("SIGTERM");
  for (const [s, r] of alive()) assert.equal(await stopHttp(s), "", `replica ${r}`);
});
redis.kill("SIGTERM");
fake.kill();
done("http_redis_replicas");
