// Validates an OpenAPI 3.0 document (JSON file) against the official OpenAPI
// 3.0 JSON schema, then resolves every $ref in it:
//
//   node validate.mjs openapi.json     # exit 0 valid, 1 invalid, 2 usage
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";

const file = process.argv[2];
if (!file || process.argv.length > 3) {
  console.error("usage: node validate.mjs <openapi.json>");
  process.exit(2);
}

let document;
try {
  document = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.error(`${file}: not readable JSON: ${error.message}`);
  process.exit(1);
}

const validator = new Validator();
const result = await validator.validate(document);
if (!result.valid) {
  console.error(`${file}: INVALID against the OpenAPI schema`);
  console.error(JSON.stringify(result.errors, null, 2));
  process.exit(1);
}
if (validator.version !== "3.0") {
  console.error(`${file}: OpenAPI ${validator.version}, expected 3.0`);
  process.exit(1);
}
try {
  validator.resolveRefs();
} catch (error) {
  console.error(`${file}: unresolvable $ref: ${error.message}`);
  process.exit(1);
}
const operations = Object.values(document.paths ?? {}).reduce(
  (n, item) => n + Object.keys(item).length,
  0,
);
console.log(
  `${file}: valid OpenAPI ${document.openapi} (${Object.keys(document.paths ?? {}).length} paths, ` +
    `${operations} operations, ${Object.keys(document.components?.schemas ?? {}).length} schemas)`,
);
