// Issue 14, item 2: mistmcp behind a real nginx (Debian's package), as the README and the Python
// server's README set it up, driven by the MCP SDK client through the proxy: initialize,
// tools/list, tools/call, a call's progress as an event stream while it runs, list_changed on
// the session's GET stream, and the client's address (X-Forwarded-For) in the access log.
// nginx runs as a child of this script (no daemon, no master process) with its config, logs
// and temporary files under the work directory, on loopback ports; no root needed. Without
// nginx the test says "skipped: nginx not installed" and ctest reports it skipped.
//
// usage: node nginx_proxy.mjs MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR README
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { checker, fetchAs, request, startFake, startHttp, waitFor, stopHttp } from "./lib.mjs";

const [mistmcp, fakeMist, pluginDir, workDir, readme] = process.argv.slice(2);

// $NGINX names the binary (a path that does not exist: as if nginx were missing).
const nginx = (process.env.NGINX !== undefined ? [process.env.NGINX]
  : [...(process.env.PATH || "").split(":"), "/usr/sbin", "/usr/local/sbin"].map((d) => `${d}/nginx`))
  .find((p) => p.startsWith("/") && existsSync(p));
if (!nginx) {
  console.log("skipped: nginx not installed (Debian: apt-get install nginx; packaging/dev.sh test installs it)");
  process.exit(0);
}

const { check, done, tally } = checker();

// The README's nginx block and mistmcp command line, used as they are written there.
const section = readFileSync(readme, "utf8").split("### Behind nginx / HAProxy")[1];
assert.ok(section, "README has no section 'Behind nginx / HAProxy'");
const readmeBlock = section.match(/```nginx\n(location \/mist\/ \{[\s\S]*?\n\})\n```/)[1];
const readmeArgs = section.match(/```sh\nmistmcp ([\s\S]*?)\n```/)[1].replace(/\\\n/g, " ").trim().split(/\s+/);
const argValue = (name) => readmeArgs[readmeArgs.indexOf(name) + 1];
const PUBLIC = argValue("--allow-host"); // mcp.example.com
assert.equal(argValue("--base-path"), "/mist");
assert.equal(argValue("--trusted-proxy"), "127.0.0.1");

const { port: fakePort } = await startFake(fakeMist, `${workDir}/nginx-fake-mist.jsonl`);
const env = { MISTMCP_API_BASE_URL: `http://127.0.0.1:${fakePort}` };
// The README's options, but on a free port; one server without --allow-host for the refusal;
// one with the seed's set-up (no prefix).
const withoutArg = (args, name) => args.filter((a, i) => a !== name && args[i - 1] !== name);
const readmeServer = await startHttp(mistmcp,
  ["--plugin-dir", pluginDir, ...withoutArg(withoutArg(withoutArg(readmeArgs, "--transport"), "--port"), "--host")], env);
const refusing = await startHttp(mistmcp, ["--plugin-dir", pluginDir], env);
const seedServer = await startHttp(mistmcp, ["--plugin-dir", pluginDir, "--allow-host", PUBLIC,
  "--trusted-proxy", "127.0.0.1"], env);

// The Python server's README block, as it is there (TLS aside).
const seedBlock = (port) => `location /mcp/ {
        proxy_pass http://127.0.0.1:${port}/mcp/;
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;

        # WebSocket support (if needed)
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
    }`;

// The least an nginx user writes: nginx then speaks HTTP/1.0 to mistmcp and buffers answers,
// which held every event of a stream back until its end (mistmcp's X-Accel-Buffering: no
// turns that buffering off for event streams).
const minimalBlock = (port) => `location /mcp {
        proxy_pass http://127.0.0.1:${port};
        proxy_set_header Host $host;
    }`;

const freePort = () => new Promise((ok) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => ok(port)); });
});
const dir = `${workDir}/nginx`;
rmSync(dir, { recursive: true, force: true });
mkdirSync(`${dir}/tmp`, { recursive: true });
let proxy, ports;
for (let attempt = 0; attempt < 5 && !proxy; attempt++) {
  ports = { refusing: await freePort(), seed: await freePort(), readme: await freePort(), minimal: await freePort() };
  const server = (port, block) => `server {\n    listen 127.0.0.1:${port};\n    server_name ${PUBLIC};\n    ${block}\n}`;
  writeFileSync(`${dir}/nginx.conf`, `pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 256; }
http {
    access_log ${dir}/access.log;
    client_body_temp_path ${dir}/tmp/body;
    proxy_temp_path ${dir}/tmp/proxy;
    fastcgi_temp_path ${dir}/tmp/fastcgi;
    uwsgi_temp_path ${dir}/tmp/uwsgi;
    scgi_temp_path ${dir}/tmp/scgi;
${server(ports.refusing, seedBlock(refusing.port))}
${server(ports.seed, seedBlock(seedServer.port))}
${server(ports.minimal, minimalBlock(seedServer.port))}
${server(ports.readme, readmeBlock.replace("http://127.0.0.1:8000", `http://127.0.0.1:${readmeServer.port}`))}
}
`);
  const child = spawn(nginx, ["-p", `${dir}/`, "-c", `${dir}/nginx.conf`, "-e", `${dir}/error.log`,
    "-g", "daemon off; master_process off;"], { stdio: ["ignore", "inherit", "inherit"] });
  let exited = false;
  child.on("exit", () => { exited = true; });
  process.on("exit", () => child.kill("SIGKILL"));
  for (let i = 0; i < 100 && !exited; i++) {
    const up = await new Promise((ok) => {
      const s = net.connect(ports.readme, "127.0.0.1", () => { s.destroy(); ok(true); });
      s.on("error", () => ok(false));
    });
    if (up) { proxy = child; break; }
    await new Promise((ok) => setTimeout(ok, 50));
  }
  if (!proxy) {
    child.kill("SIGKILL");
    const log = existsSync(`${dir}/error.log`) ? readFileSync(`${dir}/error.log`, "utf8") : "";
    if (!/Address already in use/.test(log)) throw new Error(`nginx did not start:\n${log}`);
  }
}
assert.ok(proxy, "nginx did not start (ports taken)");

// The SDK client as a user elsewhere reaches the proxy: by its public name (Host), and from an
// address other than the proxy's own (127.0.0.2), so that the log can tell them apart.
async function connect(url, token) {
  const client = new Client({ name: "behind-nginx", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { "X-Authorization": token } },
    fetch: fetchAs({ host: PUBLIC, localAddress: "127.0.0.2" }) });
  await client.connect(transport);
  return { client, transport };
}

// initialize, tools/list, tools/call; a call's progress while it runs; list_changed on the GET stream.
async function fullSession(url, token) {
  const { client, transport } = await connect(url, token);
  assert.equal(transport.sessionId.length, 32);
  const names = (await client.listTools()).tools.map((t) => t.name);
  assert.ok(names.includes("getSelf") && names.includes("callMistTool"), names.join(","));
  const self = await client.callTool({ name: "getSelf", arguments: {} });
  assert.ok(!self.isError, JSON.stringify(self));

  const start = Date.now(), progress = [];
  const slow = await client.callTool({ name: "callMistTool",
    arguments: { name: "listOrgWlans", arguments: { org_id: "slow-800" }, enable_category: true } },
  undefined, { onprogress: (p) => progress.push({ at: Date.now() - start, ...p }) });
  const done = Date.now() - start;
  assert.ok(!slow.isError, JSON.stringify(slow));
  assert.equal(slow.structuredContent.path, "/api/v1/orgs/slow-800/wlans");
  assert.ok(progress.length >= 1, "no progress reached the client");
  assert.ok(progress[0].at < 500 && done - progress[0].at >= 500,
    `the first progress came at ${progress[0].at} ms, the answer at ${done} ms: held back by the proxy`);

  let changed = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => { changed++; });
  await client.callTool({ name: "manageMcpTools", arguments: { enable_mcp_tools_categories: ["sites_wlans"] } });
  for (let i = 0; i < 100 && changed === 0; i++) await new Promise((ok) => setTimeout(ok, 20));
  assert.ok(changed >= 1, "list_changed did not come through the proxy");
  assert.ok((await client.listTools()).tools.some((t) => t.name === "listSiteWlans"));
  await transport.terminateSession();
  await client.close();
}

await check("the seed's nginx set-up without --allow-host: 403 naming the option", async () => {
  const r = await request(`http://127.0.0.1:${ports.refusing}/mcp/`, { method: "POST", headers: { Host: PUBLIC,
    "X-Authorization": "t", "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
  body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } }) });
  assert.equal(r.status, 403);
  assert.match(JSON.parse(r.text).error.message, new RegExp(`--allow-host ${PUBLIC.replace(/\./g, "\\.")}`));
});
await check("the seed's nginx set-up with --allow-host: a whole SDK session through it", async () => {
  await fullSession(`http://127.0.0.1:${ports.seed}/mcp/`, "tok-seed");
});
await check("a block with only proxy_pass (HTTP/1.0, buffering on): events still pass as they happen", async () => {
  await fullSession(`http://127.0.0.1:${ports.minimal}/mcp`, "tok-minimal");
});
await check("the README's nginx block with --base-path: a whole SDK session under /mist/", async () => {
  await fullSession(`http://127.0.0.1:${ports.readme}/mist/mcp`, "tok-readme");
});
await check("the README's block: /mist/healthz and /mist/metrics through the proxy", async () => {
  const get = (path) => request(`http://127.0.0.1:${ports.readme}${path}`, { localAddress: "127.0.0.2",
    headers: { Host: PUBLIC } });
  assert.equal((await get("/mist/healthz")).text, "ok\n");
  assert.match((await get("/mist/metrics")).text, /^mistmcp_tool_calls_total\{category="builtin",outcome="ok"\} \d+$/m);
});
await check("the access log names the client behind nginx, not nginx nor what the client wrote", async () => {
  await request(`http://127.0.0.1:${ports.readme}/mist/healthz`, { localAddress: "127.0.0.3",
    headers: { Host: PUBLIC, "X-Forwarded-For": "198.51.100.9" } });
  const log = () => readmeServer.stderr();
  await waitFor(log, (t) => t.includes("addr=127.0.0.3 "), "the line of 127.0.0.3");
  assert.match(log(), /addr=127\.0\.0\.3 via=127\.0\.0\.1 method=GET path=\/mist\/healthz status=200 /);
  assert.match(log(), /addr=127\.0\.0\.2 via=127\.0\.0\.1 method=POST path=\/mist\/mcp status=200 .* rpc=tools\/call tool=getSelf/);
  assert.doesNotMatch(log(), /addr=198\.51\.100\.9/);
  assert.doesNotMatch(log(), /addr=127\.0\.0\.1 /, `a request logged with the proxy as its client:\n${log()}`);
});

proxy.kill("SIGTERM");
await check("the servers stop cleanly (no sanitizer report)", async () => {
  for (const s of [readmeServer, refusing, seedServer]) assert.equal(await stopHttp(s), "");
});
if (tally.failed) console.error(`nginx error log:\n${readFileSync(`${dir}/error.log`, "utf8").slice(-3000)}`);
done("behind nginx");
