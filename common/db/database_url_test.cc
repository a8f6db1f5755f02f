#include "common/db/database_url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/testing/status_matchers.h"

namespace kiosk::db {

// Lets gMock show both sides of a failed comparison. Unlike Redacted() this prints the
// password, which is what a failing test needs to show.
void PrintTo(const DatabaseUrl& url, std::ostream* os) {
  *os << "{host=\"" << url.host << "\" port=" << url.port << " dbname=\"" << url.dbname
      << "\" user=\"" << url.user << "\" password=\"" << url.password << "\" params={";
  for (const auto& [key, value] : url.params) *os << key << "=\"" << value << "\" ";
  *os << "}}";
}

namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::IsOkAndHolds;
using ::kiosk::testing::StatusIs;
using ::testing::AllOf;
using ::testing::AllOfArray;
using ::testing::HasSubstr;
using ::testing::Matcher;
using ::testing::Not;

// ---------------------------------------------------------------------------------------------
// Inputs that parse.

struct GoodCase {
  std::string name;
  std::string input;
  DatabaseUrl want;
};

void PrintTo(const GoodCase& c, std::ostream* os) { *os << c.name << ": " << c.input; }

const std::vector<GoodCase>& GoodCases() {
  static const auto* const cases = new std::vector<GoodCase>{
      {"PlainUri",
       "postgresql://alice:secret@db.example.com:6543/kiosk",
       {.host = "db.example.com",
        .port = 6543,
        .dbname = "kiosk",
        .user = "alice",
        .password = "secret",
        .params = {}}},
      {"PostgresScheme",
       "postgres://alice:secret@db:5432/kiosk",
       {.host = "db",
        .port = 5432,
        .dbname = "kiosk",
        .user = "alice",
        .password = "secret",
        .params = {}}},
      {"UpperCaseScheme",
       "POSTGRESQL://alice@db/kiosk",
       {.host = "db",
        .port = 5432,
        .dbname = "kiosk",
        .user = "alice",
        .password = "",
        .params = {}}},
      {"DefaultUrl",
       kDefaultDatabaseUrl,
       {.host = "localhost",
        .port = 5432,
        .dbname = "plex_kiosk_dev",
        .user = "postgres",
        .password = "postgres",
        .params = {}}},
      {"AsyncpgForm",
       "postgresql+asyncpg://kiosk:pw@db:5433/plex_kiosk",
       {.host = "db",
        .port = 5433,
        .dbname = "plex_kiosk",
        .user = "kiosk",
        .password = "pw",
        .params = {}}},
      {"Psycopg2Form",
       "postgresql+psycopg2://kiosk:pw@db/plex_kiosk",
       {.host = "db",
        .port = 5432,
        .dbname = "plex_kiosk",
        .user = "kiosk",
        .password = "pw",
        .params = {}}},
      {"DefaultPort",
       "postgresql://alice@db/kiosk",
       {.host = "db",
        .port = 5432,
        .dbname = "kiosk",
        .user = "alice",
        .password = "",
        .params = {}}},
      // dbname stays empty; libpq then uses the user name.
      {"NoDbnameLeftEmpty",
       "postgresql://alice@db",
       {.host = "db", .port = 5432, .dbname = "", .user = "alice", .password = "", .params = {}}},
      {"NoUser",
       "postgresql://db:5432/kiosk",
       {.host = "db", .port = 5432, .dbname = "kiosk", .user = "", .password = "", .params = {}}},
      {"EmptyPasswordAfterColon",
       "postgresql://alice:@db/kiosk",
       {.host = "db",
        .port = 5432,
        .dbname = "kiosk",
        .user = "alice",
        .password = "",
        .params = {}}},
      {"PercentEncodedPassword",
       "postgresql://alice:p%40ss%3Aw0rd@db/kiosk",
       {.host = "db",
        .port = 5432,
        .dbname = "kiosk",
        .user = "alice",
        .password = "p@ss:w0rd",
        .params = {}}},
      {"PercentEncodedUserAndDbname",
       "postgresql://al%20ice@db/my%2Fdb%C3%BC",
       {.host = "db",
        .port = 5432,
        .dbname = "my/db\xC3\xBC",
        .user = "al ice",
        .password = "",
        .params = {}}},
      {"PlusIsLiteral",
       "postgresql://alice:a+b@db/kiosk",
       {.host = "db",
        .port = 5432,
        .dbname = "kiosk",
        .user = "alice",
        .password = "a+b",
        .params = {}}},
      {"UnencodedAtInPasswordUsesLastAt",
       "postgresql://alice:p@ss#1@db/kiosk",
       {.host = "db",
        .port = 5432,
        .dbname = "kiosk",
        .user = "alice",
        .password = "p@ss#1",
        .params = {}}},
      {"Ipv4Host",
       "postgresql://u@127.0.0.1:5433/d",
       {.host = "127.0.0.1",
        .port = 5433,
        .dbname = "d",
        .user = "u",
        .password = "",
        .params = {}}},
      {"Ipv6Host",
       "postgresql://u:pw@[::1]:5433/d",
       {.host = "::1", .port = 5433, .dbname = "d", .user = "u", .password = "pw", .params = {}}},
      {"Ipv6HostDefaultPort",
       "postgresql://u@[2001:db8::1]/d",
       {.host = "2001:db8::1",
        .port = 5432,
        .dbname = "d",
        .user = "u",
        .password = "",
        .params = {}}},
      {"SslmodeParam",
       "postgresql://u@db/d?sslmode=require",
       {.host = "db",
        .port = 5432,
        .dbname = "d",
        .user = "u",
        .password = "",
        .params = {{"sslmode", "require"}}}},
      {"ParamsKeepInputOrderAndDecode",
       "postgresql://u@db/d?application_name=kiosk%20api&connect_timeout=10&sslmode=verify-full",
       {.host = "db",
        .port = 5432,
        .dbname = "d",
        .user = "u",
        .password = "",
        .params = {{"application_name", "kiosk api"},
                   {"connect_timeout", "10"},
                   {"sslmode", "verify-full"}}}},
      {"RepeatedParamKeepsFirstPositionLastValue",
       "postgresql://u@db/d?sslmode=disable&connect_timeout=5&sslmode=require&",
       {.host = "db",
        .port = 5432,
        .dbname = "d",
        .user = "u",
        .password = "",
        .params = {{"sslmode", "require"}, {"connect_timeout", "5"}}}},
      {"QueryWithoutPath",
       "postgresql://u@db?sslmode=prefer",
       {.host = "db",
        .port = 5432,
        .dbname = "",
        .user = "u",
        .password = "",
        .params = {{"sslmode", "prefer"}}}},
      {"AsyncpgSslTrue",
       "postgresql+asyncpg://u:pw@db/d?ssl=true",
       {.host = "db",
        .port = 5432,
        .dbname = "d",
        .user = "u",
        .password = "pw",
        .params = {{"sslmode", "require"}}}},
      {"AsyncpgSslFalse",
       "postgresql+asyncpg://u:pw@db/d?ssl=false",
       {.host = "db",
        .port = 5432,
        .dbname = "d",
        .user = "u",
        .password = "pw",
        .params = {{"sslmode", "disable"}}}},
      {"AsyncpgSslMode",
       "postgresql+asyncpg://u:pw@db/d?ssl=verify-ca",
       {.host = "db",
        .port = 5432,
        .dbname = "d",
        .user = "u",
        .password = "pw",
        .params = {{"sslmode", "verify-ca"}}}},
      // SQLAlchemy's URL regex took unencoded "/" and "?" in passwords; the old app's URLs
      // may rely on that.
      {"SqlAlchemyUnencodedSlashInPassword",
       "postgresql+asyncpg://u:ab/c?d@db:5432/kiosk",
       {.host = "db",
        .port = 5432,
        .dbname = "kiosk",
        .user = "u",
        .password = "ab/c?d",
        .params = {}}},
      {"UnixSocketViaHostParam",
       "postgresql:///plex_kiosk?host=/var/run/postgresql",
       {.host = "/var/run/postgresql",
        .port = 5432,
        .dbname = "plex_kiosk",
        .user = "",
        .password = "",
        .params = {}}},
      {"UnixSocketViaHostParamWithPort",
       "postgresql://kiosk@:5433/plex_kiosk?host=%2Ftmp",
       {.host = "/tmp",
        .port = 5433,
        .dbname = "plex_kiosk",
        .user = "kiosk",
        .password = "",
        .params = {}}},
      {"UnixSocketPercentEncodedInAuthority",
       "postgresql://%2Fvar%2Frun%2Fpostgresql/plex_kiosk",
       {.host = "/var/run/postgresql",
        .port = 5432,
        .dbname = "plex_kiosk",
        .user = "",
        .password = "",
        .params = {}}},
      // Query parameters override the authority, as in libpq.
      {"QueryOverridesAuthority",
       "postgresql://u@db:5432/d?port=6000&dbname=other&user=v&password=pw",
       {.host = "db",
        .port = 6000,
        .dbname = "other",
        .user = "v",
        .password = "pw",
        .params = {}}},
      {"HostaddrWithoutHost",
       "postgresql:///d?hostaddr=10.0.0.5",
       {.host = "",
        .port = 5432,
        .dbname = "d",
        .user = "",
        .password = "",
        .params = {{"hostaddr", "10.0.0.5"}}}},
      {"SurroundingWhitespaceIgnored",
       "  postgresql://u@db/d\n",
       {.host = "db", .port = 5432, .dbname = "d", .user = "u", .password = "", .params = {}}},
      {"KeyValue",
       "host=/tmp port=5432 dbname=x user=y password='a b'",
       {.host = "/tmp", .port = 5432, .dbname = "x", .user = "y", .password = "a b", .params = {}}},
      {"KeyValueEscapesAndParamsInInputOrder",
       R"(host=db user=u password='it\'s \\ here' sslmode=require application_name=kiosk)",
       {.host = "db",
        .port = 5432,
        .dbname = "",
        .user = "u",
        .password = R"(it's \ here)",
        .params = {{"sslmode", "require"}, {"application_name", "kiosk"}}}},
      {"KeyValueSpacesAroundEqualsAndDefaultPort",
       "host = db  dbname= kiosk\tconnect_timeout =3",
       {.host = "db",
        .port = 5432,
        .dbname = "kiosk",
        .user = "",
        .password = "",
        .params = {{"connect_timeout", "3"}}}},
      {"KeyValueUnquotedBackslashEscape",
       R"(host=db password=a\ b\\c port=6000)",
       {.host = "db",
        .port = 6000,
        .dbname = "",
        .user = "",
        .password = R"(a b\c)",
        .params = {}}},
      {"KeyValueEmptyQuotedParam",
       "host=db application_name=''",
       {.host = "db",
        .port = 5432,
        .dbname = "",
        .user = "",
        .password = "",
        .params = {{"application_name", ""}}}},
  };
  return *cases;
}

class ParseGoodTest : public ::testing::TestWithParam<GoodCase> {};

TEST_P(ParseGoodTest, ParsesToExpectedFields) {
  EXPECT_THAT(ParseDatabaseUrl(GetParam().input), IsOkAndHolds(GetParam().want));
}

// ParseDatabaseUrl(x.ToConnString()) == x.
TEST_P(ParseGoodTest, ConnStringRoundTrips) {
  const DatabaseUrl& want = GetParam().want;
  EXPECT_THAT(ParseDatabaseUrl(want.ToConnString()), IsOkAndHolds(want)) << want.ToConnString();
}

// Redacted() parses back to the same URL with "***" for the password.
TEST_P(ParseGoodTest, RedactedRoundTripsWithoutPassword) {
  DatabaseUrl want = GetParam().want;
  const std::string redacted = want.Redacted();
  if (!want.password.empty()) want.password = "***";
  EXPECT_THAT(ParseDatabaseUrl(redacted), IsOkAndHolds(want)) << redacted;
}

INSTANTIATE_TEST_SUITE_P(DatabaseUrl, ParseGoodTest, ::testing::ValuesIn(GoodCases()),
                         [](const auto& test_info) { return test_info.param.name; });

// ---------------------------------------------------------------------------------------------
// Inputs that are refused.

struct BadCase {
  std::string name;
  std::string input;
  std::vector<std::string> message_has;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name << ": " << c.input; }

// Where a bad case has a password it is "hunter2", which no error message may repeat.
constexpr char kSecret[] = "hunter2";

const std::vector<BadCase>& BadCases() {
  static const auto* const cases = new std::vector<BadCase>{
      {"Empty", "", {"DATABASE_URL is empty", "postgresql://"}},
      {"OnlyWhitespace", " \n", {"DATABASE_URL is empty"}},
      {"NulByte", std::string("host=db\0x", 9), {"NUL byte"}},
      {"MysqlScheme",
       "mysql://u:hunter2@db/kiosk",
       {"unsupported scheme \"mysql://\"", "postgresql://", "postgres://", "postgresql+asyncpg://",
        "postgresql+psycopg2://", "key=value"}},
      {"HttpScheme", "http://example.com/", {"unsupported scheme \"http://\"", "postgresql://"}},
      {"SqliteScheme",
       "sqlite:///x.db",
       {"SQLite", "plex-kiosk needs PostgreSQL", "kiosk-migrate import-sqlite"}},
      {"SqliteAiosqliteScheme",
       "sqlite+aiosqlite:///./kiosk.db",
       {"plex-kiosk needs PostgreSQL", "kiosk-migrate import-sqlite"}},
      {"KnownSchemeWithoutSlashes", "postgresql:kiosk", {"must start with \"postgresql://\""}},
      {"Garbage", "not a url", {"neither a URI nor a libpq key=value string", "postgresql://"}},
      {"HostPortWithoutScheme", "localhost:5432", {"neither a URI nor a libpq key=value string"}},
      {"PortNotANumber",
       "postgresql://u:hunter2@db:abc/kiosk",
       {"invalid port \"abc\"", "1 to 65535"}},
      {"PortZero", "postgresql://u@db:0/kiosk", {"invalid port \"0\"", "1 to 65535"}},
      {"PortTooLarge", "postgresql://u@db:70000/kiosk", {"invalid port \"70000\""}},
      {"PortHuge", "postgresql://u@db:99999999999999999999/kiosk", {"invalid port"}},
      {"PortEmptyAfterColon", "postgresql://u@db:/kiosk", {"invalid port \"\""}},
      {"PortSigned", "postgresql://u@db:+5432/kiosk", {"invalid port \"+5432\""}},
      {"PortInQuery", "postgresql://u@db/kiosk?port=x", {"invalid port \"x\""}},
      {"PortInKeyValue", "host=db port=65536", {"invalid port \"65536\""}},
      {"Ipv6PortEmpty", "postgresql://u@[::1]:/kiosk", {"invalid port \"\""}},
      {"MissingHost", "postgresql://u:hunter2@/kiosk", {"no host", "?host=/path/to/socket/dir"}},
      {"MissingHostNoAuthority", "postgresql:///kiosk", {"no host"}},
      {"MissingHostBareScheme", "postgresql://", {"no host"}},
      {"MissingHostKeyValue", "dbname=x user=y password=hunter2", {"no host", "add host="}},
      {"MissingHostEmptyKeyValue", "host='' dbname=x", {"no host"}},
      {"MalformedPercentInPassword",
       "postgresql://u:hunter2%zz@db/kiosk",
       {"malformed percent-encoding in the password", "%40"}},
      {"TruncatedPercentInPassword",
       "postgresql://u:hunter2%4@db/kiosk",
       {"malformed percent-encoding in the password"}},
      {"MalformedPercentInDbname",
       "postgresql://u@db/kio%g1sk",
       {"malformed percent-encoding in the database name (\"%g1\")"}},
      {"MalformedPercentInQueryValue",
       "postgresql://u@db/kiosk?application_name=%",
       {"malformed percent-encoding in the query parameter value"}},
      {"MalformedPercentInPasswordQueryParam",
       "postgresql://u@db/kiosk?password=hunter2%x",
       {"malformed percent-encoding in the password"}},
      {"PercentNul", "postgresql://u%00@db/kiosk", {"%00", "user name"}},
      {"MultipleHosts", "postgresql://u:hunter2@h1,h2/kiosk", {"multiple hosts are not supported"}},
      {"MultipleHostsWithPorts",
       "postgresql://u@h1:5432,h2:5433/kiosk",
       {"multiple hosts are not supported"}},
      {"MultipleHostsInQuery",
       "postgresql:///kiosk?host=h1,h2",
       {"multiple hosts are not supported"}},
      {"MultipleHostsKeyValue", "host=h1,h2 dbname=x", {"multiple hosts are not supported"}},
      {"MultiplePortsKeyValue", "host=h1 port=5432,5433", {"multiple hosts are not supported"}},
      {"MultipleHostaddrs",
       "postgresql:///kiosk?hostaddr=10.0.0.1,10.0.0.2",
       {"multiple hosts are not supported"}},
      {"UnknownQueryParam",
       "postgresql://u:hunter2@db/kiosk?foo=bar",
       {"unknown query parameter \"foo\"", "libpq connection parameters"}},
      {"SslOnPlainScheme",
       "postgresql://u@db/kiosk?ssl=true",
       {"unknown query parameter \"ssl\"", "sslmode=require", "postgresql+asyncpg://"}},
      {"QueryParamWithoutValue", "postgresql://u@db/kiosk?sslmode", {"\"sslmode\" has no value"}},
      {"BadSslmode",
       "postgresql://u@db/kiosk?sslmode=maybe",
       {"invalid sslmode \"maybe\"", "disable, allow, prefer, require, verify-ca, verify-full"}},
      {"BadSslmodeKeyValue", "host=db sslmode=on", {"invalid sslmode \"on\""}},
      {"BadAsyncpgSsl",
       "postgresql+asyncpg://u@db/kiosk?ssl=yes",
       {"invalid ssl \"yes\"", "true, false"}},
      {"UnknownKeyValueKeyword",
       "host=db bogus=1",
       {"not a valid libpq key=value string", "invalid connection option \"bogus\""}},
      {"KeyValueMissingEquals",
       "host=db password=hunter2 hunter2",
       {"missing \"=\" after the word at character 26", "password='my secret'"}},
      {"KeyValueUnterminatedQuote",
       "host=db password='hunter2",
       {"quoted value starting at character 18 is unterminated"}},
      {"Ipv6Unterminated", "postgresql://u@[::1/kiosk", {"closing \"]\""}},
      {"Ipv6TrailingJunk", "postgresql://u@[::1]x/kiosk", {"after the IPv6 address"}},
      {"Ipv6WithoutBrackets", "postgresql://u@::1/kiosk", {"IPv6 addresses in brackets"}},
      // An unencoded "/" in the password cuts the authority short; never guess in libpq form.
      {"UnencodedSlashInPasswordPortLike",
       "postgresql://u:123/hunter2@db/kiosk",
       {"if the password contains", "%2F"}},
      {"UnencodedSlashInPassword",
       "postgresql://u:hunter2/x@db/kiosk",
       {"if the password contains", "%2F"}},
      {"AtInDbname", "postgresql://db/kio@sk", {"\"@\" after the host", "%40"}},
      {"UnencodedQuestionMarkInPassword",
       "postgresql://u:hunter2?x=1@db/kiosk",
       {"if the password contains", "%3F"}},
      {"SqlAlchemyRetryAlsoFails",
       "postgresql+psycopg2://u:hunter2?x@db:0/kiosk",
       {"if the password contains"}},
  };
  return *cases;
}

class ParseBadTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ParseBadTest, IsRejectedWithMessage) {
  std::vector<Matcher<std::string>> message_matchers;
  for (const std::string& s : GetParam().message_has) message_matchers.push_back(HasSubstr(s));
  // One line, and never the password.
  message_matchers.push_back(Not(HasSubstr("\n")));
  message_matchers.push_back(Not(HasSubstr(kSecret)));
  EXPECT_THAT(ParseDatabaseUrl(GetParam().input),
              StatusIs(absl::StatusCode::kInvalidArgument, AllOfArray(message_matchers)));
}

INSTANTIATE_TEST_SUITE_P(DatabaseUrl, ParseBadTest, ::testing::ValuesIn(BadCases()),
                         [](const auto& test_info) { return test_info.param.name; });

// ---------------------------------------------------------------------------------------------
// ToConnString() and Redacted().

// Values chosen to need every kind of quoting and encoding.
const std::vector<DatabaseUrl>& TrickyUrls() {
  static const auto* const urls = new std::vector<DatabaseUrl>{
      {.host = "db.internal",
       .port = 6432,
       .dbname = "plex kiosk",
       .user = "kiosk@corp",
       .password = "p a's\"s\\w@:rd/?#&=%\xC3\xBC\xE2\x82\xAC",
       .params = {{"sslmode", "verify-full"},
                  {"application_name", ""},
                  {"options", "-c search_path=kiosk,public"}}},
      {.host = "/var/run/postgresql",
       .port = 5432,
       .dbname = "",
       .user = "",
       .password = "  leading and trailing spaces  ",
       .params = {}},
      {.host = "fe80::1",
       .port = 5432,
       .dbname = "d",
       .user = "u",
       .password = "'\\'",
       .params = {{"connect_timeout", "10"}}},
      {.host = "db",
       .port = 1,
       .dbname = "\xE6\x97\xA5\xE6\x9C\xAC",
       .user = "\xC3\xA9l\xC3\xA8ve",
       .password = "tab\there\nnewline",
       .params = {{"sslpassword", "key pass"}}},
  };
  return *urls;
}

TEST(DatabaseUrlTest, ToConnStringRoundTripsTrickyValues) {
  for (const DatabaseUrl& url : TrickyUrls()) {
    EXPECT_THAT(ParseDatabaseUrl(url.ToConnString()), IsOkAndHolds(url)) << url.ToConnString();
  }
}

// libpq itself must read back exactly the values we meant.
TEST(DatabaseUrlTest, ToConnStringIsParsedByLibpq) {
  std::vector<DatabaseUrl> urls = TrickyUrls();
  for (const GoodCase& c : GoodCases()) urls.push_back(c.want);
  for (const DatabaseUrl& url : urls) {
    const std::string conn = url.ToConnString();
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
        PQconninfoParse(conn.c_str(), &error), &PQconninfoFree);
    ASSERT_NE(options, nullptr) << conn << ": " << (error != nullptr ? error : "");
    std::map<std::string, std::string> got;
    for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
      if (o->val != nullptr) got[o->keyword] = o->val;
    }
    std::map<std::string, std::string> want = {{"port", absl::StrCat(url.port)}};
    if (!url.host.empty()) want["host"] = url.host;
    if (!url.dbname.empty()) want["dbname"] = url.dbname;
    if (!url.user.empty()) want["user"] = url.user;
    if (!url.password.empty()) want["password"] = url.password;
    for (const auto& [key, value] : url.params) want[key] = value;
    EXPECT_EQ(got, want) << conn;
  }
}

TEST(DatabaseUrlTest, ToConnStringExact) {
  EXPECT_EQ(ParseDatabaseUrl("postgresql://alice:secret@db.example.com:6543/kiosk")->ToConnString(),
            "host=db.example.com port=6543 dbname=kiosk user=alice password=secret");
  const DatabaseUrl url = {.host = "/tmp",
                           .port = 5432,
                           .dbname = "my db",
                           .user = "u",
                           .password = R"(it's a \ test)",
                           .params = {{"sslmode", "require"}, {"application_name", ""}}};
  EXPECT_EQ(url.ToConnString(),
            R"(host=/tmp port=5432 dbname='my db' user=u password='it\'s a \\ test' )"
            R"(sslmode=require application_name='')");
}

TEST(DatabaseUrlTest, RedactedExact) {
  struct Case {
    std::string input;
    std::string redacted;
  };
  const Case cases[] = {
      {"postgresql://alice:secret@db.example.com:6543/kiosk",
       "postgresql://alice:***@db.example.com:6543/kiosk"},
      {"postgres://alice@db/kiosk", "postgresql://alice@db:5432/kiosk"},
      {"postgresql+asyncpg://u:pw@[::1]/d?ssl=true",
       "postgresql://u:***@[::1]:5432/d?sslmode=require"},
      {"postgresql:///plex_kiosk?host=/var/run/postgresql",
       "postgresql://:5432/plex_kiosk?host=/var/run/postgresql"},
      {"host=db user='k i' password='a b' dbname=x application_name='kiosk api' sslpassword=s3",
       "postgresql://k%20i:***@db:5432/x?application_name=kiosk%20api&sslpassword=***"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<DatabaseUrl> url = ParseDatabaseUrl(c.input);
    ASSERT_THAT(url, IsOk()) << c.input;
    EXPECT_EQ(url->Redacted(), c.redacted) << c.input;
  }
}

TEST(DatabaseUrlTest, RedactedNeverContainsPassword) {
  for (DatabaseUrl url : TrickyUrls()) {
    const std::string redacted = url.Redacted();
    EXPECT_THAT(redacted, AllOf(Not(HasSubstr(url.password)), HasSubstr(":***@"))) << redacted;
    EXPECT_THAT(redacted, Not(HasSubstr("key pass")));
    // Nothing in the output depends on the password.
    url.password = "something else";
    EXPECT_EQ(url.Redacted(), redacted);
  }
}

TEST(DatabaseUrlTest, RedactedWithoutPasswordHasNoStars) {
  const DatabaseUrl url = {
      .host = "db", .port = 5432, .dbname = "d", .user = "u", .password = "", .params = {}};
  EXPECT_EQ(url.Redacted(), "postgresql://u@db:5432/d");
}

TEST(DatabaseUrlTest, RedactedOfTrickyValuesParsesBack) {
  for (DatabaseUrl url : TrickyUrls()) {
    const std::string redacted = url.Redacted();
    url.password = "***";
    for (auto& [key, value] : url.params) {
      if (key == "sslpassword") value = "***";
    }
    EXPECT_THAT(ParseDatabaseUrl(redacted), IsOkAndHolds(url)) << redacted;
  }
}

}  // namespace
}  // namespace kiosk::db
