#include "common/http/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "common/status_macros.h"

namespace kiosk::http {
namespace {

constexpr long kMaxRedirects = 10;

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// RFC 9110 token characters (method and header names).
bool IsToken(absl::string_view text) {
  if (text.empty()) return false;
  for (unsigned char c : text) {
    if (!absl::ascii_isalnum(c) &&
        absl::string_view("!#$%&'*+-.^_`|~").find(c) == absl::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool HasHeader(const HttpRequest& request, absl::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (absl::EqualsIgnoreCase(key, name)) return true;
  }
  return false;
}

std::string Seconds(absl::Duration duration) {
  return absl::StrFormat("%g s", absl::ToDoubleSeconds(duration));
}

// What one transfer writes into; the callbacks get it as user data.
struct Transfer {
  HttpResponse* response;
  size_t max_body_bytes;
  bool too_large = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  if (transfer->response->body.size() + bytes > transfer->max_body_bytes) {
    transfer->too_large = true;
    return 0;  // CURLE_WRITE_ERROR
  }
  transfer->response->body.append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  auto& headers = transfer->response->headers;
  size_t bytes = size * count;
  absl::string_view line(data, bytes);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.empty()) return bytes;
  if (absl::StartsWith(line, "HTTP/")) {
    // A new answer (after a redirect or a 1xx): its headers replace the last.
    headers.clear();
    return bytes;
  }
  if ((line.front() == ' ' || line.front() == '\t') && !headers.empty()) {
    // Obsolete line folding: a continuation of the previous value.
    absl::StrAppend(&headers.back().second, " ", absl::StripAsciiWhitespace(line));
    return bytes;
  }
  size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return bytes;
  headers.emplace_back(absl::AsciiStrToLower(absl::StripAsciiWhitespace(line.substr(0, colon))),
                       std::string(absl::StripAsciiWhitespace(line.substr(colon + 1))));
  return bytes;
}

// curl's own message for a failure, without anything secret from the URL.
std::string Detail(CURLcode code, const char* error_buffer, const HttpRequest& request) {
  std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  while (!detail.empty() && absl::ascii_isspace(detail.back())) detail.pop_back();
  std::string redacted = RedactUrl(request.url);
  if (redacted != request.url) {
    absl::StrReplaceAll({{request.url, redacted}}, &detail);
    size_t query = request.url.find_first_of("?#");
    if (query != std::string::npos && query + 1 < request.url.size()) {
      absl::StrReplaceAll({{absl::string_view(request.url).substr(query + 1), "<redacted>"}},
                          &detail);
    }
  }
  return detail;
}

absl::string_view TlsHint(CURLcode code) {
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
      return "the server's certificate was refused: is it self-signed or expired, or issued for "
             "another host name than the one in the URL?";
    case CURLE_SSL_CONNECT_ERROR:
      return "is this an https:// URL for a server that speaks plain HTTP, or another service's "
             "port?";
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
      return "the CA certificates of this machine cannot be read (package ca-certificates)";
    default:
      return "TLS could not be set up with this server";
  }
}

absl::Status TransportError(CURLcode code, const char* error_buffer, CURL* easy,
                            const HttpRequest& request, const UrlParts& url,
                            const Transfer& transfer) {
  std::string detail = Detail(code, error_buffer, request);
  std::string where = RedactUrl(request.url);
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return absl::InvalidArgumentError(absl::StrCat("bad URL \"", where, "\": ", detail));
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
      return absl::UnavailableError(
          absl::StrCat("cannot connect to ", url.HostPort(), ": ", detail));
    case CURLE_OPERATION_TIMEDOUT: {
      // Pre-transfer time is set once the request can go out, on a new or a
      // reused connection (connect time stays 0 on a reused one).
      curl_off_t pretransfer_us = 0;
      curl_easy_getinfo(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
      if (pretransfer_us == 0) {
        // Never connected (or no TLS handshake): the host is down or drops
        // packets, as good as a refusal.
        absl::Duration limit = std::min(request.connect_timeout, request.timeout);
        return absl::UnavailableError(absl::StrCat("cannot connect to ", url.HostPort(), " within ",
                                                   Seconds(limit), ": ", detail));
      }
      return absl::DeadlineExceededError(
          absl::StrCat("no answer from ", where, " within ", Seconds(request.timeout)));
    }
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
      return absl::UnavailableError(
          absl::StrCat("TLS with ", url.HostPort(), " failed: ", detail, " (", TlsHint(code), ")"));
    case CURLE_GOT_NOTHING:
      return absl::UnavailableError(
          absl::StrCat("connection to ", url.HostPort(), " closed without an answer to ", where));
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_PARTIAL_FILE:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_QUIC_CONNECT_ERROR:
      return absl::UnavailableError(
          absl::StrCat("connection to ", url.HostPort(), " failed during ", where, ": ", detail));
    case CURLE_BAD_CONTENT_ENCODING:
      return absl::UnavailableError(
          absl::StrCat("cannot decode the answer from ", where, ": ", detail));
    case CURLE_TOO_MANY_REDIRECTS:
      return absl::FailedPreconditionError(
          absl::StrCat("more than ", kMaxRedirects, " redirects from ", where));
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
      if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "the answer from ", where, " is larger than ", transfer.max_body_bytes, " bytes"));
      }
      break;
    case CURLE_OUT_OF_MEMORY:
      return absl::ResourceExhaustedError(absl::StrCat("out of memory calling ", where));
    default:
      break;
  }
  return absl::InternalError(
      absl::StrCat("curl error ", static_cast<int>(code), " calling ", where, ": ", detail));
}

absl::Status ValidateRequest(const HttpRequest& request) {
  if (!IsToken(request.method)) {
    return absl::InvalidArgumentError(absl::StrCat("bad HTTP method \"", request.method, "\""));
  }
  for (const auto& [name, value] : request.headers) {
    if (!IsToken(name)) {
      return absl::InvalidArgumentError(absl::StrCat("bad HTTP header name \"", name, "\""));
    }
    // The value is not quoted: it may be a token or a password.
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("the value of HTTP header ", name, " has a line break or NUL"));
    }
  }
  if (request.timeout <= absl::ZeroDuration() || request.timeout == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError("the timeout must be positive and finite");
  }
  if (request.connect_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("the connect timeout must be positive");
  }
  return absl::OkStatus();
}

long Millis(absl::Duration duration) {
  if (duration == absl::InfiniteDuration()) return 0;  // curl: no limit
  return static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(duration)));
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

std::string HttpResponse::Header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

std::vector<std::string> HttpResponse::Headers(absl::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) values.push_back(value);
  }
  return values;
}

// Idle easy handles. A handle keeps its connections (and DNS and TLS session
// caches) across curl_easy_reset(), so taking the most recently used one
// gives the next call the keep-alive connection of the last. Each handle is
// used by one thread at a time, which is all libcurl asks. (A connection
// cache shared through CURLSH would be simpler, but libcurl documents it as
// not thread-safe: KNOWN_BUGS "A shared connection cache is not thread-safe",
// curl/curl#4915, still open in 7.88.)
class CurlHttpClient::HandlePool {
 public:
  // Handles kept idle; more run concurrently, the extra ones are closed.
  static constexpr size_t kMaxIdle = 8;

  HandlePool() = default;
  HandlePool(const HandlePool&) = delete;
  HandlePool& operator=(const HandlePool&) = delete;
  ~HandlePool() {
    for (CURL* easy : idle_) curl_easy_cleanup(easy);
  }

  // A handle with default options, or nullptr when libcurl cannot make one.
  CURL* Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        CURL* easy = idle_.back();
        idle_.pop_back();
        return easy;
      }
    }
    return curl_easy_init();
  }

  void Release(CURL* easy) {
    // Forget the options, which point into the finished call's stack.
    curl_easy_reset(easy);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (idle_.size() < kMaxIdle) {
        idle_.push_back(easy);
        return;
      }
    }
    curl_easy_cleanup(easy);
  }

 private:
  std::mutex mu_;
  std::vector<CURL*> idle_ ABSL_GUARDED_BY(mu_);
};

CurlHttpClient::CurlHttpClient(CurlHttpClientOptions options)
    : options_(std::move(options)), pool_(std::make_unique<HandlePool>()) {
  InitCurlOnce();
}

CurlHttpClient::~CurlHttpClient() = default;

absl::StatusOr<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  ASSIGN_OR_RETURN(UrlParts url, ParseUrl(request.url));
  RETURN_IF_ERROR(ValidateRequest(request));

  // Declared before the handle, which points at them until it is released.
  HttpResponse response;
  Transfer transfer{.response = &response, .max_body_bytes = options_.max_response_bytes};
  char error_buffer[CURL_ERROR_SIZE] = "";
  std::unique_ptr<curl_slist, SlistDeleter> header_list;

  HandlePool* pool = pool_.get();
  auto release = [pool](CURL* easy) { pool->Release(easy); };
  std::unique_ptr<CURL, decltype(release)> handle(pool->Acquire(), release);
  if (handle == nullptr) return absl::ResourceExhaustedError("curl_easy_init failed");
  CURL* easy = handle.get();

  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // all built in: gzip, deflate, ...
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, Millis(request.timeout));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, Millis(request.connect_timeout));
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, kMaxRedirects);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);

  const std::string& method = request.method;
  bool sends_body =
      !request.body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  if (method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (sends_body) {
    // POST as itself so that a followed 301/302/303 becomes a GET, like a
    // browser; other methods are kept across redirects.
    if (method == "POST") {
      curl_easy_setopt(easy, CURLOPT_POST, 1L);
    } else {
      curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
  } else if (method == "GET") {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.c_str());
  }

  curl_slist* list = nullptr;
  auto append = [&list](const std::string& line) {
    curl_slist* longer = curl_slist_append(list, line.c_str());
    if (longer != nullptr) list = longer;
    return longer != nullptr;
  };
  bool appended = true;
  for (const auto& [name, value] : request.headers) {
    // "Name;" is curl's way to send a header with an empty value.
    appended &= append(value.empty() ? absl::StrCat(name, ";") : absl::StrCat(name, ": ", value));
  }
  // No guessed Content-Type (curl would say form-urlencoded), and no
  // "Expect: 100-continue", which costs a second with servers that ignore it.
  if (sends_body && !HasHeader(request, "content-type")) appended &= append("Content-Type:");
  if (!HasHeader(request, "expect")) appended &= append("Expect:");
  header_list.reset(list);
  if (!appended) return absl::ResourceExhaustedError("out of memory building the request headers");
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, header_list.get());

  CURLcode code = curl_easy_perform(easy);
  if (code != CURLE_OK) {
    return TransportError(code, error_buffer, easy, request, url, transfer);
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace kiosk::http
