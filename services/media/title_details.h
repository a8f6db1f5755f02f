// Title details for the request dialog (GetTitle, GetSeason): a film or
// series from TMDB (both titles, overview, seasons), what Plex holds of it
// (kiosk-plex LookupMedia) and, per episode, whether an active request here
// already covers it.
//
//   TitleDetailsReader reader(tmdb, plex, requested, users, settings);
//   ASSIGN_OR_RETURN(TitleInfo title, reader.Title(caller, "tv", 1396, "", request_id));
//   ASSIGN_OR_RETURN(SeasonInfo season, reader.Season(caller, 1396, 2, "", request_id));
//
// Users and admins may read them; services are refused (PERMISSION_DENIED).
// kiosk-plex being down is no error: `library_checked` is then false.
#ifndef KIOSK_SERVICES_MEDIA_TITLE_DETAILS_H_
#define KIOSK_SERVICES_MEDIA_TITLE_DETAILS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/caller.h"
#include "common/server/remote_settings.h"
#include "services/media/model.h"
#include "services/media/peers.h"
#include "services/media/tmdb_client.h"

namespace kiosk::media {

struct TitleInfo {
  std::string media_type;
  int tmdb_id = 0;
  std::string title_fr;
  std::string title_en;
  std::string original_title;
  int year = 0;
  std::string overview;
  std::string poster_path;
  bool in_plex = false;
  bool library_checked = false;
  std::vector<TmdbSeason> seasons;  // series only; names in the asked language
};

struct EpisodeInfo {
  int episode_number = 0;
  std::string name;
  std::string air_date;
  bool in_plex = false;
  bool requested = false;
};

struct SeasonInfo {
  int tmdb_id = 0;
  int season_number = 0;
  std::string name;
  std::vector<EpisodeInfo> episodes;
  bool library_checked = false;
};

// The season selections of the active requests (pending, approved and
// later; not declined, cancelled or failed) of one series, one entry per
// request (an empty selection = the whole series).
class RequestedSeasonsStore {
 public:
  virtual ~RequestedSeasonsStore() = default;
  virtual absl::StatusOr<std::vector<std::vector<SeasonSelection>>> ActiveSelections(
      int tmdb_id) = 0;
};

class TitleDetailsReader {
 public:
  TitleDetailsReader(TmdbApi& tmdb, PlexLibrary& plex, RequestedSeasonsStore& requested,
                     UserDirectory& users, server::SettingsSource& settings)
      : tmdb_(tmdb), plex_(plex), requested_(requested), users_(users), settings_(settings) {}

  // `language` "fr", "en" or "" (the caller's). INVALID_ARGUMENT for a bad
  // type, id or language; NOT_FOUND when TMDB has no such title.
  absl::StatusOr<TitleInfo> Title(const auth::Caller& caller, const std::string& media_type,
                                  int tmdb_id, const std::string& language,
                                  const std::string& request_id);
  // NOT_FOUND when TMDB has no such series or season.
  absl::StatusOr<SeasonInfo> Season(const auth::Caller& caller, int tmdb_id, int season_number,
                                    const std::string& language, const std::string& request_id);

 private:
  // "fr" or "en": the asked language, else the user's, else the default.
  absl::StatusOr<std::string> Language(const auth::Caller& caller, const std::string& asked,
                                       const std::string& request_id);
  // What Plex holds of the title; nullopt when kiosk-plex cannot be asked.
  std::optional<PlexPresence> InPlex(const TitleKey& key, const std::string& request_id);

  TmdbApi& tmdb_;
  PlexLibrary& plex_;
  RequestedSeasonsStore& requested_;
  UserDirectory& users_;
  server::SettingsSource& settings_;
};

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_TITLE_DETAILS_H_
