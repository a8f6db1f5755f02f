#include "common/http/url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace kiosk::http {
namespace {

using ::kiosk::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(UrlEncodeTest, EscapesEverythingButUnreservedCharacters) {
  struct Case {
    std::string in;
    std::string out;
  };
  const Case kCases[] = {
      {"", ""},
      {"abcXYZ019", "abcXYZ019"},
      {"-._~", "-._~"},
      {"a b", "a%20b"},
      {"a+b", "a%2Bb"},
      {"a/b?c=d&e#f", "a%2Fb%3Fc%3Dd%26e%23f"},
      {"100%", "100%25"},
      {"*'()!", "%2A%27%28%29%21"},
      {"Amélie", "Am%C3%A9lie"},
      {std::string("\0\n", 2), "%00%0A"},
      {"\xff", "%FF"},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(UrlEncode(c.in), c.out) << "input: " << c.in;
  }
}

TEST(FormEncodeTest, EncodesPairsLikeBrowsersDo) {
  struct Case {
    Params in;
    std::string out;
  };
  const Case kCases[] = {
      {{}, ""},
      {{{"username", "admin"}, {"password", "adminadmin"}}, "username=admin&password=adminadmin"},
      {{{"q", "a b"}}, "q=a+b"},
      {{{"q", "a+b&c=d"}}, "q=a%2Bb%26c%3Dd"},
      {{{"*-._", "~"}}, "*-._=%7E"},
      {{{"urls", "magnet:?xt=urn:btih:abc\nhttp://x/y.torrent"}},
       "urls=magnet%3A%3Fxt%3Durn%3Abtih%3Aabc%0Ahttp%3A%2F%2Fx%2Fy.torrent"},
      {{{"tag", "a"}, {"tag", "b"}}, "tag=a&tag=b"},
      {{{"empty", ""}}, "empty="},
      {{{"title", "Amélie"}}, "title=Am%C3%A9lie"},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(FormEncode(c.in), c.out);
  }
}

TEST(FormDecodeTest, InvertsFormEncode) {
  Params fields = {{"a b", "c+d&e=f"}, {"tag", "x"}, {"tag", "y"}, {"title", "Amélie"}, {"e", ""}};
  EXPECT_EQ(FormDecode(FormEncode(fields)), fields);
}

TEST(FormDecodeTest, IsLenientWithMalformedInput) {
  EXPECT_EQ(FormDecode("a=1&&b&c=%zz&d=%4"),
            (Params{{"a", "1"}, {"b", ""}, {"c", "%zz"}, {"d", "%4"}}));
  EXPECT_EQ(FormDecode("x=a=b"), (Params{{"x", "a=b"}}));
  EXPECT_EQ(FormDecode(""), Params{});
}

TEST(PercentDecodeTest, DecodesEscapesButKeepsPlus) {
  EXPECT_EQ(PercentDecode("a%20b+c%2Fd"), "a b+c/d");
  EXPECT_EQ(PercentDecode("%"), "%");
  EXPECT_EQ(PercentDecode(UrlEncode("Amélie / 28 Days Later...")), "Amélie / 28 Days Later...");
}

TEST(AppendQueryTest, AddsParametersWithTheRightSeparator) {
  EXPECT_EQ(AppendQuery("http://h/p", {{"q", "x y"}, {"page", "2"}}), "http://h/p?q=x%20y&page=2");
  EXPECT_EQ(AppendQuery("http://h/p?a=1", {{"b", "2"}}), "http://h/p?a=1&b=2");
  EXPECT_EQ(AppendQuery("http://h/p?", {{"b", "2"}}), "http://h/p?b=2");
  EXPECT_EQ(AppendQuery("http://h/p#frag", {{"b", "2"}}), "http://h/p?b=2#frag");
  EXPECT_EQ(AppendQuery("http://h/p", {}), "http://h/p");
}

TEST(RedactUrlTest, DropsQueryFragmentAndCredentials) {
  struct Case {
    std::string in;
    std::string out;
  };
  const Case kCases[] = {
      {"http://plex:32400/library/sections?X-Plex-Token=secret",
       "http://plex:32400/library/sections"},
      {"https://api.themoviedb.org/3/search/movie?api_key=k&query=x",
       "https://api.themoviedb.org/3/search/movie"},
      {"https://user:pw@host:8080/path#frag", "https://host:8080/path"},
      {"http://host?token=x", "http://host"},
      {"http://host", "http://host"},
      {"http://user@host/a/b", "http://host/a/b"},
      {"/relative/path?token=x", "/relative/path"},
      {"not a url?x=1", "not a url"},
      {"http://host/p?next=http://user:pw@other/", "http://host/p"},
      {"", ""},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(RedactUrl(c.in), c.out) << "input: " << c.in;
  }
}

TEST(ParseUrlTest, SplitsHttpAndHttpsUrls) {
  absl::StatusOr<UrlParts> parts =
      ParseUrl("HTTP://User:Pw@Plex.Local:32400/library/sections?a=1#f");
  ASSERT_TRUE(parts.ok()) << parts.status();
  EXPECT_EQ(parts->scheme, "http");
  EXPECT_EQ(parts->host, "plex.local");
  EXPECT_EQ(parts->port, 32400);
  EXPECT_EQ(parts->path, "/library/sections");
  EXPECT_EQ(parts->query, "a=1");
  EXPECT_EQ(parts->HostPort(), "plex.local:32400");
  EXPECT_EQ(parts->Origin(), "http://plex.local:32400");

  parts = ParseUrl("https://api.themoviedb.org");
  ASSERT_TRUE(parts.ok()) << parts.status();
  EXPECT_EQ(parts->port, 443);
  EXPECT_EQ(parts->path, "/");
  EXPECT_EQ(parts->Origin(), "https://api.themoviedb.org");

  parts = ParseUrl("http://[::1]:8080?x");
  ASSERT_TRUE(parts.ok()) << parts.status();
  EXPECT_EQ(parts->host, "::1");
  EXPECT_EQ(parts->port, 8080);
  EXPECT_EQ(parts->path, "/");
  EXPECT_EQ(parts->query, "x");
  EXPECT_EQ(parts->HostPort(), "[::1]:8080");
}

TEST(ParseUrlTest, RejectsWhatIsNotAnAbsoluteHttpUrl) {
  for (const char* url : {"", "localhost:8080/x", "ftp://host/file", "http://", "http:///path",
                          "http://host:0/", "http://host:70000/", "http://host:8o/", "http://[::1/",
                          "http://host/a b", "file:///etc/passwd"}) {
    EXPECT_THAT(ParseUrl(url), StatusIs(absl::StatusCode::kInvalidArgument)) << url;
  }
}

TEST(ParseUrlTest, ErrorMessagesDoNotContainTheQuery) {
  EXPECT_THAT(ParseUrl("ftp://host/x?X-Plex-Token=secret"),
              StatusIs(absl::StatusCode::kInvalidArgument, Not(HasSubstr("secret"))));
}

}  // namespace
}  // namespace kiosk::http
