// Shared by the Node tests of replicas sharing state through Redis (issue 20): a real
// redis-server from Debian on a free loopback port, no persistence, its files in a directory
// of its own, killed when the test process exits whatever happens.
import { spawn, spawnSync } from "node:child_process";
import net from "node:net";

// Why redis-server cannot run here ("redis-server not installed ..."), or null.
export function redisMissing() {
  return spawnSync("redis-server", ["--version"]).error
    ? "redis-server not installed (Debian: apt install redis-server)" : null;
}

// A free loopback port (bound, then released).
export const freePort = () => new Promise((ok, fail) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => ok(port)); });
  s.on("error", fail);
});
const accepts = (port) => new Promise((ok) => {
  const sock = net.connect(port, "127.0.0.1", () => { sock.destroy(); ok(true); });
  sock.on("error", () => ok(false));
});

const started = [];
process.on("exit", () => { for (const c of started) c.kill("SIGKILL"); });

// redis-server (program: its path) in dir, on port (or a free one), with extra options (e.g.
// ["--requirepass", PW]); resolves to { child, port } once it accepts connections (5 s at most
// per try, 3 tries with a free port).
export async function startRedis(dir, port, program = "redis-server", extra = []) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const p = port ?? await freePort();
    const child = spawn(program, ["--port", String(p), "--bind", "127.0.0.1", "--save", "",
      "--appendonly", "no", "--dir", dir, "--logfile", `${dir}/redis.log`, ...extra], { stdio: "ignore" });
    started.push(child);
    for (let i = 0; i < 250 && child.exitCode === null; i++) {
      if (await accepts(p)) return { child, port: p };
      await new Promise((ok) => setTimeout(ok, 20));
    }
    child.kill("SIGKILL");
  }
  throw new Error("redis-server did not start");
}
