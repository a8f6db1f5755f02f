// TitleInfo / SeasonInfo -> kiosk.media.v1 messages, for the transport layer.
#ifndef KIOSK_SERVICES_MEDIA_TITLE_DETAILS_PROTO_H_
#define KIOSK_SERVICES_MEDIA_TITLE_DETAILS_PROTO_H_

#include "kiosk/media/v1/media_service.pb.h"
#include "services/media/title_details.h"

namespace kiosk::media {

void ToProto(const TitleInfo& title, v1::TitleDetails* out);
void ToProto(const SeasonInfo& season, v1::SeasonDetails* out);

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_TITLE_DETAILS_PROTO_H_
