// The BitTorrent info-hash of a release, known before qBittorrent answers:
// from a magnet link (xt=urn:btih:<40 hex | 32 base32>, or a v2
// xt=urn:btmh:1220<64 hex>) or from the bytes of a .torrent file (SHA-1 of
// the bencoded `info` dictionary). Always lower-case hex, the form
// qBittorrent's API uses.
//
//   ASSIGN_OR_RETURN(std::string hash, InfoHashFromMagnet("magnet:?xt=urn:btih:..."));
#ifndef KIOSK_SERVICES_DOWNLOADS_QBITTORRENT_INFO_HASH_H_
#define KIOSK_SERVICES_DOWNLOADS_QBITTORRENT_INFO_HASH_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kiosk::downloads::qbittorrent {

// True for "magnet:?..." (any case of the scheme).
bool IsMagnet(absl::string_view release);

// INVALID_ARGUMENT with a sentence for people when `magnet` carries no usable
// info-hash. A v1 hash wins over a v2 one in a hybrid magnet (qBittorrent
// lists hybrids by their v1 hash).
absl::StatusOr<std::string> InfoHashFromMagnet(absl::string_view magnet);

// RFC 4648 base32 (A-Z2-7, any case, no padding) of 20 bytes -> 40 hex digits.
absl::StatusOr<std::string> Base32ToHex(absl::string_view base32);

// SHA-1 of the `info` dictionary of a bencoded .torrent (INVALID_ARGUMENT when
// `torrent` is not one).
absl::StatusOr<std::string> InfoHashFromTorrentFile(absl::string_view torrent);

// The magnet's display name (dn=), "" when absent.
std::string MagnetDisplayName(absl::string_view magnet);

}  // namespace kiosk::downloads::qbittorrent

#endif  // KIOSK_SERVICES_DOWNLOADS_QBITTORRENT_INFO_HASH_H_
