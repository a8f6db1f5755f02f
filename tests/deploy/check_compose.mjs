// Checks what `docker-compose config` resolved from docker-compose.yml:
//
//   node check_compose.mjs <resolved.yaml>
//
// PostgreSQL 16 alpine with a pg_isready healthcheck and the postgres-data
// volume; a one-shot migrate service running `upgrade head` once PostgreSQL is
// healthy; the four services and the gateway waiting for both (the migration
// completed successfully, PostgreSQL healthy); the gateway published on 8765.
import fs from "node:fs";
import YAML from "yaml";

const config = YAML.parse(fs.readFileSync(process.argv[2], "utf8"));
const problems = [];
const expect = (ok, text) => ok || problems.push(`INVALID docker-compose.yml: ${text}`);
const s = config.services ?? {};

expect(s.postgres?.image === "postgres:16-alpine", "postgres must use postgres:16-alpine");
expect(JSON.stringify(s.postgres?.healthcheck?.test ?? "").includes("pg_isready"), "postgres needs a pg_isready healthcheck");
expect((s.postgres?.volumes ?? []).some((v) => (v.source ?? String(v).split(":")[0]) === "postgres-data"),
  "postgres must keep its data in the postgres-data volume");
expect("postgres-data" in (config.volumes ?? {}), "the named volume postgres-data must be declared");
expect(JSON.stringify(s.migrate?.command) === JSON.stringify(["upgrade", "head"]), "migrate must run `upgrade head`");
expect(s.migrate?.depends_on?.postgres?.condition === "service_healthy", "migrate must wait for a healthy postgres");
for (const name of ["users", "media", "downloads", "plex", "gateway"]) {
  const deps = s[name]?.depends_on ?? {};
  expect(s[name] !== undefined, `service ${name} is missing`);
  expect(deps.migrate?.condition === "service_completed_successfully",
    `${name} must wait for migrate (condition: service_completed_successfully)`);
  expect(deps.postgres?.condition === "service_healthy", `${name} must wait for a healthy postgres`);
  expect(s[name]?.read_only === true, `${name} must run with a read-only root filesystem`);
}
expect((s.gateway?.ports ?? []).some((p) => String(p.target ?? p).includes("8765")), "the gateway must publish port 8765");

if (problems.length > 0) {
  for (const p of problems) console.log(p);
  process.exit(1);
}
console.log(`docker-compose.yml: ${Object.keys(s).length} services as expected`);
