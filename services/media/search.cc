#include "services/media/search.h"

#include <future>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace kiosk::media {
namespace {

constexpr int kMaxQueryBytes = 200;
constexpr int kMaxPage = 500;  // TMDB's own limit
constexpr int kLocalPageSize = 20;

// TMDB failures that send the search to the local mappings: no answer, a
// refused or missing key. Anything else (a bug, a bad answer) is reported.
bool UseLocalInstead(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status) ||
         absl::IsFailedPrecondition(status);
}

}  // namespace

std::string Search::OverviewLanguage(const auth::Caller& caller, const std::string& asked,
                                     const std::string& request_id) {
  if (!asked.empty()) return asked;
  if (caller.user_id > 0) {
    absl::StatusOr<UserInfo> user = users_.Get(caller.user_id, request_id);
    if (user.ok() && (user->preferred_language == "fr" || user->preferred_language == "en")) {
      return user->preferred_language;
    }
  }
  absl::StatusOr<server::SettingValues> settings = settings_.Get({"tmdb.default_language"});
  std::string fallback = settings.ok() ? settings->String("tmdb.default_language", "fr") : "fr";
  return fallback == "en" ? "en" : "fr";
}

absl::StatusOr<SearchPage> Search::Run(const auth::Caller& caller, const SearchQuery& query,
                                       const std::string& request_id) {
  if (query.query.empty() || query.query.size() > kMaxQueryBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("query must be 1 to ", kMaxQueryBytes, " characters: type a title"));
  }
  if (!query.type.empty() && query.type != "movie" && query.type != "tv") {
    return absl::InvalidArgumentError("type must be \"movie\", \"tv\" or empty for both");
  }
  if (query.page < 0 || query.page > kMaxPage) {
    return absl::InvalidArgumentError(absl::StrCat("page must be from 1 to ", kMaxPage));
  }
  if (!query.language.empty() && query.language != "fr" && query.language != "en") {
    return absl::InvalidArgumentError("language must be \"fr\", \"en\" or empty");
  }
  if (query.year != 0 && (query.year < 1870 || query.year > 2200)) {
    return absl::InvalidArgumentError("year must be from 1870 to 2200, or 0 for any");
  }
  SearchQuery q = query;
  if (q.page == 0) q.page = 1;
  std::string language = OverviewLanguage(caller, q.language, request_id);

  absl::StatusOr<SearchPage> page = FromTmdb(q, language);
  if (!page.ok()) {
    if (!UseLocalInstead(page.status())) return page.status();
    log::Warn("search_local_fallback").With("request_id", request_id)
        .With("reason", page.status().message());
    std::string why(page.status().message());
    page = FromMappings(q);
    if (!page.ok()) return page.status();
    page->source = "local";
    page->notice = absl::StrCat("TMDB could not be used (", why,
                                "); these results come from titles already known here");
  }
  AddState(*page, request_id);
  return page;
}

absl::StatusOr<SearchPage> Search::FromTmdb(const SearchQuery& q, const std::string& language) {
  // Both languages at once: the slower of the two calls is the latency.
  auto search = [this, &q](const char* tmdb_language) {
    return tmdb_.Search(q.query, q.type, tmdb_language, q.page, q.year);
  };
  std::future<absl::StatusOr<TmdbPage>> fr_call = std::async(std::launch::async, search, "fr-FR");
  absl::StatusOr<TmdbPage> en = search("en-US");
  absl::StatusOr<TmdbPage> fr = fr_call.get();
  if (!fr.ok()) return fr.status();
  if (!en.ok()) return en.status();

  // Merge by (type, id), in the order of the asked language's answer.
  const TmdbPage& first = language == "en" ? *en : *fr;
  const TmdbPage& second = language == "en" ? *fr : *en;
  std::map<std::string, size_t> index;
  SearchPage page;
  page.page = q.page;
  page.pages = std::max(fr->total_pages, en->total_pages);
  page.total_results = std::max(fr->total_results, en->total_results);
  for (const TmdbPage* answer : {&first, &second}) {
    bool is_fr = answer == &*fr;
    for (const TmdbTitle& t : answer->results) {
      std::string key = TitleKeyString(t.media_type, t.id);
      auto [it, added] = index.emplace(key, page.hits.size());
      if (added) {
        page.hits.push_back({.media_type = t.media_type,
                             .tmdb_id = t.id,
                             .original_title = t.original_title,
                             .original_language = t.original_language,
                             .year = t.year,
                             .poster_path = t.poster_path,
                             .overview = t.overview});
      }
      SearchHit& hit = page.hits[it->second];
      (is_fr ? hit.title_fr : hit.title_en) = t.title;
      if (hit.overview.empty()) hit.overview = t.overview;
      if (hit.poster_path.empty()) hit.poster_path = t.poster_path;
    }
  }

  std::vector<TitleKey> keys;
  std::vector<TitleMapping> learned;
  for (const SearchHit& hit : page.hits) {
    keys.push_back({hit.media_type, hit.tmdb_id, "", 0});
    learned.push_back({.media_type = hit.media_type,
                       .tmdb_id = hit.tmdb_id,
                       .title_fr = hit.title_fr,
                       .title_en = hit.title_en,
                       .original_title = hit.original_title,
                       .year = hit.year});
  }
  // Learning mappings is a side effect: a failure must not fail the search.
  if (absl::Status s = mappings_.RememberFromTmdb(learned); !s.ok()) {
    log::Warn("mappings_not_saved").With("error", s.message());
  }
  // Admins' corrections win over TMDB's titles.
  absl::StatusOr<std::map<std::string, TitleMapping>> known = mappings_.ForTitles(keys);
  if (known.ok()) {
    for (SearchHit& hit : page.hits) {
      auto it = known->find(TitleKeyString(hit.media_type, hit.tmdb_id));
      if (it == known->end()) continue;
      const TitleMapping& m = it->second;
      if (m.source == "manual") {
        if (!m.title_fr.empty()) hit.title_fr = m.title_fr;
        if (!m.title_en.empty()) hit.title_en = m.title_en;
        if (!m.original_title.empty()) hit.original_title = m.original_title;
      } else {
        if (hit.title_fr.empty()) hit.title_fr = m.title_fr;
        if (hit.title_en.empty()) hit.title_en = m.title_en;
      }
    }
  }
  return page;
}

absl::StatusOr<SearchPage> Search::FromMappings(const SearchQuery& q) {
  absl::StatusOr<std::vector<TitleMapping>> found =
      mappings_.Search(q.query, q.type, kLocalPageSize + 1, (q.page - 1) * kLocalPageSize);
  if (!found.ok()) return found.status();
  SearchPage page;
  page.page = q.page;
  bool more = found->size() > kLocalPageSize;
  if (more) found->pop_back();
  for (const TitleMapping& m : *found) {
    if (q.year != 0 && m.year != q.year) continue;
    page.hits.push_back({.media_type = m.media_type,
                         .tmdb_id = m.tmdb_id,
                         .title_fr = m.title_fr,
                         .title_en = m.title_en,
                         .original_title = m.original_title,
                         .year = m.year});
  }
  page.pages = more ? q.page + 1 : q.page;
  page.total_results = (q.page - 1) * kLocalPageSize + static_cast<int>(page.hits.size());
  return page;
}

void Search::AddState(SearchPage& page, const std::string& request_id) {
  if (page.hits.empty()) {
    page.library_checked = true;
    return;
  }
  std::vector<TitleKey> keys;
  for (const SearchHit& hit : page.hits) keys.push_back({hit.media_type, hit.tmdb_id, "", 0});
  absl::StatusOr<std::vector<PlexPresence>> plex = plex_.Lookup(keys, request_id);
  if (plex.ok()) {
    page.library_checked = true;
    for (size_t i = 0; i < plex->size() && i < page.hits.size(); ++i) {
      page.hits[i].in_plex = (*plex)[i].present;
    }
  } else {
    log::Warn("search_without_library").With("request_id", request_id)
        .With("error", plex.status().message());
  }
  absl::StatusOr<std::map<std::string, MediaRequest>> requested = requests_.LatestFor(keys);
  if (!requested.ok()) {
    log::Warn("search_without_requests").With("error", requested.status().message());
    return;
  }
  for (SearchHit& hit : page.hits) {
    auto it = requested->find(TitleKeyString(hit.media_type, hit.tmdb_id));
    if (it == requested->end()) continue;
    hit.request_id = it->second.id;
    hit.request_status = it->second.status;
  }
}

}  // namespace kiosk::media
