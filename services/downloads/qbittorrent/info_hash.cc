#include "services/downloads/qbittorrent/info_hash.h"

#include <openssl/sha.h>

#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/http/url.h"

namespace kiosk::downloads::qbittorrent {
namespace {

bool IsHex(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The magnet's query parameters, decoded.
http::Params MagnetParams(absl::string_view magnet) {
  size_t question = magnet.find('?');
  if (question == absl::string_view::npos) return {};
  return http::FormDecode(magnet.substr(question + 1));
}

// Skips one bencoded value starting at `pos`; npos when malformed.
size_t SkipValue(absl::string_view data, size_t pos, int depth = 0) {
  if (pos >= data.size() || depth > 64) return absl::string_view::npos;
  char c = data[pos];
  if (c == 'i') {
    size_t end = data.find('e', pos);
    return end == absl::string_view::npos ? end : end + 1;
  }
  if (c == 'l' || c == 'd') {
    ++pos;
    while (pos < data.size() && data[pos] != 'e') {
      pos = SkipValue(data, pos, depth + 1);
      if (pos == absl::string_view::npos) return pos;
    }
    return pos < data.size() ? pos + 1 : absl::string_view::npos;
  }
  if (std::isdigit(static_cast<unsigned char>(c))) {
    size_t colon = data.find(':', pos);
    if (colon == absl::string_view::npos || colon - pos > 12) return absl::string_view::npos;
    size_t length = std::stoull(std::string(data.substr(pos, colon - pos)));
    if (colon + 1 + length > data.size()) return absl::string_view::npos;
    return colon + 1 + length;
  }
  return absl::string_view::npos;
}

}  // namespace

bool IsMagnet(absl::string_view release) {
  return absl::StartsWithIgnoreCase(release, "magnet:?");
}

absl::StatusOr<std::string> Base32ToHex(absl::string_view base32) {
  if (base32.size() != 32) {
    return absl::InvalidArgumentError("a base32 info-hash has 32 characters");
  }
  std::string bytes;
  uint64_t buffer = 0;
  int bits = 0;
  for (char c : base32) {
    char u = absl::ascii_toupper(static_cast<unsigned char>(c));
    int value;
    if (u >= 'A' && u <= 'Z') {
      value = u - 'A';
    } else if (u >= '2' && u <= '7') {
      value = u - '2' + 26;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("'", std::string(1, c), "' is not a base32 character (A-Z, 2-7)"));
    }
    buffer = (buffer << 5) | static_cast<uint64_t>(value);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return absl::BytesToHexString(bytes);
}

absl::StatusOr<std::string> InfoHashFromMagnet(absl::string_view magnet) {
  if (!IsMagnet(magnet)) {
    return absl::InvalidArgumentError("not a magnet link: it must start with 'magnet:?'");
  }
  std::string v2;
  for (const auto& [name, value] : MagnetParams(magnet)) {
    if (name != "xt" && !absl::StartsWith(name, "xt.")) continue;
    std::string lower = absl::AsciiStrToLower(value);
    if (absl::StartsWith(lower, "urn:btih:")) {
      std::string hash = lower.substr(9);
      if (hash.size() == 40 && IsHex(hash)) return hash;
      if (hash.size() == 32) {
        absl::StatusOr<std::string> hex = Base32ToHex(hash);
        if (!hex.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat("the magnet's btih info-hash is not valid base32: ", hex.status().message()));
        }
        return hex;
      }
      return absl::InvalidArgumentError(
          "the magnet's btih info-hash must be 40 hexadecimal or 32 base32 characters");
    }
    // v2: a multihash, 0x12 (sha2-256) 0x20 (32 bytes) then the digest.
    if (absl::StartsWith(lower, "urn:btmh:")) {
      std::string multihash = lower.substr(9);
      if (multihash.size() == 68 && absl::StartsWith(multihash, "1220") && IsHex(multihash)) {
        v2 = multihash.substr(4);
      } else {
        return absl::InvalidArgumentError(
            "the magnet's btmh info-hash must be a sha2-256 multihash (1220 + 64 hexadecimal)");
      }
    }
  }
  if (!v2.empty()) return v2;
  return absl::InvalidArgumentError(
      "the magnet link has no info-hash (xt=urn:btih:... or xt=urn:btmh:...)");
}

absl::StatusOr<std::string> InfoHashFromTorrentFile(absl::string_view torrent) {
  if (torrent.empty() || torrent[0] != 'd') {
    return absl::InvalidArgumentError("not a .torrent file (no bencoded dictionary)");
  }
  size_t pos = 1;
  while (pos < torrent.size() && torrent[pos] != 'e') {
    size_t key_end = SkipValue(torrent, pos);
    if (key_end == absl::string_view::npos) break;
    absl::string_view key = torrent.substr(pos, key_end - pos);
    size_t value_end = SkipValue(torrent, key_end);
    if (value_end == absl::string_view::npos) break;
    if (key == "4:info") {
      absl::string_view info = torrent.substr(key_end, value_end - key_end);
      unsigned char digest[SHA_DIGEST_LENGTH];
      SHA1(reinterpret_cast<const unsigned char*>(info.data()), info.size(), digest);
      return absl::BytesToHexString(
          absl::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
    }
    pos = value_end;
  }
  return absl::InvalidArgumentError("the .torrent file has no readable 'info' dictionary");
}

std::string MagnetDisplayName(absl::string_view magnet) {
  for (const auto& [name, value] : MagnetParams(magnet)) {
    if (name == "dn") return value;
  }
  return "";
}

}  // namespace kiosk::downloads::qbittorrent
