// Ajv (draft 2020-12, strict mode) over the output schemas of schema/: each compiles, and each
// golden plan.json (tests/golden/*/plan.json) validates against the schema its kind names. The
// in-tree checker (tests/unit/json_schema_check) knows a subset of the keywords; this is the
// full validator over the same documents.
//
// usage: node check-outputs.mjs SCHEMA_DIR GOLDEN_DIR [DOCUMENT.json...]
// DOCUMENT.json: further output documents (a CI example's plans), each checked by its kind too.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";

const [schemaDir, goldenDir, ...documents] = process.argv.slice(2);
const ajv = new Ajv2020({ strict: true, allErrors: true });
const byKind = {};
let failures = 0;
for (const name of readdirSync(schemaDir).filter((n) => n.endsWith(".schema.json")).sort()) {
  if (name === "sriov-apply.schema.json") continue; // the spec's: check-examples.mjs
  const schema = JSON.parse(readFileSync(path.join(schemaDir, name), "utf8"));
  try {
    const validate = ajv.compile(schema);
    for (const kind of schema.properties?.kind?.enum ?? []) byKind[kind] = { name, validate };
  } catch (e) {
    console.error(`FAIL: ${name} does not compile in Ajv strict mode: ${e.message}`);
    failures++;
  }
}
let checked = 0;
const goldens = readdirSync(goldenDir)
  .sort()
  .map((dir) => path.join(goldenDir, dir, "plan.json"))
  .filter((file) => existsSync(file));
for (const file of [...goldens, ...documents]) {
  const doc = JSON.parse(readFileSync(file, "utf8"));
  const schema = byKind[doc.kind];
  if (!schema) {
    console.error(`FAIL: ${file}: no schema for kind ${doc.kind}`);
    failures++;
    continue;
  }
  if (!schema.validate(doc)) {
    const why = schema.validate.errors.map((e) => e.instancePath + " " + e.message).join("; ");
    console.error(`FAIL: ${file} against ${schema.name}: ${why}`);
    failures++;
  }
  checked++;
}
if (goldens.length < 25) {
  console.error(`FAIL: only ${goldens.length} golden plans found in ${goldenDir}`);
  failures++;
}
console.log(`${Object.keys(byKind).length} output schemas compiled, ${checked} documents checked`);
process.exit(failures ? 1 : 0);
