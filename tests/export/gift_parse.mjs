// Parse GIFT files with gift-pegjs (the independent GIFT parser the export tests check against)
// and print one JSON array per file: node tests/export/gift_parse.mjs FILE...
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(path.join(root, "package.json"));
const { parse } = require("gift-pegjs");

const parsed = process.argv.slice(2).map((file) => parse(readFileSync(file, "utf8")));
process.stdout.write(JSON.stringify(parsed));
