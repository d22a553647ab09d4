// Issue 16, elicit mode, with the official MCP TypeScript SDK client and its elicitation
// handler: a client that declares elicitation is asked before each write (elicitation/create,
// form mode) with the preview, and only an accept sends it. Checked, over stdio and over HTTP:
//   - accept: the fake backend gets exactly one PUT with the body; decline and cancel: it gets
//     nothing, and the model is told the user declined or dismissed it;
//   - the elicitation's message carries the diff: the changed fields only, secrets masked;
//   - a confirm token is no way around the user; dry_run asks nobody and sends nothing;
//   - a client without the capability gets token mode (the default), and with
//     --write-confirmation elicit its writes are refused;
//   - HTTP: the elicitation comes on the tools/call POST's own event stream (a raw client
//     reads it there and answers with a POST); two SDK sessions confirm independently;
//   - the audit log has accepted/sent, declined and cancelled lines in mode elicit.
//
// usage: node write_elicit.mjs MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { checker, eventReader, startFake, startHttp, stopHttp } from "./lib.mjs";

const [mistmcp, fakeMist, pluginDir, workDir] = process.argv.slice(2);
const { check, done } = checker();
const PSK = "elicit-psk-secret";
const fakeLog = `${workDir}/elicit-fake-mist.jsonl`;
const audit = `${workDir}/elicit-audit.log`;
rmSync(audit, { force: true });
const { port: fakePort } = await startFake(fakeMist, fakeLog);
const env = { PATH: process.env.PATH, HOME: "/tmp", MIST_API_TOKEN: "elicit-mist-token",
  MISTMCP_API_BASE_URL: `http://127.0.0.1:${fakePort}` };
const writes = () => readFileSync(fakeLog, "utf8").trim().split("\n").filter(Boolean)
  .map((l) => JSON.parse(l)).filter((r) => r.method !== "GET");

// A client whose elicitation handler answers from `answers` (one per elicitation, in order)
// and keeps what it was asked in `asked`.
function withElicitation(name, answers, asked) {
  const client = new Client({ name, version: "1.0" }, { capabilities: { elicitation: {} } });
  client.setRequestHandler(ElicitRequestSchema, async (req) => {
    asked.push(req.params);
    const action = answers.shift();
    return action === "accept" ? { action, content: {} } : { action };
  });
  return client;
}
async function stdio(args, client) {
  await client.connect(new StdioClientTransport({ command: mistmcp,
    args: ["--plugin-dir", pluginDir, "--categories", "orgs_wlans", "--enable-write-tools", ...args],
    env, stderr: "ignore" }));
  return client;
}
const update = (ssid) => ({ org_id: "org-e", wlan_id: "wlan-e",
  body: { ssid, auth: { type: "psk", psk: PSK } } });

await check("stdio: accept sends one PUT; decline and cancel send nothing", async () => {
  const answers = ["accept", "decline", "cancel"], asked = [];
  const client = await stdio(["--audit-log", audit], withElicitation("elicitor", answers, asked));
  const before = writes().length;
  let r = await client.callTool({ name: "updateOrgWlan", arguments: update("Lab") });
  assert.equal(r.isError, undefined, JSON.stringify(r));
  assert.match(r.content[0].text, /"method":"PUT"/);
  const after = writes();
  assert.equal(after.length, before + 1);
  assert.equal(after.at(-1).path, "/api/v1/orgs/org-e/wlans/wlan-e");
  assert.deepEqual(JSON.parse(after.at(-1).body), update("Lab").body);
  // the question: form mode, the preview with the changed fields only, the secret masked
  assert.equal(asked.length, 1);
  assert.equal(asked[0].mode, "form");
  assert.deepEqual(asked[0].requestedSchema, { type: "object", properties: {} });
  const m = asked[0].message;
  assert.match(m, /PUT \/api\/v1\/orgs\/org-e\/wlans\/wlan-e \(tool updateOrgWlan\): update/);
  assert.match(m, /Fields that change[^\n]*\n  ssid: \(absent\) -> "Lab"\n  auth: \(absent\) -> \{"type":"psk","psk":"\*\*\*\*\*\*\*\*"\}\n$/);
  assert.ok(!m.includes(PSK) && !/ query:| method:/.test(m), m); // unchanged fields are not listed

  r = await client.callTool({ name: "updateOrgWlan", arguments: update("Declined") });
  assert.equal(r.isError, undefined);
  assert.match(r.content[0].text, /^The user declined this write: nothing was sent to Mist\./);
  assert.equal(r.structuredContent.outcome, "declined");
  r = await client.callTool({ name: "updateOrgWlan", arguments: update("Cancelled") });
  assert.match(r.content[0].text, /^The user dismissed the confirmation without deciding: nothing was sent/);
  assert.equal(r.structuredContent.outcome, "cancelled");
  assert.equal(writes().length, before + 1);
  assert.equal(asked.length, 3);

  // a confirm token does not go around the user; dry_run asks nobody
  answers.push("decline");
  r = await client.callTool({ name: "updateOrgWlan",
    arguments: { ...update("Sneaky"), confirm: "mmc_" + "0".repeat(48) } });
  assert.match(r.content[0].text, /^The user declined/);
  assert.equal(asked.length, 4);
  r = await client.callTool({ name: "deleteOrgWlan", arguments: { org_id: "org-e", wlan_id: "wlan-e", dry_run: true } });
  assert.match(r.content[0].text, /^Dry run: nothing was sent\.\nDELETE /);
  assert.equal(asked.length, 4);
  assert.equal(writes().length, before + 1);
  await client.close();

  const lines = readFileSync(audit, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.outcome), ["accepted", "sent", "declined", "cancelled", "declined", "dry-run"]);
  assert.ok(lines.slice(0, 5).every((l) => l.confirmation === "elicit" && l.client.name === "elicitor"));
  assert.ok(!readFileSync(audit, "utf8").includes(PSK));
});

await check("stdio: a client that cannot elicit gets token mode; elicit required refuses it", async () => {
  let client = new Client({ name: "plain", version: "1.0" });
  await stdio([], client);
  const before = writes().length;
  let r = await client.callTool({ name: "updateOrgWlan", arguments: update("T") });
  assert.match(r.content[0].text, /^Nothing was sent yet\./);
  assert.match(r.structuredContent.confirmation.token, /^mmc_[0-9a-f]{48}$/);
  await client.close();
  client = new Client({ name: "plain", version: "1.0" });
  await stdio(["--write-confirmation", "elicit"], client);
  r = await client.callTool({ name: "updateOrgWlan", arguments: update("T") });
  assert.equal(r.isError, true);
  assert.match(r.content[0].text, /not sent: this server asks the user before every write \(--write-confirmation elicit\), and this client did not declare the elicitation capability/);
  await client.close();
  assert.equal(writes().length, before);
});

await check("stdio: --write-confirmation token wins over the client's elicitation", async () => {
  const asked = [];
  const client = await stdio(["--write-confirmation", "token"], withElicitation("e", [], asked));
  const r = await client.callTool({ name: "updateOrgWlan", arguments: update("T") });
  assert.match(r.content[0].text, /^Nothing was sent yet\./);
  assert.equal(asked.length, 0);
  await client.close();
});

const server = await startHttp(mistmcp, ["--plugin-dir", pluginDir, "--enable-write-tools"],
  { MISTMCP_API_BASE_URL: `http://127.0.0.1:${fakePort}` });

await check("HTTP: the elicitation comes on the tools/call POST's own stream", async () => {
  const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream",
    "X-Authorization": "raw-token", "MCP-Protocol-Version": "2025-11-25" };
  const post = (body, sid) => fetch(server.base, { method: "POST",
    headers: sid ? { ...headers, "Mcp-Session-Id": sid } : headers, body: JSON.stringify(body) });
  let res = await post({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25",
    capabilities: { elicitation: { form: {} } }, clientInfo: { name: "raw", version: "1" } } });
  const sid = res.headers.get("mcp-session-id");
  await res.text();
  await (await post({ jsonrpc: "2.0", method: "notifications/initialized" }, sid)).text();
  const before = writes().length;
  res = await post({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "callMistWriteTool",
    arguments: { name: "updateOrgWlan", enable_category: true, arguments: update("Raw") } } }, sid);
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  const { next, reader } = eventReader(res); // the JSON-RPC messages of this POST's stream
  let msg;
  do msg = await next(); while (msg.method !== "elicitation/create");
  assert.match(msg.id, /^mm-\d+$/);
  assert.match(msg.params.message, /PUT \/api\/v1\/orgs\/org-e\/wlans\/wlan-e/);
  assert.equal(writes().length, before, "nothing before the answer");
  const reply = await post({ jsonrpc: "2.0", id: msg.id, result: { action: "accept", content: {} } }, sid);
  assert.equal(reply.status, 202);
  do msg = await next(); while (msg.id !== 2);
  assert.equal(msg.result.isError, undefined, JSON.stringify(msg));
  assert.equal(writes().length, before + 1);
  reader.cancel().catch(() => {});
});

await check("HTTP: two SDK sessions confirm independently, at the same time", async () => {
  const askedA = [], askedB = [];
  const a = withElicitation("a", ["accept"], askedA), b = withElicitation("b", ["decline"], askedB);
  const connect = (client, token) => client.connect(new StreamableHTTPClientTransport(
    new URL(`${server.base}?mode=custom&categories=orgs_wlans`),
    { requestInit: { headers: { "X-Authorization": token } } }));
  await connect(a, "token-a");
  await connect(b, "token-b");
  const before = writes().length;
  const [ra, rb] = await Promise.all([
    a.callTool({ name: "updateOrgWlan", arguments: { ...update("A"), org_id: "org-a" } }),
    b.callTool({ name: "updateOrgWlan", arguments: { ...update("B"), org_id: "org-b" } })]);
  assert.match(ra.content[0].text, /"method":"PUT"/);
  assert.match(rb.content[0].text, /^The user declined/);
  assert.equal(askedA.length, 1);
  assert.equal(askedB.length, 1);
  assert.match(askedA[0].message, /org-a/);
  assert.match(askedB[0].message, /org-b/);
  const got = writes().slice(before);
  assert.equal(got.length, 1);
  assert.equal(got[0].path, "/api/v1/orgs/org-a/wlans/wlan-e");
  await a.close();
  await b.close();
});

await check("the HTTP server stops cleanly", async () => assert.equal(await stopHttp(server), ""));
done("write_elicit");
