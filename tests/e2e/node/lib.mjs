// Shared by the Node end-to-end tests: the fake Mist backend and mistmcp's HTTP server, each
// on a free loopback port, stopped when the test process exits whatever happens.
import { spawn } from "node:child_process";
import { once } from "node:events";
import http from "node:http";
import { Readable } from "node:stream";

const children = [];
process.on("exit", () => { for (const c of children) c.kill("SIGKILL"); });

// The fake Mist backend recording requests to log; resolves to { child, port }.
export async function startFake(fakeMist, log) {
  const child = spawn(fakeMist, [log, "--max-seconds", "300"], { stdio: ["pipe", "pipe", "inherit"] });
  children.push(child);
  const [line] = await once(child.stdout, "data");
  return { child, port: Number(String(line).match(/PORT (\d+)/)[1]) };
}

// mistmcp --transport http on a random free port (a few tries). Resolves to { child, base,
// origin, port, stderr } where base is the /mcp URL (under --base-path when args give one),
// origin http://127.0.0.1:PORT and stderr() what the server wrote there so far.
export async function startHttp(mistmcp, args, env) {
  const at = args.indexOf("--base-path");
  const prefix = at >= 0 ? args[at + 1].replace(/\/+$/, "") : "";
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    const child = spawn(mistmcp, ["--transport", "http", "--port", String(port), ...args],
      { stdio: ["ignore", "inherit", "pipe"], env: { PATH: process.env.PATH, HOME: "/tmp", ...env } });
    children.push(child);
    let err = "";
    child.stderr.on("data", (d) => { err += d; });
    for (let i = 0; i < 50 && !/listening|cannot listen/.test(err); i++) await new Promise((ok) => setTimeout(ok, 20));
    if (/listening/.test(err))
      return { child, base: `http://127.0.0.1:${port}${prefix}/mcp`, origin: `http://127.0.0.1:${port}`,
        port, stderr: () => err };
    child.kill();
  }
  throw new Error("mistmcp did not start");
}

// A fetch() for the SDK client and for raw requests that can do what fetch() cannot: send a
// Host header of the test's choice (as a reverse proxy passes its public name on) and connect
// from a chosen loopback address (a client the server can tell from a proxy on 127.0.0.1).
export function fetchAs({ host, localAddress } = {}) {
  return (input, init = {}) => new Promise((ok, fail) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const headers = {};
    new Headers(init.headers).forEach((value, name) => { headers[name] = value; });
    if (host) headers.host = host;
    const req = http.request({ hostname: url.hostname, port: url.port, path: url.pathname + url.search,
      method: init.method ?? "GET", headers, localAddress, signal: init.signal }, (res) => {
      const h = new Headers();
      for (const [name, value] of Object.entries(res.headers)) h.set(name, [].concat(value).join(", "));
      const empty = [204, 205, 304].includes(res.statusCode) || init.method === "HEAD";
      if (empty) res.resume();
      ok(new Response(empty ? null : Readable.toWeb(res), { status: res.statusCode, headers: h }));
    });
    req.on("error", fail);
    req.end(init.body ?? undefined);
  });
}

// One request through fetchAs (a Host in headers is sent as given); resolves to { status,
// headers, text }.
export async function request(url, { method = "GET", headers = {}, body, localAddress } = {}) {
  const r = await fetchAs({ localAddress })(url, { method, headers, body });
  return { status: r.status, headers: r.headers, text: await r.text() };
}

// Waits until test(stderr()) holds (the server writes a request's access log line when the
// request has ended, which may be just after the client read the answer).
export async function waitFor(stderr, test, what, ms = 3000) {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((ok) => setTimeout(ok, 20)))
    if (test(stderr())) return;
  throw new Error(`${what}: not in the server's stderr:\n${stderr().slice(-3000)}`);
}

// Named checks for a test script: check(name, fn) runs one, printing a failure with its
// stack; done(label) prints the tally and exits, 1 if any failed.
export function checker() {
  const tally = { passed: 0, failed: 0 };
  return {
    tally,
    async check(name, fn) {
      try { await fn(); tally.passed++; } catch (e) { tally.failed++; console.error(`FAIL ${name}: ${e.stack || e}`); }
    },
    done(label, more = "") {
      console.log(`${label}: ${tally.passed} passed, ${tally.failed} failed${more}`);
      process.exit(tally.failed ? 1 : 0);
    },
  };
}

// Stops a server of startHttp with SIGTERM, as an operator would, and resolves to what went
// wrong: "" when it exited 0 within 10 s, without a sanitizer or UBSan report on stderr (so a
// test run in the AddressSanitizer build also fails on a leak or a memory error).
export async function stopHttp(server) {
  if (server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill("SIGTERM");
    await Promise.race([once(server.child, "exit"), new Promise((ok) => setTimeout(ok, 10000))]);
  }
  const { exitCode, signalCode } = server.child;
  const report = server.stderr().match(/^.*(Sanitizer|runtime error).*$/m);
  if (exitCode !== 0) return `exit ${exitCode ?? signalCode}${report ? `: ${report[0]}` : ""}`;
  return report ? report[0] : "";
}

// The JSON-RPC messages of a fetch answer's event stream, one at a time: next() resolves to the
// next one (throws once the stream ended); reader.cancel() stops reading.
export function eventReader(res) {
  const reader = res.body.getReader(), decoder = new TextDecoder();
  let buf = "";
  const next = async () => {
    for (;;) {
      const m = buf.match(/^data: (.*)$/m);
      if (m) { buf = buf.slice(buf.indexOf(m[0]) + m[0].length); return JSON.parse(m[1]); }
      const { value, done: end } = await reader.read();
      if (end) throw new Error("the stream ended");
      buf += decoder.decode(value);
    }
  };
  return { next, reader };
}
