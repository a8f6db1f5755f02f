#include "services/downloads/model.h"

#include <gtest/gtest.h>

namespace kiosk::downloads {
namespace {

TEST(SourceShownToRequesterTest, KeepsTheInfoHashAndDropsTrackersAndKeys) {
  EXPECT_EQ(SourceShownToRequester("magnet:?xt=urn:btih:5f36bfb78edbaf25157713166d2b8c37abeff28b"
                                   "&dn=The.Matrix&tr=https%3A%2F%2Ftracker.example%2Fannounce%3F"
                                   "passkey%3Dsecret"),
            "magnet:?xt=urn:btih:5f36bfb78edbaf25157713166d2b8c37abeff28b");
  EXPECT_EQ(SourceShownToRequester("magnet:?dn=x&xt=urn:btih:abc"), "magnet:?xt=urn:btih:abc");
  EXPECT_EQ(SourceShownToRequester("magnet:?dn=no-hash"), "magnet:");
  EXPECT_EQ(SourceShownToRequester("http://jackett:9117/dl/yggtorrent/?jackett_apikey=secret&path=x"),
            "http://jackett:9117/dl/yggtorrent/");
  EXPECT_EQ(SourceShownToRequester("https://example.org/file.torrent#frag"),
            "https://example.org/file.torrent");
  EXPECT_EQ(SourceShownToRequester(""), "");
}

}  // namespace
}  // namespace kiosk::downloads
