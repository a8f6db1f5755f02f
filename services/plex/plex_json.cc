#include "services/plex/plex_json.h"

#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/plex/guid.h"

namespace kiosk::plex {
namespace {

using nlohmann::json;

absl::StatusOr<json> Container(absl::string_view body, absl::string_view what) {
  json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("MediaContainer") ||
      !doc["MediaContainer"].is_object()) {
    return absl::UnavailableError(
        absl::StrCat("Plex answered ", what, " with something that is not Plex JSON (",
                     body.size(), " bytes); is plex.url the Plex Media Server itself?"));
  }
  return std::move(doc["MediaContainer"]);
}

// A string or a number as text ("21050" or 21050).
std::string Text(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return "";
}

// A number or a numeric string; `fallback` otherwise.
int64_t Number(const json& object, const char* key, int64_t fallback) {
  auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number_float()) return static_cast<int64_t>(it->get<double>());
  int64_t value = 0;
  if (it->is_string() && absl::SimpleAtoi(it->get<std::string>(), &value)) return value;
  return fallback;
}

const json* Array(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_array() ? &*it : nullptr;
}

std::string FirstFile(const json& item) {
  const json* media = Array(item, "Media");
  if (media == nullptr) return "";
  for (const json& m : *media) {
    if (!m.is_object()) continue;
    const json* parts = Array(m, "Part");
    if (parts == nullptr) continue;
    for (const json& part : *parts) {
      if (part.is_object()) {
        std::string file = Text(part, "file");
        if (!file.empty()) return file;
      }
    }
  }
  return "";
}

LibraryItem ParseItem(const json& m, int section_id) {
  LibraryItem item;
  item.rating_key = Text(m, "ratingKey");
  item.section_id = static_cast<int>(Number(m, "librarySectionID", section_id));
  item.type = Text(m, "type");
  item.title = Text(m, "title");
  if (auto it = m.find("originalTitle"); it != m.end() && it->is_string()) {
    item.original_title = it->get<std::string>();
  }
  item.year = static_cast<int>(Number(m, "year", 0));
  item.guid = Text(m, "guid");
  std::vector<std::string> children;
  if (const json* guids = Array(m, "Guid")) {
    for (const json& g : *guids) {
      if (g.is_object()) children.push_back(Text(g, "id"));
    }
  }
  item.ids = ResolveIds(item.guid, children);
  item.parent_rating_key = Text(m, "parentRatingKey");
  item.grandparent_rating_key = Text(m, "grandparentRatingKey");
  if (item.type == "season") {
    item.season_number = static_cast<int>(Number(m, "index", -1));
  } else if (item.type == "episode") {
    item.season_number = static_cast<int>(Number(m, "parentIndex", -1));
    item.episode_number = static_cast<int>(Number(m, "index", -1));
  }
  item.file_path = FirstFile(m);
  item.added_at = Number(m, "addedAt", 0);
  item.updated_at = Number(m, "updatedAt", 0);
  return item;
}

}  // namespace

absl::StatusOr<ServerIdentity> ParseIdentity(absl::string_view body) {
  absl::StatusOr<json> container = Container(body, "/identity");
  if (!container.ok()) return container.status();
  ServerIdentity identity;
  identity.machine_identifier = Text(*container, "machineIdentifier");
  identity.version = Text(*container, "version");
  return identity;
}

absl::StatusOr<std::vector<Section>> ParseSections(absl::string_view body) {
  absl::StatusOr<json> container = Container(body, "/library/sections");
  if (!container.ok()) return container.status();
  std::vector<Section> sections;
  const json* directories = Array(*container, "Directory");
  if (directories == nullptr) return sections;
  for (const json& d : *directories) {
    if (!d.is_object()) continue;
    Section section;
    section.id = static_cast<int>(Number(d, "key", 0));
    if (section.id <= 0) continue;
    section.title = Text(d, "title");
    section.type = Text(d, "type");
    section.agent = Text(d, "agent");
    section.language = Text(d, "language");
    if (const json* locations = Array(d, "Location")) {
      for (const json& l : *locations) {
        if (l.is_object() && !Text(l, "path").empty()) section.locations.push_back(Text(l, "path"));
      }
    }
    sections.push_back(std::move(section));
  }
  return sections;
}

absl::StatusOr<ItemsPage> ParseItemsPage(absl::string_view body, int section_id) {
  absl::StatusOr<json> container = Container(body, "a library listing");
  if (!container.ok()) return container.status();
  ItemsPage page;
  section_id = static_cast<int>(Number(*container, "librarySectionID", section_id));
  if (const json* metadata = Array(*container, "Metadata")) {
    page.items.reserve(metadata->size());
    for (const json& m : *metadata) {
      if (!m.is_object()) continue;
      LibraryItem item = ParseItem(m, section_id);
      if (item.rating_key.empty()) continue;
      page.items.push_back(std::move(item));
    }
  }
  page.offset = static_cast<int>(Number(*container, "offset", 0));
  page.size = static_cast<int>(Number(*container, "size", static_cast<int64_t>(page.items.size())));
  page.total_size = static_cast<int>(Number(*container, "totalSize", page.size));
  return page;
}

}  // namespace kiosk::plex
