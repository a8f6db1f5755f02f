#include "migrations/runner/migration_set.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/crypto.h"
#include "migrations/runner/embedded_migrations.h"

namespace kiosk::migrate {
namespace {

constexpr absl::string_view kUpgradeMarker = "-- +upgrade";
constexpr absl::string_view kDowngradeMarker = "-- +downgrade";

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(c); });
}

// "20261125_0600_001_initial_schema.sql" -> revision "001".
absl::StatusOr<std::string> RevisionFromFilename(absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, absl::MaxSplits('_', 3));
  if (!absl::EndsWith(name, ".sql") || parts.size() != 4 || parts[0].size() != 8 ||
      !AllDigits(parts[0]) || parts[1].size() != 4 || !AllDigits(parts[1]) || parts[2].empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": migration files are named YYYYMMDD_HHMM_<rev>_<slug>.sql (Europe/Paris time); "
              "`kiosk-migrate revision -m \"...\"` writes one"));
  }
  return std::string(parts[2]);
}

// True when `sql` holds something besides comments and whitespace.
bool HasStatements(absl::string_view sql) {
  for (absl::string_view line : absl::StrSplit(sql, '\n')) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (!trimmed.empty() && !absl::StartsWith(trimmed, "--")) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<Migration> ParseMigrationFile(const SourceFile& file) {
  Migration m;
  m.filename = file.name;
  m.checksum = Sha256Hex(file.text);
  absl::StatusOr<std::string> name_revision = RevisionFromFilename(file.name);
  if (!name_revision.ok()) return name_revision.status();

  bool have_revision = false, have_down = false;
  enum { kHeader, kUpgrade, kDowngrade } part = kHeader;
  std::vector<absl::string_view> lines = absl::StrSplit(file.text, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    absl::string_view line = lines[i];
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    const int line_number = static_cast<int>(i) + 1;
    if (trimmed == kUpgradeMarker) {
      if (part != kHeader) {
        return absl::InvalidArgumentError(absl::StrCat(file.name, ":", line_number,
                                                       ": a second '-- +upgrade' marker"));
      }
      part = kUpgrade;
      m.upgrade_first_line = line_number + 1;
      continue;
    }
    if (trimmed == kDowngradeMarker) {
      if (part != kUpgrade) {
        return absl::InvalidArgumentError(absl::StrCat(
            file.name, ":", line_number, ": '-- +downgrade' must follow the '-- +upgrade' part"));
      }
      part = kDowngrade;
      m.downgrade_first_line = line_number + 1;
      continue;
    }
    switch (part) {
      case kHeader:
        if (absl::ConsumePrefix(&trimmed, "-- revision:")) {
          m.revision = std::string(absl::StripAsciiWhitespace(trimmed));
          have_revision = true;
        } else if (absl::ConsumePrefix(&trimmed, "-- down_revision:")) {
          std::string down(absl::StripAsciiWhitespace(trimmed));
          m.down_revision = down == "none" ? "" : down;
          have_down = true;
        } else if (absl::ConsumePrefix(&trimmed, "-- message:")) {
          m.message = std::string(absl::StripAsciiWhitespace(trimmed));
        }
        break;
      case kUpgrade:
        absl::StrAppend(&m.upgrade_sql, line, "\n");
        break;
      case kDowngrade:
        absl::StrAppend(&m.downgrade_sql, line, "\n");
        break;
    }
  }
  if (!have_revision || !have_down) {
    return absl::InvalidArgumentError(absl::StrCat(
        file.name, ": the header must name '-- revision: <rev>' and '-- down_revision: <rev|none>'"));
  }
  if (m.revision != *name_revision) {
    return absl::InvalidArgumentError(absl::StrCat(file.name, ": the file name says revision ",
                                                   *name_revision, " but the header says ",
                                                   m.revision));
  }
  if (part == kHeader) {
    return absl::InvalidArgumentError(
        absl::StrCat(file.name, ": no '-- +upgrade' part (and '-- +downgrade' after it)"));
  }
  if (!HasStatements(m.upgrade_sql)) {
    return absl::InvalidArgumentError(absl::StrCat(file.name, ": the upgrade part is empty"));
  }
  if (part != kDowngrade || !HasStatements(m.downgrade_sql)) {
    return absl::InvalidArgumentError(absl::StrCat(
        file.name, ": the downgrade part is empty; every migration must be reversible"));
  }
  return m;
}

absl::StatusOr<MigrationSet> MigrationSet::FromFiles(std::vector<SourceFile> files) {
  std::map<std::string, Migration> by_revision;
  for (const SourceFile& file : files) {
    absl::StatusOr<Migration> m = ParseMigrationFile(file);
    if (!m.ok()) return m.status();
    auto [it, inserted] = by_revision.emplace(m->revision, *m);
    if (!inserted) {
      return absl::InvalidArgumentError(absl::StrCat("duplicate revision ", m->revision, " in ",
                                                     it->second.filename, " and ", m->filename));
    }
  }
  std::map<std::string, std::vector<const Migration*>> children;
  std::vector<const Migration*> bases;
  for (const auto& [revision, m] : by_revision) {
    if (m.down_revision.empty()) {
      bases.push_back(&m);
    } else if (by_revision.count(m.down_revision) == 0) {
      return absl::InvalidArgumentError(absl::StrCat(m.filename, " follows revision ",
                                                     m.down_revision, ", which does not exist"));
    } else {
      children[m.down_revision].push_back(&m);
    }
  }
  auto names = [](const std::vector<const Migration*>& ms) {
    return absl::StrJoin(ms, ", ", [](std::string* out, const Migration* m) {
      absl::StrAppend(out, m->revision, " (", m->filename, ")");
    });
  };
  if (bases.size() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("more than one first migration (down_revision: none): ", names(bases)));
  }
  for (const auto& [parent, kids] : children) {
    if (kids.size() > 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("two heads: ", names(kids), " both follow ", parent,
                       "; make one of them follow the other"));
    }
  }
  MigrationSet set;
  if (by_revision.empty()) return set;
  if (bases.empty()) {
    return absl::InvalidArgumentError("no first migration: every file names a parent (a cycle)");
  }
  for (const Migration* m = bases[0]; m != nullptr;) {
    set.ordered_.push_back(*m);
    auto it = children.find(m->revision);
    m = it == children.end() ? nullptr : it->second[0];
  }
  if (set.ordered_.size() != by_revision.size()) {
    return absl::InvalidArgumentError("some migrations are not reachable from the first (a cycle)");
  }
  return set;
}

absl::StatusOr<MigrationSet> MigrationSet::FromDirectory(const std::string& dir) {
  std::error_code error;
  std::vector<SourceFile> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() != ".sql") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", entry.path().string()));
    files.push_back({entry.path().filename().string(), text.str()});
  }
  if (error) {
    return absl::NotFoundError(
        absl::StrCat("cannot read the migrations folder ", dir, ": ", error.message()));
  }
  return FromFiles(std::move(files));
}

absl::StatusOr<MigrationSet> MigrationSet::Embedded() {
  return FromFiles(EmbeddedMigrationFiles());
}

int MigrationSet::IndexOf(absl::string_view revision) const {
  for (size_t i = 0; i < ordered_.size(); ++i) {
    if (ordered_[i].revision == revision) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace kiosk::migrate
