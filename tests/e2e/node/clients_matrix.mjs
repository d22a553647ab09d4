// Three official clients, each over stdio and HTTP (issue 18): the v1 client
// (@modelcontextprotocol/sdk, 2025 sessions), the v2 client (@modelcontextprotocol/client) in
// `auto` mode (it probes with server/discover and takes the 2026-07-28 era mistmcp offers) and
// the v2 client pinned to 2026-07-28. Each lists tools, searches, calls a Mist tool through the
// fake backend with its own token, gets progress from a slow call, and cancels another slow
// call (over HTTP the server's metrics show the Mist transfer aborted, long before the backend
// would have answered). Then the three at once on one HTTP server, repeatedly: each sees only
// its own answers and Mist sees each one's token.
//
// usage: node clients_matrix.mjs MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { checker, request, startFake, startHttp, stopHttp } from "./lib.mjs";

const [mistmcp, fakeMist, pluginDir, workDir] = process.argv.slice(2);
const { check, done } = checker();
const log = `${workDir}/clients-matrix-fake-mist.jsonl`;
const { child: fake, port: fakePort } = await startFake(fakeMist, log);
const backend = () => readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
const env = { PATH: process.env.PATH, HOME: "/tmp", MISTMCP_API_BASE_URL: `http://127.0.0.1:${fakePort}` };
const args = ["--plugin-dir", pluginDir, "--mode", "managed", "--no-access-log"];
const server = await startHttp(mistmcp, args, env);
const metricsUrl = server.base.replace(/\/mcp$/, "/metrics");

const v2 = await import("@modelcontextprotocol/client").catch(() => null);
const v2stdio = await import("@modelcontextprotocol/client/stdio").catch(() => null);

// name -> (transport, token) -> a connected client, and the era it should be in
const kinds = {
  v1: { era: "2025", make: () => new Client({ name: "matrix-v1", version: "1.0.0" }) },
  "v2-auto": { era: "2026-07-28", make: () => new v2.Client({ name: "matrix-v2-auto", version: "1.0.0" },
    { versionNegotiation: { mode: "auto" } }) },
  "v2-pinned": { era: "2026-07-28", make: () => new v2.Client({ name: "matrix-v2-pin", version: "1.0.0" },
    { versionNegotiation: { mode: { pin: "2026-07-28" } } }) },
};
function transportFor(kind, over, token) {
  const v1 = kind === "v1";
  if (over === "stdio") {
    const Stdio = v1 ? StdioClientTransport : v2stdio.StdioClientTransport;
    return new Stdio({ command: mistmcp, args, env: { ...env, MIST_API_TOKEN: token }, stderr: "ignore" });
  }
  const Http = v1 ? StreamableHTTPClientTransport : v2.StreamableHTTPClientTransport;
  return new Http(new URL(server.base), { requestInit: { headers: { "X-Authorization": token } } });
}
// A connected client; wire is every message the server sent it, in order (read at the
// transport, before the SDK dispatches it).
async function connect(kind, over, token) {
  const client = kinds[kind].make();
  const transport = transportFor(kind, over, token);
  await client.connect(transport);
  const wire = [];
  const dispatch = transport.onmessage;
  transport.onmessage = (message, extra) => { wire.push(message); dispatch(message, extra); };
  client.wire = wire;
  return client;
}
// v1 takes (params, resultSchema, options), v2 (params, options)
const call = (kind, client, params, options) =>
  kind === "v1" ? client.callTool(params, undefined, options) : client.callTool(params, options);
// callMistTool reaches listOrgWlans in managed mode (a 2025 session enables its category on
// the way; a 2026-07-28 request runs it without enabling anything)
const wlans = (org) => ({ name: "callMistTool", arguments: { name: "listOrgWlans", arguments: { org_id: org },
  enable_category: true } });
const abortedTransfers = async () => {
  const m = (await request(metricsUrl)).text.match(/^mistmcp_mist_requests_total\{status="0"\} (\d+)$/m);
  return m ? Number(m[1]) : 0;
};

async function oneClient(kind, over) {
  const token = `token-${kind}-${over}`;
  const client = await connect(kind, over, token);
  const label = `${kind} over ${over}`;
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  assert.ok(names.includes("searchMistTools") && names.includes("callMistTool"), label);
  // the era decides whether manageMcpTools is offered: it is what 2026-07-28 removes
  assert.equal(names.includes("manageMcpTools"), kinds[kind].era === "2025", `${label}: era ${kinds[kind].era}`);
  const found = await client.callTool({ name: "searchMistTools", arguments: { query: "org wlans" } });
  assert.match(found.content[0].text, /listOrgWlans/, label);

  const org = `${kind}-${over}`;
  const res = await call(kind, client, wlans(org));
  assert.notEqual(res.isError, true, `${label}: ${JSON.stringify(res).slice(0, 300)}`);
  const seen = backend().filter((b) => b.path === `/api/v1/orgs/${org}/wlans`);
  assert.equal(seen.length, 1, label);
  assert.equal(seen[0].headers.Authorization, `Token ${token}`, label);

  // progress on a slow call: 0 before Mist answers, then 1, both before the answer
  const progress = [];
  const from = client.wire.length;
  const slow = await call(kind, client, wlans("slow-600"), { onprogress: (p) => progress.push(p.progress) });
  assert.notEqual(slow.isError, true, label);
  const order = client.wire.slice(from).map((m) => m.method === "notifications/progress"
    ? `progress ${m.params.progress}` : m.result ? "answer" : m.method ?? "error");
  assert.deepEqual(order.filter((o) => o !== "notifications/message"), ["progress 0", "progress 1", "answer"],
    `${label}: on the wire`);
  // the SDK's callback: both SDKs (v1 1.32, v2 2.4.0) drop a progress notification that
  // arrives in the same read as the answer (they dispatch notifications a tick later, after
  // the answer removed the handler), so over stdio a client may see only the first; over HTTP
  // the event stream delivers them apart and the client sees both
  if (over === "http") assert.deepEqual(progress, [0, 1], `${label}: the SDK saw all progress`);
  else assert.deepEqual(progress.slice(0, 1), [0], `${label}: the SDK saw progress`);
  // cancel a call whose answer would take 5 s
  const before = over === "http" ? await abortedTransfers() : 0;
  const ac = new AbortController();
  const t0 = Date.now();
  const pending = call(kind, client, wlans("slow-5000"), { signal: ac.signal });
  setTimeout(() => ac.abort("the user stopped it"), 300);
  await assert.rejects(pending, undefined, `${label}: the cancelled call rejects`);
  assert.ok(Date.now() - t0 < 2000, `${label}: rejected after ${Date.now() - t0} ms`);
  if (over === "http") {
    let after = before;
    for (let i = 0; i < 40 && after === before; i++) {
      await new Promise((ok) => setTimeout(ok, 50));
      after = await abortedTransfers();
    }
    assert.ok(after > before, `${label}: the Mist transfer was not aborted within 2 s of the cancel`);
    assert.ok(Date.now() - t0 < 4000, `${label}: aborted after ${Date.now() - t0} ms`);
  }
  const again = await call(kind, client, wlans(`${org}-after`));
  assert.notEqual(again.isError, true, `${label}: a call after the cancel`);
  await client.close();
}

const present = (kind) => kind === "v1" || (v2 && v2stdio);
for (const kind of Object.keys(kinds)) {
  for (const over of ["stdio", "http"]) {
    if (!present(kind)) {
      console.log(`skipped: ${kind} over ${over}: @modelcontextprotocol/client is not installed`);
      continue;
    }
    await check(`${kind} over ${over}: tools, search, a Mist call, progress, cancel`, () => oneClient(kind, over));
  }
}

await check("the three clients at once on one HTTP server never disturb each other", async () => {
  const which = Object.keys(kinds).filter(present);
  const clients = await Promise.all(which.map((k) => connect(k, "http", `token-together-${k}`)));
  await Promise.all(clients.map(async (client, i) => {
    for (let round = 0; round < 10; round++) {
      const org = `together-${which[i]}-${round}`;
      const res = await call(which[i], client, wlans(org));
      assert.notEqual(res.isError, true, `${which[i]} round ${round}`);
      assert.equal(res.structuredContent?.path ?? JSON.parse(res.content[0].text).path,
        `/api/v1/orgs/${org}/wlans`, `${which[i]} got its own answer`);
    }
  }));
  for (const k of which)
    for (let round = 0; round < 10; round++) {
      const hit = backend().filter((b) => b.path === `/api/v1/orgs/together-${k}-${round}/wlans`);
      assert.equal(hit.length, 1, `${k} round ${round}`);
      assert.equal(hit[0].headers.Authorization, `Token token-together-${k}`);
    }
  await Promise.all(clients.map((c) => c.close()));
});

await check("the server stops cleanly", async () => assert.equal(await stopHttp(server), ""));
fake.kill();
done("clients_matrix");
