// What each MCP host family accepts in a tool definition, written down as rule sets. A host
// that rejects one tool usually rejects the whole request, so one bad schema in a category
// breaks every conversation that enables it.
//
// Every rule cites where it comes from: the host's documentation, or, where the documentation
// is silent, a public bug report quoting the host's error message. check(tool) returns the
// violations of one tool as strings "rule @ path: what"; an empty list means the host accepts
// it. The JSON Schema 2020-12 set compiles every schema with ajv in strict mode and checks
// every format is one ajv-formats knows.
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

// Every subschema of a schema with its JSON-pointer-like path; fn(schema, path, parentKey).
function walk(schema, fn, path = "", key = null) {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return;
  fn(schema, path || "/", key);
  for (const map of ["properties", "patternProperties", "$defs", "definitions"])
    if (schema[map] && typeof schema[map] === "object")
      for (const [k, v] of Object.entries(schema[map])) walk(v, fn, `${path}/${map}/${k}`, map);
  for (const one of ["items", "additionalProperties", "not", "contains", "if", "then", "else"])
    if (schema[one] && typeof schema[one] === "object" && !Array.isArray(schema[one]))
      walk(schema[one], fn, `${path}/${one}`, one);
  for (const list of ["anyOf", "oneOf", "allOf", "prefixItems"])
    if (Array.isArray(schema[list]))
      schema[list].forEach((v, i) => walk(v, fn, `${path}/${list}/${i}`, list));
}

// A rule two host families contradict: a tool without arguments needs "properties": {} at the
// root for OpenAI ("object schema missing properties") and cannot have it for Gemini's older
// form (agno-agi/agno#2112 is that very case). No one schema satisfies both; hosts that use
// the older Gemini form drop "parameters" for such tools themselves (agno-agi/agno#2113,
// AIGNE-io/aigne-hub#278). Violations starting with CONFLICT are reported, not failed.
export const CONFLICT = "known conflict:";

const typesOf = (s) => (Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type]);

// The tool-name rule every family shares, in its strictest common form:
// - OpenAI: function.name "must be a-z, A-Z, 0-9, or contain underscores and dashes, with a
//   maximum length of 64" (platform.openai.com/docs/api-reference/chat/create#tools).
// - Anthropic: tool name "must match the regex ^[a-zA-Z0-9_-]{1,64}$"
//   (docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use).
// - Gemini: FunctionDeclaration.name "must be a-z, A-Z, 0-9, or contain underscores, dots,
//   colons and dashes, with a maximum length of 64" and must start with a letter or an
//   underscore (ai.google.dev/api/caching#FunctionDeclaration).
// - Gemini CLI shortens and rewrites names past 63 characters or with other characters
//   (google-gemini/gemini-cli#602); Cursor refuses them: "Tool name must only contain
//   alphanumeric characters and underscores" (webstudio-is/webstudio#5960).
const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
function nameRule(tool, out) {
  if (!NAME.test(tool.name)) out.push(`name: '${tool.name}' does not match ${NAME}`);
}

// Rules over every subschema: fn(s, path) pushes violations.
function everySchema(tool, out, fn) {
  walk(tool.inputSchema, (s, path, key) => fn(s, path, key, (msg) => out.push(`${path}: ${msg}`)));
}

// An array schema with no items. OpenAI answers 400 "Invalid schema for function 'x': In
// context=('properties', 'y'), array schema missing items." (sigoden/aichat#1049,
// gumloop/guMCP#136); VS Code refuses the tool with "tool parameters array type must have
// items" (microsoft/vscode#246119); Gemini with "...items: missing field"
// (systemprompt-models gemini_invariants.rs lists the production error).
function arraysHaveItems(s, path, key, bad) {
  if (typesOf(s).includes("array") && (s.items === undefined || s.items === null))
    bad("array schema without items");
}

// The root is an object schema: MCP says inputSchema is a JSON Schema object with
// type "object" (modelcontextprotocol.io/specification/2025-11-25/server/tools#tool); OpenAI
// answers "schema must be a JSON Schema of 'type: \"object\"'", Anthropic's input_schema
// and Gemini's parameters "must describe an object" (ai.google.dev/api/caching#FunctionDeclaration).
function rootIsObject(tool, out) {
  const s = tool.inputSchema;
  if (!s || typeof s !== "object" || s.type !== "object")
    out.push(`/: inputSchema.type must be "object", got ${JSON.stringify(s && s.type)}`);
}

const openai = {
  name: "OpenAI function calling (non-strict)",
  check(tool) {
    const out = [];
    nameRule(tool, out);
    rootIsObject(tool, out);
    // "Invalid schema for function 'x': In context=(), object schema missing properties."
    // for a root object without "properties" (spring-projects/spring-ai#4776,
    // containers/kubernetes-mcp-server#340).
    const p = tool.inputSchema && tool.inputSchema.properties;
    if (!p || typeof p !== "object" || Array.isArray(p))
      out.push("/: root object schema missing properties");
    everySchema(tool, out, arraysHaveItems);
    // Parameters are validated as JSON Schema: an invalid schema is a 400
    // "invalid_function_parameters" (platform.openai.com/docs/guides/function-calling).
    jsonSchemaValid(tool, out, false);
    return out;
  },
};

const anthropic = {
  name: "Anthropic tool input_schema",
  check(tool) {
    const out = [];
    nameRule(tool, out);
    rootIsObject(tool, out);
    // "tools.N.custom.input_schema: input_schema does not support oneOf, allOf, or anyOf at
    // the top level" (anthropics/claude-code#5319, mobile-next/mobile-mcp#344).
    for (const k of ["oneOf", "allOf", "anyOf"])
      if (tool.inputSchema && tool.inputSchema[k]) out.push(`/: ${k} at the top level`);
    // "input_schema: JSON schema is invalid. It must match JSON Schema draft 2020-12"
    // (docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use).
    jsonSchemaValid(tool, out, false);
    return out;
  },
};

// Gemini's older FunctionDeclaration.parameters: "a select subset of an OpenAPI 3.0 schema
// object" (ai.google.dev/api/caching#Schema). Hosts that still send it pass MCP schemas
// through; Gemini answers 400 INVALID_ARGUMENT for the whole request.
const GEMINI_OPENAPI_KEYS = new Set([
  // the fields of the Schema object (ai.google.dev/api/caching#Schema); any other key is
  // "Invalid JSON payload received. Unknown name ..." (hideya/langchain-mcp-tools-ts#36)
  "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems",
  "properties", "required", "minProperties", "maxProperties", "minLength", "maxLength",
  "pattern", "example", "anyOf", "propertyOrdering", "default", "items", "minimum", "maximum",
]);
// Schema.format: "for NUMBER type: float, double; for INTEGER type: int32, int64; for STRING
// type: enum, date-time"; any other string format is "format: only 'enum' and 'date-time'
// are supported for STRING type" (google-gemini/gemini-cli#3178).
const GEMINI_FORMATS = { string: ["enum", "date-time"], integer: ["int32", "int64"], number: ["float", "double"] };
const GEMINI_TYPES = ["string", "number", "integer", "boolean", "array", "object"];
const geminiOpenApi = {
  name: "Gemini function declarations (OpenAPI-subset parameters)",
  check(tool) {
    const out = [];
    nameRule(tool, out);
    if (!/^[a-zA-Z_]/.test(tool.name)) out.push("name: must start with a letter or an underscore");
    rootIsObject(tool, out);
    everySchema(tool, out, (s, path, key, bad) => {
      for (const k of Object.keys(s))
        if (!GEMINI_OPENAPI_KEYS.has(k)) bad(`unknown field ${k}`);
      // Schema.type is one Type enum value, not a list; a schema without one is refused
      // ("schema didn't specify the schema type field") unless it is an anyOf.
      if (Array.isArray(s.type)) bad("type is a list");
      else if (s.type === undefined && !s.anyOf) bad("no type");
      else if (s.type !== undefined && !GEMINI_TYPES.includes(s.type)) bad(`type ${s.type}`);
      if (s.format !== undefined && !(GEMINI_FORMATS[s.type] || []).includes(s.format))
        bad(`format ${s.format} on a ${s.type}`);
      // Schema.enum is "enum[] string" (ai.google.dev/api/caching#Schema): numbers and booleans
      // are refused (microsoft/vscode#328147 drops them for Gemini for that reason).
      if (Array.isArray(s.enum) && s.enum.some((v) => typeof v !== "string"))
        bad("enum with a value that is not a string");
      arraysHaveItems(s, path, key, bad);
      // "items" on anything but an array: "field predicate failed: $type == Type.ARRAY".
      if (s.items !== undefined && s.type !== "array") bad("items on a non-array");
      // "...properties: should be non-empty for OBJECT type" (agno-agi/agno#2112,
      // containers/kubernetes-mcp-server#340): an object lists properties or none at all.
      if (s.properties && typeof s.properties === "object" && Object.keys(s.properties).length === 0)
        bad(path === "/" ? `${CONFLICT} empty properties at the root` : "empty properties");
    });
    return out;
  },
};

// Gemini's FunctionDeclaration.parametersJsonSchema: JSON Schema, "mutually exclusive with
// parameters"; "the schema must describe an object where the properties are the parameters
// to the function" (ai.google.dev/api/caching#FunctionDeclaration).
const geminiJson = {
  name: "Gemini function declarations (parametersJsonSchema)",
  check(tool) {
    const out = [];
    nameRule(tool, out);
    if (!/^[a-zA-Z_]/.test(tool.name)) out.push("name: must start with a letter or an underscore");
    rootIsObject(tool, out);
    // Arrays need items here too: "items: missing field" (systemprompt-models
    // gemini_invariants.rs lists the production error for Gemini function declarations).
    everySchema(tool, out, arraysHaveItems);
    jsonSchemaValid(tool, out, false);
    return out;
  },
};

const vscode = {
  name: "VS Code (GitHub Copilot chat)",
  check(tool) {
    const out = [];
    nameRule(tool, out);
    rootIsObject(tool, out);
    // "Failed to validate tool ...: Error: tool parameters array type must have items"
    // (microsoft/vscode#246119, #248810): checked at every depth.
    everySchema(tool, out, arraysHaveItems);
    return out;
  },
};

// JSON Schema 2020-12 as ajv reads it in strict mode (ajv.js.org/strict-mode.html): no
// unknown keyword, no ignored keyword, types consistent with the keywords used, required
// properties defined; formats from ajv-formats (the JSON Schema validation vocabulary's).
const strictAjv = new Ajv2020({ strict: true, allErrors: true, validateFormats: true });
addFormats(strictAjv);
const looseAjv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
function jsonSchemaValid(tool, out, strict) {
  const ajv = strict ? strictAjv : looseAjv;
  try {
    if (!ajv.validateSchema(tool.inputSchema))
      out.push(`/: not a valid JSON Schema 2020-12: ${ajv.errorsText(ajv.errors)}`);
    else ajv.compile(tool.inputSchema);
  } catch (e) {
    out.push(`/: ${strict ? "ajv strict" : "ajv"}: ${e.message}`);
  }
}
const jsonSchema2020 = {
  name: "JSON Schema 2020-12 (ajv strict, formats)",
  check(tool) {
    const out = [];
    nameRule(tool, out);
    rootIsObject(tool, out);
    jsonSchemaValid(tool, out, true);
    // No property without a type: a model cannot tell what to send for {} (issue 12).
    everySchema(tool, out, (s, path, key, bad) => {
      if (key === "properties" && s.type === undefined && !s.anyOf && !s.oneOf && !s.enum)
        bad("property without a type");
    });
    return out;
  },
};

export const ruleSets = [openai, anthropic, geminiOpenApi, geminiJson, vscode, jsonSchema2020];

// Every subschema of a tool schema, for tests that look at one keyword across all tools.
export { walk };
