#include "tests/faults/fault_proxy.h"

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace kiosk::testing {
namespace {

// Hop-by-hop or recomputed headers: not copied across the proxy. Host is kept
// as the client sent it: qBittorrent compares it with Referer/Origin (CSRF).
bool Skipped(const std::string& lower_name) {
  return lower_name == "content-length" || lower_name == "connection" ||
         lower_name == "transfer-encoding" || lower_name == "accept-encoding" ||
         lower_name == "content-encoding" || lower_name == "keep-alive";
}

}  // namespace

const char* FaultModeName(FaultMode mode) {
  switch (mode) {
    case FaultMode::kPass: return "pass";
    case FaultMode::kServerError: return "500";
    case FaultMode::kHang: return "hang";
    case FaultMode::kGarbage: return "garbage";
    case FaultMode::kUnauthorized: return "401";
    case FaultMode::kRefused: return "refused";
  }
  return "?";
}

FaultProxy::FaultProxy(std::string upstream) : upstream_(std::move(upstream)) {}

FaultProxy::~FaultProxy() {
  std::lock_guard<std::mutex> lock(mu_);
  if (server_) server_->Stop();
}

absl::Status FaultProxy::Listen() {
  server_ = std::make_unique<HttpTestServer>(/*threads=*/4);
  server_->HandlePrefix("*", "/", [this](const TestHttpRequest& r) { return Answer(r); });
  if (absl::Status s = server_->Start(port_); !s.ok()) return s;
  port_ = server_->port();
  return absl::OkStatus();
}

absl::Status FaultProxy::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  // A port below Linux's ephemeral range (32768-60999): while the proxy is
  // "refused", an outgoing connection of any process could otherwise take
  // the port as its own (or connect to itself) and keep us from listening again.
  absl::BitGen random;
  absl::Status s;
  for (int i = 0; i < 50; ++i) {
    port_ = absl::Uniform(random, 20000, 32000);
    if ((s = Listen()).ok()) return s;
  }
  return s;
}

absl::Status FaultProxy::Set(FaultMode mode) {
  std::lock_guard<std::mutex> lock(mu_);
  FaultMode before = mode_.exchange(mode);
  if (mode == FaultMode::kRefused && before != FaultMode::kRefused) {
    server_->Stop();
  } else if (mode != FaultMode::kRefused && before == FaultMode::kRefused) {
    // The port was ours a moment ago; a retry covers a slow release.
    absl::Status s;
    for (int i = 0; i < 100; ++i) {
      if ((s = Listen()).ok()) break;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return s;
  }
  return absl::OkStatus();
}

int FaultProxy::ForwardedTo(const std::string& method_and_path) const {
  std::lock_guard<std::mutex> lock(counts_mu_);
  auto it = forwarded_by_path_.find(method_and_path);
  return it == forwarded_by_path_.end() ? 0 : it->second;
}

std::string FaultProxy::url() const { return absl::StrCat("http://127.0.0.1:", port_); }

TestHttpResponse FaultProxy::Answer(const TestHttpRequest& request) {
  switch (mode_.load()) {
    case FaultMode::kServerError:
      ++faulted_;
      return TestHttpResponse::Text("Internal Server Error (injected)", 500);
    case FaultMode::kHang: {
      ++faulted_;
      TestHttpResponse r;
      r.delay = absl::Minutes(10);  // the client gives up first
      r.close_without_answer = true;
      return r;
    }
    case FaultMode::kGarbage:
      ++faulted_;
      return TestHttpResponse::Json("{\"garbage\": [1, 2,, <not json", 200);
    case FaultMode::kUnauthorized:
      ++faulted_;
      return TestHttpResponse::Text("Unauthorized", 401);
    case FaultMode::kRefused:  // a call accepted just before the listener closed
      ++faulted_;
      return TestHttpResponse{.close_without_answer = true};
    case FaultMode::kPass:
      break;
  }
  ++forwarded_;
  {
    std::lock_guard<std::mutex> lock(counts_mu_);
    ++forwarded_by_path_[absl::StrCat(request.method, " ", request.path)];
  }
  http::HttpRequest out{.method = request.method, .url = upstream_ + request.target};
  for (const auto& [name, value] : request.headers) {
    if (!Skipped(name)) out.headers.emplace_back(name, value);
  }
  out.body = request.body;
  out.timeout = absl::Seconds(30);
  absl::StatusOr<http::HttpResponse> in = client_.Send(out);
  if (!in.ok()) return TestHttpResponse::Text(absl::StrCat("proxy: ", in.status().message()), 502);
  TestHttpResponse back{.status = in->status, .body = in->body, .content_type = ""};
  for (const auto& [name, value] : in->headers) {
    if (!Skipped(absl::AsciiStrToLower(name))) back.headers.emplace_back(name, value);
  }
  return back;
}

}  // namespace kiosk::testing
