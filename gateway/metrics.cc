#include "gateway/metrics.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/grpc_status.h"

namespace kiosk::gateway {
namespace {

constexpr char kRequestsName[] = "kiosk_gateway_http_requests_total";
constexpr char kDurationName[] = "kiosk_gateway_http_request_duration_seconds";
constexpr char kUpstreamErrorsName[] = "kiosk_gateway_upstream_errors_total";
constexpr char kInFlightName[] = "kiosk_gateway_http_requests_in_flight";

// HTTP statuses 100..599 get slots 1..500; slot 0 counts anything else.
constexpr int kMinStatus = 100;
constexpr int kMaxStatus = 599;
constexpr int kStatusSlots = kMaxStatus - kMinStatus + 2;

// Upper bounds (le) of the latency buckets; one more bucket is +Inf.
constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr std::array<int64_t, 14> kBucketBoundsNanos = {
    500'000,       1'000'000,     2'500'000,     5'000'000,     10'000'000,
    25'000'000,    50'000'000,    100'000'000,   250'000'000,   500'000'000,
    1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};
constexpr int kBuckets = kBucketBoundsNanos.size() + 1;
// Caps one sample's share of _sum, so that a bogus (e.g. infinite) latency
// cannot wrap the sum around.
constexpr int64_t kMaxLatencyNanos = 3600 * kNanosPerSecond;

constexpr int kGrpcUnknown = 2;

constexpr std::memory_order kRelaxed = std::memory_order_relaxed;

// Exact decimal seconds for a count of nanoseconds, without trailing zeros:
// 1'500'000 -> "0.0015", 2'000'000'000 -> "2".
std::string FormatNanosAsSeconds(uint64_t nanos) {
  std::string out = absl::StrCat(nanos / kNanosPerSecond);
  uint64_t fraction = nanos % kNanosPerSecond;
  if (fraction != 0) {
    std::string digits = absl::StrFormat("%09d", fraction);
    digits.erase(digits.find_last_not_of('0') + 1);
    absl::StrAppend(&out, ".", digits);
  }
  return out;
}

void AppendFamilyHeader(std::string& out, absl::string_view name, absl::string_view type,
                        absl::string_view help) {
  absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

}  // namespace

std::string EscapePrometheusLabelValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Everything recorded for one route. Aligned to a cache line so that two
// routes never share one; zero-initialised (value-initialised atomics).
struct alignas(64) GatewayMetrics::RouteStats {
  std::array<std::atomic<uint64_t>, kStatusSlots> requests_by_status{};
  // Non-cumulative: bucket i counts latencies in (bound[i-1], bound[i]].
  std::array<std::atomic<uint64_t>, kBuckets> latency_buckets{};
  std::atomic<uint64_t> latency_sum_nanos{0};
  std::array<std::atomic<uint64_t>, kGrpcCodeCount> upstream_errors{};
};

GatewayMetrics::GatewayMetrics(std::vector<std::string> route_names) {
  // Start-up only; the names outlive the map.
  std::unordered_map<std::string_view, int> slot_of_name;
  slot_of_route_.reserve(route_names.size());
  for (const std::string& name : route_names) {
    auto [it, inserted] = slot_of_name.try_emplace(name, static_cast<int>(slot_labels_.size()));
    slot_of_route_.push_back(it->second);
    if (!inserted) continue;
    absl::string_view method;
    absl::string_view route = name;
    if (size_t space = route.find(' '); space != absl::string_view::npos) {
      method = route.substr(0, space);
      route.remove_prefix(space + 1);
    }
    std::string labels = absl::StrCat("route=\"", EscapePrometheusLabelValue(route), "\"");
    if (!method.empty()) {
      absl::StrAppend(&labels, ",method=\"", EscapePrometheusLabelValue(method), "\"");
    }
    slot_labels_.push_back(std::move(labels));
  }
  unmatched_slot_ = static_cast<int>(slot_labels_.size());
  slot_labels_.push_back("route=\"unmatched\"");
  stats_ = std::make_unique<RouteStats[]>(slot_labels_.size());
}

GatewayMetrics::~GatewayMetrics() = default;

int GatewayMetrics::SlotOf(int route_index) const {
  if (route_index >= 0 && static_cast<size_t>(route_index) < slot_of_route_.size()) {
    return slot_of_route_[route_index];
  }
  return unmatched_slot_;
}

void GatewayMetrics::RecordRequest(int route_index, int http_status, absl::Duration latency) {
  RouteStats& stats = stats_[SlotOf(route_index)];
  const int status_slot =
      http_status >= kMinStatus && http_status <= kMaxStatus ? http_status - kMinStatus + 1 : 0;
  stats.requests_by_status[status_slot].fetch_add(1, kRelaxed);

  const int64_t nanos = std::clamp<int64_t>(absl::ToInt64Nanoseconds(latency), 0, kMaxLatencyNanos);
  const auto bucket = std::lower_bound(kBucketBoundsNanos.begin(), kBucketBoundsNanos.end(), nanos);
  stats.latency_buckets[bucket - kBucketBoundsNanos.begin()].fetch_add(1, kRelaxed);
  stats.latency_sum_nanos.fetch_add(static_cast<uint64_t>(nanos), kRelaxed);
}

void GatewayMetrics::RecordUpstreamError(int route_index, int grpc_code) {
  if (grpc_code == 0) return;
  if (grpc_code < 0 || grpc_code >= kGrpcCodeCount) {
    grpc_code = kGrpcUnknown;
  }
  stats_[SlotOf(route_index)].upstream_errors[grpc_code].fetch_add(1, kRelaxed);
}

GatewayMetrics::InFlight::InFlight(std::atomic<int64_t>* gauge) : gauge_(gauge) {
  gauge_->fetch_add(1, kRelaxed);
}

GatewayMetrics::InFlight::InFlight(InFlight&& other) noexcept
    : gauge_(std::exchange(other.gauge_, nullptr)) {}

GatewayMetrics::InFlight& GatewayMetrics::InFlight::operator=(InFlight&& other) noexcept {
  if (this != &other) {
    if (gauge_ != nullptr) gauge_->fetch_sub(1, kRelaxed);
    gauge_ = std::exchange(other.gauge_, nullptr);
  }
  return *this;
}

GatewayMetrics::InFlight::~InFlight() {
  if (gauge_ != nullptr) gauge_->fetch_sub(1, kRelaxed);
}

GatewayMetrics::InFlight GatewayMetrics::TrackInFlight() { return InFlight(&in_flight_); }

void GatewayMetrics::AddCollector(std::function<std::string()> collector) {
  absl::MutexLock lock(&collectors_mu_);
  collectors_.push_back(std::move(collector));
}

void GatewayMetrics::RenderRequests(std::string& out) const {
  AppendFamilyHeader(out, kRequestsName, "counter",
                     "HTTP requests answered by the gateway, by route and HTTP status code.");
  for (size_t slot = 0; slot < slot_labels_.size(); ++slot) {
    const RouteStats& stats = stats_[slot];
    // Real statuses in ascending order, then the out-of-range ones.
    for (int i = 1; i <= kStatusSlots; ++i) {
      const int status_slot = i % kStatusSlots;
      const uint64_t count = stats.requests_by_status[status_slot].load(kRelaxed);
      if (count == 0) continue;
      const std::string code =
          status_slot == 0 ? "other" : absl::StrCat(status_slot - 1 + kMinStatus);
      absl::StrAppend(&out, kRequestsName, "{", slot_labels_[slot], ",code=\"", code, "\"} ", count,
                      "\n");
    }
  }
}

void GatewayMetrics::RenderDurations(std::string& out) const {
  AppendFamilyHeader(out, kDurationName, "histogram",
                     "Time from reading the HTTP request to having its response, by route.");
  for (size_t slot = 0; slot < slot_labels_.size(); ++slot) {
    const RouteStats& stats = stats_[slot];
    std::array<uint64_t, kBuckets> counts;
    uint64_t total = 0;
    for (int i = 0; i < kBuckets; ++i) {
      counts[i] = stats.latency_buckets[i].load(kRelaxed);
      total += counts[i];
    }
    if (total == 0) continue;
    const uint64_t sum_nanos = stats.latency_sum_nanos.load(kRelaxed);
    const std::string& labels = slot_labels_[slot];
    uint64_t cumulative = 0;
    for (int i = 0; i < kBuckets; ++i) {
      cumulative += counts[i];
      const std::string le =
          i + 1 < kBuckets ? FormatNanosAsSeconds(kBucketBoundsNanos[i]) : "+Inf";
      absl::StrAppend(&out, kDurationName, "_bucket{", labels, ",le=\"", le, "\"} ", cumulative,
                      "\n");
    }
    // _count is the +Inf bucket by construction, as the format requires.
    absl::StrAppend(&out, kDurationName, "_sum{", labels, "} ", FormatNanosAsSeconds(sum_nanos),
                    "\n", kDurationName, "_count{", labels, "} ", total, "\n");
  }
}

void GatewayMetrics::RenderUpstreamErrors(std::string& out) const {
  AppendFamilyHeader(out, kUpstreamErrorsName, "counter",
                     "Non-OK statuses returned by the upstream gRPC services, by route and "
                     "gRPC code.");
  for (size_t slot = 0; slot < slot_labels_.size(); ++slot) {
    const RouteStats& stats = stats_[slot];
    for (int code = 1; code < kGrpcCodeCount; ++code) {
      const uint64_t count = stats.upstream_errors[code].load(kRelaxed);
      if (count == 0) continue;
      absl::StrAppend(&out, kUpstreamErrorsName, "{", slot_labels_[slot], ",grpc_code=\"",
                      GrpcCodeName(code), "\"} ", count, "\n");
    }
  }
}

std::string GatewayMetrics::RenderPrometheus() const {
  std::string out;
  out.reserve(4096);
  RenderRequests(out);
  RenderDurations(out);
  RenderUpstreamErrors(out);
  AppendFamilyHeader(out, kInFlightName, "gauge", "HTTP requests being handled right now.");
  absl::StrAppend(&out, kInFlightName, " ", in_flight_.load(kRelaxed), "\n");

  std::vector<std::function<std::string()>> collectors;
  {
    absl::MutexLock lock(&collectors_mu_);
    collectors = collectors_;
  }
  for (const auto& collector : collectors) {
    std::string text = collector();
    if (text.empty()) continue;
    out += text;
    if (out.back() != '\n') out += '\n';
  }
  return out;
}

}  // namespace kiosk::gateway
