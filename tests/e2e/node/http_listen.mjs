// MCP 2026-07-28 notifications over HTTP (issue 18, items 3 and 6), raw JSON-RPC (the v2
// client opens subscriptions/listen only for a server that declares listChanged, which mistmcp
// does not: its 2026-07-28 tool list never changes while it runs):
// - subscriptions/listen: an event stream with X-Accel-Buffering: no, the tagged
//   acknowledgement first, keep-alive comments, no thread held by idle streams, its end when
//   the client closes it, and its graceful-end response when the server stops;
// - log messages only for a request that asked with _meta logLevel, at that level or above,
//   on the request's own stream;
// - a closed request stream cancels its call and aborts the Mist transfer, on the 2025 and the
//   2026-07-28 path, answered as JSON or as an event stream (the fake backend logs the abort).
//
// usage: node http_listen.mjs MISTMCP FAKE_MIST PLUGIN_DIR CONFORMANCE_PLUGIN_DIR WORK_DIR
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { checker, startFake, startHttp, stopHttp, waitFor } from "./lib.mjs";

const [mistmcp, fakeMist, pluginDir, conformanceDir, workDir] = process.argv.slice(2);
mkdirSync(workDir, { recursive: true });
const { check, done } = checker();
const log = `${workDir}/listen-fake-mist.jsonl`;
const { port: fakePort } = await startFake(fakeMist, log);
const requests = () => readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
const server = await startHttp(mistmcp, ["--plugin-dir", pluginDir, "--plugin-dir", conformanceDir,
  "--mode", "custom", "--categories", "orgs_wlans,conformance"],
  { MISTMCP_API_BASE_URL: `http://127.0.0.1:${fakePort}`, MISTMCP_HTTP_ANONYMOUS: "1" });
const { base } = server;

const META = { "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {} };
const SSE = "application/json, text/event-stream";

// A 2026-07-28 request: the headers that mirror the body, then the body.
function modern(id, method, params, { accept = SSE, signal, extraMeta = {} } = {}) {
  const headers = { "Content-Type": "application/json", Accept: accept, "X-Authorization": "token-L",
    "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": method };
  if (method === "tools/call") headers["Mcp-Name"] = params.name;
  return fetch(base, { method: "POST", headers, signal,
    body: JSON.stringify({ jsonrpc: "2.0", id, method, params: { ...params, _meta: { ...META, ...extraMeta } } }) });
}

// Reads an event stream as it comes: messages (parsed) and comments, each with its arrival
// time; wait(pred, ms) resolves once pred(stream) holds (or rejects after ms).
function follow(response) {
  const s = { messages: [], comments: [], ended: false, times: [] };
  const decoder = new TextDecoder();
  let buffer = "";
  s.done = (async () => {
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end; (end = buffer.indexOf("\n\n")) >= 0; buffer = buffer.slice(end + 2)) {
          const lines = buffer.slice(0, end).split("\n");
          const data = lines.filter((l) => l.startsWith("data: "));
          if (data.length) { s.messages.push(JSON.parse(data.map((l) => l.slice(6)).join("\n"))); s.times.push(Date.now()); }
          else if (lines.some((l) => l.startsWith(":"))) s.comments.push(Date.now());
        }
      }
    } catch { /* aborted by the test */ }
    s.ended = true;
  })();
  s.wait = async (pred, ms, what) => {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((ok) => setTimeout(ok, 20)))
      if (pred(s)) return;
    throw new Error(`${what}: not within ${ms} ms: ${JSON.stringify(s.messages)}`);
  };
  return s;
}

const listenParams = { notifications: { toolsListChanged: true, promptsListChanged: true,
  resourceSubscriptions: ["file:///x"] } };

// Opened first: it must see a keep-alive comment by the end (MM_HTTP_KEEPALIVE_MS, 15 s).
const keptAlive = new AbortController();
const keptStart = Date.now();
const kept = follow(await modern("keep", "subscriptions/listen", listenParams, { signal: keptAlive.signal }));

await check("subscriptions/listen: an event stream, the tagged acknowledgement first", async () => {
  const ac = new AbortController();
  const r = await modern(41, "subscriptions/listen", listenParams, { signal: ac.signal });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("content-type"), "text/event-stream");
  assert.equal(r.headers.get("x-accel-buffering"), "no");
  assert.equal(r.headers.get("mcp-session-id"), null, "no session on the 2026-07-28 path");
  const s = follow(r);
  await s.wait((x) => x.messages.length >= 1, 3000, "the acknowledgement");
  const ack = s.messages[0];
  assert.equal(ack.method, "notifications/subscriptions/acknowledged");
  assert.equal(ack.params._meta["io.modelcontextprotocol/subscriptionId"], 41);
  assert.deepEqual(ack.params.notifications, { toolsListChanged: true, promptsListChanged: true },
    "only the kinds the server honours are acknowledged");
  await new Promise((ok) => setTimeout(ok, 300));
  assert.equal(s.messages.length, 1, "nothing more on a quiet stream");
  assert.equal(s.ended, false, "the stream stays open");
  ac.abort();
});

await check("subscriptions/listen refusals carry the request's id", async () => {
  const bad = await modern("b1", "subscriptions/listen", { notifications: { toolsListChanged: "yes" } });
  assert.equal(bad.status, 400);
  const e1 = await bad.json();
  assert.equal(e1.id, "b1");
  assert.equal(e1.error.code, -32602);
  assert.match(e1.error.message, /toolsListChanged must be true or false/);
  const none = await (await modern("b2", "subscriptions/listen", {})).json();
  assert.equal(none.error.code, -32602);
  assert.match(none.error.message, /params\.notifications is missing/);
  const json = await modern("b3", "subscriptions/listen", listenParams, { accept: "application/json" });
  assert.equal(json.status, 406);
  assert.equal((await json.json()).id, "b3");
});

await check("a closed listen stream ends on the server at once", async () => {
  const ac = new AbortController();
  const s = follow(await modern("closing", "subscriptions/listen", listenParams, { signal: ac.signal }));
  await s.wait((x) => x.messages.length === 1, 3000, "the acknowledgement");
  const lines = () => server.stderr().split("\n").filter((l) => /rpc=subscriptions\/listen/.test(l) && /status=200/.test(l));
  const before = lines().length;
  ac.abort();
  await waitFor(() => String(lines().length), (n) => Number(n) > before, "the stream's access log line", 3000);
});

await check("idle listen streams hold no thread: 100 open, calls still run", async () => {
  const acs = [];
  const streams = [];
  for (let i = 0; i < 100; i++) {
    const ac = new AbortController();
    acs.push(ac);
    streams.push(modern(`many-${i}`, "subscriptions/listen", listenParams, { signal: ac.signal }).then(follow));
  }
  const all = await Promise.all(streams);
  await Promise.all(all.map((s) => s.wait((x) => x.messages.length === 1, 5000, "an acknowledgement")));
  const started = Date.now();
  const calls = await Promise.all([1, 2, 3, 4].map((n) => modern(500 + n, "tools/call",
    { name: "listOrgWlans", arguments: { org_id: `busy-${n}` } }).then((r) => r.json())));
  for (const c of calls) assert.equal(c.result.resultType, "complete");
  assert.ok(Date.now() - started < 3000, `calls took ${Date.now() - started} ms with 100 streams open`);
  for (const ac of acs) ac.abort();
});

// Logs: test_logging_tool logs at debug, info, warning and error (tests/plugins/conformance.c).
async function logsOf(id, extraMeta) {
  const r = await modern(id, "tools/call", { name: "test_logging_tool", arguments: {} }, { extraMeta });
  const type = r.headers.get("content-type");
  if (type === "application/json") return { type, messages: [await r.json()], accel: r.headers.get("x-accel-buffering") };
  const s = follow(r);
  await s.done;
  return { type, messages: s.messages, accel: r.headers.get("x-accel-buffering") };
}
await check("no notifications/message for a request without _meta logLevel", async () => {
  const { type, messages } = await logsOf(60, {});
  assert.equal(type, "application/json");
  assert.deepEqual(messages.map((m) => m.method ?? `response ${m.id}`), ["response 60"]);
  assert.match(messages[0].result.content[0].text, /logged at debug, info, warning, error/, "the tool ran");
});
await check("logLevel warning: warning and error only, on the request's own stream, before the answer", async () => {
  const { type, messages, accel } = await logsOf(61, { "io.modelcontextprotocol/logLevel": "warning" });
  assert.equal(type, "text/event-stream");
  assert.equal(accel, "no", "X-Accel-Buffering on a POST's event stream");
  assert.deepEqual(messages.map((m) => m.method === "notifications/message" ? m.params.level : `response ${m.id}`),
    ["warning", "error", "response 61"]);
  assert.equal(messages[2].result.resultType, "complete");
});
await check("logLevel debug: all four", async () => {
  const { messages } = await logsOf(62, { "io.modelcontextprotocol/logLevel": "debug" });
  assert.deepEqual(messages.filter((m) => m.method).map((m) => m.params.level), ["debug", "info", "warning", "error"]);
});
await check("a bad logLevel is -32602 with the id", async () => {
  const r = await modern(63, "tools/call", { name: "test_logging_tool", arguments: {} },
    { extraMeta: { "io.modelcontextprotocol/logLevel": "loud" } });
  assert.equal(r.status, 400);
  const e = await r.json();
  assert.equal(e.id, 63);
  assert.equal(e.error.code, -32602);
});

// A 2025 session (for the GET stream and the 2025 hang-ups).
async function session() {
  const r = await fetch(base, { method: "POST", headers: { "Content-Type": "application/json", Accept: SSE,
    "X-Authorization": "token-L" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "listen", version: "1" } } }) });
  const sid = r.headers.get("mcp-session-id");
  await r.text();
  const headers = { "Content-Type": "application/json", Accept: SSE, "X-Authorization": "token-L",
    "Mcp-Session-Id": sid, "MCP-Protocol-Version": "2025-11-25" };
  await (await fetch(base, { method: "POST", headers,
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) })).text();
  return headers;
}
await check("X-Accel-Buffering: no on the 2025 GET stream", async () => {
  const headers = await session();
  const ac = new AbortController();
  const r = await fetch(base, { headers: { ...headers, Accept: "text/event-stream" }, signal: ac.signal });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("content-type"), "text/event-stream");
  assert.equal(r.headers.get("x-accel-buffering"), "no");
  ac.abort();
});

// The client hangs up 300 ms into a call the backend answers after 5 s: the backend must see
// its transfer aborted soon after, and the call must not run to its end.
async function hangUp(tag, send) {
  const ac = new AbortController();
  const started = Date.now();
  const pending = send(ac.signal).then((r) => r.text()).catch(() => null);
  const reached = () => requests().some((r) => r.path?.includes(tag) && !r.event);
  for (let i = 0; i < 100 && !reached(); i++)
    await new Promise((ok) => setTimeout(ok, 20));
  assert.ok(reached(), `${tag} reached the backend`);
  await new Promise((ok) => setTimeout(ok, 200));
  ac.abort();
  let aborted = false;
  for (let i = 0; i < 150 && !aborted; i++) {
    aborted = requests().some((r) => r.event === "aborted" && r.path.includes(tag));
    if (!aborted) await new Promise((ok) => setTimeout(ok, 20));
  }
  await pending;
  assert.ok(aborted, `the backend saw the transfer of ${tag} aborted`);
  assert.ok(Date.now() - started < 4000, `${tag}: took ${Date.now() - started} ms (the backend answers after 5 s)`);
}
const slowCall = (tag, meta = {}) => ({ name: "listOrgWlans", arguments: { org_id: `slow-5000-${tag}` }, ...meta });
await check("2025, answered as JSON: a hang-up aborts the Mist transfer", async () => {
  const headers = await session();
  await hangUp("h25json", (signal) => fetch(base, { method: "POST", headers: { ...headers, Accept: "application/json" },
    signal, body: JSON.stringify({ jsonrpc: "2.0", id: 70, method: "tools/call", params: slowCall("h25json") }) }));
});
await check("2025, answered as an event stream: a hang-up aborts the Mist transfer", async () => {
  const headers = await session();
  await hangUp("h25sse", (signal) => fetch(base, { method: "POST", headers, signal, body: JSON.stringify({
    jsonrpc: "2.0", id: 71, method: "tools/call", params: slowCall("h25sse", { _meta: { progressToken: "p71" } }) }) }));
});
await check("2026-07-28, answered as JSON: a hang-up aborts the Mist transfer", async () => {
  await hangUp("h26json", (signal) => modern(72, "tools/call", slowCall("h26json"), { signal, accept: "application/json" }));
});
await check("2026-07-28, answered as an event stream: a hang-up aborts the Mist transfer", async () => {
  await hangUp("h26sse", (signal) => fetch(base, { method: "POST", signal,
    headers: { "Content-Type": "application/json", Accept: SSE, "X-Authorization": "token-L",
      "MCP-Protocol-Version": "2026-07-28",
      "Mcp-Method": "tools/call", "Mcp-Name": "listOrgWlans" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 73, method: "tools/call",
      params: { ...slowCall("h26sse"), _meta: { ...META, progressToken: "p73" } } }) }));
});

await check("an idle listen stream gets keep-alive comments", async () => {
  await kept.wait((x) => x.comments.length >= 1, Math.max(0, 17000 - (Date.now() - keptStart)), "a keep-alive");
  assert.ok(kept.comments[0] - keptStart >= 14000, "not before the keep-alive period");
  assert.equal(kept.messages.length, 1, "the acknowledgement alone: comments are not messages");
});

// Last: the server stops with a subscription open.
await check("the server's stop ends a subscription with its graceful-end response", async () => {
  await kept.wait((x) => x.messages.length === 1, 1000, "the acknowledgement");
  const stopped = await stopHttp(server);
  assert.equal(stopped, "", "the server stopped cleanly");
  await kept.done;
  const end = kept.messages[1];
  assert.ok(end, "a response after the acknowledgement");
  assert.equal(end.id, "keep");
  assert.equal(end.result.resultType, "complete");
  assert.equal(end.result._meta["io.modelcontextprotocol/subscriptionId"], "keep");
  assert.equal(end.result._meta["io.modelcontextprotocol/serverInfo"].name, "mistmcp");
});
done("http listen");
