#include "services/plex/plex_client.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "services/plex/plex_json.h"

namespace kiosk::plex {
namespace {

bool Retryable(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status);
}

}  // namespace

PlexClient::PlexClient(http::HttpClient& http, PlexConnection connection,
                       PlexClientOptions options)
    : http_(http), connection_(std::move(connection)), options_(std::move(options)) {}

absl::StatusOr<http::HttpResponse> PlexClient::Get(const std::string& path_and_query,
                                                   const std::string& what, int page_start,
                                                   int page_size) {
  if (connection_.url.empty()) {
    return absl::FailedPreconditionError(
        "Plex is not configured: set plex.url (and plex.token) in the system settings");
  }
  http::HttpRequest request{
      .url = absl::StrCat(absl::StripSuffix(connection_.url, "/"), path_and_query),
      .headers = {{"Accept", "application/json"},
                  {"X-Plex-Token", connection_.token},
                  {"X-Plex-Client-Identifier", options_.client_identifier},
                  {"X-Plex-Product", "plex-kiosk"},
                  {"X-Plex-Version", KIOSK_VERSION}},
      .timeout = options_.timeout};
  if (page_start >= 0) {
    request.headers.push_back({"X-Plex-Container-Start", std::to_string(page_start)});
    request.headers.push_back({"X-Plex-Container-Size", std::to_string(page_size)});
  }
  absl::Status last;
  absl::Duration backoff = options_.backoff;
  for (int attempt = 1; attempt <= std::max(1, options_.attempts); ++attempt) {
    if (attempt > 1) {
      absl::SleepFor(backoff);
      backoff *= 2;
    }
    absl::StatusOr<http::HttpResponse> response = http_.Send(request);
    if (!response.ok()) {
      last = response.status();
      if (!Retryable(last)) return last;
      log::Warn("plex_call_retry").With("what", what).With("attempt", attempt).With(last);
      continue;
    }
    if (response->status == 401) {
      return absl::FailedPreconditionError(
          absl::StrCat("Plex token rejected (401 from ", http::RedactUrl(request.url),
                       "): check the plex.token setting"));
    }
    if (response->status == 404) {
      return absl::NotFoundError(absl::StrCat("Plex has no ", what, " (404)"));
    }
    if (response->status >= 500) {
      last = absl::UnavailableError(absl::StrCat("Plex answered ", response->status, " to ",
                                                 what, " after ", attempt, " attempt(s)"));
      log::Warn("plex_call_retry").With("what", what).With("attempt", attempt).With(last);
      continue;
    }
    if (response->status < 200 || response->status > 299) {
      return absl::FailedPreconditionError(
          absl::StrCat("Plex answered ", response->status, " to ", what));
    }
    return response;
  }
  return last;
}

absl::StatusOr<ServerIdentity> PlexClient::Identity() {
  absl::StatusOr<http::HttpResponse> response = Get("/identity", "its identity");
  if (!response.ok()) return response.status();
  return ParseIdentity(response->body);
}

absl::StatusOr<std::vector<Section>> PlexClient::Sections() {
  absl::StatusOr<http::HttpResponse> response = Get("/library/sections", "the library sections");
  if (!response.ok()) return response.status();
  return ParseSections(response->body);
}

absl::StatusOr<ItemsPage> PlexClient::ListItems(const ListQuery& query, int start, int size) {
  http::Params params = {{"includeGuids", "1"}};
  if (query.type > 0) params.push_back({"type", std::to_string(query.type)});
  if (query.added_since > 0) {
    params.push_back({"sort", "addedAt:desc"});
    params.push_back({"addedAt>>", std::to_string(query.added_since)});
  }
  absl::StatusOr<http::HttpResponse> response =
      Get(http::AppendQuery(absl::StrCat("/library/sections/", query.section_id, "/all"), params),
          absl::StrCat("section ", query.section_id), start, size);
  if (!response.ok()) return response.status();
  return ParseItemsPage(response->body, query.section_id);
}

absl::StatusOr<ItemsPage> PlexClient::Metadata(const std::string& rating_key) {
  absl::StatusOr<http::HttpResponse> response =
      Get(http::AppendQuery(absl::StrCat("/library/metadata/", http::UrlEncode(rating_key)),
                            {{"includeGuids", "1"}}),
          absl::StrCat("item ", rating_key));
  if (!response.ok()) return response.status();
  return ParseItemsPage(response->body, 0);
}

absl::StatusOr<ItemsPage> PlexClient::Children(const std::string& rating_key) {
  absl::StatusOr<http::HttpResponse> response = Get(
      http::AppendQuery(absl::StrCat("/library/metadata/", http::UrlEncode(rating_key), "/children"),
                        {{"includeGuids", "1"}}),
      absl::StrCat("children of item ", rating_key));
  if (!response.ok()) return response.status();
  return ParseItemsPage(response->body, 0);
}

absl::Status PlexClient::RefreshPath(int section_id, const std::string& plex_path) {
  return Get(http::AppendQuery(absl::StrCat("/library/sections/", section_id, "/refresh"),
                               {{"path", plex_path}}),
             absl::StrCat("section ", section_id))
      .status();
}

absl::Status PlexClient::RefreshSection(int section_id) {
  return Get(absl::StrCat("/library/sections/", section_id, "/refresh"),
             absl::StrCat("section ", section_id))
      .status();
}

}  // namespace kiosk::plex
