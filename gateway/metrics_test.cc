#include "gateway/metrics.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kiosk::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Optional;

using Labels = std::map<std::string, std::string>;

constexpr char kRequests[] = "kiosk_gateway_http_requests_total";
constexpr char kDuration[] = "kiosk_gateway_http_request_duration_seconds";
constexpr char kUpstreamErrors[] = "kiosk_gateway_upstream_errors_total";
constexpr char kInFlight[] = "kiosk_gateway_http_requests_in_flight";

// ---------------------------------------------------------------------------
// A strict reader of the text exposition format 0.0.4, enough to check what
// GatewayMetrics renders: every line must be a # HELP, a # TYPE or a sample
// `name{label="value",...} value`; samples belong to a family TYPEd before
// them, families are contiguous and no series appears twice.

constexpr char kNameRe[] = "[a-zA-Z_:][a-zA-Z0-9_:]*";
constexpr char kLabelNameRe[] = "[a-zA-Z_][a-zA-Z0-9_]*";
constexpr char kLabelValueRe[] = R"re("((?:[^"\\\n]|\\[\\"n])*)")re";
constexpr char kValueRe[] =
    R"([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?Inf|NaN)";

struct Sample {
  std::string name;
  Labels labels;
  std::string value;
};

struct Exposition {
  std::vector<Sample> samples;
  std::map<std::string, std::string> types;  // family -> type
  std::map<std::string, int> help_lines;     // family -> # HELP lines
  std::map<std::string, int> type_lines;     // family -> # TYPE lines
  std::vector<std::string> errors;           // one per bad line

  // The value of the sample with exactly these labels, if any.
  std::optional<std::string> Value(absl::string_view name, const Labels& labels) const {
    for (const Sample& s : samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    return std::nullopt;
  }
  int CountSamples(absl::string_view name) const {
    int n = 0;
    for (const Sample& s : samples) n += s.name == name;
    return n;
  }
};

std::string Unescape(absl::string_view escaped) {
  std::string out;
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '\\' && i + 1 < escaped.size()) {
      ++i;
      out += escaped[i] == 'n' ? '\n' : escaped[i];
    } else {
      out += escaped[i];
    }
  }
  return out;
}

// The family a sample belongs to: histogram series add _bucket/_sum/_count.
std::string FamilyOf(const std::string& name, const std::map<std::string, std::string>& types) {
  for (absl::string_view suffix : {"_bucket", "_sum", "_count"}) {
    if (absl::EndsWith(name, suffix)) {
      std::string base = name.substr(0, name.size() - suffix.size());
      auto it = types.find(base);
      if (it != types.end() && it->second == "histogram") return base;
    }
  }
  return name;
}

Exposition ParseExposition(const std::string& text) {
  static const std::regex kHelp(absl::StrCat("# HELP (", kNameRe, ") (.*)"));
  static const std::regex kType(
      absl::StrCat("# TYPE (", kNameRe, ") (counter|gauge|histogram|summary|untyped)"));
  static const std::string kPair = absl::StrCat(kLabelNameRe, "=", kLabelValueRe);
  static const std::regex kSample(absl::StrCat("(", kNameRe, ")(?:\\{((?:", kPair, ")(?:,", kPair,
                                               ")*)?\\})? (", kValueRe, ")(?: -?[0-9]+)?"));
  static const std::regex kOnePair(absl::StrCat("(", kLabelNameRe, ")=", kLabelValueRe, ",?"));

  Exposition e;
  if (!text.empty() && text.back() != '\n') e.errors.push_back("text does not end in a newline");
  std::string current_family;
  std::set<std::string> finished_families;
  std::set<std::string> series;
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (const std::string& line : lines) {
    std::smatch m;
    std::string family;
    if (std::regex_match(line, m, kHelp)) {
      family = m[1];
      ++e.help_lines[family];
    } else if (std::regex_match(line, m, kType)) {
      family = m[1];
      ++e.type_lines[family];
      e.types[family] = m[2];
    } else if (std::regex_match(line, m, kSample)) {
      Sample s{.name = m[1], .labels = {}, .value = m[m.size() - 1]};
      std::string labels = m[2];
      for (std::sregex_iterator it(labels.begin(), labels.end(), kOnePair), end; it != end; ++it) {
        if (!s.labels.emplace((*it)[1], Unescape((*it)[2].str())).second) {
          e.errors.push_back("duplicate label in: " + line);
        }
      }
      family = FamilyOf(s.name, e.types);
      if (!e.types.contains(family)) e.errors.push_back("sample before its # TYPE: " + line);
      if (!series.insert(absl::StrCat(s.name, "{", labels, "}")).second) {
        e.errors.push_back("duplicate series: " + line);
      }
      e.samples.push_back(std::move(s));
    } else {
      e.errors.push_back("not in the exposition format: " + line);
      continue;
    }
    if (family != current_family) {
      if (finished_families.contains(family)) {
        e.errors.push_back("family " + family + " is not contiguous");
      }
      if (!current_family.empty()) finished_families.insert(current_family);
      current_family = family;
    }
  }
  return e;
}

// Parses and fails the test on any line that is not in the format.
Exposition Render(const GatewayMetrics& metrics) {
  const std::string text = metrics.RenderPrometheus();
  Exposition e = ParseExposition(text);
  EXPECT_THAT(e.errors, IsEmpty()) << text;
  return e;
}

// ---------------------------------------------------------------------------

std::vector<std::string> TwoRoutes() { return {"GET /api/v1/users/{id}", "POST /api/v1/users"}; }

TEST(GatewayMetricsTest, CountsRequestsPerRouteAndStatusCode) {
  GatewayMetrics metrics(TwoRoutes());
  metrics.RecordRequest(0, 200, absl::Milliseconds(1));
  metrics.RecordRequest(0, 200, absl::Milliseconds(1));
  metrics.RecordRequest(0, 404, absl::Milliseconds(1));
  metrics.RecordRequest(1, 201, absl::Milliseconds(1));

  Exposition e = Render(metrics);
  const Labels get_user = {{"route", "/api/v1/users/{id}"}, {"method", "GET"}};
  const Labels create_user = {{"route", "/api/v1/users"}, {"method", "POST"}};
  auto with_code = [](Labels labels, std::string code) {
    labels["code"] = std::move(code);
    return labels;
  };
  EXPECT_THAT(e.Value(kRequests, with_code(get_user, "200")), Optional(std::string("2")));
  EXPECT_THAT(e.Value(kRequests, with_code(get_user, "404")), Optional(std::string("1")));
  EXPECT_THAT(e.Value(kRequests, with_code(create_user, "201")), Optional(std::string("1")));
  // Codes never seen are not rendered.
  EXPECT_EQ(e.CountSamples(kRequests), 3);
}

TEST(GatewayMetricsTest, RendersSeriesInRouteOrderThenCodeOrder) {
  GatewayMetrics metrics(TwoRoutes());
  metrics.RecordRequest(GatewayMetrics::kUnmatched, 404, absl::ZeroDuration());
  metrics.RecordRequest(1, 500, absl::ZeroDuration());
  metrics.RecordRequest(1, 201, absl::ZeroDuration());
  metrics.RecordRequest(0, 200, absl::ZeroDuration());

  std::vector<std::string> order;
  for (const Sample& s : Render(metrics).samples) {
    if (s.name == kRequests) order.push_back(s.labels.at("route") + " " + s.labels.at("code"));
  }
  EXPECT_THAT(order, ElementsAre("/api/v1/users/{id} 200", "/api/v1/users 201", "/api/v1/users 500",
                                 "unmatched 404"));
}

TEST(GatewayMetricsTest, UnmatchedRequestsGetUnmatchedRouteLabelWithoutMethod) {
  GatewayMetrics metrics(TwoRoutes());
  metrics.RecordRequest(GatewayMetrics::kUnmatched, 404, absl::Milliseconds(2));
  metrics.RecordRequest(GatewayMetrics::kUnmatched, 405, absl::Milliseconds(2));
  // An index that names no route is counted as unmatched too.
  metrics.RecordRequest(2, 404, absl::Milliseconds(2));
  metrics.RecordRequest(-7, 404, absl::Milliseconds(2));

  Exposition e = Render(metrics);
  EXPECT_THAT(e.Value(kRequests, {{"route", "unmatched"}, {"code", "404"}}),
              Optional(std::string("3")));
  EXPECT_THAT(e.Value(kRequests, {{"route", "unmatched"}, {"code", "405"}}),
              Optional(std::string("1")));
  EXPECT_THAT(e.Value(absl::StrCat(kDuration, "_count"), {{"route", "unmatched"}}),
              Optional(std::string("4")));
}

TEST(GatewayMetricsTest, RouteNameWithoutSpaceHasNoMethodLabel) {
  GatewayMetrics metrics({"/healthz"});
  metrics.RecordRequest(0, 200, absl::ZeroDuration());
  EXPECT_THAT(Render(metrics).Value(kRequests, {{"route", "/healthz"}, {"code", "200"}}),
              Optional(std::string("1")));
}

TEST(GatewayMetricsTest, OutOfRangeHttpStatusIsCountedAsOther) {
  GatewayMetrics metrics(TwoRoutes());
  metrics.RecordRequest(0, 99, absl::ZeroDuration());
  metrics.RecordRequest(0, 600, absl::ZeroDuration());
  metrics.RecordRequest(0, 100, absl::ZeroDuration());
  metrics.RecordRequest(0, 599, absl::ZeroDuration());

  Exposition e = Render(metrics);
  const Labels route = {{"route", "/api/v1/users/{id}"}, {"method", "GET"}};
  auto code = [&](std::string c) {
    Labels l = route;
    l["code"] = std::move(c);
    return l;
  };
  EXPECT_THAT(e.Value(kRequests, code("other")), Optional(std::string("2")));
  EXPECT_THAT(e.Value(kRequests, code("100")), Optional(std::string("1")));
  EXPECT_THAT(e.Value(kRequests, code("599")), Optional(std::string("1")));
}

TEST(GatewayMetricsTest, EqualRouteNamesShareOneSeries) {
  GatewayMetrics metrics({"GET /a", "GET /b", "GET /a"});
  EXPECT_EQ(metrics.route_count(), 3);
  metrics.RecordRequest(0, 200, absl::ZeroDuration());
  metrics.RecordRequest(2, 200, absl::ZeroDuration());

  Exposition e = Render(metrics);  // would fail on a duplicate series
  EXPECT_THAT(e.Value(kRequests, {{"route", "/a"}, {"method", "GET"}, {"code", "200"}}),
              Optional(std::string("2")));
}

TEST(GatewayMetricsTest, HistogramBucketsAreCumulativeWithExactCountAndSum) {
  GatewayMetrics metrics(TwoRoutes());
  for (absl::Duration latency : {absl::Microseconds(300), absl::Milliseconds(1),  // le is <=
                                 absl::Milliseconds(7), absl::Seconds(2), absl::Seconds(20)}) {
    metrics.RecordRequest(1, 201, latency);
  }

  Exposition e = Render(metrics);
  const Labels route = {{"route", "/api/v1/users"}, {"method", "POST"}};
  std::vector<std::pair<std::string, std::string>> buckets;
  for (const Sample& s : e.samples) {
    if (s.name != absl::StrCat(kDuration, "_bucket")) continue;
    Labels without_le = s.labels;
    without_le.erase("le");
    EXPECT_EQ(without_le, route);
    buckets.emplace_back(s.labels.at("le"), s.value);
  }
  using P = std::pair<std::string, std::string>;
  EXPECT_THAT(buckets, ElementsAre(P{"0.0005", "1"}, P{"0.001", "2"}, P{"0.0025", "2"},
                                   P{"0.005", "2"}, P{"0.01", "3"}, P{"0.025", "3"}, P{"0.05", "3"},
                                   P{"0.1", "3"}, P{"0.25", "3"}, P{"0.5", "3"}, P{"1", "3"},
                                   P{"2.5", "4"}, P{"5", "4"}, P{"10", "4"}, P{"+Inf", "5"}));
  EXPECT_THAT(e.Value(absl::StrCat(kDuration, "_count"), route), Optional(std::string("5")));
  EXPECT_THAT(e.Value(absl::StrCat(kDuration, "_sum"), route), Optional(std::string("22.0083")));
}

TEST(GatewayMetricsTest, HistogramIsRenderedOnlyForRoutesWithRequests) {
  GatewayMetrics metrics(TwoRoutes());
  metrics.RecordRequest(0, 200, absl::Milliseconds(3));

  Exposition e = Render(metrics);
  EXPECT_EQ(e.CountSamples(absl::StrCat(kDuration, "_bucket")), 15);
  EXPECT_EQ(e.CountSamples(absl::StrCat(kDuration, "_count")), 1);
  EXPECT_THAT(e.Value(absl::StrCat(kDuration, "_sum"),
                      {{"route", "/api/v1/users/{id}"}, {"method", "GET"}}),
              Optional(std::string("0.003")));
}

TEST(GatewayMetricsTest, NegativeLatencyCountsAsZero) {
  GatewayMetrics metrics(TwoRoutes());
  metrics.RecordRequest(0, 200, absl::Milliseconds(-5));

  Exposition e = Render(metrics);
  const Labels route = {{"route", "/api/v1/users/{id}"}, {"method", "GET"}};
  Labels first_bucket = route;
  first_bucket["le"] = "0.0005";
  EXPECT_THAT(e.Value(absl::StrCat(kDuration, "_bucket"), first_bucket),
              Optional(std::string("1")));
  EXPECT_THAT(e.Value(absl::StrCat(kDuration, "_sum"), route), Optional(std::string("0")));
}

TEST(GatewayMetricsTest, UpstreamErrorsAreLabelledByGrpcCodeName) {
  GatewayMetrics metrics(TwoRoutes());
  metrics.RecordUpstreamError(0, 14);
  metrics.RecordUpstreamError(0, 14);
  metrics.RecordUpstreamError(0, 4);
  metrics.RecordUpstreamError(1, 16);
  metrics.RecordUpstreamError(GatewayMetrics::kUnmatched, 1);
  metrics.RecordUpstreamError(1, 0);   // OK is not an error
  metrics.RecordUpstreamError(1, 42);  // unknown numbers are UNKNOWN

  Exposition e = Render(metrics);
  auto labels = [](std::string route, std::string method, std::string code) {
    Labels l = {{"route", std::move(route)}, {"grpc_code", std::move(code)}};
    if (!method.empty()) l["method"] = std::move(method);
    return l;
  };
  EXPECT_THAT(e.Value(kUpstreamErrors, labels("/api/v1/users/{id}", "GET", "UNAVAILABLE")),
              Optional(std::string("2")));
  EXPECT_THAT(e.Value(kUpstreamErrors, labels("/api/v1/users/{id}", "GET", "DEADLINE_EXCEEDED")),
              Optional(std::string("1")));
  EXPECT_THAT(e.Value(kUpstreamErrors, labels("/api/v1/users", "POST", "UNAUTHENTICATED")),
              Optional(std::string("1")));
  EXPECT_THAT(e.Value(kUpstreamErrors, labels("/api/v1/users", "POST", "UNKNOWN")),
              Optional(std::string("1")));
  EXPECT_THAT(e.Value(kUpstreamErrors, labels("unmatched", "", "CANCELLED")),
              Optional(std::string("1")));
  EXPECT_EQ(e.CountSamples(kUpstreamErrors), 5);
}

TEST(GatewayMetricsTest, InFlightGaugeGoesUpAndDownWithTheGuard) {
  GatewayMetrics metrics(TwoRoutes());
  auto in_flight = [&] { return Render(metrics).Value(kInFlight, {}); };
  EXPECT_THAT(in_flight(), Optional(std::string("0")));
  {
    GatewayMetrics::InFlight first = metrics.TrackInFlight();
    EXPECT_THAT(in_flight(), Optional(std::string("1")));
    {
      GatewayMetrics::InFlight second = metrics.TrackInFlight();
      EXPECT_THAT(in_flight(), Optional(std::string("2")));
    }
    EXPECT_THAT(in_flight(), Optional(std::string("1")));
    // Moving hands over the one request; it is not counted twice.
    GatewayMetrics::InFlight moved = std::move(first);
    EXPECT_THAT(in_flight(), Optional(std::string("1")));
    // Move-assigning ends the request the target was tracking.
    GatewayMetrics::InFlight third = metrics.TrackInFlight();
    EXPECT_THAT(in_flight(), Optional(std::string("2")));
    third = std::move(moved);
    EXPECT_THAT(in_flight(), Optional(std::string("1")));
  }
  EXPECT_THAT(in_flight(), Optional(std::string("0")));
}

TEST(GatewayMetricsTest, EscapesBackslashQuoteAndNewlineInLabelValues) {
  EXPECT_EQ(EscapePrometheusLabelValue("plain /a/{b}"), "plain /a/{b}");
  EXPECT_EQ(EscapePrometheusLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");

  GatewayMetrics metrics({"GET /odd\\path/\"quoted\"\nnext"});
  metrics.RecordRequest(0, 200, absl::ZeroDuration());
  const std::string text = metrics.RenderPrometheus();
  EXPECT_THAT(text, HasSubstr("route=\"/odd\\\\path/\\\"quoted\\\"\\nnext\""));
  // Parsed back, the label holds the original bytes.
  Exposition e = ParseExposition(text);
  EXPECT_THAT(e.errors, IsEmpty()) << text;
  EXPECT_THAT(
      e.Value(kRequests,
              {{"route", "/odd\\path/\"quoted\"\nnext"}, {"method", "GET"}, {"code", "200"}}),
      Optional(std::string("1")));
}

TEST(GatewayMetricsTest, WritesHelpAndTypeOncePerFamily) {
  GatewayMetrics metrics({"GET /a", "GET /b", "POST /c"});
  for (int route : {0, 1, 2, GatewayMetrics::kUnmatched}) {
    metrics.RecordRequest(route, 200, absl::Milliseconds(1));
    metrics.RecordRequest(route, 503, absl::Milliseconds(1));
    metrics.RecordUpstreamError(route, 14);
    metrics.RecordUpstreamError(route, 13);
  }
  GatewayMetrics::InFlight in_flight = metrics.TrackInFlight();

  Exposition e = Render(metrics);
  const std::map<std::string, std::string> expected_types = {{kRequests, "counter"},
                                                             {kDuration, "histogram"},
                                                             {kUpstreamErrors, "counter"},
                                                             {kInFlight, "gauge"}};
  EXPECT_EQ(e.types, expected_types);
  for (const auto& [family, type] : expected_types) {
    EXPECT_EQ(e.help_lines[family], 1) << family;
    EXPECT_EQ(e.type_lines[family], 1) << family;
  }
}

TEST(GatewayMetricsTest, FreshMetricsDeclareEveryFamilyWithOnlyTheGaugeSample) {
  GatewayMetrics metrics(TwoRoutes());
  Exposition e = Render(metrics);
  EXPECT_EQ(e.types.size(), 4u);
  ASSERT_EQ(e.samples.size(), 1u);
  EXPECT_EQ(e.samples[0].name, kInFlight);
  EXPECT_EQ(e.samples[0].value, "0");
}

TEST(GatewayMetricsTest, CollectorOutputIsAppendedInOrderWithFinalNewline) {
  GatewayMetrics metrics(TwoRoutes());
  metrics.AddCollector([] {
    return std::string(
        "# HELP kiosk_jobs_queued Jobs waiting.\n"
        "# TYPE kiosk_jobs_queued gauge\n"
        "kiosk_jobs_queued{queue=\"downloads\"} 3");  // no final newline
  });
  metrics.AddCollector([] { return std::string(); });
  metrics.AddCollector([] {
    return std::string(
        "# HELP kiosk_jobs_done_total Jobs finished.\n"
        "# TYPE kiosk_jobs_done_total counter\n"
        "kiosk_jobs_done_total 7\n");
  });

  const std::string text = metrics.RenderPrometheus();
  Exposition e = ParseExposition(text);
  EXPECT_THAT(e.errors, IsEmpty()) << text;
  EXPECT_THAT(e.Value("kiosk_jobs_queued", {{"queue", "downloads"}}), Optional(std::string("3")));
  EXPECT_THAT(e.Value("kiosk_jobs_done_total", {}), Optional(std::string("7")));
  EXPECT_LT(text.find(kInFlight), text.find("kiosk_jobs_queued"));
  EXPECT_LT(text.find("kiosk_jobs_queued"), text.find("kiosk_jobs_done_total"));
}

TEST(GatewayMetricsTest, ConcurrentRecordingKeepsExactTotals) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  GatewayMetrics metrics(TwoRoutes());
  std::atomic<bool> done{false};
  // Scrapes while the recorders run; every rendering must stay well-formed.
  std::thread scraper([&] {
    while (!done.load()) {
      Exposition e = ParseExposition(metrics.RenderPrometheus());
      EXPECT_THAT(e.errors, IsEmpty());
    }
  });
  std::vector<std::thread> recorders;
  for (int t = 0; t < kThreads; ++t) {
    recorders.emplace_back([&metrics, t] {
      for (int i = 0; i < kPerThread; ++i) {
        GatewayMetrics::InFlight in_flight = metrics.TrackInFlight();
        const int route = i % 2;
        metrics.RecordUpstreamError(route, 14);
        metrics.RecordRequest(route, t % 2 == 0 ? 200 : 503, absl::Milliseconds(1));
      }
    });
  }
  for (std::thread& r : recorders) r.join();
  done = true;
  scraper.join();

  Exposition e = Render(metrics);
  const Labels get_user = {{"route", "/api/v1/users/{id}"}, {"method", "GET"}};
  const Labels create_user = {{"route", "/api/v1/users"}, {"method", "POST"}};
  // Two threads each answer 200 and 503; each thread splits evenly over routes.
  const std::string per_code = absl::StrCat(2 * kPerThread / 2);
  const std::string per_route = absl::StrCat(kThreads * kPerThread / 2);
  for (const Labels& route : {get_user, create_user}) {
    for (const char* code : {"200", "503"}) {
      Labels l = route;
      l["code"] = code;
      EXPECT_THAT(e.Value(kRequests, l), Optional(per_code));
    }
    EXPECT_THAT(e.Value(absl::StrCat(kDuration, "_count"), route), Optional(per_route));
    EXPECT_THAT(e.Value(absl::StrCat(kDuration, "_sum"), route),
                Optional(absl::StrCat(kThreads * kPerThread / 2 / 1000)));  // 1 ms each
    Labels unavailable = route;
    unavailable["grpc_code"] = "UNAVAILABLE";
    EXPECT_THAT(e.Value(kUpstreamErrors, unavailable), Optional(per_route));
  }
  EXPECT_THAT(e.Value(kInFlight, {}), Optional(std::string("0")));
}

TEST(GatewayMetricsTest, EveryRenderedLineIsInTheExpositionFormat) {
  GatewayMetrics metrics({"GET /api/v1/users/{id}", "PATCH /api/v1/users/{user.id=*}:reset",
                          "GET /files/**", "DELETE /weird \"path\"\\\n"});
  for (int route = GatewayMetrics::kUnmatched; route < metrics.route_count(); ++route) {
    for (int status : {200, 204, 400, 404, 500, 503, 42}) {
      metrics.RecordRequest(route, status, absl::Microseconds(137 * (status + route + 2)));
    }
    metrics.RecordUpstreamError(route, 5);
  }
  GatewayMetrics::InFlight in_flight = metrics.TrackInFlight();
  metrics.AddCollector([] { return std::string("# TYPE kiosk_extra untyped\nkiosk_extra 1.5\n"); });

  const std::string text = metrics.RenderPrometheus();
  Exposition e = ParseExposition(text);
  EXPECT_THAT(e.errors, IsEmpty()) << text;
  // A broken line is caught by the reader itself.
  EXPECT_THAT(ParseExposition("kiosk_x{route=\"a\"b\"} 1\n").errors, Not(IsEmpty()));
  EXPECT_THAT(ParseExposition("kiosk_x 1\n").errors, Not(IsEmpty()));  // no # TYPE
  EXPECT_GT(e.samples.size(), 100u);
}

}  // namespace
}  // namespace kiosk::gateway
