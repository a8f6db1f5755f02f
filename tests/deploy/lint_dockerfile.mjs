// Lints a Dockerfile and its .dockerignore, offline:
//
//   node lint_dockerfile.mjs <Dockerfile> <.dockerignore>
//
// 1. dockerfile-utils (the linter of the VS Code Docker extension): syntax,
//    arguments of every instruction, durations, ports, ...; errors and
//    warnings both fail.
// 2. plex-kiosk's rules: a target per binary; each service target has a
//    HEALTHCHECK and an ENTRYPOINT; the runtime runs as a numeric non-root
//    user; no ENV/ARG bakes a secret into an image; apt lists are removed in
//    the layer that fetched them; .dockerignore keeps the local PostgreSQL data,
//    secrets, build trees and git out of the build context.
//
// Prints one line per problem ("INVALID Dockerfile:<line>: ...") and exits 1
// when there is any.
import fs from "node:fs";
import { validate } from "dockerfile-utils";

const [dockerfilePath, ignorePath] = process.argv.slice(2);
if (!dockerfilePath || !ignorePath) {
  console.error("usage: lint_dockerfile.mjs <Dockerfile> <.dockerignore>");
  process.exit(2);
}
const text = fs.readFileSync(dockerfilePath, "utf8");
const problems = [];
const problem = (line, msg) => problems.push(`INVALID ${dockerfilePath}:${line}: ${msg}`);

for (const d of validate(text)) problem(d.range.start.line + 1, d.message);

// Instructions with their first line number, continuation lines joined.
const instructions = [];
let pending = null;
text.split("\n").forEach((raw, i) => {
  const line = raw.trim();
  if (pending === null && (line === "" || line.startsWith("#"))) return;
  const body = line.endsWith("\\") ? line.slice(0, -1) : line;
  if (pending === null) pending = { line: i + 1, text: body };
  else pending.text += " " + body;
  if (!line.endsWith("\\")) {
    instructions.push(pending);
    pending = null;
  }
});

const stages = [];  // { name, from, line, instructions: [] }
for (const ins of instructions) {
  const m = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(ins.text);
  if (m) stages.push({ name: m[2] ?? "", from: m[1], line: ins.line, instructions: [] });
  else if (stages.length > 0) stages.at(-1).instructions.push(ins);
}
const stage = (name) => stages.find((s) => s.name === name);
const inherited = (s, keyword) => {
  for (let cur = s; cur; cur = stage(cur.from)) {
    const found = cur.instructions.filter((i) => i.text.toUpperCase().startsWith(keyword + " "));
    if (found.length > 0) return found.at(-1);
  }
  return null;
};

const services = ["kiosk-gateway", "kiosk-users", "kiosk-media", "kiosk-downloads", "kiosk-plex"];
for (const target of [...services, "kiosk-migrate"]) {
  const s = stage(target);
  if (!s) {
    problem(1, `no target ${target} (FROM ... AS ${target})`);
    continue;
  }
  if (!inherited(s, "ENTRYPOINT")) problem(s.line, `target ${target} has no ENTRYPOINT`);
  const user = inherited(s, "USER");
  const uid = user ? user.text.split(/\s+/)[1].split(":")[0] : "0";
  if (!/^[1-9][0-9]*$/.test(uid)) {
    problem(user?.line ?? s.line, `target ${target} must run as a numeric non-root USER (got ${uid})`);
  }
  if (services.includes(target) && !inherited(s, "HEALTHCHECK")) {
    problem(s.line, `target ${target} has no HEALTHCHECK`);
  }
}

for (const ins of instructions) {
  const m = /^(ENV|ARG)\s+(.*)$/i.exec(ins.text);
  if (m) {
    for (const pair of m[2].split(/\s+/)) {
      const [name, value] = pair.split("=");
      if (/SECRET|PASSWORD|TOKEN|API_KEY/i.test(name) && value) {
        problem(ins.line, `${m[1]} ${name} bakes a secret into the image; pass it at run time`);
      }
    }
  }
  if (/apt-get (-\S+ )*update/.test(ins.text) && !/rm -rf \/var\/lib\/apt\/lists/.test(ins.text)) {
    problem(ins.line, "apt-get update without removing /var/lib/apt/lists in the same layer");
  }
}

const ignored = fs.readFileSync(ignorePath, "utf8").split("\n").map((l) => l.trim());
for (const needed of [".git", ".kiosk", "build*", ".env"]) {
  if (!ignored.includes(needed)) problems.push(`INVALID ${ignorePath}: must ignore ${needed}`);
}

if (problems.length > 0) {
  for (const p of problems) console.log(p);
  console.log(`${dockerfilePath}: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`${dockerfilePath}: ${stages.length} stages, lint clean`);
