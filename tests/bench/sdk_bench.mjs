// SDK-client rows of the benchmark: sequential tools/call with the official MCP TypeScript
// SDK client, over stdio or Streamable HTTP. Prints "calls/s <n>".
//
// usage: node sdk_bench.mjs stdio N TOOL COMMAND [ARGS...]
//        node sdk_bench.mjs http  N TOOL URL
// The SDK is resolved from tests/e2e/node (npm ci there).
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "../e2e/node/package.json"));
const load = async (p) => import(require.resolve(`@modelcontextprotocol/sdk/${p}`));
const { Client } = await load("client/index.js");

const [transportName, n, tool, ...target] = process.argv.slice(2);
let transport;
if (transportName === "stdio") {
  const { StdioClientTransport } = await load("client/stdio.js");
  transport = new StdioClientTransport({ command: target[0], args: target.slice(1),
    env: { ...process.env, MIST_API_TOKEN: "bench" }, stderr: "ignore" });
} else {
  const { StreamableHTTPClientTransport } = await load("client/streamableHttp.js");
  transport = new StreamableHTTPClientTransport(new URL(target[0]),
    { requestInit: { headers: { "X-Authorization": "sdk-bench" } } });
}
const client = new Client({ name: "sdk-bench", version: "1" });
const timer = setTimeout(() => { console.error("sdk_bench: timed out"); process.exit(1); }, 300000);
await client.connect(transport);
const call = () => client.callTool({ name: tool, arguments: { org_id: "o" } });
for (let i = 0; i < Math.ceil(n / 10); i++) await call(); // warm-up
const t0 = performance.now();
for (let i = 0; i < n; i++) {
  const r = await call();
  if (r.isError) { console.error(`sdk_bench: ${JSON.stringify(r).slice(0, 300)}`); process.exit(1); }
}
const seconds = (performance.now() - t0) / 1000;
console.log(`calls/s ${(n / seconds).toFixed(0)}`);
clearTimeout(timer);
await client.close();
process.exit(0);
