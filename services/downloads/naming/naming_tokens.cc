#include "services/downloads/naming/naming_tokens.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "services/downloads/naming/clean_file_name.h"
#include "services/downloads/naming/title_transforms.h"

namespace kiosk::downloads::naming {
namespace {

bool IsPrefixChar(char c) {
  return c == '-' || c == ' ' || c == '.' || c == '_' || c == '[' || c == '(';
}
bool IsSuffixChar(char c) {
  return c == '-' || c == ' ' || c == '.' || c == '_' || c == ')' || c == ']';
}
bool IsSeparatorChar(char c) { return c == '-' || c == ' ' || c == '.' || c == '_'; }
bool IsWordChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }
bool IsFormatChar(char c) {
  return IsWordChar(c) || c == ' ' || c == ',' || c == '|' || c == '+' || c == '-';
}

bool IsNumber(absl::string_view s, int* value) {
  if (s.empty()) return false;
  return absl::SimpleAtoi(s, value);
}

// ":00" -> two digits, ":0" or none -> as is.
std::string PadNumber(int value, absl::string_view format) {
  int width = 0;
  for (char c : format) width += (c == '0');
  return absl::StrFormat("%0*d", width, value);
}

// Text tokens: ":N" truncates (Radarr's Truncate); anything else is ignored.
std::string ApplyTruncation(std::string value, absl::string_view format) {
  int n = 0;
  if (IsNumber(format, &n)) return TruncateTitle(value, n, kEllipsisMark);
  return value;
}

// {Movie Title:FR}, {Movie Title:EN|FR}: the first recognised language code
// wins, falling back to the main title when that translation is missing.
std::string LanguageTitle(const NamingContext& c, absl::string_view format) {
  for (absl::string_view code : absl::StrSplit(format, '|')) {
    std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(code));
    if (lower == "fr") return c.title_fr.empty() ? c.title : c.title_fr;
    if (lower == "en") return c.title_en.empty() ? c.title : c.title_en;
  }
  return c.title;
}

std::string EpisodeNumbers(const std::vector<int>& episodes, absl::string_view format) {
  if (episodes.empty()) return "";
  std::string text = PadNumber(episodes.front(), format);
  // Sonarr's default multi-episode style (PrefixedRange): S01E01-E03.
  if (episodes.size() > 1) absl::StrAppend(&text, "-E", PadNumber(episodes.back(), format));
  return text;
}

// The value of one token before case, separator and cleaning rules. A false
// return means the token is unknown.
bool TokenValue(const TokenMatch& t, const NamingContext& c, std::string* out) {
  const std::string& k = t.key;
  const std::string& f = t.format;
  int n = 0;
  bool numeric_format = IsNumber(f, &n);
  std::string year = c.year ? absl::StrCat(*c.year) : "";
  if (k == "movietitle" || k == "seriestitle") {
    *out = ApplyTruncation(numeric_format || f.empty() ? c.title : LanguageTitle(c, f), f);
  } else if (k == "moviecleantitle" || k == "seriescleantitle") {
    *out =
        ApplyTruncation(CleanTitle(numeric_format || f.empty() ? c.title : LanguageTitle(c, f)), f);
  } else if (k == "movietitlethe" || k == "seriestitlethe") {
    *out = ApplyTruncation(TitleThe(c.title), f);
  } else if (k == "moviecleantitlethe" || k == "seriescleantitlethe") {
    *out = ApplyTruncation(CleanTitle(TitleThe(c.title)), f);
  } else if (k == "movieoriginaltitle") {
    *out = ApplyTruncation(c.original_title.empty() ? c.title : c.original_title, f);
  } else if (k == "moviecleanoriginaltitle") {
    *out = ApplyTruncation(CleanTitle(c.original_title.empty() ? c.title : c.original_title), f);
  } else if (k == "movietitlefirstcharacter" || k == "seriestitlefirstcharacter") {
    std::string the = TitleThe(c.title);
    *out =
        the.empty() ? "" : std::string(1, absl::ascii_toupper(static_cast<unsigned char>(the[0])));
    if (!out->empty() && !IsWordChar((*out)[0])) *out = "_";
  } else if (k == "seriestitleyear" || k == "movietitleyear") {
    *out = ApplyTruncation(c.year ? TitleYear(c.title, *c.year) : c.title, f);
  } else if (k == "seriescleantitleyear" || k == "moviecleantitleyear") {
    *out = ApplyTruncation(CleanTitle(c.year ? TitleYear(c.title, *c.year) : c.title), f);
  } else if (k == "seriestitlewithoutyear") {
    *out = ApplyTruncation(TitleWithoutYear(c.title), f);
  } else if (k == "releaseyear" || k == "seriesyear" || k == "movieyear") {
    *out = year;
  } else if (k == "imdbid") {
    *out = c.imdb_id;
  } else if (k == "tmdbid") {
    *out = c.tmdb_id > 0 ? absl::StrCat(c.tmdb_id) : "";
  } else if (k == "tvdbid") {
    *out = c.tvdb_id > 0 ? absl::StrCat(c.tvdb_id) : "";
  } else if (k == "qualityfull") {
    *out = c.release.QualityFull();
  } else if (k == "qualitytitle") {
    *out = c.release.quality;
  } else if (k == "releasegroup") {
    *out = ApplyTruncation(c.release.group, f);
  } else if (k == "editiontags") {
    *out = ApplyTruncation(c.release.edition, f);
  } else if (k == "season") {
    *out = c.season ? PadNumber(*c.season, f) : "";
  } else if (k == "episode") {
    *out = EpisodeNumbers(c.episodes, f);
  } else if (k == "episodetitle") {
    *out = ApplyTruncation(c.episode_title, f);
  } else if (k == "episodecleantitle") {
    *out = ApplyTruncation(CleanTitle(c.episode_title), f);
  } else if (k == "airdate") {
    // {Air-Date} is the token "Air Date" with '-' as separator: 2024 01 31 -> 2024-01-31.
    *out = absl::StrReplaceAll(c.air_date, {{"-", " "}});
  } else {
    return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<TokenMatch> ParseToken(absl::string_view body) {
  TokenMatch t;
  size_t i = 0;
  while (i < body.size() && IsPrefixChar(body[i])) t.prefix.push_back(body[i++]);
  // Token: word ( separator word )?
  size_t name_start = i;
  while (i < body.size() && IsWordChar(body[i])) ++i;
  if (i == name_start) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"{", body, "}\" is not a token: write e.g. {Movie Title}"));
  }
  size_t sep_start = i;
  while (i < body.size() && IsSeparatorChar(body[i])) ++i;
  size_t word2_start = i;
  while (i < body.size() && IsWordChar(body[i])) ++i;
  if (i == word2_start) {
    i = sep_start;  // the separators were the suffix
  } else {
    t.separator = std::string(body.substr(sep_start, word2_start - sep_start));
  }
  t.name = std::string(body.substr(name_start, i - name_start));
  for (char c : t.name) {
    if (IsWordChar(c)) t.key.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  if (i < body.size() && body[i] == ':') {
    ++i;
    size_t format_start = i;
    while (i < body.size() && IsFormatChar(body[i])) ++i;
    // The format cannot end in '-' or ' ' (those belong to the suffix).
    while (i > format_start && (body[i - 1] == '-' || body[i - 1] == ' ')) --i;
    t.format = std::string(body.substr(format_start, i - format_start));
    if (t.format.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("\"{", body, "}\": nothing after ':'"));
    }
  }
  while (i < body.size() && IsSuffixChar(body[i])) t.suffix.push_back(body[i++]);
  if (i != body.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"{", body, "}\" is not a token: unexpected \"", body.substr(i, 1), "\""));
  }
  return t;
}

// Radarr's ReplaceToken: value, case rule, separator, cleaning, prefix/suffix.
absl::StatusOr<std::string> RenderToken(const TokenMatch& t, const NamingContext& c,
                                        const NamingOptions& options) {
  std::string value;
  if (!TokenValue(t, c, &value)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown token {", t.name, "}: use e.g. {Movie Title}, {Release Year}, {Quality Full}, ",
        "{Series Title}, {season:00}, {episode:00}, {Episode Title}"));
  }
  value = std::string(absl::StripAsciiWhitespace(value));
  bool has_upper = false, has_lower = false;
  for (char ch : t.name) {
    has_upper |= absl::ascii_isupper(static_cast<unsigned char>(ch));
    has_lower |= absl::ascii_islower(static_cast<unsigned char>(ch));
  }
  // Numbers ({season}, {episode}: "01-E02") keep their own letters.
  bool numeric = t.key == "season" || t.key == "episode";
  if (!numeric && !has_upper)
    value = absl::AsciiStrToLower(value);
  else if (!numeric && !has_lower)
    value = absl::AsciiStrToUpper(value);
  if (!t.separator.empty() && t.separator != " ") {
    value = absl::StrReplaceAll(value, {{" ", t.separator}});
  }
  value = CleanTokenText(value, options);
  if (value.empty()) return std::string();
  return absl::StrCat(t.prefix, value, t.suffix);
}

}  // namespace kiosk::downloads::naming
