// Both protocol eras on one Streamable HTTP server (issue 18): a 2026-07-28 request takes a
// stateless path (no Mcp-Session-Id issued or needed, the request's own token for its Mist
// calls), its headers checked against its body (-32020), its _meta checked (-32022 listing the
// supported versions, -32602), removed methods 404 -32601, always with the request's id; the
// modern tool list the same for every request of one URL; initialize, a session id, a 2025
// version or no version header keep the 2025 path. Then the v2 TypeScript client
// (@modelcontextprotocol/client) pinned to 2026-07-28 over HTTP and over stdio. A write there
// is previewed with dry_run and refused unconfirmed, saying why (no token it could redeem).
//
// usage: node http_eras.mjs MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { checker, request, startFake, startHttp, stopHttp } from "./lib.mjs";

const [mistmcp, fakeMist, pluginDir, workDir] = process.argv.slice(2);
const { check, done } = checker();
const log = `${workDir}/http-eras-fake-mist.jsonl`;
const { child: fake, port: fakePort } = await startFake(fakeMist, log);
const lastBackend = () => readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l)).at(-1);
const env = { MISTMCP_API_BASE_URL: `http://127.0.0.1:${fakePort}` };
const server = await startHttp(mistmcp, ["--plugin-dir", pluginDir, "--mode", "minimal"], env);
const { base } = server;

const MODERN = "2026-07-28";
const LEGACY = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];
const meta = (version = MODERN) => ({
  "io.modelcontextprotocol/protocolVersion": version,
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "eras", version: "1" },
});

// A POST of body with the modern headers (extra ones override; null drops one).
async function post(body, extra = {}, url = base) {
  const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream",
    "X-Authorization": "token-A", "MCP-Protocol-Version": MODERN, "Mcp-Method": body.method };
  if (body.method === "tools/call") headers["Mcp-Name"] = body.params.name;
  for (const [k, v] of Object.entries(extra)) if (v === null) delete headers[k]; else headers[k] = v;
  const r = await request(url, { method: "POST", headers, body: JSON.stringify(body) });
  return { ...r, json: r.text ? JSON.parse(r.text) : null };
}
const rpc = (id, method, params = {}, version) =>
  ({ jsonrpc: "2.0", id, method, params: { ...params, _meta: meta(version) } });

await check("server/discover: versions, capabilities, identity; no session id", async () => {
  const r = await post(rpc(1, "server/discover"));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get("mcp-session-id"), null);
  assert.deepEqual(r.json.result.supportedVersions, [MODERN, ...LEGACY]);
  assert.ok(r.json.result.capabilities.tools);
  assert.equal(r.json.result.resultType, "complete");
  assert.equal(r.json.result._meta["io.modelcontextprotocol/serverInfo"].name, "mistmcp");
  assert.equal(r.json.result.cacheScope, "public");
});

await check("version table: unsupported versions get 400 -32022 with the id", async () => {
  for (const [i, v] of ["2099-01-01", "draft", "2026-07-29"].entries()) {
    const r = await post(rpc(10 + i, "tools/list", {}, v), { "MCP-Protocol-Version": v });
    assert.equal(r.status, 400, `${v}: ${r.text}`);
    assert.equal(r.json.id, 10 + i);
    assert.equal(r.json.error.code, -32022);
    assert.equal(r.json.error.data.requested, v);
    assert.deepEqual(r.json.error.data.supported, [MODERN, ...LEGACY]);
  }
  // a legacy version in a stateless request's _meta: that version needs initialize
  const r = await post(rpc(13, "tools/list", {}, "2025-11-25"), { "MCP-Protocol-Version": "2025-11-25" });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, -32022);
  assert.equal(r.json.id, 13);
});

await check("version table: each legacy version still opens a session with initialize", async () => {
  for (const v of [...LEGACY, null]) {
    const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream",
      "X-Authorization": "token-A" };
    if (v) headers["MCP-Protocol-Version"] = v;
    const r = await request(base, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", id: 1,
      method: "initialize", params: { protocolVersion: v ?? "2025-11-25", capabilities: {},
        clientInfo: { name: "legacy", version: "1" } } }) });
    assert.equal(r.status, 200, `${v}: ${r.text}`);
    assert.ok(r.headers.get("mcp-session-id"), `${v}: a session id`);
    assert.equal(JSON.parse(r.text).result.protocolVersion, v ?? "2025-11-25");
    // without a session, a 2025 request is refused as before
    const t = await request(base, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", id: 2,
      method: "tools/list" }) });
    assert.equal(t.status, 400);
    assert.match(t.text, /missing Mcp-Session-Id/);
  }
});

await check("missing or malformed _meta: 400 -32602 naming the field, with the id", async () => {
  let r = await post({ jsonrpc: "2.0", id: 20, method: "tools/list", params: {} });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, -32602);
  assert.equal(r.json.id, 20);
  r = await post({ jsonrpc: "2.0", id: 21, method: "tools/list",
    params: { _meta: { "io.modelcontextprotocol/protocolVersion": MODERN } } });
  assert.equal(r.json.error.code, -32602);
  assert.match(r.json.error.message, /clientCapabilities/);
  assert.equal(r.json.id, 21);
});

await check("headers against the body: -32020 with the id", async () => {
  const call = rpc(30, "tools/call", { name: "getSelf", arguments: {} });
  const cases = [
    [{ "MCP-Protocol-Version": MODERN }, rpc(30, "tools/list", {}, "2025-11-25"), /MCP-Protocol-Version/],
    [{ "MCP-Protocol-Version": null }, rpc(30, "tools/list"), /MCP-Protocol-Version header is missing/],
    [{ "Mcp-Method": null }, rpc(30, "tools/list"), /Mcp-Method header is missing/],
    [{ "Mcp-Method": "tools/call" }, rpc(30, "tools/list"), /Mcp-Method/],
    [{ "Mcp-Name": null }, call, /Mcp-Name header is missing/],
    [{ "Mcp-Name": "searchMistTools" }, call, /Mcp-Name/],
    [{ "Mcp-Name": "=?base64?Z2V0U2VsZg?=" }, call, /base64/],
    [{ "Mcp-Name": "=?base64?c2VhcmNoTWlzdFRvb2xz?=" }, call, /does not match/],
  ];
  for (const [headers, body, why] of cases) {
    const r = await post(body, headers);
    assert.equal(r.status, 400, `${JSON.stringify(headers)}: ${r.text}`);
    assert.equal(r.json.error.code, -32020, r.text);
    assert.equal(r.json.id, 30);
    assert.match(r.json.error.message, why);
  }
  // the base64 form of the right name, and spaces around a value, are accepted
  for (const name of ["=?base64?Z2V0U2VsZg==?=", "  getSelf\t"]) {
    const r = await post(call, { "Mcp-Name": name });
    assert.equal(r.status, 200, `${name}: ${r.text}`);
    assert.equal(r.json.result.resultType, "complete");
  }
});

await check("removed methods and initialize on the modern path: 404 -32601 with the id", async () => {
  for (const [i, m] of ["ping", "logging/setLevel", "initialize", "resources/list"].entries()) {
    const r = await post(rpc(40 + i, m));
    assert.equal(r.status, 404, `${m}: ${r.text}`);
    assert.equal(r.json.error.code, -32601);
    assert.equal(r.json.id, 40 + i);
  }
});

await check("tools/list: cacheable, the same for every request and token of one URL", async () => {
  const a = await post(rpc(50, "tools/list"));
  const b = await post(rpc(51, "tools/list"), { "X-Authorization": "token-B" });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.headers.get("mcp-session-id"), null);
  assert.ok(a.json.result.ttlMs > 0);
  assert.equal(a.json.result.cacheScope, "public");
  assert.equal(a.json.result.resultType, "complete");
  assert.deepEqual(a.json.result.tools, b.json.result.tools);
  const names = a.json.result.tools.map((t) => t.name);
  for (const n of ["searchMistTools", "describeMistTool", "callMistTool", "getSelf"]) assert.ok(names.includes(n), n);
  assert.ok(!names.includes("manageMcpTools"), "manageMcpTools left out");
  // the URL's query chooses the list, as it chooses a 2025 session's
  const c = await post(rpc(52, "tools/list"), {}, `${base}?categories=orgs_wlans`);
  assert.ok(c.json.result.tools.some((t) => t.name === "listOrgWlans"), c.text.slice(0, 300));
  assert.ok(!names.includes("listOrgWlans"));
});

const sessions = async () =>
  Number((await request(base.replace(/\/mcp$/, "/metrics"))).text.match(/^mistmcp_sessions_active (\d+)$/m)[1]);
await check("a modern Mist call uses the request's token; a session id is never issued", async () => {
  const before = await sessions();
  for (const token of ["token-A", "token-B"]) {
    const r = await post(rpc(60, "tools/call", { name: "callMistTool",
      arguments: { name: "listOrgWlans", arguments: { org_id: "o1" } } }), { "X-Authorization": token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get("mcp-session-id"), null);
    assert.equal(r.json.result.resultType, "complete");
    assert.notEqual(r.json.result.isError, true, r.text.slice(0, 400));
    const b = lastBackend();
    assert.equal(b.path, "/api/v1/orgs/o1/wlans");
    assert.equal(b.headers.Authorization, `Token ${token}`);
  }
  assert.equal(await sessions(), before, "no session kept for modern requests");
});

await check("a session id, with a 2025 version, keeps today's path", async () => {
  const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream",
    "X-Authorization": "token-A", "MCP-Protocol-Version": "2025-11-25" };
  const init = await request(base, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", id: 1,
    method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {},
      clientInfo: { name: "legacy", version: "1" } } }) });
  const sid = init.headers.get("mcp-session-id");
  const r = await request(base, { method: "POST", headers: { ...headers, "Mcp-Session-Id": sid },
    body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }) });
  const j = JSON.parse(r.text);
  assert.ok(j.result.tools.some((t) => t.name === "manageMcpTools"));
  assert.equal(j.result.resultType, undefined);
  assert.equal(j.result.ttlMs, undefined);
  const p = await request(base, { method: "POST", headers: { ...headers, "Mcp-Session-Id": sid },
    body: JSON.stringify({ jsonrpc: "2.0", id: 3, method: "ping" }) });
  assert.equal(p.status, 200, p.text);
});

await check("README's 2026-07-28 curl block runs as written", async () => {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  const at = readme.indexOf("### Two protocol eras");
  const block = at < 0 ? null : readme.slice(at).match(/```sh\n([\s\S]*?)```/);
  assert.ok(block, "README has no sh block under \"### Two protocol eras\"");
  const script = block[1].replace(/^TOKEN=.*$/m, "TOKEN=token-readme").replace(/^URL=.*$/m, `URL=${base}`);
  const r = spawnSync("sh", ["-eu"], { input: script, encoding: "utf8", timeout: 20000 });
  assert.equal(r.status, 0, `the block failed: ${r.stderr}\n${r.stdout}`);
  const answers = r.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  assert.equal(answers.length, 3, r.stdout.slice(0, 500));
  for (const a of answers) assert.equal(a.result?.resultType, "complete", JSON.stringify(a).slice(0, 300));
  assert.ok(answers[2].result.content[0].text.includes("demo@demo-networks.example"), r.stdout.slice(0, 500));
  assert.equal(lastBackend().headers.Authorization, "Token token-readme");
});

// The v2 client, pinned to the modern era: it probes with server/discover and sends _meta and
// the Mcp-* headers on every request.
const sdk = await import("@modelcontextprotocol/client").catch(() => null);
const sdkStdio = await import("@modelcontextprotocol/client/stdio").catch(() => null);
async function v2(transport) {
  const client = new sdk.Client({ name: "eras-v2", version: "1.0.0" },
    { versionNegotiation: { mode: { pin: MODERN } } });
  await client.connect(transport);
  const { tools } = await client.listTools();
  assert.ok(tools.some((t) => t.name === "searchMistTools"));
  assert.ok(!tools.some((t) => t.name === "manageMcpTools"));
  const found = await client.callTool({ name: "searchMistTools", arguments: { query: "org wlans" } });
  assert.match(found.content[0].text, /listOrgWlans/);
  const res = await client.callTool({ name: "callMistTool",
    arguments: { name: "listOrgWlans", arguments: { org_id: "o2" } } });
  assert.notEqual(res.isError, true, JSON.stringify(res).slice(0, 400));
  assert.equal(lastBackend().path, "/api/v1/orgs/o2/wlans");
  await client.close();
  return lastBackend();
}
if (!sdk || !sdkStdio) {
  console.log("skipped: @modelcontextprotocol/client is not installed (a dependency of the inspector)");
} else {
  await check("v2 client pinned to 2026-07-28 over HTTP", async () => {
    const b = await v2(new sdk.StreamableHTTPClientTransport(new URL(base),
      { requestInit: { headers: { "X-Authorization": "token-v2" } } }));
    assert.equal(b.headers.Authorization, "Token token-v2");
  });
  await check("v2 client pinned to 2026-07-28 over stdio", async () => {
    const b = await v2(new sdkStdio.StdioClientTransport({ command: mistmcp,
      args: ["--plugin-dir", pluginDir, "--mode", "minimal"],
      env: { ...env, MIST_API_TOKEN: "token-stdio", HOME: "/tmp" }, stderr: "ignore" }));
    assert.equal(b.headers.Authorization, "Token token-stdio");
  });
}

await check("the server's own categories stay loaded between modern requests", async () => {
  const own = await startHttp(mistmcp, ["--plugin-dir", pluginDir, "--mode", "custom",
    "--categories", "orgs_wlans"], env);
  const r = await post(rpc(70, "tools/list"), {}, own.base);
  assert.ok(r.json.result.tools.some((t) => t.name === "listOrgWlans"), r.text.slice(0, 300));
  // the request's own session is gone; the plugin stays mapped for the next request
  const maps = readFileSync(`/proc/${own.child.pid}/maps`, "utf8");
  assert.match(maps, /\/orgs_wlans\.so/);
  assert.equal(await stopHttp(own), "");
});

await check("a write on the 2026-07-28 HTTP path: previewed, sent only with its signed token", async () => {
  const w = await startHttp(mistmcp, ["--plugin-dir", pluginDir, "--mode", "minimal",
    "--enable-write-tools"], env);
  const posts = () => readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l))
    .filter((r) => r.method === "POST").length;
  const before = posts();
  const args = { org_id: "org-1", body: { ssid: "Eras" } };
  const call = (id, a) => post(rpc(id, "tools/call", { name: "callMistWriteTool",
    arguments: { name: "createOrgWlan", arguments: a } }), {}, w.base);
  const preview = await call(80, { ...args, dry_run: true });
  assert.equal(preview.status, 200, preview.text);
  assert.match(preview.json.result.content[0].text, /Eras/, preview.text.slice(0, 400));
  const held = await call(81, args); // no elicitation declared: token mode, a stateless token
  assert.equal(held.json.result.isError, undefined, held.text.slice(0, 400));
  assert.match(held.json.result.content[0].text, /Nothing was sent yet/);
  const token = held.json.result.structuredContent.confirmation.token;
  assert.match(token, /^mm1\./);
  assert.equal(posts(), before, "nothing reached Mist");
  const sent = await call(82, { ...args, confirm: token });
  assert.equal(sent.json.result.isError, undefined, sent.text.slice(0, 400));
  assert.equal(posts(), before + 1, "sent once, confirmed");
  assert.equal(await stopHttp(w), "");
});

const stopped = await stopHttp(server);
fake.stdin.end();
await check("the server stops cleanly", () => assert.equal(stopped, ""));
done("http_eras");
