// Issue 18, item 4: a write from a 2026-07-28 client that declared elicitation is confirmed
// with a multi round-trip request (basic/patterns/mrtr): the call answers input_required with
// the preview as an elicitation/create request and a signed requestState; only the retry that
// carries that state and "accept" reaches Mist. Checked over HTTP (stateless) and stdio, with
// the fake Mist backend counting writes:
//   - the first call sends nothing; accept sends exactly one PUT with the body;
//   - decline sends nothing; an "accept" without the state is asked again, sends nothing;
//   - a reused, tampered, other-arguments, other-tool or other-token state is refused
//     (-32602) and sends nothing;
//   - a replica with the same --request-state-key-file accepts the state, one with its own
//     random key refuses it;
//   - a client without elicitation never gets an input request; under --write-confirmation
//     elicit its write ends with MissingRequiredClientCapabilityError (-32021, HTTP 400);
//   - the audit log has the preview and the accepted/sent lines in mode elicit.
//
// usage: node mrtr_writes.mjs MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { checker, startFake, startHttp, stopHttp } from "./lib.mjs";

const [mistmcp, fakeMist, pluginDir, workDir] = process.argv.slice(2);
const { check, done } = checker();
const V = "2026-07-28";
const fakeLog = `${workDir}/mrtr-fake-mist.jsonl`;
const audit = `${workDir}/mrtr-audit.log`;
const keyFile = `${workDir}/mrtr-state.key`;
rmSync(audit, { force: true });
writeFileSync(keyFile, "a shared secret of replicas, at least 32 bytes long\n");
const { port: fakePort } = await startFake(fakeMist, fakeLog);
const env = { MIST_API_TOKEN: "mrtr-token", MISTMCP_API_BASE_URL: `http://127.0.0.1:${fakePort}` };
const writes = () => readFileSync(fakeLog, "utf8").trim().split("\n").filter(Boolean)
  .map((l) => JSON.parse(l)).filter((r) => r.method !== "GET");
const args = ["--plugin-dir", pluginDir, "--categories", "orgs_wlans", "--enable-write-tools"];
const ELICIT = { elicitation: {} };
const update = (ssid) => ({ org_id: "org-m", wlan_id: "wlan-m", body: { ssid } });
const meta = (caps) => ({ "io.modelcontextprotocol/protocolVersion": V,
  "io.modelcontextprotocol/clientCapabilities": caps,
  "io.modelcontextprotocol/clientInfo": { name: "mrtr-test", version: "1" } });
let nextId = 1;
const callMsg = (name, a, caps, extra = {}) => ({ jsonrpc: "2.0", id: nextId++, method: "tools/call",
  params: { name, arguments: a, _meta: meta(caps), ...extra } });

// One modern POST; resolves to the JSON-RPC response (plain JSON or the last SSE message).
async function post(base, msg, token = "mrtr-token") {
  const r = await fetch(base, { method: "POST", body: JSON.stringify(msg), headers: {
    "Content-Type": "application/json", Accept: "application/json, text/event-stream",
    "MCP-Protocol-Version": V, "Mcp-Method": msg.method, "Mcp-Name": msg.params.name,
    "X-Authorization": token } });
  const text = await r.text();
  if (!(r.headers.get("content-type") ?? "").includes("event-stream")) return JSON.parse(text);
  const msgs = text.split("\n").filter((l) => l.startsWith("data:")).map((l) => JSON.parse(l.slice(5)));
  return msgs.find((m) => m.id === msg.id);
}

// The whole exchange on one transport (send: message -> response).
async function exchange(label, send) {
  await check(`${label}: input_required, then accept sends one PUT`, async () => {
    const before = writes().length;
    const first = await send(callMsg("updateOrgWlan", update("Lab"), ELICIT));
    const r = first.result;
    assert.equal(r?.resultType, "input_required", JSON.stringify(first));
    const q = r.inputRequests.confirm_write;
    assert.equal(q.method, "elicitation/create");
    assert.equal(q.params.mode, "form");
    assert.match(q.params.message, /PUT \/api\/v1\/orgs\/org-m\/wlans\/wlan-m \(tool updateOrgWlan\)/);
    assert.match(q.params.message, /ssid: \(absent\) -> "Lab"/);
    assert.equal(typeof r.requestState, "string");
    assert.equal(writes().length, before, "nothing before the answer");
    const ok = await send(callMsg("updateOrgWlan", update("Lab"), ELICIT,
      { inputResponses: { confirm_write: { action: "accept", content: {} } }, requestState: r.requestState }));
    assert.equal(ok.result?.resultType, "complete", JSON.stringify(ok));
    assert.equal(ok.result.isError, undefined, JSON.stringify(ok));
    const after = writes();
    assert.equal(after.length, before + 1);
    assert.equal(after.at(-1).method, "PUT");
    assert.deepEqual(JSON.parse(after.at(-1).body), { ssid: "Lab" });
    // the same state again: used
    const again = await send(callMsg("updateOrgWlan", update("Lab"), ELICIT,
      { inputResponses: { confirm_write: { action: "accept" } }, requestState: r.requestState }));
    assert.equal(again.error?.code, -32602, JSON.stringify(again));
    assert.match(again.error.message, /already used/);
    assert.equal(writes().length, before + 1);
  });
  await check(`${label}: tampered, other arguments, other tool: refused, nothing sent`, async () => {
    const before = writes().length;
    const { result: r } = await send(callMsg("updateOrgWlan", update("T"), ELICIT));
    const accept = (a, state, name = "updateOrgWlan") => send(callMsg(name, a, ELICIT,
      { inputResponses: { confirm_write: { action: "accept" } }, requestState: state }));
    const flipped = r.requestState.slice(0, 10) + (r.requestState[10] === "A" ? "B" : "A") + r.requestState.slice(11);
    for (const [resp, why] of [[await accept(update("T"), r.requestState + "x"), /integrity|malformed/],
      [await accept(update("T"), flipped), /integrity|malformed/],
      [await accept(update("Other"), r.requestState), /other arguments/],
      [await accept(update("T"), r.requestState, "deleteOrgWlan"), /another tool/]]) {
      assert.equal(resp.error?.code, -32602, JSON.stringify(resp));
      assert.match(resp.error.message, why);
    }
    assert.equal(writes().length, before);
    // still unused after those refusals: the right retry goes through
    const ok = await accept(update("T"), r.requestState);
    assert.equal(ok.result?.isError, undefined, JSON.stringify(ok));
    assert.equal(writes().length, before + 1);
  });
  await check(`${label}: decline sends nothing; an accept without the state is asked again`, async () => {
    const before = writes().length;
    const { result: r } = await send(callMsg("updateOrgWlan", update("D"), ELICIT));
    const no = await send(callMsg("updateOrgWlan", update("D"), ELICIT,
      { inputResponses: { confirm_write: { action: "decline" } }, requestState: r.requestState }));
    assert.match(no.result.content[0].text, /^The user declined this write: nothing was sent/);
    assert.equal(no.result.structuredContent.outcome, "declined");
    const bare = await send(callMsg("updateOrgWlan", update("D"), ELICIT,
      { inputResponses: { confirm_write: { action: "accept" } } }));
    assert.equal(bare.result?.resultType, "input_required", JSON.stringify(bare));
    assert.equal(writes().length, before);
  });
  await check(`${label}: without elicitation, a signed one-time token (token mode)`, async () => {
    const before = writes().length;
    const resp = await send(callMsg("updateOrgWlan", update("N"), {}));
    assert.notEqual(resp.result?.resultType, "input_required", JSON.stringify(resp));
    const sc = resp.result.structuredContent;
    assert.equal(sc?.sent, false, JSON.stringify(resp));
    const token = sc.confirmation.token;
    assert.match(token, /^mm1\./);
    assert.equal(writes().length, before);
    const confirm = (a, t = token) => send(callMsg("updateOrgWlan", { ...a, confirm: t }, {}));
    let r = await confirm(update("Other"));
    assert.equal(r.result.isError, true, JSON.stringify(r));
    assert.match(r.result.content[0].text, /arguments differ/);
    assert.equal(writes().length, before);
    // refused for other arguments: used up, as a session's token is
    r = await confirm(update("N"));
    assert.match(r.result.content[0].text, /not valid/);
    const second = (await send(callMsg("updateOrgWlan", update("N"), {}))).result.structuredContent.confirmation.token;
    r = await confirm(update("N"), second.slice(0, -2) + (second.endsWith("AA") ? "BB" : "AA"));
    assert.match(r.result.content[0].text, /not valid/);
    assert.equal(writes().length, before);
    r = await confirm(update("N"), second);
    assert.equal(r.result.isError, undefined, JSON.stringify(r));
    assert.equal(writes().length, before + 1);
    r = await confirm(update("N"), second);
    assert.match(r.result.content[0].text, /not valid/);
    assert.equal(writes().length, before + 1);
  });
}

const a = await startHttp(mistmcp, [...args, "--audit-log", audit, "--request-state-key-file", keyFile], env);
const b = await startHttp(mistmcp, [...args, "--request-state-key-file", keyFile], env);
const c = await startHttp(mistmcp, args, env);
await exchange("HTTP", (m) => post(a.base, m));

await check("HTTP: through callMistWriteTool, the same question and the same binding", async () => {
  const before = writes().length;
  const outer = (ssid) => ({ name: "updateOrgWlan", arguments: update(ssid) });
  const first = (await post(a.base, callMsg("callMistWriteTool", outer("W"), ELICIT))).result;
  assert.equal(first?.resultType, "input_required", JSON.stringify(first));
  assert.match(first.inputRequests.confirm_write.params.message, /\(tool updateOrgWlan\)/);
  const retry = (args, state) => callMsg("callMistWriteTool", args, ELICIT,
    { inputResponses: { confirm_write: { action: "accept" } }, requestState: state });
  const other = await post(a.base, retry(outer("Other"), first.requestState));
  assert.equal(other.error?.code, -32602, JSON.stringify(other));
  assert.equal(writes().length, before);
  const ok = await post(a.base, retry(outer("W"), first.requestState));
  assert.equal(ok.result?.isError, undefined, JSON.stringify(ok));
  assert.equal(writes().length, before + 1);
  assert.deepEqual(JSON.parse(writes().at(-1).body), { ssid: "W" });
});

await check("HTTP: a state is bound to the caller's Mist token", async () => {
  const before = writes().length;
  const { result: r } = await post(a.base, callMsg("updateOrgWlan", update("F"), ELICIT));
  const resp = await post(a.base, callMsg("updateOrgWlan", update("F"), ELICIT,
    { inputResponses: { confirm_write: { action: "accept" } }, requestState: r.requestState }), "other-token");
  assert.equal(resp.error?.code, -32602, JSON.stringify(resp));
  assert.match(resp.error.message, /another caller/);
  assert.equal(writes().length, before);
});

await check("HTTP: a replica with the same key file accepts the state, one without refuses it", async () => {
  const before = writes().length;
  const first = (await post(a.base, callMsg("updateOrgWlan", update("R"), ELICIT))).result;
  const retry = () => callMsg("updateOrgWlan", update("R"), ELICIT,
    { inputResponses: { confirm_write: { action: "accept" } }, requestState: first.requestState });
  const own = await post(c.base, retry());
  assert.equal(own.error?.code, -32602, JSON.stringify(own));
  assert.equal(writes().length, before);
  const shared = await post(b.base, retry());
  assert.equal(shared.result?.isError, undefined, JSON.stringify(shared));
  assert.equal(writes().length, before + 1);
});

await check("HTTP: a signed token is the caller's, and good on a replica sharing the key", async () => {
  const before = writes().length;
  const token = (await post(a.base, callMsg("updateOrgWlan", update("S"), {}))).result
    .structuredContent.confirmation.token;
  const confirm = () => callMsg("updateOrgWlan", { ...update("S"), confirm: token }, {});
  let r = await post(a.base, confirm(), "other-token");
  assert.match(r.result.content[0].text, /not valid/);
  r = await post(c.base, confirm());
  assert.match(r.result.content[0].text, /not valid/);
  assert.equal(writes().length, before);
  r = await post(b.base, confirm());
  assert.equal(r.result.isError, undefined, JSON.stringify(r));
  assert.equal(writes().length, before + 1);
});

await check("HTTP: the audit log has preview, accepted and sent lines in mode elicit", async () => {
  const lines = readFileSync(audit, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const elicit = lines.filter((l) => l.confirmation === "elicit");
  for (const outcome of ["preview", "accepted", "sent", "declined"])
    assert.ok(elicit.some((l) => l.outcome === outcome), `${outcome}: ${JSON.stringify(lines)}`);
  assert.ok(!readFileSync(audit, "utf8").includes("mrtr-token"), "the token is never logged");
});
await check("HTTP: --write-confirmation elicit and a client without elicitation: -32021, 400", async () => {
  const d = await startHttp(mistmcp, [...args, "--write-confirmation", "elicit"], env);
  const before = writes().length;
  const msg = callMsg("updateOrgWlan", update("E"), {});
  const r = await fetch(d.base, { method: "POST", body: JSON.stringify(msg), headers: {
    "Content-Type": "application/json", Accept: "application/json, text/event-stream",
    "MCP-Protocol-Version": V, "Mcp-Method": "tools/call", "Mcp-Name": "updateOrgWlan",
    "X-Authorization": "mrtr-token" } });
  const text = await r.text();
  assert.equal(r.status, 400, text);
  const resp = JSON.parse(text);
  assert.equal(resp.error?.code, -32021, text);
  assert.deepEqual(resp.error.data, { requiredCapabilities: { elicitation: {} } });
  assert.match(resp.error.message, /did not declare the elicitation capability/);
  assert.equal(writes().length, before);
  assert.equal(await stopHttp(d), "");
});
for (const s of [a, b, c]) assert.equal(await stopHttp(s), "");

// stdio: the modern path of the same process that serves 2025 sessions.
const child = spawn(mistmcp, args, { stdio: ["pipe", "pipe", "pipe"],
  env: { PATH: process.env.PATH, HOME: "/tmp", ...env } });
let childErr = "";
child.stderr.on("data", (d) => { childErr += d; });
const waiting = new Map();
createInterface({ input: child.stdout }).on("line", (l) => {
  const m = JSON.parse(l);
  waiting.get(m.id)?.(m);
});
const stdioSend = (m) => new Promise((ok, fail) => {
  const t = setTimeout(() => fail(new Error(`no answer to ${JSON.stringify(m)}`)), 10000);
  waiting.set(m.id, (r) => { clearTimeout(t); ok(r); });
  child.stdin.write(JSON.stringify(m) + "\n");
});
await exchange("stdio", stdioSend);
const closed = new Promise((ok) => child.on("close", (code) => ok(code)));
child.stdin.end();
await check("stdio: the server exits cleanly (no sanitizer report)", async () => {
  assert.equal(await closed, 0, childErr.slice(-2000));
  assert.doesNotMatch(childErr, /Sanitizer|runtime error/);
});
done("mrtr_writes");
