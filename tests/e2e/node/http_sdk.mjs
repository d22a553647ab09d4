// mistmcp over Streamable HTTP driven by the official MCP TypeScript SDK client: isolated
// sessions with different tokens, each token reaching Mist with its own calls, concurrent
// calls with the same JSON-RPC ids on two sessions, DELETE, and every refusal.
//
// usage: node http_sdk.mjs MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import net from "node:net";
import { mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { once } from "node:events";
import { startFake, startHttp } from "./lib.mjs";

const [mistmcp, fakeMist, pluginDir, workDir] = process.argv.slice(2);
let passed = 0, failed = 0;
async function check(name, fn) {
  try { await fn(); passed++; } catch (e) { failed++; console.error(`FAIL ${name}: ${e.stack || e}`); }
}

const log = `${workDir}/http-fake-mist.jsonl`;
const { child: fake, port: fakePort } = await startFake(fakeMist, log);
const requests = () => readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l));

const { child: server, base, stderr: serverStderr } = await startHttp(mistmcp, ["--plugin-dir", pluginDir,
  "--header", "X-Frame-Options: DENY", "--allow-origin", "https://app.example.com"],
  { MISTMCP_API_BASE_URL: `http://127.0.0.1:${fakePort}` });

async function connect(token, query = "") {
  const client = new Client({ name: `e2e-${token}`, version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(base + query),
    { requestInit: { headers: { "X-Authorization": token } } });
  await client.connect(transport);
  return { client, transport };
}

const a = await connect("token-A");
const b = await connect("token-B");

await check("two sessions, two ids", async () => {
  assert.ok(a.transport.sessionId && b.transport.sessionId);
  assert.notEqual(a.transport.sessionId, b.transport.sessionId);
  assert.equal(a.transport.sessionId.length, 32);
});
const changed = { a: 0, b: 0 };
a.client.setNotificationHandler(ToolListChangedNotificationSchema, () => { changed.a++; });
b.client.setNotificationHandler(ToolListChangedNotificationSchema, () => { changed.b++; });
await check("enabling in one session does not show in the other; list_changed on its stream", async () => {
  await a.client.callTool({ name: "manageMcpTools", arguments: { enable_mcp_tools_categories: ["orgs_wlans"] } });
  for (let i = 0; i < 100 && changed.a === 0; i++) await new Promise((ok) => setTimeout(ok, 20));
  assert.equal(changed.a, 1, "list_changed reached session A over its event stream");
  await new Promise((ok) => setTimeout(ok, 200));
  assert.equal(changed.b, 0, "session B saw A's list_changed");
  const ta = (await a.client.listTools()).tools.map((t) => t.name);
  const tb = (await b.client.listTools()).tools.map((t) => t.name);
  assert.ok(ta.includes("listOrgWlans"));
  assert.ok(!tb.includes("listOrgWlans"));
});
await check("each session's calls carry its own token", async () => {
  await b.client.callTool({ name: "getSelf", arguments: {} });
  assert.equal(requests().pop().headers.Authorization, "Token token-B");
  await a.client.callTool({ name: "listOrgWlans", arguments: { org_id: "org-a" } });
  const last = requests().pop();
  assert.equal(last.headers.Authorization, "Token token-A");
  assert.equal(last.path, "/api/v1/orgs/org-a/wlans");
});
await check("concurrent calls with the same ids on two sessions get their own answers", async () => {
  await b.client.callTool({ name: "manageMcpTools", arguments: { enable_mcp_tools_categories: "orgs_wlans" } });
  const calls = [];
  for (let i = 0; i < 100; i++) {
    calls.push(a.client.callTool({ name: "listOrgWlans", arguments: { org_id: `a-${i}` } }).then((r) => ["a", i, r]));
    calls.push(b.client.callTool({ name: "listOrgWlans", arguments: { org_id: `b-${i}` } }).then((r) => ["b", i, r]));
  }
  const results = await Promise.all(calls);
  let wrong = 0;
  for (const [who, i, r] of results)
    if (r.structuredContent.path !== `/api/v1/orgs/${who}-${i}/wlans`) wrong++;
  assert.equal(wrong, 0, `${wrong} of 200 answers went to the wrong call`);
});
await check("query parameters choose the mode and categories", async () => {
  const c = await connect("token-C", "?mode=custom&categories=sites_wlans");
  const names = (await c.client.listTools()).tools.map((t) => t.name);
  assert.ok(names.includes("listSiteWlans") && !names.includes("listOrgWlans"));
  await c.client.close();
});

// Raw HTTP for the refusals.
const post = (headers, body, url = base) => fetch(url, { method: "POST",
  headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", ...headers },
  body: JSON.stringify(body) });
const ping = { jsonrpc: "2.0", id: 1, method: "ping" };
const init = { jsonrpc: "2.0", id: 1, method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } };

// Issue 14, item 8: the query parameters mode= and categories= follow the rules of --mode and
// --categories, with the same message for each mistake (the command line's after "mistmcp: ").
await check("mode= and categories= are checked as --mode and --categories are, same messages", async () => {
  const cases = [
    [["--mode", "turbo"], "?mode=turbo", /^mode 'turbo' is not valid: expected minimal, managed, all or custom$/],
    [["--mode", "custom"], "?mode=custom", /^mode custom needs categories/],
    [["--mode", "all", "--categories", "orgs_wlans"], "?mode=all&categories=orgs_wlans",
      /^categories are for mode custom, not mode all: give categories alone/],
    [["--categories", " , "], "?categories=%20,%20", /^categories is empty: expected a comma-separated list/],
  ];
  for (const [args, query, expected] of cases) {
    const cli = spawn(mistmcp, [...args, "--plugin-dir", pluginDir, "--list-categories"], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    cli.stderr.on("data", (d) => { stderr += d; });
    const [code] = await once(cli, "exit");
    assert.equal(code, 2, `${args.join(" ")}: exit ${code}`);
    const cliText = stderr.trim().replace(/^mistmcp: /, "");
    assert.match(cliText, expected, `${args.join(" ")}`);
    const r = await post({ "X-Authorization": "token-Q" }, init, base + query);
    assert.equal(r.status, 400, `${query}: HTTP ${r.status}`);
    assert.equal(r.headers.get("mcp-session-id"), null, `${query} created a session`);
    assert.equal((await r.json()).error.message, cliText, `${query} and ${args.join(" ")} say different things`);
  }
});
await check("categories= alone means mode custom, as --categories alone does", async () => {
  const c = await connect("token-Q2", "?categories=sites_wlans");
  const names = (await c.client.listTools()).tools.map((t) => t.name);
  assert.ok(names.includes("listSiteWlans") && !names.includes("listOrgWlans"), names.join(","));
  await c.client.close();
  const cli = spawn(mistmcp, ["--categories", "sites_wlans", "--plugin-dir", pluginDir, "--list-categories"],
    { stdio: ["ignore", "ignore", "pipe"] });
  const [code] = await once(cli, "exit");
  assert.equal(code, 0, "--categories alone was refused");
});

await check("no token: 401 saying which header to send", async () => {
  const r = await post({}, init);
  assert.equal(r.status, 401);
  assert.match((await r.json()).error.message, /X-Authorization/);
});
await check("another token with a session id: 403", async () => {
  const before = requests().length;
  const r = await post({ "X-Authorization": "token-B", "Mcp-Session-Id": a.transport.sessionId },
    { jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "listOrgWlans", arguments: { org_id: "x" } } });
  assert.equal(r.status, 403);
  assert.equal(requests().length, before, "nothing may reach Mist");
});
await check("missing session id: 400; unknown: 404", async () => {
  assert.equal((await post({ "X-Authorization": "token-A" }, ping)).status, 400);
  assert.equal((await post({ "X-Authorization": "token-A", "Mcp-Session-Id": "0".repeat(32) }, ping)).status, 404);
});
await check("a cloud outside the allow-list: 400 naming the allowed clouds", async () => {
  const r = await post({ "X-Authorization": "t" }, init, base + "?cloud=evil.example.com");
  assert.equal(r.status, 400);
  assert.match((await r.json()).error.message, /api\.mist\.com/);
});
await check("an unknown category in the query: 400 with the names spelt nearly the same", async () => {
  const r = await post({ "X-Authorization": "t" }, init, base + "?mode=custom&categories=orgs_devics");
  assert.equal(r.status, 400);
  assert.match((await r.json()).error.message, /unknown category 'orgs_devics' in categories; did you mean orgs_devices[,?]/);
});
await check("a write-only category in the query of a read-only server: 400 saying how to allow it", async () => {
  const r = await post({ "X-Authorization": "t" }, init, base + "?mode=custom&categories=utilities_wan");
  assert.equal(r.status, 400);
  assert.match((await r.json()).error.message, /category 'utilities_wan' in categories has only write tools, and this server is read-only; an operator allows them by starting it with --enable-write-tools/);
});
await check("a category whose plugin is missing, in the query: 400 saying so", async () => {
  const dir = `${workDir}/http-only-orgs-wlans`;
  mkdirSync(dir, { recursive: true });
  rmSync(`${dir}/orgs_wlans.so`, { force: true });
  symlinkSync(`${pluginDir}/orgs_wlans.so`, `${dir}/orgs_wlans.so`);
  const { child: small, base: url } = await startHttp(mistmcp, ["--no-default-plugin-dir", "--plugin-dir", dir]);
  try {
    const r = await post({ "X-Authorization": "t" }, init, url + "?mode=custom&categories=sites_wlans");
    assert.equal(r.status, 400);
    assert.match((await r.json()).error.message, /category 'sites_wlans' in categories has no plugin on this server \(no sites_wlans\.so in its plugin directories\)/);
    assert.equal((await post({ "X-Authorization": "t" }, init, url + "?mode=custom&categories=orgs_wlans")).status, 200);
  } finally {
    small.kill();
  }
});
await check("GET /mcp: an event stream per session, one at a time", async () => {
  const headers = { "X-Authorization": "token-B", "Mcp-Session-Id": b.transport.sessionId };
  // A reconnecting client takes over the session's stream (the SDK client held the first).
  const ac = new AbortController();
  const second = await fetch(base, { headers: { ...headers, Accept: "text/event-stream" }, signal: ac.signal });
  assert.equal(second.status, 200);
  assert.equal(second.headers.get("content-type"), "text/event-stream");
  ac.abort();
  assert.equal((await fetch(base, { headers: { ...headers, Accept: "application/json" } })).status, 406);
  assert.equal((await fetch(base, { headers: { "X-Authorization": "token-A", "Mcp-Session-Id": b.transport.sessionId,
    Accept: "text/event-stream" } })).status, 403);
});
await check("Bearer and Token forms of Authorization", async () => {
  for (const auth of ["Bearer tok-x", "Token tok-x"]) {
    const r = await post({ Authorization: auth }, init);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("x-frame-options"), "DENY");
    assert.ok(r.headers.get("mcp-session-id"));
  }
});
await check("/mcp/ is served directly, /healthz answers", async () => {
  assert.equal((await post({ "X-Authorization": "t" }, init, base + "/")).status, 200);
  assert.equal((await fetch(base.replace("/mcp", "/healthz"))).status, 200);
  assert.equal((await fetch(base.replace("/mcp", "/.well-known/oauth-protected-resource"))).status, 404);
});
await check("/metrics in Prometheus text format", async () => {
  const r = await fetch(base.replace("/mcp", "/metrics"));
  assert.equal(r.status, 200);
  const text = await r.text();
  const value = (re) => { const m = text.match(re); assert.ok(m, `no ${re} in\n${text}`); return Number(m[1]); };
  assert.ok(value(/^mistmcp_sessions_active (\d+)$/m) >= 2);
  assert.ok(value(/^mistmcp_tool_calls_total\{category="orgs_wlans",outcome="ok"\} (\d+)$/m) >= 201);
  assert.ok(value(/^mistmcp_tool_calls_total\{category="builtin",outcome="ok"\} (\d+)$/m) >= 3);
  assert.ok(value(/^mistmcp_mist_requests_total\{status="200"\} (\d+)$/m) >= 202);
  assert.ok(value(/^mistmcp_mist_request_duration_seconds_count (\d+)$/m) >= 202);
  assert.ok(value(/^mistmcp_mist_request_duration_seconds_bucket\{le="\+Inf"\} (\d+)$/m) >= 202);
  assert.ok(value(/^mistmcp_plugins_loaded (\d+)$/m) >= 1);
  assert.ok(value(/^mistmcp_plugin_references\{category="orgs_wlans"\} (\d+)$/m) >= 2);
  assert.ok(value(/^mistmcp_list_changed_total (\d+)$/m) >= 2);
  assert.ok(value(/^mistmcp_mist_retries_total\{reason="429"\} (\d+)$/m) >= 0);
  assert.ok(value(/^mistmcp_rate_limited_total\{outcome="refused"\} (\d+)$/m) >= 0);
});
await check("DNS-rebinding guards: foreign Origin or Host 403, loopback and allowed ones pass", async () => {
  assert.equal((await post({ "X-Authorization": "t", Origin: "https://evil.example" }, init)).status, 403);
  assert.equal((await post({ "X-Authorization": "t", Origin: "null" }, init)).status, 403);
  assert.equal((await post({ "X-Authorization": "t", Origin: "http://localhost:6274" }, init)).status, 200);
  assert.equal((await post({ "X-Authorization": "t", Origin: "https://app.example.com" }, init)).status, 200);
  // fetch() will not forge Host; node's http can.
  const { request } = await import("node:http");
  const url = new URL(base);
  const status = await new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port: url.port, path: "/mcp", method: "POST",
      headers: { Host: "evil.example", "X-Authorization": "t", "Content-Type": "application/json" } },
    (res) => { res.resume(); ok(res.statusCode); });
    req.on("error", fail);
    req.end(JSON.stringify(init));
  });
  assert.equal(status, 403);
  // A DNS name that starts like a loopback address is still a DNS name.
  assert.equal((await post({ "X-Authorization": "t", Origin: "http://127.0.0.1.nip.io:80" }, init)).status, 403);
});
// Issue 13, rows 5 and 6: a token with a control byte went raw into Mist's Authorization
// header; 30 KB tokens made every initialize scan slow. Both are refused before anything else.
await check("tokens with control bytes or past 512 bytes: 400, nothing reaches Mist", async () => {
  const before = requests().length;
  for (const token of ["tok\tX-Injected: 1", "tok en", "t".repeat(513)]) {
    const r = await post({ "X-Authorization": token }, init);
    assert.equal(r.status, 400, token.slice(0, 20));
    assert.match((await r.json()).error.message, /the Mist API token is not valid: it (holds a space, a control character or a non-ASCII byte|is longer than 512 bytes)/);
  }
  const r = await post({ "X-Authorization": ",," }, init);
  assert.equal(r.status, 400);
  assert.match((await r.json()).error.message, /an empty token between commas/);
  assert.equal((await post({ "X-Authorization": "t".repeat(512) }, init)).status, 200);
  // A bare CR, which fetch() will not send: a raw request.
  const { connect: tcp } = await import("node:net");
  const url = new URL(base);
  const answer = await new Promise((ok, fail) => {
    const sock = tcp(Number(url.port), "127.0.0.1", () => {
      const body = JSON.stringify(init);
      sock.end(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Authorization: tok\rX-Injected: 1\r\n` +
        `Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
    let got = "";
    sock.on("data", (d) => { got += d; });
    sock.on("end", () => ok(got));
    sock.on("error", fail);
    setTimeout(() => { sock.destroy(); ok(got); }, 5000).unref();
  });
  assert.match(answer, /^HTTP\/1\.1 400/, answer.slice(0, 200));
  assert.equal(requests().length, before, "nothing was sent to Mist");
});
// Issue 13, row 7: bound to ::1, the DNS-rebinding guard was off (the Host check parsed
// "::1" as "" before its port).
await check("DNS-rebinding guard on IPv6 loopback (--host ::1)", async () => {
  const { request } = await import("node:http");
  let v6;
  for (let attempt = 0; attempt < 3 && !v6; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    const child = spawn(mistmcp, ["--transport", "http", "--host", "::1", "--port", String(port),
      "--plugin-dir", pluginDir], { stdio: ["ignore", "ignore", "pipe"], env: { PATH: process.env.PATH, HOME: "/tmp" } });
    let err = "";
    child.stderr.on("data", (d) => { err += d; });
    for (let i = 0; i < 50 && !/listening|cannot listen/.test(err); i++) await new Promise((ok) => setTimeout(ok, 20));
    if (/listening/.test(err)) v6 = { child, port };
    else child.kill();
    if (/Address family not supported|Cannot assign requested address/i.test(err)) {
      console.log("skipped: DNS-rebinding guard on ::1 (no IPv6 loopback on this machine)");
      return;
    }
  }
  assert.ok(v6, "a server on ::1 did not start (and not for want of IPv6)");
  const status = (host) => new Promise((ok, fail) => {
    const req = request({ host: "::1", port: v6.port, path: "/mcp", method: "POST",
      headers: { Host: host, "X-Authorization": "t", "Content-Type": "application/json",
        Accept: "application/json, text/event-stream" } },
    (res) => { res.resume(); ok(res.statusCode); });
    req.on("error", fail);
    req.end(JSON.stringify(init));
  });
  try {
    assert.equal(await status("rebind.attacker.example"), 403);
    assert.equal(await status(`[::1]:${v6.port}`), 200);
    assert.equal(await status(`localhost:${v6.port}`), 200);
  } finally {
    v6.child.kill();
  }
});
// Issue 14, item 7: --host takes names (every address they resolve to), ::1, 0.0.0.0 and ::;
// a host that is neither an address nor a name that resolves is refused, naming it.
await check("--host localhost, 0.0.0.0 and :: listen where they say; a bad host is named", async () => {
  const { request } = await import("node:http");
  const { lookup } = await import("node:dns/promises");
  const status = (address, port, host) => new Promise((ok, fail) => {
    const req = request({ host: address, port, path: "/mcp", method: "POST",
      headers: { Host: host, "X-Authorization": "t", "Content-Type": "application/json",
        Accept: "application/json, text/event-stream" } },
    (res) => { res.resume(); ok(res.statusCode); });
    req.on("error", fail);
    req.setTimeout(5000, () => req.destroy(new Error(`no answer from ${address}:${port}`)));
    req.end(JSON.stringify(init));
  });
  const v6 = await new Promise((ok) => { /* can this machine listen on ::1 at all? */
    const probe = net.createServer().once("error", () => ok(false)).listen(0, "::1", () => probe.close(() => ok(true)));
  });
  // A name: every address of localhost, and the Host guard of a loopback-only server.
  const addresses = (await lookup("localhost", { all: true })).map((a) => a.address)
    .filter((a) => v6 || !a.includes(":"));
  const byName = await startHttp(mistmcp, ["--host", "localhost", "--plugin-dir", pluginDir]);
  try {
    const port = Number(new URL(byName.base).port);
    assert.match(byName.stderr(), new RegExp(`listening on .*${port}/mcp`));
    for (const a of addresses) {
      assert.equal(await status(a, port, `localhost:${port}`), 200, `--host localhost, reached at ${a}`);
      assert.equal(await status(a, port, "rebind.attacker.example"), 403, `the Host guard at ${a}`);
    }
  } finally { byName.child.kill(); }
  // Every IPv4 address: no Host guard (the operator chose to be reachable by name).
  const any4 = await startHttp(mistmcp, ["--host", "0.0.0.0", "--plugin-dir", pluginDir]);
  try {
    const port = Number(new URL(any4.base).port);
    assert.equal(await status("127.0.0.1", port, "mist-mcp.example.net"), 200, "--host 0.0.0.0");
  } finally { any4.child.kill(); }
  if (v6) { // Every address, IPv6 and IPv4.
    const any6 = await startHttp(mistmcp, ["--host", "::", "--plugin-dir", pluginDir]);
    try {
      const port = Number(new URL(any6.base).port);
      assert.equal(await status("::1", port, "mist-mcp.example.net"), 200, "--host :: over IPv6");
      assert.equal(await status("127.0.0.1", port, "mist-mcp.example.net"), 200, "--host :: over IPv4");
    } finally { any6.child.kill(); }
  } else console.log("skipped: --host :: (this machine cannot listen on ::1)");
  for (const bad of ["no-such-host.invalid", "300.1.2.3x"]) {
    const child = spawn(mistmcp, ["--transport", "http", "--host", bad, "--port", "8000", "--plugin-dir", pluginDir],
      { stdio: ["ignore", "ignore", "pipe"], env: { PATH: process.env.PATH, HOME: "/tmp" } });
    let err = "";
    child.stderr.on("data", (d) => { err += d; });
    const timer = setTimeout(() => child.kill(), 20000);
    // "close", not "exit": exit can come before the last of stderr has been read
    const [code] = await once(child, "close");
    clearTimeout(timer);
    assert.equal(code, 2, `--host ${bad}: exit ${code} (${err.trim()})`);
    assert.match(err, new RegExp(`^mistmcp: --host '${bad.replace(/\./g, "\\.")}' is not an IP address, and as a host name it does not resolve`));
  }
});
// Issue 14, item 11: the Python server README's curl examples were never MCP; they get a
// pointer to our README's walk-through, which itself runs as written.
await check("the seed's /mcp/tools and call_tool get a pointer to the curl walk-through", async () => {
  const r1 = await fetch(`${new URL(base).origin}/mcp/tools?cloud=api.mist.com&mode=all`,
    { headers: { "X-Authorization": "token-S" } });
  assert.equal(r1.status, 404);
  assert.match(await r1.text(), /MCP is served at \/mcp alone.*"Try it with curl"/);
  const r2 = await fetch(`${base}/?cloud=api.mist.com`, { method: "POST",
    headers: { "X-Authorization": "token-S", "Content-Type": "application/json" },
    body: JSON.stringify({ method: "call_tool", params: { name: "getSelf", arguments: {} } }) });
  assert.equal(r2.status, 400);
  assert.match((await r2.json()).error.message,
    /initialize first, then tools\/call \('call_tool' is not an MCP method; README: "Try it with curl"\)/);
  const h = await rawSession("token-S");
  const r3 = await (await post(h, { jsonrpc: "2.0", id: 5, method: "call_tool", params: { name: "getSelf" } })).json();
  assert.equal(r3.error.code, -32601);
  assert.match(r3.error.message, /'call_tool' is not an MCP method, the MCP one is tools\/call/);
});
await check("README's \"Try it with curl\" block runs as written", async () => {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  const at = readme.indexOf("### Try it with curl");
  const block = at < 0 ? null : readme.slice(at).match(/```sh\n([\s\S]*?)```/);
  assert.ok(block, "README has no sh block under \"### Try it with curl\"");
  const script = block[1].replace(/^TOKEN=.*$/m, "TOKEN=token-readme").replace(/^URL=.*$/m, `URL=${base}`);
  assert.notEqual(script, block[1], "the block sets TOKEN= and URL= on lines of their own");
  const before = requests().length;
  const sh = spawn("sh", ["-eu"], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "", err = "";
  sh.stdout.on("data", (d) => { out += d; });
  sh.stderr.on("data", (d) => { err += d; });
  sh.stdin.end(script);
  const timer = setTimeout(() => sh.kill(), 20000);
  const [code] = await once(sh, "exit");
  clearTimeout(timer);
  assert.equal(code, 0, `the block failed (${code}): ${err}\n${out}`);
  assert.match(out, /^session [0-9a-f]{32}$/m, out.slice(0, 300));
  const answers = out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  assert.ok(answers.some((a) => a.id === 2 && a.result.tools.some((t) => t.name === "getSelf")), "tools/list");
  assert.ok(answers.some((a) => a.id === 3 && a.result && !a.result.isError), `tools/call: ${out.slice(0, 500)}`);
  const sent = requests().slice(before);
  assert.ok(sent.some((r) => r.path === "/api/v1/self" && r.headers.Authorization === "Token token-readme"),
    "getSelf reached Mist with the block's token");
});
await check("initialize as a notification creates nothing", async () => {
  const { id, ...notification } = init;
  const r = await post({ "X-Authorization": "t" }, notification);
  assert.equal(r.status, 400);
  assert.equal(r.headers.get("mcp-session-id"), null);
});
// A raw session (custom mode, orgs_wlans) for the event-stream answers of POST.
async function rawSession(token, accept = "application/json, text/event-stream") {
  const r = await post({ "X-Authorization": token }, init, base + "?mode=custom&categories=orgs_wlans");
  const sid = r.headers.get("mcp-session-id");
  const headers = { "X-Authorization": token, "Mcp-Session-Id": sid, Accept: accept };
  assert.equal((await post(headers, { jsonrpc: "2.0", method: "notifications/initialized" })).status, 202);
  return headers;
}
// The events of an SSE body, each with the milliseconds since `start` when it arrived.
async function readEvents(response, start) {
  const events = [];
  let buffer = "";
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let end; (end = buffer.indexOf("\n\n")) >= 0; buffer = buffer.slice(end + 2)) {
      const data = buffer.slice(0, end).split("\n").filter((l) => l.startsWith("data: "));
      if (data.length) events.push({ at: Date.now() - start, msg: JSON.parse(data.map((l) => l.slice(6)).join("\n")) });
    }
  }
  return events;
}

await check("a call with a progress token is answered as an event stream, progress as it happens", async () => {
  const headers = await rawSession("token-S");
  const start = Date.now();
  const r = await post(headers, { jsonrpc: "2.0", id: 7, method: "tools/call",
    params: { name: "listOrgWlans", arguments: { org_id: "slow-600" }, _meta: { progressToken: "p7" } } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("content-type"), "text/event-stream");
  assert.equal(r.headers.get("x-frame-options"), "DENY", "--header lines on event streams too");
  const events = await readEvents(r, start);
  assert.deepEqual(events.map((e) => e.msg.method ?? `response ${e.msg.id}`),
    ["notifications/progress", "notifications/progress", "response 7"]);
  assert.equal(events[0].msg.params.progressToken, "p7");
  assert.equal(events[0].msg.params.progress, 0);
  assert.equal(events[1].msg.params.progress, 1);
  assert.equal(events[2].msg.result.structuredContent.path, "/api/v1/orgs/slow-600/wlans");
  assert.ok(events[0].at < 400, `the first progress came after ${events[0].at} ms, not before the backend answered`);
  assert.ok(events[2].at - events[0].at >= 450, `the answer came ${events[2].at - events[0].at} ms after the first progress`);
});
await check("without a progress token the same call is answered as plain JSON", async () => {
  const headers = await rawSession("token-S");
  const r = await post(headers, { jsonrpc: "2.0", id: 8, method: "tools/call",
    params: { name: "listOrgWlans", arguments: { org_id: "o" } } });
  assert.equal(r.headers.get("content-type"), "application/json");
  assert.equal((await r.json()).id, 8);
});
await check("a client that accepts only JSON gets the progress on the session's GET stream", async () => {
  const headers = await rawSession("token-J", "application/json");
  const ac = new AbortController();
  const stream = await fetch(base, { headers: { ...headers, Accept: "text/event-stream" }, signal: ac.signal });
  const r = await post(headers, { jsonrpc: "2.0", id: 9, method: "tools/call",
    params: { name: "listOrgWlans", arguments: { org_id: "o" }, _meta: { progressToken: 9 } } });
  assert.equal(r.headers.get("content-type"), "application/json");
  assert.equal((await r.json()).id, 9);
  // The GET stream carries both progress notifications; read them, then stop it.
  const reader = stream.body.getReader();
  let text = "";
  for (let i = 0; i < 50 && (text.match(/notifications\/progress/g) || []).length < 2; i++) {
    const { value, done } = await Promise.race([reader.read(), new Promise((ok) => setTimeout(() => ok({}), 100))]);
    if (done) break;
    if (value) text += new TextDecoder().decode(value);
  }
  ac.abort();
  assert.equal((text.match(/notifications\/progress/g) || []).length, 2, `GET stream: ${text}`);
});
await check("cancelling a streamed call ends its stream without an answer", async () => {
  const headers = await rawSession("token-S");
  const start = Date.now();
  const r = await post(headers, { jsonrpc: "2.0", id: 10, method: "tools/call",
    params: { name: "listOrgWlans", arguments: { org_id: "slow-3000" }, _meta: { progressToken: "p10" } } });
  assert.equal(r.headers.get("content-type"), "text/event-stream");
  const events = readEvents(r, start);
  await new Promise((ok) => setTimeout(ok, 200));
  assert.equal((await post(headers, { jsonrpc: "2.0", method: "notifications/cancelled",
    params: { requestId: 10, reason: "test" } })).status, 202);
  const got = await events;
  assert.ok(Date.now() - start < 2000, "the stream ended long before the slow backend would have answered");
  assert.deepEqual(got.map((e) => e.msg.method ?? "response"), ["notifications/progress"]);
});
await check("the SDK client's onprogress hears a call's progress over HTTP", async () => {
  const c = await connect("token-P", "?mode=custom&categories=orgs_wlans");
  const seen = [];
  const res = await c.client.callTool({ name: "listOrgWlans", arguments: { org_id: "slow-200" } }, undefined,
    { onprogress: (p) => seen.push(p.progress) });
  assert.equal(res.structuredContent.path, "/api/v1/orgs/slow-200/wlans");
  assert.deepEqual(seen, [0, 1]);
  await c.client.close();
});
await check("DELETE of a session aborts its call in progress at once", async () => {
  const headers = await rawSession("token-D");
  const start = Date.now();
  const pending = post(headers, { jsonrpc: "2.0", id: 11, method: "tools/call",
    params: { name: "listOrgWlans", arguments: { org_id: "slow-5000-deleted" } } }).catch(() => null);
  await new Promise((ok) => setTimeout(ok, 300));
  assert.equal((await fetch(base, { method: "DELETE", headers })).status, 200);
  let aborted = false;
  for (let i = 0; i < 100 && !aborted; i++) {
    aborted = requests().some((r) => r.event === "aborted" && r.path.includes("slow-5000-deleted"));
    if (!aborted) await new Promise((ok) => setTimeout(ok, 20));
  }
  assert.ok(aborted, "the backend saw the transfer end");
  assert.ok(Date.now() - start < 2500, `took ${Date.now() - start} ms`);
  await pending;
});
await check("DELETE ends the session: then 404", async () => {
  const id = a.transport.sessionId;
  await a.transport.terminateSession();
  const r = await post({ "X-Authorization": "token-A", "Mcp-Session-Id": id }, ping);
  assert.equal(r.status, 404);
});

// ---- Hostile clients (issue 13): each check is named after the row it covers. ----
// A raw HTTP exchange: writes head and body chunks (bodyChunks: an async generator or an
// array), resolves to { status, headers, text, closed } once the server answered and closed,
// or after ms.
function raw(head, bodyChunks = [], ms = 10000, localAddress = "127.0.0.1") {
  const url = new URL(base);
  return new Promise((resolve) => {
    const sock = net.connect({ port: Number(url.port), host: "127.0.0.1", localAddress });
    let data = "", done = false, closed = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const m = data.match(/^HTTP\/1\.1 (\d+)/);
      const split = data.indexOf("\r\n\r\n");
      resolve({ status: m ? Number(m[1]) : 0, headers: split > 0 ? data.slice(0, split) : "",
        text: split > 0 ? data.slice(split + 4) : "", closed });
    };
    const timer = setTimeout(finish, ms);
    sock.on("data", (d) => { data += d; });
    sock.on("close", () => { closed = true; finish(); });
    sock.on("error", () => {});
    sock.on("connect", async () => {
      sock.write(head);
      for await (const chunk of bodyChunks) {
        if (done || sock.destroyed) break;
        if (!sock.write(chunk)) await new Promise((ok) => sock.once("drain", ok));
      }
    });
  });
}
const rawHead = (lines) => `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
  `Accept: application/json, text/event-stream\r\n${lines.map((l) => l + "\r\n").join("")}\r\n`;
async function rawSid(token, version = "2025-06-18") {
  const r = await post({ "X-Authorization": token },
    { ...init, params: { ...init.params, protocolVersion: version } });
  const sid = r.headers.get("mcp-session-id");
  await post({ "X-Authorization": token, "Mcp-Session-Id": sid }, { jsonrpc: "2.0", method: "notifications/initialized" });
  return sid;
}

await check("row 2: bodies are checked before they are parsed into trees", async () => {
  // Past 4 MiB: refused on the headers, nothing read.
  const huge = await raw(rawHead(["X-Authorization: row2", "Content-Length: 4194305"]), [], 5000);
  assert.equal(huge.status, 413);
  assert.match(huge.text, /4 MiB at most/);
  // No session: only initialize is expected, so 64 KiB at most; the rest is read and dropped
  // (not kept), so that the client, still sending, reads the answer.
  const body = JSON.stringify({ ...init, pad: "x".repeat(100000) });
  const big = await raw(rawHead(["X-Authorization: row2", `Content-Length: ${body.length}`]), [body], 5000);
  assert.equal(big.status, 413);
  assert.match(big.text, /without a session only initialize is expected, 64 KiB/);
  // Bytes no JSON text may hold are refused before any parse: invalid UTF-8, raw NUL.
  for (const [bad, why] of [[Buffer.from('{"jsonrpc":"2.0","id":1,"method":"ping","x":"\xff"}', "latin1"), /not valid UTF-8/],
                            [Buffer.from('{"jsonrpc":"2.0","id":1,\u0000"method":"ping"}'), /control character between JSON tokens/]]) {
    const r = await raw(rawHead(["X-Authorization: row2", `Content-Length: ${bad.length}`]), [bad], 5000);
    assert.equal(r.status, 400);
    assert.match(r.text, why);
  }
  // A control byte in a header value, a header name no field may have: 400 (libmicrohttpd
  // 0.9.75 itself cuts a value at a NUL, so a NUL never reaches the server's code).
  const ctl = await raw(rawHead(["X-Authorization: row2\u0001evil", "Content-Length: 2"]), ["{}"], 5000);
  assert.equal(ctl.status, 400);
  assert.match(ctl.text, /header value holds a NUL or another control character/);
  const name = await raw(rawHead(["X-Auth(orization): row2", "Content-Length: 2"]), ["{}"], 5000);
  assert.equal(name.status, 400);
  assert.match(name.text, /header name holds a character/);
  // With a session: 200,001 values are refused before a tree is built.
  const sid = await rawSid("row2");
  const zeros = "[" + "0,".repeat(200000) + "0]";
  const r = await fetch(base, { method: "POST", body: zeros, headers: { "Content-Type": "application/json",
    Accept: "application/json, text/event-stream", "X-Authorization": "row2", "Mcp-Session-Id": sid } });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error.message, /more than 200000 values/);
  const deep = "[".repeat(65) + "]".repeat(65);
  const d = await fetch(base, { method: "POST", body: deep, headers: { "Content-Type": "application/json",
    Accept: "application/json, text/event-stream", "X-Authorization": "row2", "Mcp-Session-Id": sid } });
  assert.equal(d.status, 400);
  assert.match((await d.json()).error.message, /nested more than 64 levels/);
});

await check("row 3: sessions whose token Mist has not accepted have a share per client (429)", async () => {
  // --max-sessions 640: 160 unproven sessions in all, 10 per client address.
  const { child: small, base: url3 } = await startHttp(mistmcp, ["--plugin-dir", pluginDir,
    "--max-sessions", "640"], { MISTMCP_API_BASE_URL: `http://127.0.0.1:${fakePort}` });
  const sids = [];
  for (let i = 0; i < 10; i++) {
    const r = await post({ "X-Authorization": `made-up-${i}` }, init, url3);
    assert.equal(r.status, 200);
    sids.push(r.headers.get("mcp-session-id"));
  }
  const over = await post({ "X-Authorization": "made-up-10" }, init, url3);
  assert.equal(over.status, 429);
  assert.equal(over.headers.get("retry-after"), "60");
  assert.match((await over.json()).error.message, /whose token Mist has not accepted yet/);
  // A 200 from a path Mist answers without a token (its constants) proves nothing.
  const h1 = { "X-Authorization": "made-up-1", "Mcp-Session-Id": sids[1] };
  await post(h1, { jsonrpc: "2.0", method: "notifications/initialized" }, url3);
  await post(h1, { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "manageMcpTools",
    arguments: { enable_mcp_tools_categories: "constants_definitions" } } }, url3);
  const constants = await post(h1, { jsonrpc: "2.0", id: 4, method: "tools/call",
    params: { name: "listCountryCodes", arguments: {} } }, url3);
  assert.equal((await constants.json()).result?.isError, undefined);
  assert.equal((await post({ "X-Authorization": "made-up-12" }, init, url3)).status, 429);
  // Mist accepts made-up-0 (a call answered 200): its session leaves the share.
  await post({ "X-Authorization": "made-up-0", "Mcp-Session-Id": sids[0] }, { jsonrpc: "2.0", method: "notifications/initialized" }, url3);
  const call = await post({ "X-Authorization": "made-up-0", "Mcp-Session-Id": sids[0] },
    { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "getSelf", arguments: {} } }, url3);
  assert.equal(call.status, 200);
  assert.equal((await post({ "X-Authorization": "made-up-11" }, init, url3)).status, 200);
  small.kill("SIGTERM");
  await once(small, "exit");
  // Behind a trusted proxy the client is the right-most untrusted X-Forwarded-For address, over
  // all its lines: a client's own line in front of the proxy's changes nothing.
  const { child: proxied, base: url4 } = await startHttp(mistmcp, ["--plugin-dir", pluginDir,
    "--max-sessions", "640", "--trusted-proxy", "127.0.0.1"], {});
  const port4 = Number(new URL(url4).port);
  const body = JSON.stringify(init);
  const viaProxy = (i, lines) => new Promise((resolve) => {
    const sock = net.connect(port4, "127.0.0.1");
    let data = "";
    sock.on("data", (d) => { data += d; });
    sock.on("close", () => resolve(Number((data.match(/^HTTP\/1\.1 (\d+)/) || [0, 0])[1])));
    sock.on("error", () => {});
    sock.write(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Connection: close\r\nX-Authorization: spoof-${i}\r\n${lines.map((l) => `X-Forwarded-For: ${l}\r\n`).join("")}` +
      `Content-Length: ${body.length}\r\n\r\n${body}`);
  });
  const statuses = [];
  for (let i = 0; i < 11; i++) statuses.push(await viaProxy(i, [`198.51.100.${i}`, "10.0.0.9"]));
  assert.deepEqual(statuses, [...Array(10).fill(200), 429], `statuses ${statuses}`);
  assert.equal(await viaProxy(99, ["10.0.0.10"]), 200); // another client of the proxy
  proxied.kill("SIGTERM");
  await once(proxied, "exit");
});

await check("row 8: a client that hangs up mid-batch: its calls stop reaching Mist", async () => {
  const sid = await rawSid("row8", "2025-03-26");
  await post({ "X-Authorization": "row8", "Mcp-Session-Id": sid }, { jsonrpc: "2.0", id: 9, method: "tools/call",
    params: { name: "manageMcpTools", arguments: { enable_mcp_tools_categories: "orgs_wlans" } } });
  const slowBatch = JSON.stringify(Array.from({ length: 30 }, (_, i) => ({ jsonrpc: "2.0", id: 100 + i,
    method: "tools/call", params: { name: "listOrgWlans", arguments: { org_id: "slow-300" } } })));
  const count = () => requests().filter((q) => q.path === "/api/v1/orgs/slow-300/wlans" && !q.event).length;
  const before = count();
  await raw(rawHead(["X-Authorization: row8", `Mcp-Session-Id: ${sid}`, `Content-Length: ${Buffer.byteLength(slowBatch)}`]),
    [slowBatch], 1000); // hangs up after 1 s: about 3 calls made
  await new Promise((ok) => setTimeout(ok, 1500));
  const soon = count() - before;
  await new Promise((ok) => setTimeout(ok, 2000));
  const later = count() - before;
  assert.ok(later <= 12 && later === soon, `${soon} then ${later} calls after the client hung up (30 in the batch)`);
});

await check("row 9: a chunked body that never ends: 413 at the limit, then closed", async () => {
  const sid = await rawSid("row9");
  let sent = 0;
  async function* endless() { // 64 KiB every 10 ms (6.4 MB/s) for 10 s at most
    const chunk = "10000\r\n" + " ".repeat(0x10000) + "\r\n";
    for (; sent < 1000; sent++) {
      yield chunk;
      await new Promise((ok) => setTimeout(ok, 10));
    }
  }
  const r = await raw(rawHead(["X-Authorization: row9", `Mcp-Session-Id: ${sid}`, "Transfer-Encoding: chunked"]),
    endless(), 12000);
  assert.equal(r.status, 413);
  assert.match(r.text, /4 MiB at most/);
  assert.ok(r.closed && sent < 1000, `the server still read after ${sent} chunks: the body was not stopped`);
});

await check("one session's burst of calls takes at most 16 workers: other sessions are served at once", async () => {
  const sa = await rawSid("burst-a"), sb = await rawSid("burst-b");
  for (const [t, sid] of [["burst-a", sa], ["burst-b", sb]])
    await post({ "X-Authorization": t, "Mcp-Session-Id": sid }, { jsonrpc: "2.0", id: 1, method: "tools/call",
      params: { name: "manageMcpTools", arguments: { enable_mcp_tools_categories: "orgs_wlans" } } });
  const t0 = Date.now();
  const burst = Array.from({ length: 100 }, (_, i) => post({ "X-Authorization": "burst-a", "Mcp-Session-Id": sa },
    { jsonrpc: "2.0", id: 10 + i, method: "tools/call", params: { name: "listOrgWlans", arguments: { org_id: "slow-300" } } })
    .then(async (r) => r.status === 200 && !(await r.json()).error));
  await new Promise((ok) => setTimeout(ok, 100)); // the burst is queued
  const t1 = Date.now();
  const other = await post({ "X-Authorization": "burst-b", "Mcp-Session-Id": sb }, { jsonrpc: "2.0", id: 2,
    method: "tools/call", params: { name: "listOrgWlans", arguments: { org_id: "quick" } } });
  const waited = Date.now() - t1;
  assert.equal(other.status, 200);
  assert.ok(waited < 250, `the other session waited ${waited} ms behind the burst`);
  const ok = (await Promise.all(burst)).filter(Boolean).length;
  assert.equal(ok, 100, `${ok} of the burst's 100 calls answered`); // queued, never refused
  assert.ok(Date.now() - t0 >= 1500, "the burst ran more than 16 at a time");
});

await check("row 10: conflicting framing (two Content-Length, or with chunked): 400", async () => {
  const body = JSON.stringify(ping);
  const two = await raw(rawHead(["X-Authorization: row10", `Content-Length: ${body.length}`, "Content-Length: 2"]), [body], 3000);
  assert.equal(two.status, 400);
  assert.match(two.text, /two different Content-Length/);
  const both = await raw(rawHead(["X-Authorization: row10", `Content-Length: ${body.length}`, "Transfer-Encoding: chunked"]),
    [body], 3000);
  assert.ok(both.status === 400, `status ${both.status}`);
  for (const te of ["gzip, chunked", "identity", "chunked, chunked"]) {
    const r = await raw(rawHead(["X-Authorization: row10", `Transfer-Encoding: ${te}`]), ["0\r\n\r\n"], 3000);
    assert.equal(r.status, 400, `Transfer-Encoding: ${te}: status ${r.status}`);
  }
});

await b.client.close();
// A streamed call still running on its own thread, its client gone, when the server stops:
// shutdown cancels it and waits for it (no use after free, no hang).
{
  const headers = await rawSession("token-Z");
  const ac = new AbortController();
  const r = await fetch(base, { method: "POST", signal: ac.signal,
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ jsonrpc: "2.0", id: 12, method: "tools/call",
      params: { name: "listOrgWlans", arguments: { org_id: "slow-20000-shutdown" },
        _meta: { progressToken: "z" } } }) });
  assert.equal(r.headers.get("content-type"), "text/event-stream");
  ac.abort();
}
const stopAt = Date.now();
server.kill("SIGTERM");
const [code] = await once(server, "exit");
await check("clean exit on SIGTERM, with a call in progress", async () => {
  assert.equal(code, 0);
  assert.ok(Date.now() - stopAt < 5000, `stopping took ${Date.now() - stopAt} ms`);
  assert.doesNotMatch(serverStderr(), /still in use/, "a session was freed under a running call");
});


await check("--max-sessions (503) and --session-idle-timeout (404, plugins released)", async () => {
  const { child: small, base: url2 } = await startHttp(mistmcp, ["--plugin-dir", pluginDir,
    "--max-sessions", "1", "--session-idle-timeout", "1", "--mode", "custom", "--categories", "orgs_wlans"], {});
  const first = await post({ "X-Authorization": "t1" }, init, url2);
  assert.equal(first.status, 200);
  const sid = first.headers.get("mcp-session-id");
  assert.equal((await post({ "X-Authorization": "t2" }, init, url2)).status, 503);
  const metrics = async () => (await (await fetch(url2.replace("/mcp", "/metrics"))).text());
  assert.match(await metrics(), /^mistmcp_plugins_loaded 1$/m);
  await new Promise((ok) => setTimeout(ok, 2500)); // idle for longer than 1 s, and a sweep
  assert.equal((await post({ "X-Authorization": "t1", "Mcp-Session-Id": sid }, ping, url2)).status, 404);
  assert.match(await metrics(), /^mistmcp_plugins_loaded 0$/m);
  assert.equal((await post({ "X-Authorization": "t2" }, init, url2)).status, 200);
  small.kill("SIGTERM");
  await once(small, "exit");
});
fake.stdin.end();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
