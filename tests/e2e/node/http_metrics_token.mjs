// Issue 14, item 13: with a metrics token (MISTMCP_METRICS_TOKEN, or --metrics-token) GET
// /metrics demands it as a bearer token: 401 with a WWW-Authenticate: Bearer challenge without
// it or with a wrong one; the rest of the server is unchanged. Without one /metrics stays open
// (the documented default).
//
// usage: node http_metrics_token.mjs MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
import assert from "node:assert/strict";
import { checker, request, startHttp, stopHttp } from "./lib.mjs";

const [mistmcp, , pluginDir] = process.argv.slice(2);
const { check, done } = checker();

const TOKEN = "mEtR1cs-t0ken_for.the~test+/==";
const guarded = await startHttp(mistmcp, ["--plugin-dir", pluginDir], { MISTMCP_METRICS_TOKEN: TOKEN });
const metrics = (server, headers = {}) => request(`${server.origin}/metrics`, { headers });

await check("the right bearer token reads the metrics", async () => {
  for (const scheme of ["Bearer", "bearer"]) {
    const r = await metrics(guarded, { Authorization: `${scheme} ${TOKEN}` });
    assert.equal(r.status, 200, scheme);
    assert.match(r.text, /^mistmcp_sessions_active \d+$/m);
  }
});
await check("no token: 401 with a Bearer challenge, and no metric", async () => {
  const r = await metrics(guarded);
  assert.equal(r.status, 401);
  assert.equal(r.headers.get("www-authenticate"), 'Bearer realm="mistmcp metrics"');
  assert.match(r.text, /Authorization: Bearer/);
  assert.doesNotMatch(r.text, /mistmcp_/);
});
await check("a wrong token: 401 invalid_token, whatever part of it is wrong", async () => {
  for (const auth of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Bearer ${TOKEN.toUpperCase()}`,
    `Bearer  ${TOKEN}`, `Bearer x${TOKEN.slice(1)}`]) {
    const r = await metrics(guarded, { Authorization: auth });
    assert.equal(r.status, 401, auth);
    assert.match(r.headers.get("www-authenticate"), /^Bearer realm="mistmcp metrics", error="invalid_token"$/, auth);
    assert.doesNotMatch(r.text, /mistmcp_/);
  }
  for (const auth of ["Bearer", `Token ${TOKEN}`, TOKEN, `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}`]) {
    const r = await metrics(guarded, { Authorization: auth });
    assert.equal(r.status, 401, auth);
  }
  const r = await metrics(guarded, { "X-Authorization": TOKEN });
  assert.equal(r.status, 401, "the MCP token header is not the metrics token");
});
await check("the rest is unchanged; the token never reaches the log", async () => {
  assert.equal((await request(`${guarded.origin}/healthz`)).status, 200);
  assert.ok(!guarded.stderr().includes(TOKEN.slice(0, 12)), guarded.stderr());
  assert.match(guarded.stderr(), /path=\/metrics status=401/);
});
await check("without a token /metrics is open (the default)", async () => {
  const open = await startHttp(mistmcp, ["--plugin-dir", pluginDir], {});
  const r = await metrics(open);
  assert.equal(r.status, 200);
  assert.match(r.text, /^mistmcp_sessions_active \d+$/m);
  assert.equal(await stopHttp(open), "");
});

await check("the server stops cleanly (no sanitizer report)", async () => {
  assert.equal(await stopHttp(guarded), "");
});
done("http metrics token");
