#include "common/testing/http_test_server.h"

#include <zlib.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/http/url.h"

namespace kiosk::testing {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr size_t kMaxBodyBytes = 64 << 20;
constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

template <typename View>
std::string ToString(View view) {
  return std::string(view.data(), view.size());
}

std::string FirstValue(const std::vector<std::pair<std::string, std::string>>& headers,
                       absl::string_view name) {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

bool HasHeader(const std::vector<std::pair<std::string, std::string>>& headers,
               absl::string_view name) {
  return std::any_of(headers.begin(), headers.end(), [name](const auto& header) {
    return absl::EqualsIgnoreCase(header.first, name);
  });
}

std::multimap<std::string, std::string> ToMultimap(const kiosk::http::Params& params) {
  return std::multimap<std::string, std::string>(params.begin(), params.end());
}

TestHttpResponse Plain(int status, std::string body) {
  TestHttpResponse response = TestHttpResponse::Text(std::move(body), status);
  return response;
}

struct Route {
  std::string method;
  std::string path;
  bool prefix = false;
  TestHttpHandler handler;
};

}  // namespace

std::string TestHttpRequest::Header(absl::string_view name) const {
  return FirstValue(headers, name);
}

std::string TestHttpRequest::QueryParam(absl::string_view name) const {
  auto it = query.find(std::string(name));
  return it == query.end() ? "" : it->second;
}

std::multimap<std::string, std::string> TestHttpRequest::FormParams() const {
  return ToMultimap(kiosk::http::FormDecode(body));
}

TestHttpResponse TestHttpResponse::Json(std::string body, int status) {
  TestHttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.content_type = "application/json";
  return response;
}

TestHttpResponse TestHttpResponse::Text(std::string body, int status) {
  TestHttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

TestHttpResponse TestHttpResponse::Redirect(std::string location, int status) {
  TestHttpResponse response;
  response.status = status;
  response.headers.emplace_back("Location", std::move(location));
  return response;
}

std::string Gzip(absl::string_view data) {
  z_stream stream{};
  // 15 window bits + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return "";
  }
  std::string out(deflateBound(&stream, data.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return result == Z_STREAM_END ? out : "";
}

class HttpTestServer::Impl {
 public:
  explicit Impl(int threads) : thread_count_(std::max(1, threads)), acceptor_(ioc_) {}
  ~Impl() { Stop(); }

  absl::Status Start(int port);
  void Stop();
  int port() const { return port_; }

  void AddRoute(Route route) {
    std::lock_guard<std::mutex> lock(mu_);
    for (Route& old : routes_) {
      if (old.method == route.method && old.path == route.path && old.prefix == route.prefix) {
        old.handler = std::move(route.handler);
        return;
      }
    }
    routes_.push_back(std::move(route));
  }

  std::vector<TestHttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  size_t request_count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_.size();
  }
  void ClearRequests() {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.clear();
  }
  bool WaitForRequests(size_t count, absl::Duration timeout) const {
    timeout = std::min(timeout, absl::Hours(1));  // no overflow with InfiniteDuration()
    std::unique_lock<std::mutex> lock(mu_);
    return arrived_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [this, count] {
      return requests_.size() >= count;  // mu_ is held
    });
  }

  // Records `request` and asks its handler for the answer.
  TestHttpResponse Dispatch(const TestHttpRequest& request);

 private:
  class Session;
  void Accept();

  const int thread_count_;
  // First member: destroyed last, after everything that uses its services.
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  int port_ = 0;
  bool started_ = false;
  bool stopped_ = false;

  std::mutex sessions_mu_;
  std::vector<std::weak_ptr<Session>> sessions_ ABSL_GUARDED_BY(sessions_mu_);

  // std::mutex, not absl::Mutex: ThreadSanitizer cannot see into Debian's
  // uninstrumented libabsl.
  mutable std::mutex mu_;
  mutable std::condition_variable arrived_;
  std::vector<Route> routes_ ABSL_GUARDED_BY(mu_);
  std::vector<TestHttpRequest> requests_ ABSL_GUARDED_BY(mu_);
};

// One connection: read a request, answer it (maybe after a delay), repeat
// while keep-alive. One operation is pending at a time, on the socket's
// strand (the timer shares it).
class HttpTestServer::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Impl& server)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), server_(server) {
    beast::error_code ec;
    tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = absl::StrCat(remote.address().to_string(), ":", remote.port());
  }

  void Run() { Read(); }

  // Only while the io_context is stopped (Stop()).
  void CloseNow() {
    beast::error_code ec;
    timer_.cancel();
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(kMaxBodyBytes);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) return Close();
    if (absl::EqualsIgnoreCase(ToString(parser_->get()[http::field::expect]), "100-continue")) {
      net::async_write(stream_, net::buffer(kContinue, sizeof(kContinue) - 1),
                       [self = shared_from_this()](beast::error_code ec, size_t) {
                         if (ec) return self->Close();
                         self->ReadBody();
                       });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec) return Close();
    http::request<http::string_body> request = parser_->release();

    TestHttpRequest seen;
    seen.method = ToString(request.method_string());
    seen.target = ToString(request.target());
    size_t question = seen.target.find('?');
    seen.path = seen.target.substr(0, question);
    if (question != std::string::npos) {
      seen.query =
          ToMultimap(kiosk::http::FormDecode(absl::string_view(seen.target).substr(question + 1)));
    }
    for (const auto& field : request) {
      seen.headers.emplace_back(absl::AsciiStrToLower(ToString(field.name_string())),
                                ToString(field.value()));
    }
    seen.body = std::move(request.body());
    seen.peer = peer_;

    TestHttpResponse answer = server_.Dispatch(seen);
    const absl::Duration delay = answer.delay;
    close_instead_ = answer.close_without_answer;
    if (!close_instead_) Build(request, seen.method == "HEAD", std::move(answer));
    if (delay > absl::ZeroDuration()) {
      timer_.expires_after(absl::ToChronoNanoseconds(delay));
      timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (ec) return;  // cancelled: the server is stopping
        self->Answer();
      });
      return;
    }
    Answer();
  }

  void Build(const http::request<http::string_body>& request, bool head, TestHttpResponse answer) {
    response_ = {};
    response_.version(request.version());
    try {
      response_.result(static_cast<unsigned>(answer.status));
    } catch (const std::exception&) {  // above 999
      response_.result(http::status::internal_server_error);
      answer.body = absl::StrCat("bad status ", answer.status, " from the handler");
      answer.headers.clear();
    }
    for (const auto& [name, value] : answer.headers) response_.insert(name, value);
    if (!answer.content_type.empty() && !HasHeader(answer.headers, "content-type")) {
      response_.set(http::field::content_type, answer.content_type);
    }
    keep_alive_ = request.keep_alive() &&
                  !absl::EqualsIgnoreCase(FirstValue(answer.headers, "connection"), "close");
    response_.keep_alive(keep_alive_);
    unsigned status = response_.result_int();
    bool no_body = status / 100 == 1 || status == 204 || status == 304;
    bool explicit_length = HasHeader(answer.headers, "content-length");
    if (no_body) {
      response_.body().clear();
    } else if (head) {
      if (!explicit_length) response_.content_length(answer.body.size());
      response_.body().clear();
    } else {
      response_.body() = std::move(answer.body);
      if (!explicit_length) response_.prepare_payload();
    }
  }

  void Answer() {
    if (close_instead_) return Close();
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t) {
    if (ec || !keep_alive_) return Close();
    Read();
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  Impl& server_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  bool keep_alive_ = true;
  bool close_instead_ = false;
};

absl::Status HttpTestServer::Impl::Start(int port) {
  if (started_) return absl::FailedPreconditionError("HttpTestServer already started");
  started_ = true;
  beast::error_code ec;
  tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on 127.0.0.1:", port, ": ", ec.message()));
  }
  port_ = acceptor_.local_endpoint().port();
  Accept();
  for (int i = 0; i < thread_count_; ++i) {
    threads_.emplace_back([this] { ioc_.run(); });
  }
  return absl::OkStatus();
}

void HttpTestServer::Impl::Accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    } else {
      auto session = std::make_shared<Session>(std::move(socket), *this);
      {
        std::lock_guard<std::mutex> lock(sessions_mu_);
        std::erase_if(sessions_, [](const std::weak_ptr<Session>& s) { return s.expired(); });
        sessions_.push_back(session);
      }
      session->Run();
    }
    Accept();
  });
}

void HttpTestServer::Impl::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  ioc_.stop();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
  // Nothing runs now: close the sockets here so that clients see the server
  // go away (their pending handlers are destroyed with ioc_).
  beast::error_code ec;
  acceptor_.close(ec);
  std::lock_guard<std::mutex> lock(sessions_mu_);
  for (const std::weak_ptr<Session>& weak : sessions_) {
    if (std::shared_ptr<Session> session = weak.lock()) session->CloseNow();
  }
  sessions_.clear();
}

TestHttpResponse HttpTestServer::Impl::Dispatch(const TestHttpRequest& request) {
  TestHttpHandler handler;
  std::vector<std::string> allowed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    arrived_.notify_all();
    auto method_matches = [&request](const Route& route) {
      return route.method == "*" || route.method == request.method ||
             (request.method == "HEAD" && route.method == "GET");
    };
    // Exact paths first, then the longest prefix; an exact route for
    // `method` beats a GET route answering HEAD.
    const Route* best = nullptr;
    for (const Route& route : routes_) {
      bool path_matches =
          route.prefix ? absl::StartsWith(request.path, route.path) : route.path == request.path;
      if (!path_matches) continue;
      if (!method_matches(route)) {
        allowed.push_back(route.method);
        continue;
      }
      auto rank = [&request](const Route& r) {
        return std::make_tuple(!r.prefix, r.path.size(), r.method == request.method);
      };
      if (best == nullptr || rank(route) > rank(*best)) best = &route;
    }
    if (best != nullptr) handler = best->handler;
  }
  if (!handler) {
    if (!allowed.empty()) {
      std::sort(allowed.begin(), allowed.end());
      allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
      TestHttpResponse response =
          Plain(405, absl::StrCat("no handler for ", request.method, " ", request.path));
      response.headers.emplace_back("Allow", absl::StrJoin(allowed, ", "));
      return response;
    }
    return Plain(404, absl::StrCat("no handler for ", request.method, " ", request.path));
  }
  try {
    return handler(request);
  } catch (const std::exception& e) {
    return Plain(500, absl::StrCat("the handler threw: ", e.what()));
  } catch (...) {
    return Plain(500, "the handler threw");
  }
}

HttpTestServer::HttpTestServer(int threads) : impl_(std::make_unique<Impl>(threads)) {}
HttpTestServer::~HttpTestServer() { Stop(); }

absl::Status HttpTestServer::Start(int port) { return impl_->Start(port); }
void HttpTestServer::Stop() { impl_->Stop(); }
int HttpTestServer::port() const { return impl_->port(); }

std::string HttpTestServer::Url(absl::string_view path_and_query) const {
  return absl::StrCat("http://127.0.0.1:", impl_->port(), path_and_query);
}

void HttpTestServer::Handle(absl::string_view method, absl::string_view path,
                            TestHttpHandler handler) {
  impl_->AddRoute(Route{.method = std::string(method),
                        .path = std::string(path),
                        .prefix = false,
                        .handler = std::move(handler)});
}

void HttpTestServer::HandlePrefix(absl::string_view method, absl::string_view prefix,
                                  TestHttpHandler handler) {
  impl_->AddRoute(Route{.method = std::string(method),
                        .path = std::string(prefix),
                        .prefix = true,
                        .handler = std::move(handler)});
}

std::vector<TestHttpRequest> HttpTestServer::requests() const { return impl_->requests(); }
size_t HttpTestServer::request_count() const { return impl_->request_count(); }
void HttpTestServer::ClearRequests() { impl_->ClearRequests(); }
bool HttpTestServer::WaitForRequests(size_t count, absl::Duration timeout) const {
  return impl_->WaitForRequests(count, timeout);
}

}  // namespace kiosk::testing
