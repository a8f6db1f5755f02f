// Request metrics of kiosk-gateway, served at GET /metrics in the Prometheus
// text exposition format 0.0.4. Built once at start-up from the route names;
// recording is lock-free (relaxed atomics indexed by route), cheap enough for
// every request:
//
//   GatewayMetrics metrics(route_names);  // "GET /api/v1/users/{id}", ...
//   // Per request (route_index = position in route_names, or kUnmatched):
//   GatewayMetrics::InFlight in_flight = metrics.TrackInFlight();
//   metrics.RecordUpstreamError(route_index, grpc_code);  // only when non-OK
//   metrics.RecordRequest(route_index, http_status, absl::Now() - start);
//   // GET /metrics, with Content-Type: GatewayMetrics::kContentType
//   std::string body = metrics.RenderPrometheus();
//
// Families (each with one # HELP and one # TYPE line, always present):
//   kiosk_gateway_http_requests_total{route,method,code}         counter
//   kiosk_gateway_http_request_duration_seconds{route,method,le}  histogram
//     buckets 0.0005 0.001 0.0025 0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5
//     10 +Inf, with _bucket/_sum/_count
//   kiosk_gateway_upstream_errors_total{route,method,grpc_code}  counter
//   kiosk_gateway_http_requests_in_flight                         gauge
// A "METHOD template" name gives route="template",method="METHOD"; requests
// that matched no route (and the gateway's own pages) get route="unmatched"
// and no method label. Only series that have counted something are rendered.
// AddCollector() appends more families (e.g. job-queue metrics) after these.
#ifndef KIOSK_GATEWAY_METRICS_H_
#define KIOSK_GATEWAY_METRICS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace kiosk::gateway {

// `value` escaped for use between the double quotes of a label value:
// backslash -> \\, double quote -> \", newline -> \n. For collectors too.
std::string EscapePrometheusLabelValue(absl::string_view value);

class GatewayMetrics {
 public:
  // Content-Type of the RenderPrometheus() text.
  static constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";
  // Route index of requests that matched no route (404/405) and of the
  // gateway's own pages (/metrics, health). Any other index outside
  // [0, route_count()) is counted here as well.
  static constexpr int kUnmatched = -1;

  // `route_names[i]` labels route index i, as "METHOD template", e.g.
  // "GET /api/v1/users/{id}". Equal names share one series.
  explicit GatewayMetrics(std::vector<std::string> route_names);
  GatewayMetrics(const GatewayMetrics&) = delete;
  GatewayMetrics& operator=(const GatewayMetrics&) = delete;
  ~GatewayMetrics();

  int route_count() const { return static_cast<int>(slot_of_route_.size()); }

  // One finished request: its HTTP status (100..599; anything else is
  // counted as code="other") and its latency (negative counts as 0).
  void RecordRequest(int route_index, int http_status, absl::Duration latency);
  // A non-OK status from the upstream gRPC service; `grpc_code` is the
  // numeric code (grpc::StatusCode or absl::StatusCode cast to int). OK (0) is
  // ignored; codes outside 0..16 count as UNKNOWN, as gRPC does.
  void RecordUpstreamError(int route_index, int grpc_code);

  // Holds kiosk_gateway_http_requests_in_flight up by one while it lives.
  // Movable; keep it for the whole request.
  class [[nodiscard]] InFlight {
   public:
    InFlight(InFlight&& other) noexcept;
    InFlight& operator=(InFlight&& other) noexcept;
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;
    ~InFlight();

   private:
    friend class GatewayMetrics;
    explicit InFlight(std::atomic<int64_t>* gauge);
    std::atomic<int64_t>* gauge_;  // nullptr once moved from
  };
  InFlight TrackInFlight();

  // Appends the output of `collector` (zero or more complete families in the
  // exposition format; a missing final newline is added) to every rendering,
  // after the gateway's own families, in the order added. Thread-safe;
  // `collector` runs on the scraping thread, without this object's lock held.
  void AddCollector(std::function<std::string()> collector);

  // The whole /metrics page. Reads the counters without stopping recorders, so
  // a rendering that races with requests may miss the newest of them.
  std::string RenderPrometheus() const;

 private:
  struct RouteStats;

  int SlotOf(int route_index) const;
  void RenderRequests(std::string& out) const;
  void RenderDurations(std::string& out) const;
  void RenderUpstreamErrors(std::string& out) const;

  // Route index -> slot in stats_ (equal names share a slot); the last slot,
  // unmatched_slot_, is kUnmatched.
  std::vector<int> slot_of_route_;
  int unmatched_slot_;
  // Per slot, the escaped `route="...",method="..."` label pairs.
  std::vector<std::string> slot_labels_;
  std::unique_ptr<RouteStats[]> stats_;
  std::atomic<int64_t> in_flight_{0};

  mutable absl::Mutex collectors_mu_;
  std::vector<std::function<std::string()>> collectors_ ABSL_GUARDED_BY(collectors_mu_);
};

}  // namespace kiosk::gateway

#endif  // KIOSK_GATEWAY_METRICS_H_
