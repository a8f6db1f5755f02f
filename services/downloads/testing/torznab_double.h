// A Torznab indexer test double (what Jackett and Prowlarr serve) on
// HttpTestServer: GET <any base>/api?t=caps|search|movie|tvsearch with
// apikey, cat, q, imdbid, tvdbid, season, ep; answers real-shaped XML (RSS 2.0
// + torznab:attr, Jackett's caps document, <error code description/> for a
// bad key or function). Its built-in catalogue has French and English release
// names for the TMDB double's titles (Amélie, Intouchables, The Matrix,
// Breaking Bad, Lupin): FRENCH, TRUEFRENCH, MULTi, VOSTFR, 720p/1080p/2160p,
// a CAM, a sample, a dead release (0 seeders), a wrong title; every search
// answer also carries malformed items (no title, no link, garbage numbers)
// that a client must skip. Magnets use hex info-hashes (SHA-1 of the name),
// which the qBittorrent double accepts.
//
//   TorznabDouble indexer({.api_key = "secret"});
//   ASSERT_THAT(indexer.Start(), IsOk());
//   indexer.Url()  // "http://127.0.0.1:<port>/api/v2.0/indexers/all/results/torznab"
//   indexer.SetFault(TorznabFault::kHtmlPage);  // Cloudflare-style HTML error page
#ifndef KIOSK_SERVICES_DOWNLOADS_TESTING_TORZNAB_DOUBLE_H_
#define KIOSK_SERVICES_DOWNLOADS_TESTING_TORZNAB_DOUBLE_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/testing/http_test_server.h"

namespace kiosk::downloads::testing {

struct TorznabRelease {
  std::string title;
  std::string imdb_id;  // "tt0211915"
  int tvdb_id = 0;
  int category = 2040;  // 2030 Movies/SD, 2040 Movies/HD, 2045 Movies/UHD, 5030/5040 TV
  int64_t size = 0;     // 0 = no size anywhere (a missing attribute)
  int seeders = 0;
  int peers = 0;
  bool magnet_attr = true;  // torznab:attr magneturl; false = magnet only in <link>
  std::string InfoHash() const;  // 40 hex, SHA-1 of the title
  std::string Magnet() const;
};

enum class TorznabFault {
  kNone,
  kHtmlPage,      // 503 with an HTML page (a proxy or Cloudflare in front)
  kTorznabError,  // 200 with <error code="900" .../>
  kBrokenXml,     // truncated XML
  kSlow,          // answers after slow_delay
  kHttp500,
};

struct TorznabDoubleOptions {
  std::string api_key = "torznab-key";
  // false: the caps offer only t=search&q (no imdbid/tvdbid), so clients must
  // fall back to a text search.
  bool id_search = true;
  absl::Duration slow_delay = absl::Seconds(30);
  int threads = 2;
};

class TorznabDouble {
 public:
  explicit TorznabDouble(TorznabDoubleOptions options = {});
  ~TorznabDouble();

  absl::Status Start(int port = 0);
  void Stop();
  // The Torznab base URL as Jackett shows it (clients append /api).
  std::string Url() const;
  int port() const;
  kiosk::testing::HttpTestServer& server() { return server_; }

  void SetFault(TorznabFault fault);
  void AddRelease(TorznabRelease release);
  std::vector<TorznabRelease> releases() const;
  // Searches answered (t= other than caps).
  int searches() const;

  static std::vector<TorznabRelease> BuiltInCatalogue();

 private:
  kiosk::testing::TestHttpResponse Route(const kiosk::testing::TestHttpRequest& request);
  std::string Feed(const kiosk::testing::TestHttpRequest& request) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const TorznabDoubleOptions options_;
  kiosk::testing::HttpTestServer server_;
  mutable std::mutex mu_;
  std::vector<TorznabRelease> releases_ ABSL_GUARDED_BY(mu_);
  TorznabFault fault_ ABSL_GUARDED_BY(mu_) = TorznabFault::kNone;
  int searches_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace kiosk::downloads::testing

#endif  // KIOSK_SERVICES_DOWNLOADS_TESTING_TORZNAB_DOUBLE_H_
