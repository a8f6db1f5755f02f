#include "common/http/url.h"

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace kiosk::http {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool IsUnreserved(unsigned char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

bool IsFormSafe(unsigned char c) {
  return absl::ascii_isalnum(c) || c == '*' || c == '-' || c == '.' || c == '_';
}

void AppendEscaped(unsigned char c, std::string& out) {
  out.push_back('%');
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 0xF]);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Decode(absl::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void AppendFormComponent(absl::string_view text, std::string& out) {
  for (unsigned char c : text) {
    if (IsFormSafe(c)) {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      AppendEscaped(c, out);
    }
  }
}

absl::Status BadUrl(absl::string_view url, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("bad URL \"", RedactUrl(url), "\": ", why));
}

}  // namespace

std::string UrlEncode(absl::string_view component) {
  std::string out;
  out.reserve(component.size());
  for (unsigned char c : component) {
    if (IsUnreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      AppendEscaped(c, out);
    }
  }
  return out;
}

std::string FormEncode(const Params& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    AppendFormComponent(name, out);
    out.push_back('=');
    AppendFormComponent(value, out);
  }
  return out;
}

Params FormDecode(absl::string_view encoded) {
  Params fields;
  for (absl::string_view field : absl::StrSplit(encoded, '&', absl::SkipEmpty())) {
    size_t eq = field.find('=');
    if (eq == absl::string_view::npos) {
      fields.emplace_back(Decode(field, /*plus_is_space=*/true), "");
    } else {
      fields.emplace_back(Decode(field.substr(0, eq), /*plus_is_space=*/true),
                          Decode(field.substr(eq + 1), /*plus_is_space=*/true));
    }
  }
  return fields;
}

std::string PercentDecode(absl::string_view text) { return Decode(text, /*plus_is_space=*/false); }

std::string AppendQuery(absl::string_view url, const Params& params) {
  if (params.empty()) return std::string(url);
  size_t hash = url.find('#');
  absl::string_view base = url.substr(0, hash);
  absl::string_view fragment = hash == absl::string_view::npos ? "" : url.substr(hash);
  std::string out(base);
  if (base.find('?') == absl::string_view::npos) {
    out.push_back('?');
  } else if (!absl::EndsWith(base, "?") && !absl::EndsWith(base, "&")) {
    out.push_back('&');
  }
  bool first = true;
  for (const auto& [name, value] : params) {
    if (!first) out.push_back('&');
    first = false;
    absl::StrAppend(&out, UrlEncode(name), "=", UrlEncode(value));
  }
  absl::StrAppend(&out, fragment);
  return out;
}

std::string RedactUrl(absl::string_view url) {
  std::string out;
  size_t rest = 0;
  size_t scheme_end = url.find("://");
  if (scheme_end != absl::string_view::npos && url.find_first_of("/?#") >= scheme_end) {
    size_t authority = scheme_end + 3;
    size_t authority_end = url.find_first_of("/?#", authority);
    absl::string_view host_part = url.substr(authority, authority_end - authority);
    size_t at = host_part.rfind('@');
    out = std::string(url.substr(0, authority));
    if (at != absl::string_view::npos) host_part.remove_prefix(at + 1);
    absl::StrAppend(&out, host_part);
    if (authority_end == absl::string_view::npos) return out;
    rest = authority_end;
  }
  absl::string_view tail = url.substr(rest);
  absl::StrAppend(&out, tail.substr(0, tail.find_first_of("?#")));
  return out;
}

std::string UrlParts::HostPort() const {
  if (host.find(':') != std::string::npos) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

std::string UrlParts::Origin() const {
  std::string origin = absl::StrCat(scheme, "://");
  absl::StrAppend(&origin,
                  host.find(':') != std::string::npos ? absl::StrCat("[", host, "]") : host);
  bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  if (!default_port) absl::StrAppend(&origin, ":", port);
  return origin;
}

absl::StatusOr<UrlParts> ParseUrl(absl::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) {
    return BadUrl(url, "not an absolute http:// or https:// URL");
  }
  UrlParts parts;
  parts.scheme = absl::AsciiStrToLower(url.substr(0, scheme_end));
  if (parts.scheme == "http") {
    parts.port = 80;
  } else if (parts.scheme == "https") {
    parts.port = 443;
  } else {
    return BadUrl(url, "the scheme must be http or https");
  }
  for (unsigned char c : url) {
    if (c <= ' ' || c == 0x7F) return BadUrl(url, "spaces or control characters");
  }
  size_t authority_begin = scheme_end + 3;
  size_t authority_end = url.find_first_of("/?#", authority_begin);
  absl::string_view authority = url.substr(authority_begin, authority_end - authority_begin);
  if (size_t at = authority.rfind('@'); at != absl::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  absl::string_view host = authority;
  absl::string_view port;
  if (absl::StartsWith(authority, "[")) {
    size_t close = authority.find(']');
    if (close == absl::string_view::npos) return BadUrl(url, "unclosed [ in the host");
    host = authority.substr(1, close - 1);
    absl::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!absl::StartsWith(after, ":")) return BadUrl(url, "junk after the IPv6 address");
      port = after.substr(1);
    }
  } else if (size_t colon = authority.find(':'); colon != absl::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return BadUrl(url, "no host");
  if (!port.empty()) {
    uint32_t number = 0;
    bool digits = port.find_first_not_of("0123456789") == absl::string_view::npos;
    if (!digits || !absl::SimpleAtoi(port, &number) || number == 0 || number > 65535) {
      return BadUrl(url, "bad port");
    }
    parts.port = static_cast<int>(number);
  }
  parts.host = absl::AsciiStrToLower(host);
  if (authority_end != absl::string_view::npos) {
    absl::string_view rest = url.substr(authority_end);
    rest = rest.substr(0, rest.find('#'));
    size_t question = rest.find('?');
    parts.path = std::string(rest.substr(0, question));
    if (question != absl::string_view::npos) parts.query = std::string(rest.substr(question + 1));
  }
  if (parts.path.empty()) parts.path = "/";
  return parts;
}

}  // namespace kiosk::http
