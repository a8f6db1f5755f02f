#include "migrations/runner/schema_snapshot.h"

#include <algorithm>
#include <iterator>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/db/pg_errors.h"

namespace kiosk::migrate {
namespace {

// Every query takes the schema list as $1 (a text[] literal) and returns one
// column: the finished entry. Names go through %I so odd ones stay readable
// and unambiguous; the pg_get_*def functions qualify names because the
// transaction's search_path is pg_catalog only.

// Settings that change how pg_get_*def and pg_get_expr spell things, pinned
// for this transaction so role, database or PGOPTIONS settings cannot make
// two equal schemas look different: with only pg_catalog on the path every
// user object is schema-qualified, and constants (a timestamptz partition
// bound, an interval default, a float in a CHECK) print the same everywhere.
constexpr char kSessionSql[] = R"sql(
SET LOCAL search_path = pg_catalog;
SET LOCAL TimeZone = 'UTC';
SET LOCAL DateStyle = 'ISO, YMD';
SET LOCAL IntervalStyle = 'postgres';
SET LOCAL extra_float_digits = 1;
SET LOCAL bytea_output = 'hex';
)sql";

constexpr char kSchemasSql[] = R"sql(
SELECT format('schema %I', n.nspname)
FROM pg_namespace n
WHERE n.nspname = ANY ($1::text[])
)sql";

// Partition bounds, partition keys, inheritance, UNLOGGED and storage
// options are part of a table's shape; its columns are listed separately.
constexpr char kTablesSql[] = R"sql(
SELECT format('table %I.%I', n.nspname, c.relname)
    || CASE WHEN c.relpersistence = 'u' THEN ' UNLOGGED' ELSE '' END
    || CASE WHEN c.relispartition THEN
         COALESCE((SELECT format(' PARTITION OF %I.%I ', pn.nspname, p.relname)
                   FROM pg_inherits i
                   JOIN pg_class p ON p.oid = i.inhparent
                   JOIN pg_namespace pn ON pn.oid = p.relnamespace
                   WHERE i.inhrelid = c.oid), ' PARTITION OF ? ')
         || COALESCE(pg_get_expr(c.relpartbound, c.oid), '')
       ELSE
         COALESCE(' INHERITS (' || (SELECT string_agg(format('%I.%I', pn.nspname, p.relname),
                                                      ', ' ORDER BY i.inhseqno)
                                    FROM pg_inherits i
                                    JOIN pg_class p ON p.oid = i.inhparent
                                    JOIN pg_namespace pn ON pn.oid = p.relnamespace
                                    WHERE i.inhrelid = c.oid) || ')', '')
       END
    || CASE WHEN c.relkind = 'p' THEN ' PARTITION BY ' || pg_get_partkeydef(c.oid) ELSE '' END
    || CASE WHEN c.relkind = 'f' THEN
         COALESCE((SELECT format(' FOREIGN SERVER %I', s.srvname)
                   FROM pg_foreign_table ft
                   JOIN pg_foreign_server s ON s.oid = ft.ftserver
                   WHERE ft.ftrelid = c.oid), ' FOREIGN')
       ELSE '' END
    || COALESCE(' WITH (' || array_to_string(c.reloptions, ', ') || ')', '')
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY ($1::text[])
  AND c.relkind IN ('r', 'p', 'f')
)sql";

// attnum is deliberately left out: column order is not schema drift.
constexpr char kColumnsSql[] = R"sql(
SELECT format('column %I.%I.%I %s', n.nspname, c.relname, a.attname,
              format_type(a.atttypid, a.atttypmod))
    || CASE WHEN a.attcollation <> t.typcollation THEN
         COALESCE((SELECT format(' COLLATE %I.%I', cn.nspname, co.collname)
                   FROM pg_collation co
                   JOIN pg_namespace cn ON cn.oid = co.collnamespace
                   WHERE co.oid = a.attcollation), '')
       ELSE '' END
    || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
    || CASE
         WHEN a.attgenerated = 's' THEN
           ' GENERATED ALWAYS AS (' || pg_get_expr(d.adbin, d.adrelid) || ') STORED'
         WHEN d.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid)
         ELSE ''
       END
    || CASE a.attidentity
         WHEN 'a' THEN ' identity(always)'
         WHEN 'd' THEN ' identity(by default)'
         ELSE ''
       END
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = ANY ($1::text[])
  AND c.relkind IN ('r', 'p', 'f')
  AND a.attnum > 0
  AND NOT a.attisdropped
)sql";

// Every index, including those backing PRIMARY KEY / UNIQUE constraints. An
// index left invalid by a failed CREATE INDEX CONCURRENTLY is drift too.
constexpr char kIndexesSql[] = R"sql(
SELECT format('index %I.%I %I: %s', n.nspname, t.relname, i.relname, pg_get_indexdef(i.oid))
    || CASE WHEN x.indisvalid THEN '' ELSE ' INVALID' END
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = ANY ($1::text[])
)sql";

// Table constraints of every type (p, u, f, c, x, t) and domain constraints,
// named after their table or domain.
constexpr char kConstraintsSql[] = R"sql(
SELECT format('constraint %I.%I %I: %s', n.nspname, COALESCE(c.relname, ty.typname),
              co.conname, pg_get_constraintdef(co.oid))
FROM pg_constraint co
JOIN pg_namespace n ON n.oid = co.connamespace
LEFT JOIN pg_class c ON c.oid = co.conrelid AND co.conrelid <> 0
LEFT JOIN pg_type ty ON ty.oid = co.contypid AND co.contypid <> 0
WHERE n.nspname = ANY ($1::text[])
)sql";

constexpr char kViewsSql[] = R"sql(
SELECT format('%s %I.%I', CASE c.relkind WHEN 'm' THEN 'matview' ELSE 'view' END,
              n.nspname, c.relname)
    || COALESCE(' WITH (' || array_to_string(c.reloptions, ', ') || ')', '')
    || ': ' || ltrim(pg_get_viewdef(c.oid), E' \n')
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY ($1::text[])
  AND c.relkind IN ('v', 'm')
)sql";

// OWNED BY tells an identity or serial sequence from a free-standing one.
constexpr char kSequencesSql[] = R"sql(
SELECT format('sequence %I.%I %s START %s INCREMENT %s MINVALUE %s MAXVALUE %s CACHE %s',
              n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart,
              s.seqincrement, s.seqmin, s.seqmax, s.seqcache)
    || CASE WHEN s.seqcycle THEN ' CYCLE' ELSE '' END
    || COALESCE((SELECT string_agg(format(' OWNED BY %I.%I.%I', tn.nspname, t.relname, a.attname), '')
                 FROM pg_depend d
                 JOIN pg_class t ON t.oid = d.refobjid
                 JOIN pg_namespace tn ON tn.oid = t.relnamespace
                 JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                 WHERE d.classid = 'pg_class'::regclass
                   AND d.objid = c.oid
                   AND d.refclassid = 'pg_class'::regclass
                   AND d.refobjsubid > 0
                   AND d.deptype IN ('a', 'i')), '')
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_sequence s ON s.seqrelid = c.oid
WHERE n.nspname = ANY ($1::text[])
  AND c.relkind = 'S'
)sql";

// Enums (labels in their order), domains, stand-alone composite types,
// ranges, multiranges and base types. Left out, because their owner already
// stands for them: the row type of every table or view, and the array type
// PostgreSQL creates for each type.
constexpr char kTypesSql[] = R"sql(
SELECT CASE t.typtype
    WHEN 'e' THEN format('type %I.%I AS ENUM (%s)', n.nspname, t.typname,
                         COALESCE((SELECT string_agg(quote_literal(e.enumlabel), ', '
                                                     ORDER BY e.enumsortorder)
                                   FROM pg_enum e WHERE e.enumtypid = t.oid), ''))
    WHEN 'd' THEN format('domain %I.%I %s', n.nspname, t.typname,
                         format_type(t.typbasetype, t.typtypmod))
                  || CASE WHEN t.typcollation <> bt.typcollation THEN
                       COALESCE((SELECT format(' COLLATE %I.%I', cn.nspname, co.collname)
                                 FROM pg_collation co
                                 JOIN pg_namespace cn ON cn.oid = co.collnamespace
                                 WHERE co.oid = t.typcollation), '')
                     ELSE '' END
                  || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END
                  || COALESCE(' DEFAULT ' || pg_get_expr(t.typdefaultbin, 0), '')
    WHEN 'c' THEN format('type %I.%I AS (%s)', n.nspname, t.typname,
                         COALESCE((SELECT string_agg(format('%I %s', a.attname,
                                                            format_type(a.atttypid, a.atttypmod)),
                                                     ', ' ORDER BY a.attnum)
                                   FROM pg_attribute a
                                   WHERE a.attrelid = t.typrelid
                                     AND a.attnum > 0
                                     AND NOT a.attisdropped), ''))
    WHEN 'r' THEN format('type %I.%I AS RANGE (SUBTYPE = %s)', n.nspname, t.typname,
                         (SELECT format_type(r.rngsubtype, NULL)
                          FROM pg_range r WHERE r.rngtypid = t.oid))
    WHEN 'm' THEN format('type %I.%I AS MULTIRANGE', n.nspname, t.typname)
    ELSE format('type %I.%I typtype=%s', n.nspname, t.typname, t.typtype)
  END
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_type bt ON bt.oid = t.typbasetype AND t.typbasetype <> 0
WHERE n.nspname = ANY ($1::text[])
  AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
  AND NOT (t.typelem <> 0
           AND (SELECT e.typarray FROM pg_type e WHERE e.oid = t.typelem) = t.oid)
)sql";

// pg_get_functiondef() refuses aggregates, so those get their own short form.
constexpr char kFunctionsSql[] = R"sql(
SELECT CASE p.prokind
    WHEN 'a' THEN format('aggregate %I.%I(%s): SFUNC = %s, STYPE = %s',
                         n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
                         ag.aggtransfn, format_type(ag.aggtranstype, NULL))
                  || CASE WHEN ag.aggfinalfn::oid <> 0 THEN format(', FINALFUNC = %s', ag.aggfinalfn)
                     ELSE '' END
                  || COALESCE(', INITCOND = ' || quote_literal(ag.agginitval), '')
    ELSE format('%s %I.%I(%s): %s', CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,
                n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
                pg_get_functiondef(p.oid))
  END
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
LEFT JOIN pg_aggregate ag ON ag.aggfnoid = p.oid
WHERE n.nspname = ANY ($1::text[])
)sql";

// Internal triggers (those implementing foreign keys) are covered by their
// constraint. A disabled trigger is drift: it no longer does its job.
constexpr char kTriggersSql[] = R"sql(
SELECT format('trigger %I.%I %I: %s', n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid))
    || CASE t.tgenabled
         WHEN 'D' THEN ' DISABLED'
         WHEN 'R' THEN ' ENABLE REPLICA'
         WHEN 'A' THEN ' ENABLE ALWAYS'
         ELSE ''
       END
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY ($1::text[])
  AND NOT t.tgisinternal
)sql";

struct NamedQuery {
  const char* what;
  const char* sql;
};

constexpr NamedQuery kQueries[] = {
    {"schemas", kSchemasSql},         {"tables", kTablesSql},
    {"columns", kColumnsSql},         {"indexes", kIndexesSql},
    {"constraints", kConstraintsSql}, {"views", kViewsSql},
    {"sequences", kSequencesSql},     {"types", kTypesSql},
    {"functions", kFunctionsSql},     {"triggers", kTriggersSql},
};

// A PostgreSQL array literal, every element double-quoted so commas, braces,
// quotes and backslashes in a name cannot split or end it. It travels as a
// bound parameter, never as SQL text.
std::string TextArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char ch : items[i]) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  out += '}';
  return out;
}

// The first token of an entry ("column") and its identity: the kind and the
// object's name ("column users.t.a", "index users.t t_pkey",
// "function users.f(integer, text)"). Tokens end at spaces outside double
// quotes and parentheses. Used only to order a diff, never to compare.
std::pair<std::string, std::string> KindAndKey(absl::string_view entry) {
  std::vector<std::string> tokens;
  std::string token;
  bool quoted = false;
  int depth = 0;
  size_t wanted = 2;
  for (char ch : entry) {
    if (ch == '\n') break;
    if (ch == ' ' && !quoted && depth == 0) {
      if (!token.empty()) tokens.push_back(std::move(token));
      token.clear();
      if (tokens.size() == 1 &&
          (tokens[0] == "index" || tokens[0] == "constraint" || tokens[0] == "trigger")) {
        wanted = 3;
      }
      if (tokens.size() >= wanted) break;
      continue;
    }
    if (ch == '"') quoted = !quoted;  // "" inside a name toggles twice: harmless
    if (!quoted && ch == '(') ++depth;
    if (!quoted && ch == ')' && depth > 0) --depth;
    token += ch;
  }
  if (!token.empty() && tokens.size() < wanted) tokens.push_back(std::move(token));
  if (tokens.empty()) return {"", ""};
  std::string key = tokens[0];
  for (size_t i = 1; i < tokens.size(); ++i) {
    absl::string_view name = tokens[i];
    if (i + 1 == tokens.size()) absl::ConsumeSuffix(&name, ":");
    absl::StrAppend(&key, " ", name);
  }
  return {tokens[0], key};
}

// Dependency order, roughly, so a reader meets a table before its columns.
int KindRank(absl::string_view kind) {
  static constexpr absl::string_view kOrder[] = {
      "schema", "type", "domain",  "sequence", "table",     "column",    "constraint",
      "index",  "view", "matview", "function", "procedure", "aggregate", "trigger",
  };
  for (size_t i = 0; i < std::size(kOrder); ++i) {
    if (kOrder[i] == kind) return static_cast<int>(i);
  }
  return static_cast<int>(std::size(kOrder));
}

}  // namespace

absl::StatusOr<SchemaSnapshot> TakeSnapshot(const std::string& conninfo,
                                            const std::vector<std::string>& schemas) {
  if (schemas.empty()) {
    return absl::InvalidArgumentError("reading schema: no schema to read");
  }
  const std::string schema_array = TextArrayLiteral(schemas);
  absl::StatusOr<SchemaSnapshot> snapshot =
      db::RunWithStatus("reading schema", [&]() -> SchemaSnapshot {
        pqxx::connection conn(conninfo);
        // Repeatable read: all queries see the catalog as of one moment.
        pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(conn);
        tx.exec0(kSessionSql);
        SchemaSnapshot out;
        for (const NamedQuery& query : kQueries) {
          const pqxx::result rows = tx.exec_params(query.sql, schema_array);
          for (const pqxx::row& row : rows) {
            if (row[0].is_null()) {
              throw std::runtime_error(absl::StrCat("unexpected NULL entry among ", query.what));
            }
            // pg_get_functiondef ends with a newline; trailing blanks are noise.
            out.lines.emplace_back(absl::StripTrailingAsciiWhitespace(row[0].c_str()));
          }
        }
        tx.commit();
        std::sort(out.lines.begin(), out.lines.end());
        return out;
      });
  return snapshot;
}

std::vector<std::string> DiffSnapshots(const SchemaSnapshot& expected,
                                       const SchemaSnapshot& actual) {
  std::vector<std::string> want = expected.lines;
  std::vector<std::string> have = actual.lines;
  std::sort(want.begin(), want.end());
  std::sort(have.begin(), have.end());

  // Multiset differences: a duplicated entry on one side only still shows.
  std::vector<std::string> missing;
  std::vector<std::string> extra;
  std::set_difference(want.begin(), want.end(), have.begin(), have.end(),
                      std::back_inserter(missing));
  std::set_difference(have.begin(), have.end(), want.begin(), want.end(),
                      std::back_inserter(extra));

  struct Item {
    int rank;
    std::string key;
    char marker;
    std::string entry;
  };
  std::vector<Item> items;
  items.reserve(missing.size() + extra.size());
  for (std::string& entry : missing) {
    auto [kind, key] = KindAndKey(entry);
    items.push_back({KindRank(kind), std::move(key), '-', std::move(entry)});
  }
  for (std::string& entry : extra) {
    auto [kind, key] = KindAndKey(entry);
    items.push_back({KindRank(kind), std::move(key), '+', std::move(entry)});
  }
  // Same object: "-" (before) ahead of "+" (after), unlike their ASCII order.
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    const bool a_minus = a.marker == '-';
    const bool b_minus = b.marker == '-';
    return std::tie(a.rank, a.key, b_minus, a.entry) < std::tie(b.rank, b.key, a_minus, b.entry);
  });

  std::vector<std::string> diff;
  diff.reserve(items.size());
  for (const Item& item : items) {
    diff.push_back(absl::StrCat(item.marker == '-' ? "- " : "+ ", item.entry));
  }
  return diff;
}

std::string RenderDiff(const std::vector<std::string>& diff) {
  if (diff.empty()) return "";
  size_t missing = 0;
  for (const std::string& line : diff) {
    if (absl::StartsWith(line, "-")) ++missing;
  }
  std::string out = absl::StrCat(
      "The database schema differs from the migrations (", missing, " -, ", diff.size() - missing,
      " +):\n"
      "  - expected by the migrations, missing or different in the database\n"
      "  + in the database, not made by the migrations\n");
  std::string previous_kind = "\x01";  // no kind is spelt like this
  for (const std::string& line : diff) {
    absl::string_view marker = absl::string_view(line).substr(0, 1);
    absl::string_view entry = absl::string_view(line).substr(std::min<size_t>(2, line.size()));
    // A blank line between kinds of object keeps long diffs scannable.
    std::string kind = KindAndKey(entry).first;
    if (kind != previous_kind) {
      out += '\n';
      previous_kind = kind;
    }
    bool first = true;
    for (absl::string_view part : absl::StrSplit(entry, '\n')) {
      // Continuation lines of a function or view keep the marker, so every
      // line of the output says which side it comes from.
      absl::StrAppend(&out, marker, first ? " " : "     ", part, "\n");
      first = false;
    }
  }
  return out;
}

}  // namespace kiosk::migrate
