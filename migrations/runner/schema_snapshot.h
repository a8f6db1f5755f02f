// A canonical, comparable picture of some schemas of one database, and the
// diff of two such pictures: what `kiosk-migrate check` uses to say whether
// the live schema has drifted from what the migrations produce.
//
//   ASSIGN_OR_RETURN(SchemaSnapshot expected, TakeSnapshot(scratch, KioskSchemas()));
//   ASSIGN_OR_RETURN(SchemaSnapshot actual, TakeSnapshot(live, KioskSchemas()));
//   std::vector<std::string> diff = DiffSnapshots(expected, actual);
//   if (!diff.empty()) { std::cerr << RenderDiff(diff); return 1; }
//
// A snapshot has one entry per schema object, sorted, every name
// schema-qualified (whatever the session's or database's search_path), e.g.
//
//   schema users
//   table users.users
//   column users.users.id bigint NOT NULL identity(by default)
//   column users.users.role text NOT NULL DEFAULT 'user'::text
//   index users.users users_email_lower_key: CREATE UNIQUE INDEX users_email_lower_key ON ...
//   constraint users.users users_role_check: CHECK ((role = ANY (ARRAY['admin'::text, ...
//   sequence users.users_id_seq bigint START 1 INCREMENT 1 ... OWNED BY users.users.id
//   trigger users.users users_touch: CREATE TRIGGER users_touch BEFORE UPDATE ON users.users ...
//
// Covered: schemas, tables (ordinary, partitioned, partitions, foreign),
// columns, indexes, constraints (tables and domains), views and
// materialized views, sequences, enum / composite / range types, domains,
// functions, procedures, aggregates and non-internal triggers. Column order
// is not part of the snapshot: a column added by ALTER TABLE equals the same
// column written in CREATE TABLE. Not covered: privileges, owners, comments,
// row-level security policies, rules other than views, statistics objects.
// Function and view definitions keep their own newlines, so an entry may span
// several lines; RenderDiff() marks every one of them.
#ifndef KIOSK_MIGRATIONS_RUNNER_SCHEMA_SNAPSHOT_H_
#define KIOSK_MIGRATIONS_RUNNER_SCHEMA_SNAPSHOT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace kiosk::migrate {

struct SchemaSnapshot {
  // One entry per schema object, canonical and sorted (byte order).
  std::vector<std::string> lines;
};

// Reads `schemas` of the database at `conninfo` in one read-only,
// repeatable-read transaction. Schemas that do not exist are simply absent
// (no "schema X" entry). Errors: INVALID_ARGUMENT for an empty schema list,
// UNAVAILABLE when the database cannot be reached, otherwise the code
// kiosk::db::StatusFromException gives.
absl::StatusOr<SchemaSnapshot> TakeSnapshot(const std::string& conninfo,
                                            const std::vector<std::string>& schemas);

// Entries only in `expected` as "- <entry>", only in `actual` as "+ <entry>";
// empty when the snapshots are equal. Grouped by kind of object (schemas,
// types, sequences, tables, columns, constraints, indexes, views, functions,
// triggers), then by object name, with "-" before "+" for the same object so
// a changed object reads as a before / after pair.
std::vector<std::string> DiffSnapshots(const SchemaSnapshot& expected,
                                       const SchemaSnapshot& actual);

// The diff as text for a person: a summary line, the legend, then the diff
// with every line of a multi-line entry marked. "" when `diff` is empty.
std::string RenderDiff(const std::vector<std::string>& diff);

}  // namespace kiosk::migrate

#endif  // KIOSK_MIGRATIONS_RUNNER_SCHEMA_SNAPSHOT_H_
