// Every logic object of kiosk-media, on a given pool and job queue, with
// in-memory peers and TMDB unconfigured: for tests of other services that
// need a running kiosk-media but not its workflow (e.g. kiosk-users' quota
// test, which only calls CountUserRequests).
//
//   MediaLogicBundle bundle(pool, jobs.queue());
//   MediaServiceImpl service(jobs, executor, info, authenticator, bundle.Logic(counts));
#ifndef KIOSK_SERVICES_MEDIA_TESTING_MEDIA_LOGIC_BUNDLE_H_
#define KIOSK_SERVICES_MEDIA_TESTING_MEDIA_LOGIC_BUNDLE_H_

#include "common/http/http_client.h"
#include "services/media/media_service.h"
#include "services/media/pg_request_store.h"
#include "services/media/pg_requested_seasons_store.h"
#include "services/media/pg_title_mapping_store.h"
#include "services/media/testing/fake_peers.h"

namespace kiosk::media::testing {

struct MediaLogicBundle {
  MediaLogicBundle(db::ConnectionPool& pool, const jobs::JobQueue& queue)
      : tmdb(http, settings),
        requests(pool, queue),
        mappings(pool),
        search(tmdb, mappings, requests, plex, users, settings),
        workflow(requests, tmdb, plex, users, settings),
        presence(requests, tmdb),
        mapping_admin(mappings),
        requested_seasons(pool),
        titles(tmdb, plex, requested_seasons, users, settings) {}

  MediaLogic Logic(RequestCountsStore& counts) {
    return {counts, search, workflow, presence, mapping_admin, titles};
  }

  server::FixedSettings settings;
  http::CurlHttpClient http;
  TmdbClient tmdb;
  FakePlexLibrary plex;
  FakeUserDirectory users;
  PgRequestStore requests;
  PgTitleMappingStore mappings;
  Search search;
  RequestWorkflow workflow;
  LibraryPresence presence;
  MappingAdmin mapping_admin;
  PgRequestedSeasonsStore requested_seasons;
  TitleDetailsReader titles;
};

}  // namespace kiosk::media::testing

#endif  // KIOSK_SERVICES_MEDIA_TESTING_MEDIA_LOGIC_BUNDLE_H_
