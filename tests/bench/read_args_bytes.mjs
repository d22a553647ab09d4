// Issue 19: bytes of an answer without and with fields / format "table", on the demo cloud.
// The whole answer is measured uncut (--max-result-bytes 100000000): by default mistmcp cuts
// it at 102,400 bytes, so a model would get a part of it.
//
// usage: node tests/bench/read_args_bytes.mjs [MISTMCP]   (prints the table of
// docs/PERFORMANCE.md; the whole results' bytes on stderr)
import { spawnSync } from "node:child_process";

const mistmcp = process.argv[2] ?? "build/mistmcp";
const org = "14aefeb5-0f9f-4d2d-8ef5-61e017850725"; // the demo's organisation
function run(tool, args) {
  const words = Object.entries(args).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  const r = spawnSync(mistmcp, ["--demo", "--max-result-bytes", "100000000", "call", tool, ...words],
    { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0 && !r.stdout) throw new Error(`${tool}: ${r.stderr}`);
  const result = JSON.parse(r.stdout);
  return { first: Buffer.byteLength(result.content[0].text), whole: Buffer.byteLength(JSON.stringify(result)) };
}
const cases = [
  ["listOrgDevicesStats", "(60 APs, type=ap)", { org_id: org, type: "ap" }, "select",
    ["name", "mac", "status", "radio_stat.band_5.num_clients"]],
  ["searchOrgWirelessClients", "(100 of 348)", { org_id: org }, "fields", ["mac", "last_hostname", "last_ip", "last_ssid"]],
  ["searchOrgAlarms", "", { org_id: org }, "fields", ["type", "severity", "status", "hostnames"]],
  ["getOrgInventory", "(78 devices)", { org_id: org }, "fields", ["name", "mac", "model", "connected"]],
  ["listOrgWlans", "(3 WLANs)", { org_id: org }, "fields", ["ssid", "enabled", "auth.type", "vlan_id"]],
];
console.log("| tool | whole answer | 4 fields | + format table | whole / fields | fields / table |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const [tool, what, args, name, fields] of cases) {
  const w = run(tool, args), f = run(tool, { ...args, [name]: fields }),
    t = run(tool, { ...args, [name]: fields, format: "table" });
  console.log(`| \`${tool}\` ${what} | ${w.first} | ${f.first} | ${t.first} | ${(w.first / f.first).toFixed(1)}× | ${(f.first / t.first).toFixed(1)}× |`);
  process.stderr.write(`${tool} whole results: ${w.whole} / ${f.whole} / ${t.whole} bytes\n`);
}
