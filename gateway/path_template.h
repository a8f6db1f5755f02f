// A google.api.http path template, parsed once at start-up and matched per
// request (the grammar of google/api/http.proto):
//
//   Template = "/" Segments [ Verb ] ;
//   Segments = Segment { "/" Segment } ;
//   Segment  = "*" | "**" | LITERAL | Variable ;
//   Variable = "{" FieldPath [ "=" Segments ] "}" ;
//   FieldPath = IDENT { "." IDENT } ;
//   Verb     = ":" LITERAL ;
//
//   ASSIGN_OR_RETURN(PathTemplate t, PathTemplate::Parse("/api/v1/users/{id}:reset"));
//   std::vector<PathBinding> bindings;
//   if (t.Match("/api/v1/users/42:reset", &bindings)) { ... bindings[0] = {"id", "42"} }
//
// `{id}` is `{id=*}`: one segment. `**` matches the rest of the path (zero or
// more segments) and may only be the last segment. Values are percent-decoded;
// in a multi-segment variable an encoded "/" (%2F) stays encoded, as in
// grpc-gateway and Envoy.
#ifndef KIOSK_GATEWAY_PATH_TEMPLATE_H_
#define KIOSK_GATEWAY_PATH_TEMPLATE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kiosk::gateway {

struct PathBinding {
  std::string field_path;  // "id", "request.id"
  std::string value;       // decoded
  bool operator==(const PathBinding&) const = default;
};

class PathTemplate {
 public:
  // INVALID_ARGUMENT with the position and the problem for a bad template
  // (no leading "/", empty segment, unclosed "{", nested variables, "**" not
  // last, a field path bound twice, bad characters).
  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  // True when `path` (no query string, as sent: still percent-encoded)
  // matches; then `bindings` holds one entry per variable in template order
  // (it is cleared first, and stays empty on no match). A trailing "/" or an
  // empty segment never matches; "/" is the path with no segments. Without a
  // template verb, ":x" is simply part of the last segment. A malformed
  // percent-encoding never matches.
  bool Match(absl::string_view path, std::vector<PathBinding>* bindings) const;

  const std::string& text() const { return text_; }
  const std::string& verb() const { return verb_; }
  // Field paths of the variables, in template order.
  std::vector<std::string> FieldPaths() const;
  // The template with variables replaced by their pattern, the same for two
  // templates that match the same paths: "/v1/{name=shelves/*}/books" ->
  // "/v1/shelves/*/books". Used to find conflicting rules.
  std::string Shape() const;
  // The OpenAPI path: "/v1/users/{id}:reset"; a multi-segment variable
  // becomes one parameter "{name}".
  std::string OpenApiPath() const;

 private:
  class Parser;  // path_template.cc

  struct Segment {
    enum Kind { kLiteral, kSingle, kMulti } kind;  // literal, "*", "**"
    std::string literal;                           // as written in the template
    std::string decoded;                           // `literal` percent-decoded
  };
  struct Variable {
    std::string field_path;
    int first_segment;   // index into segments_
    int end_segment;     // one past the last
    bool multi_segment;  // several segments or "**": "%2F" stays encoded
  };

  // Matches without bindings when `bindings` is null (the first, cheap pass),
  // else appends one binding per variable.
  bool MatchImpl(absl::string_view path, std::vector<PathBinding>* bindings) const;

  std::string text_;
  std::vector<Segment> segments_;
  std::vector<Variable> variables_;
  std::string verb_;          // as written in the template
  std::string verb_decoded_;  // `verb_` percent-decoded
};

}  // namespace kiosk::gateway

#endif  // KIOSK_GATEWAY_PATH_TEMPLATE_H_
