// Issue 14, item 12: the HTTP access log. One line per request, errors and raw refusals
// included, with its time, client address (X-Forwarded-For's only from a --trusted-proxy),
// method, path, status, bytes, duration, session id prefix, JSON-RPC method and tool; never a
// token, a query string or a body, and nothing a client sends can forge or split a line.
// --no-access-log turns it off.
//
// usage: node http_access_log.mjs MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import assert from "node:assert/strict";
import net from "node:net";
import { checker, request, startFake, startHttp, waitFor, stopHttp } from "./lib.mjs";

const [mistmcp, fakeMist, pluginDir, workDir] = process.argv.slice(2);
const { check, done } = checker();

const { port: fakePort } = await startFake(fakeMist, `${workDir}/access-log-fake-mist.jsonl`);
const env = { MISTMCP_API_BASE_URL: `http://127.0.0.1:${fakePort}` };
// --max-sessions 16: one session whose token Mist has not accepted per client address, so a
// second one is refused with 429.
const server = await startHttp(mistmcp, ["--plugin-dir", pluginDir, "--trusted-proxy", "127.0.0.1",
  "--max-sessions", "16"], env);
const base = server.base;

const LINE = /^mistmcp: info: access time=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) addr=(\S+)(?: via=(\S+))? method=(\S+) path=(\S+) status=(\d{3}|-) bytes=(\d+) ms=(\d+\.\d{3}) session=(\S+) rpc=(\S+) tool=(\S+)(?: end=(\S+))?$/;
const lines = () => server.stderr().split("\n").filter((l) => l.includes(" access "));
const parsed = () => lines().map((l) => {
  const m = l.match(LINE);
  assert.ok(m, `not an access log line: ${JSON.stringify(l)}`);
  const [, time, addr, via, method, path, status, bytes, ms, session, rpc, tool, end] = m;
  return { time, addr, via, method, path, status, bytes: Number(bytes), ms: Number(ms), session, rpc, tool, end };
});
// Each raw request below comes "through a proxy" with its own X-Forwarded-For address: its line
// is the one with that address, and there must be exactly one.
let next = 1;
const marker = () => `203.0.113.${next++}`;
async function lineOf(addr) {
  await waitFor(server.stderr, (t) => t.includes(`addr=${addr} `), `the line of ${addr}`);
  await new Promise((ok) => setTimeout(ok, 50)); // a second line would come now
  const mine = parsed().filter((l) => l.addr === addr);
  assert.equal(mine.length, 1, `lines of ${addr}: ${JSON.stringify(mine)}`);
  return mine[0];
}
const json = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
// A request written byte for byte (head, then more pieces); resolves to { status, text } once the
// server closes the connection or 3 s passed.
const raw = (head, more = []) => new Promise((ok) => {
  let got = "";
  const done = () => ok({ status: Number((got.match(/^HTTP\/1\.1 (\d{3})/) || [])[1]), text: got });
  const sock = net.connect(server.port, "127.0.0.1", () => { sock.write(head); for (const m of more) sock.write(m); });
  sock.on("data", (d) => { got += d; });
  sock.on("close", done);
  sock.on("error", () => {});
  setTimeout(() => { sock.destroy(); }, 3000).unref();
});
const init = (token, addr, query = "") => request(base + query, { method: "POST", headers: { ...json,
  "X-Authorization": token, "X-Forwarded-For": addr },
  body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } }) });

// Secrets a client may send: the log must hold none of them.
const SECRETS = ["tokSECRETsdk1111", "tokSECRETbearer2222", "tokSECRETquery3333", "tokSECRETbody4444",
  "tokSECRETheader5555"];

await check("an SDK client's requests: one line each, with session, method and tool", async () => {
  const client = new Client({ name: "logged", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(base),
    { requestInit: { headers: { "X-Authorization": SECRETS[0] } } });
  await client.connect(transport);
  const sid = transport.sessionId;
  await client.listTools();
  await client.callTool({ name: "getSelf", arguments: {} });
  await transport.terminateSession(); // DELETE
  await client.close();
  await waitFor(server.stderr, (t) => /method=DELETE/.test(t), "the DELETE's line");
  const all = parsed();
  const init = all.find((l) => l.rpc === "initialize");
  assert.ok(init && init.status === "200" && init.session === sid.slice(0, 8), JSON.stringify(all));
  const call = all.find((l) => l.rpc === "tools/call");
  assert.ok(call, JSON.stringify(all));
  assert.equal(call.tool, "getSelf");
  assert.equal(call.session, sid.slice(0, 8));
  assert.equal(call.method, "POST");
  assert.equal(call.path, "/mcp");
  assert.equal(call.status, "200");
  assert.equal(call.addr, "127.0.0.1");
  assert.equal(call.via, undefined, "no X-Forwarded-For: the peer itself");
  assert.ok(call.bytes > 100 && call.ms > 0, JSON.stringify(call));
  assert.ok(Math.abs(Date.parse(call.time) - Date.now()) < 60000, call.time);
  assert.ok(all.some((l) => l.rpc === "tools/list" && l.session === sid.slice(0, 8)));
  assert.ok(all.some((l) => l.method === "DELETE" && l.status === "200"));
  assert.ok(!server.stderr().includes(sid), "a whole session id in the log");
});
await check("bytes are the body's: a JSON answer's length, an event stream's as sent", async () => {
  const a = marker();
  const r = await init("tokSECRETheader5555", a);
  assert.equal((await lineOf(a)).bytes, Buffer.byteLength(r.text));
  const sid = r.headers.get("mcp-session-id");
  const headers = { ...json, "X-Authorization": "tokSECRETheader5555", "Mcp-Session-Id": sid };
  await request(base, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) });
  const b = marker();
  const s = await request(base, { method: "POST", headers: { ...headers, "X-Forwarded-For": b }, body: JSON.stringify({
    jsonrpc: "2.0", id: 2, method: "tools/call",
    params: { name: "callMistTool",
      arguments: { name: "listOrgWlans", arguments: { org_id: "slow-300" }, enable_category: true },
      _meta: { progressToken: "p" } } }) });
  assert.equal(s.headers.get("content-type"), "text/event-stream", s.text);
  const line = await lineOf(b);
  assert.equal(line.bytes, Buffer.byteLength(s.text));
  assert.equal(line.status, "200");
  assert.equal(line.tool, "callMistTool");
  assert.ok(line.ms >= 250, `a 300 ms call logged as ${line.ms} ms`);
});
await check("X-Forwarded-For: the client behind a trusted proxy, with the proxy as via", async () => {
  const a = marker();
  await request(server.origin + "/healthz", { headers: { "X-Forwarded-For": `198.51.100.66, ${a}` } });
  const line = await lineOf(a);
  assert.equal(line.via, "127.0.0.1");
  assert.ok(!lines().some((l) => l.includes("198.51.100.66")), "the address the client wrote is not the client");
  // From a peer that is not a trusted proxy, X-Forwarded-For is the client's own word: ignored.
  await request(server.origin + "/healthz", { localAddress: "127.0.0.2", headers: { "X-Forwarded-For": "198.51.100.77" } });
  await waitFor(server.stderr, (t) => t.includes("addr=127.0.0.2 "), "the untrusted peer's line");
  assert.ok(!server.stderr().includes("198.51.100.77"));
});
await check("error answers get their line: 400, 401, 403, 404, 405, 406, 413, 429", async () => {
  const cases = [
    [400, (h) => request(base, { method: "POST", headers: { ...json, ...h, "X-Authorization": "t" }, body: "{}" })],
    [401, (h) => request(base, { method: "POST", headers: { ...json, ...h }, body: "{}" })],
    [403, (h) => request(base, { method: "POST", headers: { ...json, ...h, "X-Authorization": "t", Host: "evil.example" }, body: "{}" })],
    [404, (h) => request(server.origin + "/nowhere", { headers: h })],
    [405, (h) => request(base, { method: "PUT", headers: { ...h, "X-Authorization": "t" }, body: "" })],
    [406, (h) => request(base, { headers: { ...h, "X-Authorization": "t", "Mcp-Session-Id": "x", Accept: "text/html" } })],
    [413, (h) => raw(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Authorization: t\r\n` +
      `X-Forwarded-For: ${h["X-Forwarded-For"]}\r\nContent-Length: ${5 << 20}\r\n\r\n`)],
  ];
  for (const [status, send] of cases) {
    const a = marker();
    const r = await send({ "X-Forwarded-For": a });
    assert.equal(r.status, status);
    assert.equal((await lineOf(a)).status, String(status), `line of the ${status}`);
  }
  const a = marker();
  assert.equal((await init("tok-unproven-1", a)).status, 200);
  const r = await init("tok-unproven-2", a); // same client: over its share of unproven sessions
  assert.equal(r.status, 429);
  await waitFor(server.stderr, (t) => t.includes("status=429"), "the 429's line");
  assert.equal(parsed().filter((l) => l.addr === a).map((l) => l.status).join(","), "200,429");
});
await check("a chunked body past 4 MiB: the raw 413 has its line too", async () => {
  const a = marker();
  const chunk = `${(64 << 10).toString(16)}\r\n${" ".repeat(64 << 10)}\r\n`;
  const r = await raw(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Authorization: t\r\nX-Forwarded-For: ${a}\r\n` +
    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", Array(70).fill(chunk));
  assert.equal(r.status, 413);
  const line = await lineOf(a);
  assert.equal(line.status, "413");
  assert.ok(line.bytes > 0 && line.end, JSON.stringify(line));
});
await check("no token, query string or body reaches the log; nothing forges a line", async () => {
  const a = marker();
  await request(`${base}?cloud=api.mist.com&token=${SECRETS[2]}`, { method: "POST",
    headers: { ...json, Authorization: `Bearer ${SECRETS[1]}`, "X-Forwarded-For": a },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call\nmistmcp: info: access forged",
      params: { name: "evil\r\nmistmcp: info: access forged=1", arguments: { t: SECRETS[3] } } }) });
  await lineOf(a);
  const b = marker();
  await request(`${server.origin}/a%0Amistmcp:%20info:%20access%20forged%1b[2J`, { headers: { "X-Forwarded-For": b } });
  const line = await lineOf(b);
  assert.equal(line.path, "/a%0Amistmcp:%20info:%20access%20forged%1B[2J");
  const log = server.stderr();
  for (const secret of SECRETS) assert.ok(!log.includes(secret), `${secret} in the log`);
  assert.ok(!log.includes("?cloud"), "a query string in the log");
  assert.ok(!log.split("\n").some((l) => l.startsWith("mistmcp: info: access forged")), "a forged line");
  for (const l of lines()) assert.match(l, LINE); // every line still parses as one record
});

await check("--no-access-log: not a line", async () => {
  const quiet = await startHttp(mistmcp, ["--plugin-dir", pluginDir, "--no-access-log"], env);
  const r = await request(quiet.origin + "/healthz");
  assert.equal(r.status, 200);
  await request(quiet.origin + "/nowhere");
  await new Promise((ok) => setTimeout(ok, 200));
  assert.ok(!quiet.stderr().includes(" access "), quiet.stderr());
  assert.equal(await stopHttp(quiet), "");
});

await check("the server stops cleanly (no sanitizer report)", async () => {
  assert.equal(await stopHttp(server), "");
});
done("http access log", ` (${lines().length} lines checked)`);
