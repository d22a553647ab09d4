// Issue 14, item 2, without a proxy: what a reverse proxy needs from mistmcp. --allow-host adds
// the names a proxy passes on in Host to the DNS-rebinding guard (by name, whatever the port,
// case-insensitive), the 403 says which option allows a refused name, --base-path serves every
// endpoint under a prefix (a 404 says where the endpoint is), bad values are refused naming them.
// tests/e2e/node/nginx_proxy.mjs puts a real nginx in front.
//
// usage: node http_proxy_options.mjs MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { checker, fetchAs, request, startFake, startHttp, stopHttp } from "./lib.mjs";

const [mistmcp, fakeMist, pluginDir, workDir] = process.argv.slice(2);
const { check, done } = checker();

const { port: fakePort } = await startFake(fakeMist, `${workDir}/proxy-options-fake-mist.jsonl`);
const env = { MISTMCP_API_BASE_URL: `http://127.0.0.1:${fakePort}` };
const init = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } });
const post = (url, host, headers = {}) => request(url, { method: "POST", body: init, headers: { Host: host,
  "X-Authorization": "t", "Content-Type": "application/json", Accept: "application/json, text/event-stream", ...headers } });

const plain = await startHttp(mistmcp, ["--plugin-dir", pluginDir], env);
const proxied = await startHttp(mistmcp, ["--plugin-dir", pluginDir, "--allow-host", "mcp.example.test",
  "--base-path", "/mist/"], env);

await check("a name a proxy passes on is refused by default, and the 403 names the option", async () => {
  const r = await post(plain.base, "mcp.example.test");
  assert.equal(r.status, 403);
  const message = JSON.parse(r.text).error.message;
  assert.match(message, /Host 'mcp\.example\.test' not allowed/);
  assert.match(message, /start mistmcp with --allow-host mcp\.example\.test/);
  assert.equal((await post(plain.base, `127.0.0.1:${plain.port}`)).status, 200);
});
await check("--allow-host: the name with any port, in any case; others still refused", async () => {
  for (const host of ["mcp.example.test", `mcp.example.test:${proxied.port}`, "MCP.Example.Test:443",
    "mcp.example.test.", `localhost:${proxied.port}`])
    assert.equal((await post(proxied.base, host)).status, 200, host);
  for (const host of ["evil.example", "mcp.example.test.evil.example", "xmcp.example.test:80"]) {
    const r = await post(proxied.base, host);
    assert.equal(r.status, 403, host);
    assert.match(JSON.parse(r.text).error.message, /--allow-host/);
  }
});
await check("--base-path: an SDK client under the prefix (initialize, tools/list, tools/call)", async () => {
  const client = new Client({ name: "prefixed", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${proxied.origin}/mist/mcp`),
    { requestInit: { headers: { "X-Authorization": "tok-prefix" } }, fetch: fetchAs({ host: "mcp.example.test" }) });
  await client.connect(transport);
  const names = (await client.listTools()).tools.map((t) => t.name);
  assert.ok(names.includes("getSelf"), names.join(","));
  const self = await client.callTool({ name: "getSelf", arguments: {} });
  assert.ok(!self.isError, JSON.stringify(self));
  await client.close();
});
await check("--base-path: /healthz, /metrics and /mcp/ under it; nothing outside it", async () => {
  const at = (path, host = "mcp.example.test") => request(`${proxied.origin}${path}`, { headers: { Host: host } });
  assert.equal((await at("/mist/healthz")).text, "ok\n");
  assert.match((await at("/mist/metrics")).text, /^mistmcp_sessions_active \d+$/m);
  assert.equal((await post(`${proxied.origin}/mist/mcp/`, "mcp.example.test")).status, 200);
  for (const path of ["/mcp", "/healthz", "/metrics", "/mist", "/mist/", "/mistx/mcp", "/mist/mcpx"]) {
    const r = await at(path);
    assert.equal(r.status, 404, path);
    assert.match(r.text, /the MCP endpoint is \/mist\/mcp/, path);
  }
});
await check("without --base-path, a kept prefix gets a 404 that names the option", async () => {
  const r = await request(`${plain.origin}/mist/mcp`, { method: "POST", body: init });
  assert.equal(r.status, 404);
  assert.match(r.text, /the MCP endpoint is \/mcp .*--base-path/);
});
await check("bad values are refused naming them, exit status 2", async () => {
  for (const [args, message] of [
    [["--allow-host", "mcp.example.test:8443"], /allowed host 'mcp\.example\.test:8443' is not valid: expected a host name or IP address without a port/],
    [["--allow-host", "https://mcp.example.test"], /allowed host 'https:\/\/mcp\.example\.test' is not valid/],
    [["--base-path", "mist"], /base path 'mist' is not valid: expected a path prefix such as \/mist/],
    [["--base-path", "/mist/../admin"], /base path '\/mist\/\.\.\/admin' is not valid/],
    [["--base-path", "/mist?x=1"], /base path '\/mist\?x=1' is not valid/],
  ]) {
    const r = spawnSync(mistmcp, ["--transport", "http", ...args], { encoding: "utf8", env: { PATH: process.env.PATH } });
    assert.equal(r.status, 2, args.join(" "));
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
});

await check("the servers stop cleanly (no sanitizer report)", async () => {
  assert.equal(await stopHttp(plain), "");
  assert.equal(await stopHttp(proxied), "");
});
done("http proxy options");
