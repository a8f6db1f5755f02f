#include "migrations/runner/revision_writer.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace kiosk::migrate {
namespace {

std::string Slug(absl::string_view message) {
  std::string slug;
  for (char c : message) {
    if (absl::ascii_isalnum(c)) {
      slug += absl::ascii_tolower(c);
    } else if (!slug.empty() && slug.back() != '_') {
      slug += '_';
    }
  }
  while (!slug.empty() && slug.back() == '_') slug.pop_back();
  if (slug.size() > 40) slug.resize(40);
  while (!slug.empty() && slug.back() == '_') slug.pop_back();
  return slug;
}

}  // namespace

absl::StatusOr<NewRevision> PlanRevision(const MigrationSet& set, absl::string_view message,
                                         absl::Time now) {
  message = absl::StripAsciiWhitespace(message);
  std::string slug = Slug(message);
  if (slug.empty()) {
    return absl::InvalidArgumentError(
        "the message must contain letters or digits, e.g. revision -m \"add jobs table\"");
  }
  int highest = 0;
  for (const Migration& m : set.ordered()) {
    int number = 0;
    if (absl::SimpleAtoi(m.revision, &number)) highest = std::max(highest, number);
  }
  std::string revision = absl::StrFormat("%03d", highest + 1);
  absl::TimeZone paris;
  if (!absl::LoadTimeZone("Europe/Paris", &paris)) {
    return absl::FailedPreconditionError(
        "the Europe/Paris time zone is missing; install the tzdata package");
  }
  std::string stamp = absl::FormatTime("%Y%m%d_%H%M", now, paris);
  std::string human = absl::FormatTime("%Y-%m-%d %H:%M", now, paris);
  std::string parent = set.head().empty() ? "none" : set.head();
  NewRevision out;
  out.filename = absl::StrCat(stamp, "_", revision, "_", slug, ".sql");
  out.text = absl::StrCat(
      "-- revision: ", revision, "\n-- down_revision: ", parent, "\n-- message: ", message,
      "\n-- created: ", human, " Europe/Paris\n",
      "--\n"
      "-- Write the upgrade and the downgrade below. Both are required (an empty part is\n"
      "-- refused); each runs in one transaction. Schema-qualify every table with the\n"
      "-- owning service's schema (users, media, downloads, plex).\n"
      "\n-- +upgrade\n\n\n-- +downgrade\n\n");
  return out;
}

absl::StatusOr<std::string> WriteRevision(const std::string& dir, absl::string_view message,
                                          absl::Time now) {
  absl::StatusOr<MigrationSet> set = MigrationSet::FromDirectory(dir);
  if (!set.ok()) return set.status();
  absl::StatusOr<NewRevision> revision = PlanRevision(*set, message, now);
  if (!revision.ok()) return revision.status();
  std::filesystem::path path = std::filesystem::path(dir) / revision->filename;
  if (std::filesystem::exists(path)) {
    return absl::AlreadyExistsError(absl::StrCat(path.string(), " already exists"));
  }
  std::ofstream out(path, std::ios::binary);
  out << revision->text;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path.string()));
  return path.string();
}

}  // namespace kiosk::migrate
