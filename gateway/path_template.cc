#include "gateway/path_template.h"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace kiosk::gateway {
namespace {

// RFC 3986 "unreserved": the characters a literal may hold unencoded.
bool IsUnreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes the escape starting at s[i] == '%' into *out; false if malformed.
bool DecodeEscape(absl::string_view s, size_t i, char* out) {
  if (i + 2 >= s.size()) return false;
  const int hi = HexValue(s[i + 1]);
  const int lo = HexValue(s[i + 2]);
  if (hi < 0 || lo < 0) return false;
  *out = static_cast<char>((hi << 4) | lo);
  return true;
}

bool HasValidEscapes(absl::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') continue;
    char c;
    if (!DecodeEscape(s, i, &c)) return false;
    i += 2;
  }
  return true;
}

// Appends `raw` percent-decoded to *out. With `keep_encoded_slash`, "%2F" and
// "%2f" are copied as they are. False on a malformed escape.
bool AppendDecoded(absl::string_view raw, bool keep_encoded_slash, std::string* out) {
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      out->push_back(raw[i]);
      continue;
    }
    char c;
    if (!DecodeEscape(raw, i, &c)) return false;
    if (c == '/' && keep_encoded_slash) {
      out->append(raw.data() + i, 3);
    } else {
      out->push_back(c);
    }
    i += 2;
  }
  return true;
}

std::string Decoded(absl::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  AppendDecoded(raw, /*keep_encoded_slash=*/false, &out);
  return out;
}

// True when `raw` (percent-encoded) decodes to exactly `decoded`, without
// allocating. False on a malformed escape.
bool DecodesTo(absl::string_view raw, absl::string_view decoded) {
  size_t j = 0;
  for (size_t i = 0; i < raw.size(); ++i, ++j) {
    char c = raw[i];
    if (c == '%') {
      if (!DecodeEscape(raw, i, &c)) return false;
      i += 2;
    }
    if (j >= decoded.size() || decoded[j] != c) return false;
  }
  return j == decoded.size();
}

// A literal as the same string for every spelling of it: unreserved
// characters as they are, everything else "%XX" (upper case).
std::string Canonical(absl::string_view decoded) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : decoded) {
    if (IsUnreserved(c)) {
      out.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  return out;
}

// Walks "/a/b/c" segment by segment without allocating. "/" has no segments;
// "/a/" has two, the second empty.
class SegmentCursor {
 public:
  // `path` starts with '/'.
  explicit SegmentCursor(absl::string_view path) : path_(path), pos_(path == "/" ? 1 : 0) {}

  bool Done() const { return pos_ >= path_.size(); }
  // Offset of the end of the last segment returned (or of the start).
  size_t pos() const { return pos_; }
  // Offset where the next segment starts; only when !Done().
  size_t NextStart() const { return pos_ + 1; }

  // The next segment; only when !Done().
  absl::string_view Next() {
    const size_t start = pos_ + 1;
    size_t end = path_.find('/', start);
    if (end == absl::string_view::npos) end = path_.size();
    pos_ = end;
    return path_.substr(start, end - start);
  }

 private:
  absl::string_view path_;
  size_t pos_;
};

}  // namespace

// Recursive descent over the grammar in the header; records the first error.
class PathTemplate::Parser {
 public:
  Parser(absl::string_view text, PathTemplate* out) : text_(text), out_(out) {}

  absl::Status Parse() {
    if (text_.empty()) return Error(0, "is empty");
    if (text_[0] != '/') return Error(0, "must start with '/'");
    pos_ = 1;
    if (absl::Status s = ParseSegments(/*in_variable=*/false); !s.ok()) return s;
    if (pos_ < text_.size() && text_[pos_] == ':') {
      if (absl::Status s = ParseVerb(); !s.ok()) return s;
    }
    if (pos_ < text_.size()) {
      if (text_[pos_] == '}') return Error(pos_, "has '}' without '{'");
      return Error(pos_, absl::StrCat("has an unexpected '", text_.substr(pos_, 1), "'"));
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Error(size_t at, absl::string_view problem) const {
    return absl::InvalidArgumentError(
        absl::StrCat("path template \"", text_, "\" ", problem, " at offset ", at));
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }

  absl::Status ParseSegments(bool in_variable) {
    for (;;) {
      if (absl::Status s = ParseSegment(in_variable); !s.ok()) return s;
      if (AtEnd() || Peek() != '/') return absl::OkStatus();
      ++pos_;
    }
  }

  absl::Status ParseSegment(bool in_variable) {
    if (multi_at_ != absl::string_view::npos) {
      return Error(multi_at_, "has '**' before the last segment");
    }
    if (AtEnd() || Peek() == '/' || Peek() == ':' || (in_variable && Peek() == '}')) {
      return Error(pos_, "has an empty segment");
    }
    const size_t start = pos_;
    if (Peek() == '{') {
      if (in_variable) return Error(pos_, "has a '{' inside a variable");
      return ParseVariable();
    }
    if (Peek() == '*') {
      ++pos_;
      Segment::Kind kind = Segment::kSingle;
      if (!AtEnd() && Peek() == '*') {
        ++pos_;
        kind = Segment::kMulti;
        multi_at_ = start;
      }
      if (!AtEnd() && Peek() != '/' && Peek() != ':' && Peek() != '}') {
        return Error(start, "has a '*' that is not a whole segment");
      }
      out_->segments_.push_back({kind, std::string(text_.substr(start, pos_ - start)), ""});
      return absl::OkStatus();
    }
    absl::StatusOr<std::string> literal = ParseLiteral();
    if (!literal.ok()) return literal.status();
    std::string decoded = Decoded(*literal);
    out_->segments_.push_back({Segment::kLiteral, *std::move(literal), std::move(decoded)});
    return absl::OkStatus();
  }

  // LITERAL: unreserved characters and percent-encodings, at least one.
  absl::StatusOr<std::string> ParseLiteral() {
    const size_t start = pos_;
    while (!AtEnd()) {
      if (Peek() == '%') {
        char c;
        if (!DecodeEscape(text_, pos_, &c)) return Error(pos_, "has a bad percent-encoding");
        pos_ += 3;
      } else if (IsUnreserved(Peek())) {
        ++pos_;
      } else {
        break;
      }
    }
    if (pos_ == start) {
      if (AtEnd()) return Error(pos_, "has an empty segment");
      return Error(pos_, absl::StrCat("has an unexpected '", text_.substr(pos_, 1), "'"));
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  absl::Status ParseVariable() {
    const size_t open = pos_++;
    const size_t name_start = pos_;
    while (!AtEnd() && Peek() != '=' && Peek() != '}' && Peek() != '{') ++pos_;
    if (AtEnd()) return Error(open, "has an unclosed '{'");
    if (Peek() == '{') return Error(pos_, "has a '{' inside a variable");
    const absl::string_view field_path = text_.substr(name_start, pos_ - name_start);
    if (absl::Status s = CheckFieldPath(field_path, name_start); !s.ok()) return s;

    const int first = static_cast<int>(out_->segments_.size());
    if (Peek() == '=') {
      ++pos_;
      if (!AtEnd() && Peek() == '}') return Error(pos_, "has an empty pattern after '='");
      if (absl::Status s = ParseSegments(/*in_variable=*/true); !s.ok()) return s;
      if (AtEnd()) return Error(open, "has an unclosed '{'");
      if (Peek() != '}') {
        if (Peek() == '{') return Error(pos_, "has a '{' inside a variable");
        return Error(pos_, absl::StrCat("has an unexpected '", text_.substr(pos_, 1),
                                        "' inside a variable"));
      }
    } else {
      out_->segments_.push_back({Segment::kSingle, "*", ""});
    }
    ++pos_;  // '}'
    const int end = static_cast<int>(out_->segments_.size());
    const bool multi = end - first != 1 || out_->segments_[first].kind == Segment::kMulti;
    out_->variables_.push_back({std::string(field_path), first, end, multi});
    return absl::OkStatus();
  }

  // FieldPath = IDENT { "." IDENT }, bound once, and never both "a" and "a.b".
  absl::Status CheckFieldPath(absl::string_view field_path, size_t at) const {
    if (field_path.empty()) return Error(at, "has an empty field path");
    for (absl::string_view ident : absl::StrSplit(field_path, '.')) {
      bool ok = !ident.empty() && IsIdentStart(ident[0]);
      for (char c : ident) ok = ok && IsIdentChar(c);
      if (!ok) {
        return Error(at, absl::StrCat("has an invalid field path \"", field_path, "\""));
      }
    }
    for (const Variable& v : out_->variables_) {
      const absl::string_view other = v.field_path;
      if (other == field_path) {
        return Error(at, absl::StrCat("binds the field path \"", field_path, "\" twice"));
      }
      const absl::string_view shorter = other.size() < field_path.size() ? other : field_path;
      const absl::string_view longer = other.size() < field_path.size() ? field_path : other;
      if (absl::StartsWith(longer, shorter) && longer[shorter.size()] == '.') {
        return Error(
            at, absl::StrCat("binds both \"", shorter, "\" and its subfield \"", longer, "\""));
      }
    }
    return absl::OkStatus();
  }

  absl::Status ParseVerb() {
    const size_t colon = pos_++;
    if (AtEnd()) return Error(colon, "has an empty verb");
    absl::StatusOr<std::string> verb = ParseLiteral();
    if (!verb.ok()) return verb.status();
    if (!AtEnd()) return Error(pos_, "has something after the verb");
    out_->verb_decoded_ = Decoded(*verb);
    out_->verb_ = *std::move(verb);
    return absl::OkStatus();
  }

  absl::string_view text_;
  PathTemplate* out_;
  size_t pos_ = 0;
  size_t multi_at_ = absl::string_view::npos;  // offset of a "**" seen
};

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  PathTemplate t;
  t.text_ = std::string(text);
  if (absl::Status s = Parser(t.text_, &t).Parse(); !s.ok()) return s;
  return t;
}

bool PathTemplate::Match(absl::string_view path, std::vector<PathBinding>* bindings) const {
  bindings->clear();
  // First pass without bindings: most candidate routes fail here and then
  // nothing has been allocated.
  if (!MatchImpl(path, nullptr)) return false;
  if (!variables_.empty()) {
    bindings->reserve(variables_.size());
    MatchImpl(path, bindings);
  }
  return true;
}

bool PathTemplate::MatchImpl(absl::string_view path, std::vector<PathBinding>* bindings) const {
  if (path.empty() || path[0] != '/') return false;
  if (!verb_.empty()) {
    const size_t colon = path.rfind(':');
    if (colon == absl::string_view::npos || path.find('/', colon) != absl::string_view::npos) {
      return false;
    }
    const absl::string_view verb = path.substr(colon + 1);
    if (verb != verb_ && !DecodesTo(verb, verb_decoded_)) return false;
    path = path.substr(0, colon);
  }

  SegmentCursor cursor(path);
  size_t next_variable = 0;
  size_t value_start = 0;
  for (size_t i = 0; i < segments_.size(); ++i) {
    const Segment& segment = segments_[i];
    const bool binds = bindings != nullptr && next_variable < variables_.size();
    if (binds && variables_[next_variable].first_segment == static_cast<int>(i)) {
      value_start = cursor.Done() ? cursor.pos() : cursor.NextStart();
    }
    if (segment.kind == Segment::kMulti) {
      while (!cursor.Done()) {
        const absl::string_view s = cursor.Next();
        if (s.empty() || !HasValidEscapes(s)) return false;
      }
    } else {
      if (cursor.Done()) return false;
      const absl::string_view s = cursor.Next();
      if (s.empty()) return false;
      if (segment.kind == Segment::kLiteral) {
        if (s != segment.literal && !DecodesTo(s, segment.decoded)) return false;
      } else if (!HasValidEscapes(s)) {
        return false;
      }
    }
    if (binds && variables_[next_variable].end_segment == static_cast<int>(i) + 1) {
      const Variable& v = variables_[next_variable++];
      PathBinding& b = bindings->emplace_back();
      b.field_path = v.field_path;
      const absl::string_view raw = path.substr(value_start, cursor.pos() - value_start);
      b.value.reserve(raw.size());
      AppendDecoded(raw, /*keep_encoded_slash=*/v.multi_segment, &b.value);
    }
  }
  return cursor.Done();
}

std::vector<std::string> PathTemplate::FieldPaths() const {
  std::vector<std::string> out;
  out.reserve(variables_.size());
  for (const Variable& v : variables_) out.push_back(v.field_path);
  return out;
}

std::string PathTemplate::Shape() const {
  std::string out;
  for (const Segment& segment : segments_) {
    absl::StrAppend(
        &out, "/",
        segment.kind == Segment::kLiteral ? Canonical(segment.decoded) : segment.literal);
  }
  if (!verb_.empty()) absl::StrAppend(&out, ":", Canonical(verb_decoded_));
  return out;
}

std::string PathTemplate::OpenApiPath() const {
  std::string out;
  size_t next_variable = 0;
  for (size_t i = 0; i < segments_.size(); ++i) {
    if (next_variable < variables_.size() &&
        variables_[next_variable].first_segment == static_cast<int>(i)) {
      const Variable& v = variables_[next_variable++];
      absl::StrAppend(&out, "/{", v.field_path, "}");
      i = v.end_segment - 1;
    } else {
      absl::StrAppend(&out, "/", segments_[i].literal);
    }
  }
  if (!verb_.empty()) absl::StrAppend(&out, ":", verb_);
  return out;
}

}  // namespace kiosk::gateway
