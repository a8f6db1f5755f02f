#include "services/downloads/indexers/torznab_client.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace kiosk::downloads::indexers {

std::string TorznabQuery::Describe() const {
  std::string out = absl::StrCat("t=", function);
  if (!q.empty()) absl::StrAppend(&out, " q=\"", q, "\"");
  if (!imdb_id.empty()) absl::StrAppend(&out, " imdbid=", imdb_id);
  if (tvdb_id > 0) absl::StrAppend(&out, " tvdbid=", tvdb_id);
  if (season > 0) absl::StrAppend(&out, " season=", season);
  if (episode > 0) absl::StrAppend(&out, " ep=", episode);
  return out;
}

std::string TorznabEndpoint(const std::string& base_url) {
  absl::string_view url = base_url;
  while (absl::ConsumeSuffix(&url, "/")) {
  }
  if (absl::EndsWith(url, "/api")) return std::string(url);
  return absl::StrCat(url, "/api");
}

absl::StatusOr<std::string> TorznabClient::Get(const Indexer& indexer, const http::Params& params) {
  http::Params all = params;
  if (!indexer.api_key.empty()) all.push_back({"apikey", indexer.api_key});
  const std::string url = http::AppendQuery(TorznabEndpoint(indexer.url), all);
  const std::string shown = http::RedactUrl(url);  // no apikey in any message
  absl::StatusOr<http::HttpResponse> response = http_.Send(
      {.url = url,
       .headers = {{"Accept", "application/rss+xml, application/xml, text/xml"}},
       .timeout = timeout_,
       .follow_redirects = true});
  if (!response.ok()) {
    if (absl::IsDeadlineExceeded(response.status())) {
      return absl::DeadlineExceededError(absl::StrCat(
          "the indexer did not answer within ", absl::FormatDuration(timeout_), " (", shown, ")"));
    }
    return absl::Status(response.status().code(),
                        absl::StrCat("cannot reach the indexer: ", response.status().message()));
  }
  const int status = response->status;
  if (status == 200) return std::move(response->body);
  // Jackett and Prowlarr answer a Torznab <error/> with 4xx/5xx too: prefer it.
  if (absl::StrContains(response->body, "<error")) {
    absl::StatusOr<TorznabFeed> parsed = ParseTorznabFeed(response->body);
    if (!parsed.ok() && !absl::IsInvalidArgument(parsed.status())) return parsed.status();
  }
  const bool html = absl::StrContains(absl::AsciiStrToLower(response->body.substr(0, 512)), "<html");
  const std::string where =
      absl::StrCat("HTTP ", status, html ? " with an HTML page" : "", " from ", shown);
  if (status == 401 || status == 403) {
    return absl::PermissionDeniedError(
        absl::StrCat("the indexer refused the API key (", where, "); check the API key"));
  }
  if (status == 404) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no Torznab feed at this URL (", where,
        "); use the indexer's Torznab URL, e.g. http://jackett:9117/api/v2.0/indexers/all/results/torznab"));
  }
  if (status == 429) {
    return absl::ResourceExhaustedError(absl::StrCat("the indexer asks to slow down (", where, ")"));
  }
  return absl::UnavailableError(absl::StrCat("the indexer failed (", where, ")"));
}

absl::StatusOr<TorznabCaps> TorznabClient::Caps(const Indexer& indexer) {
  absl::StatusOr<std::string> body = Get(indexer, {{"t", "caps"}});
  if (!body.ok()) return body.status();
  return ParseTorznabCaps(*body);
}

absl::StatusOr<TorznabFeed> TorznabClient::Search(const Indexer& indexer,
                                                  const TorznabQuery& query) {
  // extended=1: every torznab:attr (seeders, peers, infohash...), as Sonarr asks.
  http::Params params = {{"t", query.function}, {"extended", "1"}};
  if (!indexer.categories.empty()) {
    params.push_back({"cat", absl::StrJoin(indexer.categories, ",")});
  }
  if (!query.q.empty()) params.push_back({"q", query.q});
  if (!query.imdb_id.empty()) params.push_back({"imdbid", query.imdb_id});
  if (query.tvdb_id > 0) params.push_back({"tvdbid", absl::StrCat(query.tvdb_id)});
  if (query.season > 0) params.push_back({"season", absl::StrCat(query.season)});
  if (query.episode > 0) params.push_back({"ep", absl::StrCat(query.episode)});
  absl::StatusOr<std::string> body = Get(indexer, params);
  if (!body.ok()) return body.status();
  return ParseTorznabFeed(*body);
}

}  // namespace kiosk::downloads::indexers
