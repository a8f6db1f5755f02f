#include "services/downloads/naming/naming_format.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "services/downloads/naming/absl_view.h"
#include "services/downloads/naming/clean_file_name.h"
#include "services/downloads/naming/naming_tokens.h"

namespace kiosk::downloads::naming {
namespace {

// "Title ()" when the year is unknown: Radarr leaves the brackets, a library
// is cleaner without them.
std::string RemoveEmptyBrackets(std::string text) {
  for (absl::string_view empty : {"()", "[]", "( )", "[ ]"}) {
    for (size_t at = text.find(empty.data(), 0, empty.size()); at != std::string::npos;
         at = text.find(empty.data(), at, empty.size())) {
      text.erase(at, empty.size());
    }
  }
  return text;
}

// Plex tags: "{imdb-{ImdbId}}" -> "{imdb-tt0133093}", or nothing.
constexpr absl::string_view kTagNames[] = {"imdb-", "tmdb-", "tvdb-", "edition-"};

}  // namespace

absl::StatusOr<ColonMode> ParseColonMode(std::string_view name_in) {
  absl::string_view name = Av(name_in);
  std::string lower = absl::AsciiStrToLower(name);
  if (lower == "delete") return ColonMode::kDelete;
  if (lower == "dash") return ColonMode::kDash;
  if (lower == "space_dash") return ColonMode::kSpaceDash;
  if (lower == "space_dash_space") return ColonMode::kSpaceDashSpace;
  if (lower == "smart") return ColonMode::kSmart;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown colon mode \"", name,
                   "\": use delete, dash, space_dash, space_dash_space or smart"));
}

absl::StatusOr<std::string> RenderFormat(std::string_view format_in, const NamingContext& context,
                                         const NamingOptions& options) {
  absl::string_view format = Av(format_in);
  std::string out;
  size_t i = 0;
  while (i < format.size()) {
    char ch = format[i];
    if (ch == '}') {
      if (i + 1 < format.size() && format[i + 1] == '}') {
        out += '}';
        i += 2;
        continue;
      }
      return absl::InvalidArgumentError(absl::StrCat("unbalanced '}' at position ", i + 1, " of \"",
                                                     format, "\": write }} for a literal brace"));
    }
    if (ch != '{') {
      out += ch;
      ++i;
      continue;
    }
    if (i + 1 < format.size() && format[i + 1] == '{') {
      out += '{';
      i += 2;
      continue;
    }
    // A Plex tag around a token: {imdb-{ImdbId}}.
    absl::string_view rest = format.substr(i + 1);
    absl::string_view tag;
    for (absl::string_view name : kTagNames) {
      if (absl::StartsWithIgnoreCase(rest, name) && rest.size() > name.size() &&
          rest[name.size()] == '{') {
        tag = rest.substr(0, name.size());
      }
    }
    size_t body_start = i + 1 + tag.size() + (tag.empty() ? 0 : 1);
    size_t close = format.find('}', body_start);
    size_t nested = format.find('{', body_start);
    if (close == absl::string_view::npos || (nested != absl::string_view::npos && nested < close)) {
      return absl::InvalidArgumentError(
          absl::StrCat("unbalanced '{' at position ", i + 1, " of \"", format,
                       "\": close it with } or write {{ for a literal brace"));
    }
    auto token = ParseToken(format.substr(body_start, close - body_start));
    if (!token.ok()) return token.status();
    auto rendered = RenderToken(*token, context, options);
    if (!rendered.ok()) return rendered.status();
    size_t next = close + 1;
    if (!tag.empty()) {
      if (next >= format.size() || format[next] != '}') {
        return absl::InvalidArgumentError(absl::StrCat("the tag {", tag, "{...} in \"", format,
                                                       "\" needs a closing '}' after the token"));
      }
      ++next;
      if (!rendered->empty()) out += absl::StrCat("{", absl::AsciiStrToLower(tag), *rendered, "}");
    } else {
      out += *rendered;
    }
    i = next;
  }
  // Literal text of the format gets the same cleaning as the values, so no
  // '/' or illegal character can come out of a format either.
  std::string name = FinishFileName(CleanTokenText(RemoveEmptyBrackets(out), options));
  return absl::StrReplaceAll(name, {{kEllipsisMark, "..."}});
}

}  // namespace kiosk::downloads::naming
