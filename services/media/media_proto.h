// Model <-> kiosk.media.v1 messages, for the transport layer only.
#ifndef KIOSK_SERVICES_MEDIA_MEDIA_PROTO_H_
#define KIOSK_SERVICES_MEDIA_MEDIA_PROTO_H_

#include <vector>

#include "kiosk/media/v1/media_service.pb.h"
#include "services/media/model.h"
#include "services/media/search.h"

namespace kiosk::media {

void ToProto(const MediaRequest& request, v1::MediaRequest* out);
void ToProto(const Transition& transition, v1::RequestTransition* out);
void ToProto(const TitleMapping& mapping, v1::TitleMapping* out);
void ToProto(const SearchHit& hit, v1::SearchResult* out);
void ToProto(const RequestPage& page, v1::ListRequestsResponse* out);

std::vector<SeasonSelection> FromProto(
    const google::protobuf::RepeatedPtrField<v1::SeasonSelection>& seasons);
RequestProgress FromProto(const v1::RequestProgress& progress);
PlexPresence FromProto(const v1::TitlePresence& presence);

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_MEDIA_PROTO_H_
