#include "services/downloads/naming/title_transforms.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "services/downloads/naming/absl_view.h"

namespace kiosk::downloads::naming {
namespace {

// Latin letters with a diacritic (Latin-1 supplement and Latin Extended-A) and
// their base letter, as Unicode NFD decomposition + dropping the marks gives.
// Letters that do not decompose (ø, æ, œ, ß, ł, đ) are kept, like .NET does.
constexpr std::pair<const char*, char> kDiacritics[] = {
    {"À", 'A'}, {"Á", 'A'}, {"Â", 'A'}, {"Ã", 'A'}, {"Ä", 'A'}, {"Å", 'A'}, {"Ç", 'C'}, {"È", 'E'},
    {"É", 'E'}, {"Ê", 'E'}, {"Ë", 'E'}, {"Ì", 'I'}, {"Í", 'I'}, {"Î", 'I'}, {"Ï", 'I'}, {"Ñ", 'N'},
    {"Ò", 'O'}, {"Ó", 'O'}, {"Ô", 'O'}, {"Õ", 'O'}, {"Ö", 'O'}, {"Ù", 'U'}, {"Ú", 'U'}, {"Û", 'U'},
    {"Ü", 'U'}, {"Ý", 'Y'}, {"à", 'a'}, {"á", 'a'}, {"â", 'a'}, {"ã", 'a'}, {"ä", 'a'}, {"å", 'a'},
    {"ç", 'c'}, {"è", 'e'}, {"é", 'e'}, {"ê", 'e'}, {"ë", 'e'}, {"ì", 'i'}, {"í", 'i'}, {"î", 'i'},
    {"ï", 'i'}, {"ñ", 'n'}, {"ò", 'o'}, {"ó", 'o'}, {"ô", 'o'}, {"õ", 'o'}, {"ö", 'o'}, {"ù", 'u'},
    {"ú", 'u'}, {"û", 'u'}, {"ü", 'u'}, {"ý", 'y'}, {"ÿ", 'y'}, {"Ā", 'A'}, {"ā", 'a'}, {"Ă", 'A'},
    {"ă", 'a'}, {"Ą", 'A'}, {"ą", 'a'}, {"Ć", 'C'}, {"ć", 'c'}, {"Č", 'C'}, {"č", 'c'}, {"Ď", 'D'},
    {"ď", 'd'}, {"Ē", 'E'}, {"ē", 'e'}, {"Ė", 'E'}, {"ė", 'e'}, {"Ę", 'E'}, {"ę", 'e'}, {"Ě", 'E'},
    {"ě", 'e'}, {"Ğ", 'G'}, {"ğ", 'g'}, {"Ī", 'I'}, {"ī", 'i'}, {"İ", 'I'}, {"Ń", 'N'}, {"ń", 'n'},
    {"Ň", 'N'}, {"ň", 'n'}, {"Ō", 'O'}, {"ō", 'o'}, {"Ő", 'O'}, {"ő", 'o'}, {"Ř", 'R'}, {"ř", 'r'},
    {"Ś", 'S'}, {"ś", 's'}, {"Ş", 'S'}, {"ş", 's'}, {"Š", 'S'}, {"š", 's'}, {"Ţ", 'T'}, {"ţ", 't'},
    {"Ť", 'T'}, {"ť", 't'}, {"Ū", 'U'}, {"ū", 'u'}, {"Ů", 'U'}, {"ů", 'u'}, {"Ű", 'U'}, {"ű", 'u'},
    {"Ÿ", 'Y'}, {"Ź", 'Z'}, {"ź", 'z'}, {"Ż", 'Z'}, {"ż", 'z'}, {"Ž", 'Z'}, {"ž", 'z'},
};

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

}  // namespace

size_t Utf8Length(absl::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

std::string RemoveDiacritics(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      out.push_back(text[i++]);
      continue;
    }
    bool replaced = false;
    for (const auto& [accented, base] : kDiacritics) {
      if (absl::StartsWith(text.substr(i), accented)) {
        out.push_back(base);
        i += absl::string_view(accented).size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out.push_back(text[i++]);
  }
  return out;
}

// Radarr's ScenifyRemoveChars, spelled out:
//  - a lone punctuation mark between spaces (" - ", " & " after the "and" swap),
//  - ' ` ’ : ? , before a space, the end, or a contraction ("Don't" -> "Dont"),
//  - brackets of any kind.
std::string CleanTitle(absl::string_view title) {
  std::string text;
  for (size_t i = 0; i < title.size(); ++i) {
    if (title[i] == '&') {
      text += "and";
    } else if (title[i] == '/' || title[i] == '\\') {
      text += ' ';
    } else {
      text += title[i];
    }
  }
  static constexpr absl::string_view kLoneMarks = ",<>/\\;:'\"|`~!?@$%^*-_=";
  static constexpr absl::string_view kContractionMarks = "'`:?,";
  static constexpr absl::string_view kBrackets = "()[]{}";
  static constexpr absl::string_view kApostropheCurly = "\xE2\x80\x99";  // ’
  auto followed_by_suffix = [&](size_t pos) {  // pos = index after the mark
    if (pos >= text.size() || IsSpace(text[pos])) return true;
    for (absl::string_view suffix : {"s", "m", "t", "ve", "ll", "d", "re"}) {
      if (absl::string_view(text).substr(pos, suffix.size()) == suffix &&
          (pos + suffix.size() == text.size() || IsSpace(text[pos + suffix.size()]))) {
        return true;
      }
    }
    return false;
  };
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (absl::string_view(text).substr(i, kApostropheCurly.size()) == kApostropheCurly) {
      size_t after = i + kApostropheCurly.size();
      bool lone = i > 0 && IsSpace(text[i - 1]) && after < text.size() && IsSpace(text[after]);
      if (lone || followed_by_suffix(after)) {
        i = after;
        continue;
      }
      out.append(kApostropheCurly.data(), kApostropheCurly.size());
      i = after;
      continue;
    }
    char c = text[i];
    if (kBrackets.find(c) != absl::string_view::npos) {
      ++i;
      continue;
    }
    bool lone = kLoneMarks.find(c) != absl::string_view::npos && i > 0 && IsSpace(text[i - 1]) &&
                i + 1 < text.size() && IsSpace(text[i + 1]);
    bool contraction =
        kContractionMarks.find(c) != absl::string_view::npos && followed_by_suffix(i + 1);
    if (lone || contraction) {
      ++i;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return RemoveDiacritics(out);
}

std::string TitleThe(absl::string_view title) {
  // Sonarr's TitlePrefixRegex: ^(The|An|A) (.*?)((?: *\([^)]+\))*)$
  for (absl::string_view article : {"The ", "An ", "A "}) {
    if (!absl::StartsWithIgnoreCase(title, article) || title.size() == article.size()) continue;
    absl::string_view rest = title.substr(article.size());
    absl::string_view suffix;
    // Peel trailing "(...)" groups ("(2018)", "(US)") to keep them at the end.
    absl::string_view body = rest;
    while (!body.empty() && body.back() == ')') {
      size_t open = body.rfind('(');
      if (open == absl::string_view::npos) break;
      body = body.substr(0, open);
      while (!body.empty() && body.back() == ' ') body.remove_suffix(1);
    }
    if (body.empty()) return std::string(title);
    suffix = rest.substr(body.size());
    absl::string_view word = title.substr(0, article.size() - 1);
    return absl::StrCat(body, ", ", word, suffix);
  }
  return std::string(title);
}

std::string TitleYear(absl::string_view title, int year) {
  std::string tail = absl::StrCat("(", year, ")");
  if (absl::EndsWith(title, tail)) return std::string(title);
  return absl::StrCat(title, " ", tail);
}

std::string TitleWithoutYear(absl::string_view title) {
  absl::string_view t = absl::StripTrailingAsciiWhitespace(title);
  if (t.size() >= 7 && t.back() == ')' && t[t.size() - 6] == '(') {
    absl::string_view digits = t.substr(t.size() - 5, 4);
    bool all_digits = true;
    for (char c : digits) all_digits &= absl::ascii_isdigit(static_cast<unsigned char>(c));
    if (all_digits)
      return std::string(absl::StripTrailingAsciiWhitespace(t.substr(0, t.size() - 6)));
  }
  return std::string(t);
}

std::string TruncateTitle(absl::string_view text, int max_chars, absl::string_view ellipsis) {
  // Split into UTF-8 characters so an "é" is never cut in half.
  std::vector<absl::string_view> chars;
  for (size_t i = 0; i < text.size();) {
    size_t j = i + 1;
    while (j < text.size() && (static_cast<unsigned char>(text[j]) & 0xC0) == 0x80) ++j;
    chars.push_back(text.substr(i, j - i));
    i = j;
  }
  size_t limit = static_cast<size_t>(max_chars < 0 ? -static_cast<long>(max_chars) : max_chars);
  if (max_chars == 0 || chars.size() <= limit) return std::string(text);
  size_t keep = limit > 3 ? limit - 3 : 0;  // room for the "..." Radarr adds
  auto trim_chars = [](std::string s, bool at_end) {
    if (at_end) {
      while (!s.empty() && (s.back() == ' ' || s.back() == '.')) s.pop_back();
    } else {
      size_t n = 0;
      while (n < s.size() && (s[n] == ' ' || s[n] == '.')) ++n;
      s.erase(0, n);
    }
    return s;
  };
  std::string kept;
  if (max_chars > 0) {
    for (size_t i = 0; i < keep; ++i) kept.append(chars[i].data(), chars[i].size());
    return absl::StrCat(trim_chars(kept, true), ellipsis);
  }
  for (size_t i = chars.size() - keep; i < chars.size(); ++i)
    kept.append(chars[i].data(), chars[i].size());
  return absl::StrCat(ellipsis, trim_chars(kept, false));
}

}  // namespace kiosk::downloads::naming
