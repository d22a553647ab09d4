// Shared by the Node end-to-end tests: the fake Mist backend and mistmcp's HTTP server, each
// on a free loopback port, stopped when the test process exits whatever happens.
import { spawn } from "node:child_process";
import { once } from "node:events";

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
// stderr } where base is the /mcp URL and stderr() what the server wrote there so far.
export async function startHttp(mistmcp, args, env) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    const child = spawn(mistmcp, ["--transport", "http", "--port", String(port), ...args],
      { stdio: ["ignore", "inherit", "pipe"], env: { PATH: process.env.PATH, HOME: "/tmp", ...env } });
    children.push(child);
    let err = "";
    child.stderr.on("data", (d) => { err += d; });
    for (let i = 0; i < 50 && !/listening|cannot listen/.test(err); i++) await new Promise((ok) => setTimeout(ok, 20));
    if (/listening/.test(err)) return { child, base: `http://127.0.0.1:${port}/mcp`, stderr: () => err };
    child.kill();
  }
  throw new Error("mistmcp did not start");
}
