// Runs a real JSON Schema validator (Ajv, draft 2020-12, strict mode) over every example spec and
// every invalid example, and compares its verdict with `sriov-apply validate`'s.
//
// usage: node check-examples.mjs SCHEMA.json SRIOV_APPLY_BINARY EXAMPLES_DIR [CASES_DIR]
// CASES_DIR (tests/schema/cases) holds one small spec per rule the schema expresses; each must
// get the same verdict from both.
//
// YAML is read the way the tool's loader reads it (schema/shape.cpp): an unquoted scalar of
// decimal digits (optional sign) is an integer, unquoted true/false (True, TRUE, ...) a boolean,
// an empty value or ~/null a null, anything else a string. So `numVfs: 2.0` and `numVfs: 0x4` are
// the strings "2.0" and "0x4" here, as they are to the tool. (A YAML 1.2 core reader, as in an
// editor, reads them as the numbers 2 and 4; no JSON Schema can tell those from 2 and 4.)
import { readFileSync, readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parseDocument, isMap, isSeq, isScalar, isAlias, isPair } from "yaml";

// Invalid examples whose rules the schema cannot express, so the schema accepts them and the
// tool refuses them. Each with why.
const NOT_EXPRESSIBLE = {
  "limits.yaml": "a VF index beyond its PF's numVfs (a rule between two values)",
  "pool-vf-settings.yaml":
    "a VF in a network's pool given a mac or vlan under pfs: a rule across two parts of the " +
    "document",
};

function toJson(node, doc) {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return toJson(node.resolve(doc), doc);
  if (isMap(node)) {
    const out = {};
    for (const pair of node.items) out[String(toJson(pair.key, doc))] = toJson(pair.value, doc);
    return out;
  }
  if (isSeq(node)) return node.items.map((item) => toJson(item, doc));
  if (isScalar(node)) {
    const text = String(node.source ?? node.value);
    if (node.type !== "PLAIN") return text;
    if (/^[-+]?[0-9]+$/.test(text)) return Number(text);
    if (/^(true|True|TRUE)$/.test(text)) return true;
    if (/^(false|False|FALSE)$/.test(text)) return false;
    if (/^(|~|null|Null|NULL)$/.test(text)) return null;
    return text;
  }
  if (isPair(node)) throw new Error("unexpected pair");
  throw new Error("unexpected YAML node");
}

// The schema's verdict: {valid, why}.
function schemaVerdict(validate, file) {
  const doc = parseDocument(readFileSync(file, "utf8"), { schema: "failsafe", uniqueKeys: true });
  if (doc.errors.length > 0) return { valid: false, why: "YAML: " + doc.errors[0].message };
  const data = toJson(doc.contents, doc);
  if (validate(data)) return { valid: true, why: "" };
  return { valid: false, why: validate.errors.map((e) => e.instancePath + " " + e.message).join("; ") };
}

const [schemaFile, tool, examples, cases] = process.argv.slice(2);
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
let validate;
try {
  validate = ajv.compile(JSON.parse(readFileSync(schemaFile, "utf8")));
} catch (e) {
  console.error(`FAIL: ${schemaFile} does not compile in Ajv strict mode: ${e.message}`);
  process.exit(1);
}

const files = [];
for (const f of readdirSync(examples).sort())
  if (f.endsWith(".yaml") && !f.endsWith(".state.yaml")) files.push(path.join(examples, f));
const invalidDir = path.join(examples, "invalid");
for (const f of readdirSync(invalidDir).sort())
  if (f.endsWith(".yaml")) files.push(path.join(invalidDir, f));
if (cases)
  for (const f of readdirSync(cases).sort())
    if (f.endsWith(".yaml")) files.push(path.join(cases, f));

let failures = 0;
const seenExceptions = new Set();
for (const file of files) {
  const run = spawnSync(tool, ["validate", file], { encoding: "utf8" });
  if (run.status !== 0 && run.status !== 3) {
    console.error(`FAIL ${file}: sriov-apply validate exited ${run.status}: ${run.stderr}`);
    failures++;
    continue;
  }
  const toolValid = run.status === 0;
  const schema = schemaVerdict(validate, file);
  const base = path.basename(file);
  const isInvalidExample = path.dirname(file) === invalidDir;
  if (isInvalidExample && toolValid) {
    console.error(`FAIL ${file}: an invalid example that sriov-apply validate accepts`);
    failures++;
  } else if (isInvalidExample && base in NOT_EXPRESSIBLE) {
    seenExceptions.add(base);
    if (schema.valid) {
      console.log(`ok   ${file}: tool refuses, schema accepts (${NOT_EXPRESSIBLE[base]})`);
    } else {
      console.error(`FAIL ${file}: listed as not expressible, but the schema refuses it now ` +
                    `(${schema.why}); take it off the list`);
      failures++;
    }
  } else if (schema.valid === toolValid) {
    console.log(`ok   ${file}: both ${toolValid ? "accept" : "refuse"}` +
                (schema.valid ? "" : ` (schema: ${schema.why.slice(0, 160)})`));
  } else {
    console.error(`FAIL ${file}: sriov-apply validate ${toolValid ? "accepts" : "refuses"} it, ` +
                  `the schema ${schema.valid ? "accepts" : "refuses"} it ${schema.why}\n${run.stderr}`);
    failures++;
  }
}
for (const name of Object.keys(NOT_EXPRESSIBLE)) {
  if (!seenExceptions.has(name)) {
    console.error(`FAIL: ${name} is listed as not expressible but is not in ${invalidDir}`);
    failures++;
  }
}
console.log(`${files.length} files, ${failures} disagreements`);
process.exit(failures === 0 ? 0 : 1);
