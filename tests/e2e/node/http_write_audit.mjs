// Issue 16 over Streamable HTTP with the official MCP TypeScript SDK client: 8 sessions, each
// with its own Mist token, make 100 writes each at the same time, every one previewed and then
// confirmed with its one-time token. Checked: the fake backend gets exactly the 800 writes;
// the audit log holds 2,400 whole JSON lines (preview, accepted, sent for each write) with each
// session's own id, client and outcomes, and no confirmation token, PSK or Mist token; one
// session's token is refused in another and sends nothing; /metrics counts the writes by
// outcome; SIGHUP makes the next line start a new file (log rotation).
//
// usage: node http_write_audit.mjs MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import assert from "node:assert/strict";
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { checker, request, startFake, startHttp, stopHttp } from "./lib.mjs";

const [mistmcp, fakeMist, pluginDir, workDir] = process.argv.slice(2);
const { check, done } = checker();
const SESSIONS = 8, WRITES = 100, PSK = "psk-never-in-the-log";

const fakeLog = `${workDir}/write-audit-fake-mist.jsonl`;
const audit = `${workDir}/write-audit.log`;
rmSync(audit, { force: true });
rmSync(`${audit}.1`, { force: true });
const { port: fakePort } = await startFake(fakeMist, fakeLog);
const server = await startHttp(mistmcp, ["--plugin-dir", pluginDir, "--enable-write-tools",
  "--audit-log", audit], { MISTMCP_API_BASE_URL: `http://127.0.0.1:${fakePort}` });

const posts = () => readFileSync(fakeLog, "utf8").trim().split("\n").filter(Boolean)
  .map((l) => JSON.parse(l)).filter((r) => r.method === "POST");
const lines = (path) => existsSync(path)
  ? readFileSync(path, "utf8").split("\n").filter(Boolean) : [];

async function connect(i) {
  const client = new Client({ name: `auditor-${i}`, version: "2.1" });
  await client.connect(new StreamableHTTPClientTransport(
    new URL(`${server.base}?mode=custom&categories=orgs_wlans`),
    { requestInit: { headers: { "X-Authorization": `mist-token-${i}` } } }));
  return client;
}
const clients = await Promise.all([...Array(SESSIONS).keys()].map(connect));
const tokens = [];

await check(`${SESSIONS} sessions x ${WRITES} writes at once: each previewed, then confirmed`, async () => {
  await Promise.all(clients.map(async (client, i) => {
    for (let k = 0; k < WRITES; k++) {
      const args = { org_id: `org-${i}`, body: { ssid: `s${i}-${k}`, auth: { type: "psk", psk: PSK } } };
      const preview = await client.callTool({ name: "createOrgWlan", arguments: args });
      assert.equal(preview.isError, undefined, JSON.stringify(preview));
      assert.ok(!JSON.stringify(preview).includes(PSK), "the PSK in a preview");
      const token = preview.structuredContent.confirmation.token;
      tokens.push(token);
      const sent = await client.callTool({ name: "createOrgWlan", arguments: { ...args, confirm: token } });
      assert.equal(sent.isError, undefined, JSON.stringify(sent));
    }
  }));
  const got = posts();
  assert.equal(got.length, SESSIONS * WRITES);
  for (let i = 0; i < SESSIONS; i++)
    assert.equal(got.filter((r) => r.path === `/api/v1/orgs/org-${i}/wlans`).length, WRITES);
  assert.ok(got.every((r) => JSON.parse(r.body).auth.psk === PSK), "Mist gets the PSK as given");
});

await check("the audit log: 3 whole lines a write, each session's own, nothing secret", async () => {
  const text = readFileSync(audit, "utf8");
  const all = lines(audit).map((l) => JSON.parse(l)); // throws on a torn or interleaved line
  assert.equal(all.length, SESSIONS * WRITES * 3);
  for (const t of tokens) assert.ok(!text.includes(t), "a confirmation token in the audit log");
  assert.ok(!text.includes(PSK) && !text.includes("mist-token-"), "a secret in the audit log");
  const sessions = new Set(all.map((l) => l.session));
  assert.equal(sessions.size, SESSIONS);
  for (const id of sessions) {
    const mine = all.filter((l) => l.session === id);
    const count = (o) => mine.filter((l) => l.outcome === o).length;
    assert.deepEqual([count("preview"), count("accepted"), count("sent")], [WRITES, WRITES, WRITES]);
    assert.equal(new Set(mine.map((l) => l.client.name)).size, 1);
    assert.equal(new Set(mine.map((l) => l.token_fingerprint)).size, 1);
    // each sent line follows its accepted line, linked by the confirmation id
    const accepted = new Set(mine.filter((l) => l.outcome === "accepted").map((l) => l.confirmation_id));
    assert.ok(mine.filter((l) => l.outcome === "sent").every((l) => accepted.has(l.confirmation_id)));
  }
  const sent = all.find((l) => l.outcome === "sent");
  assert.match(sent.client.name, /^auditor-\d$/);
  assert.equal(sent.client.version, "2.1");
  assert.equal(sent.method, "POST");
  assert.equal(sent.mist_status, 200);
  assert.match(sent.mist_request_id, /^fake-\d+$/);
  assert.match(sent.body_sha256, /^[0-9a-f]{64}$/);
  assert.equal(sent.body.auth.psk, "********");
  assert.equal(sent.confirmation, "token");
  assert.match(sent.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
});

await check("one session's token is refused in another, and nothing is sent", async () => {
  const before = posts().length;
  const args = { org_id: "org-0", body: { ssid: "cross" } };
  const preview = await clients[0].callTool({ name: "createOrgWlan", arguments: args });
  const token = preview.structuredContent.confirmation.token;
  const r = await clients[1].callTool({ name: "createOrgWlan", arguments: { ...args, confirm: token } });
  assert.equal(r.isError, true);
  assert.match(r.content[0].text, /^Nothing was sent: the confirmation token is not valid in this session/);
  assert.equal(posts().length, before);
});

await check("/metrics counts the writes by outcome", async () => {
  const { status, text } = await request(`${server.origin}/metrics`);
  assert.equal(status, 200);
  const n = (o) => Number((text.match(new RegExp(`^mistmcp_writes_total\\{outcome="${o}"\\} (\\d+)$`, "m")) || [])[1]);
  assert.equal(n("sent"), SESSIONS * WRITES);
  assert.equal(n("accepted"), SESSIONS * WRITES);
  assert.equal(n("preview"), SESSIONS * WRITES + 1);
  assert.equal(n("refused"), 1);
  assert.equal(n("audit-failed"), 0);
});

await check("SIGHUP: the next line starts a new file at the path", async () => {
  renameSync(audit, `${audit}.1`);
  server.child.kill("SIGHUP");
  await new Promise((ok) => setTimeout(ok, 100));
  const r = await clients[2].callTool({ name: "deleteOrgWlan",
    arguments: { org_id: "org-2", wlan_id: "w-1", dry_run: true } });
  assert.match(r.content[0].text, /^Dry run: nothing was sent\./);
  const fresh = lines(audit).map((l) => JSON.parse(l));
  assert.equal(fresh.length, 1);
  assert.equal(fresh[0].outcome, "dry-run");
  assert.equal(lines(`${audit}.1`).length, SESSIONS * WRITES * 3 + 2);
});

for (const c of clients) await c.close();
await check("the server stops cleanly", async () => assert.equal(await stopHttp(server), ""));
done("http_write_audit");
