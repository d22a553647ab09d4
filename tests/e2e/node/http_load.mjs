// Bounded load on the HTTP transport: 1,000 sessions x 20 calls against the fake backend
// (64 requests in flight), then 10,000 idle sessions and their expiry. Prints per-session
// memory and calls/s; fails on any error, on more than 16 KiB per idle session, or if
// expiry does not end every session and return most of their memory.
//
// usage: node http_load.mjs MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
import assert from "node:assert/strict";
import { startFake, startHttp } from "./lib.mjs";
import { readFileSync } from "node:fs";
import { once } from "node:events";

const [mistmcp, fakeMist, pluginDir, workDir, sanitized] = process.argv.slice(2);
// Under AddressSanitizer memory is quarantined and shadowed: the normal build checks the
// memory bounds, the sanitizer build the same load for memory errors.
const checkMemory = sanitized !== "sanitized";
const idleSessions = checkMemory ? 10000 : 2000; /* ASan makes each one much slower */
process.on("uncaughtException", (e) => { console.error(e); console.log("0 passed, 1 failed"); process.exit(1); });
const { child: fake, port: fakePort } = await startFake(fakeMist, "/dev/null");
// The idle timeout must outlast opening the 10,000 sessions: 15 s did not on a busy 2-core
// machine (two fuzzers beside the suite: 7,640 of 10,000 were still there).
const { child: server, base } = await startHttp(mistmcp, ["--plugin-dir", pluginDir,
  "--session-idle-timeout", "30", "--max-sessions", "40000", "--trusted-proxy", "127.0.0.1"], { MISTMCP_API_BASE_URL: `http://127.0.0.1:${fakePort}` });
const rssKiB = () => Number(readFileSync(`/proc/${server.pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]);
const metric = async (name) => Number((await (await fetch(base.replace("/mcp", "/metrics"))).text())
  .match(new RegExp(`^${name} (\\d+)$`, "m"))[1]);

let errors = 0;
async function post(headers, body) {
  const r = await fetch(base, { method: "POST", headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body) });
  const text = await r.text();
  if (r.status !== 200) { errors++; return { r, json: null }; }
  return { r, json: JSON.parse(text) };
}
// Each session comes from its own client address, as through a reverse proxy (127.0.0.1 is
// a trusted one here): sessions whose token Mist has not accepted are limited per address.
async function session(token, query = "", client = "10.9.0.1") {
  const r = await fetch(base + query, { method: "POST", headers: { "Content-Type": "application/json", "X-Authorization": token,
    "X-Forwarded-For": client },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "load", version: "1" } } }) });
  await r.text();
  if (r.status !== 200) { errors++; return null; }
  return r.headers.get("mcp-session-id");
}
async function pool(n, width, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => { while (next < n) await fn(next++); }));
}

// 1,000 sessions x 20 calls.
const t0 = performance.now();
let calls = 0;
await pool(1000, 64, async (i) => {
  const token = `load-${i}`;
  const sid = await session(token, "?mode=custom&categories=orgs_wlans");
  if (!sid) return;
  for (let k = 0; k < 20; k++) {
    const { json } = await post({ "X-Authorization": token, "Mcp-Session-Id": sid },
      { jsonrpc: "2.0", id: 2 + k, method: "tools/call", params: { name: "listOrgWlans", arguments: { org_id: `o-${i}` } } });
    if (!json || json.result?.isError || json.result?.structuredContent?.path !== `/api/v1/orgs/o-${i}/wlans`) errors++;
    else calls++;
  }
});
const seconds = (performance.now() - t0) / 1000;
console.log(`1000 sessions x 20 calls: ${calls} calls in ${seconds.toFixed(1)} s = ${(calls / seconds).toFixed(0)} calls/s, ${errors} errors`);
assert.equal(errors, 0);

// 8 sessions, one call in flight each.
{
  const sids = [];
  for (let i = 0; i < 8; i++) sids.push(await session(`eight-${i}`, "?mode=custom&categories=orgs_wlans"));
  const per = 500;
  const t1 = performance.now();
  await Promise.all(sids.map(async (sid, i) => {
    for (let k = 0; k < per; k++) {
      const { json } = await post({ "X-Authorization": `eight-${i}`, "Mcp-Session-Id": sid },
        { jsonrpc: "2.0", id: k, method: "tools/call", params: { name: "listOrgWlans", arguments: { org_id: `e-${i}` } } });
      if (!json || json.result?.structuredContent?.path !== `/api/v1/orgs/e-${i}/wlans`) errors++;
    }
  }));
  const s8 = (performance.now() - t1) / 1000;
  console.log(`8 sessions x ${per} calls, one in flight each: ${(8 * per / s8).toFixed(0)} calls/s, ${errors} errors`);
  assert.equal(errors, 0);
}

// Let those expire, then the idle sessions.
for (let i = 0; i < 900 && (await metric("mistmcp_sessions_active")) > 0; i++) await new Promise((ok) => setTimeout(ok, 100));
const before = rssKiB();
await pool(idleSessions, 64, async (i) => { await session(`idle-${i}`, "", `10.8.${i >> 8}.${i & 255}`); });
const during = rssKiB();
const active = await metric("mistmcp_sessions_active");
const perSession = (during - before) * 1024 / idleSessions;
console.log(`${idleSessions} idle sessions: RSS ${before} -> ${during} KiB = ${perSession.toFixed(0)} bytes per session (${active} active)`);
assert.equal(errors, 0);
assert.ok(active >= idleSessions, `${active} of ${idleSessions} sessions still active`);
if (checkMemory) assert.ok(perSession <= 16384, `${perSession} bytes per idle session`);
for (let i = 0; i < 900 && (await metric("mistmcp_sessions_active")) > 0; i++) await new Promise((ok) => setTimeout(ok, 100));
const after = rssKiB();
console.log(`after expiry: ${await metric("mistmcp_sessions_active")} sessions, RSS ${after} KiB`);
assert.equal(await metric("mistmcp_sessions_active"), 0);
if (checkMemory)
  assert.ok(after - before < (during - before) / 2, "expiry returned less than half the memory");

server.kill("SIGTERM");
await once(server, "exit");
fake.stdin.end();
console.log("1 passed, 0 failed");
