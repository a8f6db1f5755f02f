#include "gateway/http_server.h"

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace kiosk::gateway {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr size_t kMaxHeaderBytes = 16 * 1024;

}  // namespace

absl::string_view HttpRequest::Header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
}

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, HttpHandler handler)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        ioc_(options_.threads),
        work_(net::make_work_guard(ioc_)),
        acceptor_(net::make_strand(ioc_)) {}

  absl::Status Start();
  void Shutdown(absl::Duration grace);
  int port() const { return port_; }
  int in_flight() const { return in_flight_.load(); }

 private:
  class Session;
  void Accept();

  const HttpServerOptions options_;
  const HttpHandler handler_;
  net::io_context ioc_;
  // Keeps the threads running while answers are still to come from upstream
  // callbacks, even once the acceptor is closed and no socket has pending I/O.
  net::executor_work_guard<net::io_context::executor_type> work_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  int port_ = 0;
  std::atomic<int> in_flight_{0};
  std::atomic<bool> draining_{false};
  bool stopped_ = false;
};

class HttpServer::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Impl& server) : stream_(std::move(socket)), server_(server) {
    beast::error_code ec;
    tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = remote.address().to_string();
  }

  void Run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(server_.options_.max_body_bytes);
    parser_->header_limit(kMaxHeaderBytes);
    stream_.expires_after(absl::ToChronoSeconds(server_.options_.idle_timeout));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == net::error::eof) {
      return Close();
    }
    if (ec) {
      const bool too_big = ec == http::error::body_limit || ec == http::error::header_limit;
      int status = too_big ? (ec == http::error::body_limit ? 413 : 431) : 400;
      std::string message = too_big
                                ? absl::StrCat("request too large: the limit is ",
                                               server_.options_.max_body_bytes, " bytes of body")
                                : absl::StrCat("malformed HTTP request: ", ec.message());
      keep_alive_ = false;
      version_ = 11;
      head_ = parser_->get().method() == http::verb::head;  // once the request line is read
      return Write(server_.options_.error_response(status, message));
    }
    http::request<http::string_body> req = parser_->release();
    keep_alive_ = req.keep_alive() && !server_.draining_.load();
    version_ = req.version();
    head_ = req.method() == http::verb::head;
    HttpRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    request.body = std::move(req.body());
    request.peer = peer_;
    for (const auto& field : req) {
      request.headers.emplace_back(absl::AsciiStrToLower(std::string(field.name_string())),
                                   std::string(field.value()));
    }
    server_.in_flight_.fetch_add(1);
    // Nothing more is read until this answer is written, so pipelined
    // requests are answered in order.
    server_.handler_(std::move(request), [self = shared_from_this()](HttpResponse response) {
      net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->server_.in_flight_.fetch_sub(1);
        self->Write(std::move(response));
      });
    });
  }

  void Write(HttpResponse response) {
    res_ = {};
    res_.version(version_);
    res_.result(static_cast<http::status>(response.status));
    res_.set(http::field::server, "kiosk-gateway");
    res_.set(http::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers) res_.set(name, value);
    res_.body() = std::move(response.body);
    if (server_.draining_.load()) keep_alive_ = false;
    res_.keep_alive(keep_alive_);
    // An answer to HEAD has no body (RFC 9110 9.3.2): a client would read it
    // as the start of the next answer. Nor a Content-Length, which may only
    // be the length a GET would get.
    if (head_) res_.body().clear();
    res_.prepare_payload();
    if (head_) res_.erase(http::field::content_length);
    http::async_write(stream_, res_,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t) {
    if (ec || !keep_alive_) return Close();
    Read();
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  Impl& server_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  bool keep_alive_ = false;
  bool head_ = false;  // answering a HEAD request
  unsigned version_ = 11;
};

absl::Status HttpServer::Impl::Start() {
  beast::error_code ec;
  net::ip::address address = net::ip::make_address(options_.host, ec);
  if (ec)
    return absl::InvalidArgumentError(absl::StrCat("bad listen host \"", options_.host, "\""));
  tcp::endpoint endpoint(address, static_cast<unsigned short>(options_.port));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.host, ":",
                                               options_.port, ": ", ec.message(),
                                               " (is another process using the port?)"));
  }
  port_ = acceptor_.local_endpoint().port();
  Accept();
  for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { ioc_.run(); });
  return absl::OkStatus();
}

void HttpServer::Impl::Accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(socket), *this)->Run();
    }
    Accept();
  });
}

void HttpServer::Impl::Shutdown(absl::Duration grace) {
  if (stopped_) return;
  stopped_ = true;
  draining_.store(true);
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  absl::Time deadline = absl::Now() + grace;
  while (in_flight_.load() > 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  // Let the last answers reach their sockets.
  absl::SleepFor(absl::Milliseconds(50));
  ioc_.stop();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}
HttpServer::~HttpServer() { impl_->Shutdown(absl::ZeroDuration()); }
absl::Status HttpServer::Start() { return impl_->Start(); }
int HttpServer::port() const { return impl_->port(); }
int HttpServer::in_flight() const { return impl_->in_flight(); }
void HttpServer::Shutdown(absl::Duration grace) { impl_->Shutdown(grace); }

}  // namespace kiosk::gateway
