// Every tool definition mistmcp lists, in every mode, checked against what each host family
// accepts (host_rules.mjs: OpenAI, Anthropic, both Gemini forms, VS Code, JSON Schema 2020-12
// with ajv strict). Also describeMistTool's answer for every tool: its inputSchema is what a
// model follows to call the tool through callMistTool, so it obeys the same rules, and its
// bodySchema is valid JSON Schema 2020-12 with every array's items and every property's type.
//
// Prints, per family and mode, how many tools it rejects; fails if any rejects one. Then the
// descriptions: none only respells the tool's name, none ends cut ("..."), and the GET whose
// spec summary says "Delete HA Cluster" is described as what it does.
//
// usage: node tool_definitions.mjs MISTMCP PLUGIN_DIR
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ruleSets, walk, CONFLICT } from "./host_rules.mjs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [mistmcp, pluginDir] = process.argv.slice(2);
const deadline = (p, what, ms = 60000) =>
  Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error(`timed out: ${what}`)), ms).unref())]);

async function session(args) {
  const transport = new StdioClientTransport({
    command: mistmcp,
    args: ["--plugin-dir", pluginDir, ...args],
    // Listing and describing never call Mist: an unused loopback address proves it.
    env: { PATH: process.env.PATH, HOME: "/tmp", MIST_API_TOKEN: "schema-test",
           MISTMCP_API_BASE_URL: "http://127.0.0.1:9" },
    stderr: "inherit", // what the server says reaches the test log
  });
  const client = new Client({ name: "mistmcp-tool-schemas", version: "1.0.0" });
  await deadline(client.connect(transport), `connect ${args.join(" ")}`);
  return client;
}
const listAll = async (client) => (await deadline(client.listTools(), "tools/list")).tools;

const categories = (await deadline((async () => {
  const { spawnSync } = await import("node:child_process");
  const r = spawnSync(mistmcp, ["--plugin-dir", pluginDir, "--list-categories"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`--list-categories failed: ${r.stderr}`);
  return r.stdout.trim().split("\n").slice(1).filter((l) => /^[a-z][a-z0-9_]* /.test(l));
})(), "list categories")).map((l) => ({ name: l.split(/\s+/)[0], writeOnly: /\(write-only\)/.test(l) }));
if (categories.length < 100) throw new Error(`only ${categories.length} categories: plugins not built?`);
// A read-only server refuses to enable a write-only category (it would offer no tool).
const names = (write) => categories.filter((c) => write || !c.writeOnly).map((c) => c.name).join(",");

// mode name -> tools listed there
const listings = new Map();
for (const [mode, args] of [
  ["all", ["--mode", "all"]],
  ["all+write", ["--mode", "all", "--enable-write-tools"]],
  ["custom", ["--mode", "custom", "--categories", names(false)]],
  ["custom+write", ["--mode", "custom", "--categories", names(true), "--enable-write-tools"]],
]) {
  const c = await session(args);
  listings.set(mode, await listAll(c));
  await c.close();
}
for (const write of [false, true]) {
  // managed: the start-up list, then every category enabled by manageMcpTools
  const c = await session(write ? ["--enable-write-tools"] : []);
  const mode = write ? "managed+write" : "managed";
  listings.set(`${mode} (start)`, await listAll(c));
  const r = await deadline(c.callTool({ name: "manageMcpTools",
    arguments: { enable_mcp_tools_categories: names(write) } }), "enable every category");
  if (r.isError) throw new Error(`manageMcpTools failed: ${JSON.stringify(r.content)}`);
  listings.set(`${mode} (every category)`, await listAll(c));
  await c.close();
}

// describeMistTool for every tool of the widest listing.
const every = listings.get("all+write");
if (every.length < 900) throw new Error(`all+write lists ${every.length} tools, expected the whole spec`);
const described = [], bodies = [];
let cutBodies = 0, followed = 0;
{
  const c = await session(["--enable-write-tools"]);
  for (const t of every) {
    const r = await deadline(c.callTool({ name: "describeMistTool", arguments: { name: t.name } }),
      `describe ${t.name}`);
    if (r.isError) throw new Error(`describeMistTool ${t.name}: ${JSON.stringify(r.content)}`);
    const d = r.structuredContent;
    described.push({ name: t.name, inputSchema: d.inputSchema });
    if (d.bodySchema) bodies.push({ name: t.name, schema: d.bodySchema });
    // An answer fits the default 100 KB result limit; a body cut by depth points to paths
    // that show the rest, and every pointer reads back to the very field it stands for: the
    // answer for its path has the description the cut field had (inside oneOf alternatives
    // too, where fields share names).
    const size = JSON.stringify(r).length;
    if (size > 100 * 1024) throw new Error(`describeMistTool ${t.name}: ${size} bytes`);
    if (!d.bodySchemaDepth) continue;
    cutBodies++;
    const pointers = [];
    walk(d.bodySchema, (s) => {
      const m = typeof s.description === "string" && s.description.match(/^(.*?)\s*Fields: describeMistTool with path "(.+)"\.$/s);
      if (m) pointers.push({ said: m[1].replace(/\.$/, ""), path: m[2] });
    });
    if (!pointers.length) throw new Error(`describeMistTool ${t.name}: cut at depth ${d.bodySchemaDepth} without a path`);
    for (const p of pointers) {
      const a = await deadline(c.callTool({ name: "describeMistTool", arguments: { name: t.name, path: p.path } }),
        `describe ${t.name} ${p.path}`);
      const got = a.structuredContent && a.structuredContent.bodySchema;
      // the path names the field; the cut node may be its array's items or an allOf member
      const says = (n) => !!n && (String(n.description || "").startsWith(p.said) || says(n.items) ||
        (n.allOf || []).some(says));
      if (a.isError || a.structuredContent.bodyPath !== p.path || !got || (p.said && !says(got)))
        throw new Error(`describeMistTool ${t.name} path ${p.path} (a field described "${p.said}"): ` +
          `${a.isError ? JSON.stringify(a.content).slice(0, 300) : JSON.stringify(got && got.description)}`);
      if (JSON.stringify(a).length > 100 * 1024) throw new Error(`describeMistTool ${t.name} path ${p.path}: too big`);
      followed++;
    }
  }
  await c.close();
}
listings.set("describeMistTool inputSchema", described);

// The table, and the first few violations of each family for whoever fixes them.
let failures = 0;
const rows = [];
const noArguments = (t) => Object.keys(t.inputSchema.properties || {}).length === 0;
for (const set of ruleSets) {
  const row = [set.name];
  const examples = [];
  for (const [mode, tools] of listings) {
    let rejected = 0, conflicts = 0;
    for (const t of tools) {
      const all = set.check(t);
      const v = all.filter((m) => !m.includes(CONFLICT));
      if (all.length > v.length) {
        conflicts++;
        // a known conflict is only ever a tool without arguments, nothing else hides there
        if (!noArguments(t) || all.length - v.length > 1) {
          failures++;
          console.error(`${mode}: ${t.name}: a conflict on a tool with arguments: ${all}`);
        }
      }
      if (v.length) {
        rejected++;
        if (examples.length < 6) examples.push(`  ${mode}: ${t.name}: ${v.slice(0, 3).join("; ")}`);
      }
    }
    row.push(`${rejected}/${tools.length}${conflicts ? ` (+${conflicts} without arguments)` : ""}`);
    failures += rejected;
  }
  rows.push(row);
  if (examples.length) console.error(`${set.name} rejects, for example:\n${examples.join("\n")}`);
}
const head = ["host family", ...listings.keys()];
console.log(head.join(" | "));
for (const r of rows) console.log(r.join(" | "));

// bodySchema: the complete request body, for a model to read. Valid JSON Schema 2020-12
// (ajv strict), every array with items, every property with a type.
const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
addFormats(ajv);
let badBodies = 0;
for (const b of bodies) {
  const v = [];
  try { ajv.compile(b.schema); } catch (e) { v.push(`ajv strict: ${e.message}`); }
  walk(b.schema, (s, path, key) => {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (types.includes("array") && !s.items) v.push(`${path}: array without items`);
    if (key === "properties" && s.type === undefined && !s.anyOf && !s.oneOf && !s.enum && !s.allOf)
      v.push(`${path}: property without a type`);
  });
  if (v.length) {
    if (badBodies < 6) console.error(`bodySchema of ${b.name}: ${v.slice(0, 3).join("; ")}`);
    badBodies++;
  }
}
console.log(`describeMistTool bodySchema: ${badBodies}/${bodies.length} rejected (${cutBodies} cut by depth; ${followed} pointers followed, each to its own field)`);
failures += badBodies;

// Descriptions, in every listing. The name rule is written again here, independently of the
// generator's: every word of the description is a camelCase word of the name (plurals aside).
const words = (s) => s.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
const onlyTheName = (t) => {
  const n = new Set(words(t.name));
  return words(t.description).every((w) => n.has(w) || n.has(`${w}s`) || n.has(w.replace(/s$/, "")));
};
let badDescriptions = 0;
for (const [mode, tools] of listings) {
  if (mode.startsWith("describe")) continue;
  for (const t of tools) {
    const why = !t.description ? "no description"
      : onlyTheName(t) ? "only respells the name"
      : /(\.\.\.|\u2026)$/.test(t.description) ? "ends cut"
      : t.name === "GetSiteDeviceHaClusterNode" && !/^Returns /.test(t.description) ? "not what a GET does"
      : null;
    if (why) {
      if (badDescriptions++ < 6) console.error(`${mode}: ${t.name}: "${t.description}": ${why}`);
    }
  }
}
console.log(`descriptions: ${badDescriptions} bad`);
failures += badDescriptions;

const total = [...listings.values()].reduce((n, l) => n + l.length, 0);
console.log(`${total} tool definitions checked against ${ruleSets.length} rule sets`);
if (failures) {
  console.error(`FAIL: ${failures} rejections`);
  process.exit(1);
}
console.log("PASS");
