#include "common/server/request_context.h"

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <mutex>

#include "common/log/log.h"
#include "kiosk/media/v1/media_service.grpc.pb.h"
#include "kiosk/users/v1/users_service.grpc.pb.h"

namespace kiosk::server {
namespace {

using ::kiosk::common::v1::GetServiceInfoRequest;
using ::kiosk::common::v1::ServiceInfo;
using ::testing::HasSubstr;

// Downstream service: records the request id it was called with.
class Downstream final : public kiosk::media::v1::MediaService::CallbackService {
 public:
  grpc::ServerUnaryReactor* GetServiceInfo(grpc::CallbackServerContext* ctx,
                                           const GetServiceInfoRequest*, ServiceInfo*) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      seen = RequestId(*ctx);
      auto auth = ctx->client_metadata().find("authorization");
      authorization = auth == ctx->client_metadata().end()
                          ? ""
                          : std::string(auth->second.data(), auth->second.size());
    }
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  std::mutex mu;
  std::string seen;
  std::string authorization;
};

// Front service: records its request id and calls Downstream with it.
class Front final : public kiosk::users::v1::UsersService::CallbackService {
 public:
  explicit Front(std::shared_ptr<grpc::Channel> downstream)
      : stub_(kiosk::media::v1::MediaService::NewStub(downstream)) {}
  grpc::ServerUnaryReactor* GetServiceInfo(grpc::CallbackServerContext* ctx,
                                           const GetServiceInfoRequest*,
                                           ServiceInfo* response) override {
    seen = RequestId(*ctx);
    std::unique_ptr<grpc::ClientContext> out = OutboundContext(ctx, absl::Seconds(5));
    ServiceInfo ignored;
    grpc::Status status = stub_->GetServiceInfo(out.get(), GetServiceInfoRequest(), &ignored);
    response->set_service("front");
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(status);
    return reactor;
  }
  std::string seen;

 private:
  std::unique_ptr<kiosk::media::v1::MediaService::Stub> stub_;
};

std::unique_ptr<grpc::Server> StartServer(grpc::Service* service, int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), port);
  builder.RegisterService(service);
  builder.experimental().SetInterceptorCreators(RequestContextInterceptors());
  return builder.BuildAndStart();
}

class RequestContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::Init("kiosk-test", log::Level::kInfo);
    log::SetSinkForTesting([this](absl::string_view line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      logs_ += std::string(line);
    });
    int down_port = 0;
    down_server_ = StartServer(&downstream_, &down_port);
    ASSERT_NE(down_server_, nullptr);
    front_ = std::make_unique<Front>(grpc::CreateChannel("127.0.0.1:" + std::to_string(down_port),
                                                         grpc::InsecureChannelCredentials()));
    int front_port = 0;
    front_server_ = StartServer(front_.get(), &front_port);
    ASSERT_NE(front_server_, nullptr);
    stub_ = kiosk::users::v1::UsersService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(front_port), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    front_server_->Shutdown();
    down_server_->Shutdown();
    log::SetSinkForTesting(nullptr);
  }
  std::string Logs() {
    std::lock_guard<std::mutex> lock(log_mu_);
    return logs_;
  }

  Downstream downstream_;
  std::unique_ptr<Front> front_;
  std::unique_ptr<grpc::Server> down_server_, front_server_;
  std::unique_ptr<kiosk::users::v1::UsersService::Stub> stub_;
  std::mutex log_mu_;
  std::string logs_;
};

TEST_F(RequestContextTest, CallerIdIsKeptEchoedPropagatedAndLogged) {
  grpc::ClientContext ctx;
  ctx.AddMetadata("x-request-id", "req-123");
  ctx.AddMetadata("authorization", "Bearer abc.def.ghi");
  ServiceInfo response;
  ASSERT_TRUE(stub_->GetServiceInfo(&ctx, GetServiceInfoRequest(), &response).ok());
  EXPECT_EQ(front_->seen, "req-123");
  {
    std::lock_guard<std::mutex> lock(downstream_.mu);
    EXPECT_EQ(downstream_.seen, "req-123");
    EXPECT_EQ(downstream_.authorization, "Bearer abc.def.ghi");  // the caller travels on
  }
  auto echoed = ctx.GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(echoed, ctx.GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "req-123");
  EXPECT_THAT(Logs(), HasSubstr("event=rpc method=/kiosk.users.v1.UsersService/GetServiceInfo "
                                "code=OK"));
  EXPECT_THAT(Logs(), HasSubstr("request_id=req-123"));
}

TEST_F(RequestContextTest, MissingOrHostileIdIsReplacedByAGeneratedOne) {
  for (const char* bad : {"", "has space", "quote\"d", "semi;colon"}) {
    grpc::ClientContext ctx;
    if (*bad != '\0') ctx.AddMetadata("x-request-id", bad);
    ServiceInfo response;
    ASSERT_TRUE(stub_->GetServiceInfo(&ctx, GetServiceInfoRequest(), &response).ok());
    EXPECT_EQ(front_->seen.size(), 32u) << front_->seen;
    EXPECT_TRUE(IsAcceptableRequestId(front_->seen));
    std::lock_guard<std::mutex> lock(downstream_.mu);
    EXPECT_EQ(downstream_.seen, front_->seen);
  }
}

TEST(RequestIdTest, GeneratedIdsAreUniqueHex) {
  std::string a = NewRequestId(), b = NewRequestId();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(RequestIdTest, AcceptsOnlyShortPrintableIds) {
  EXPECT_TRUE(IsAcceptableRequestId("3f2a-01:b.c_d"));
  EXPECT_FALSE(IsAcceptableRequestId(""));
  EXPECT_FALSE(IsAcceptableRequestId(std::string(129, 'a')));
  EXPECT_FALSE(IsAcceptableRequestId("a b"));
  EXPECT_FALSE(IsAcceptableRequestId("a\"b"));
}

TEST(OutboundContextTest, SetsADeadline) {
  std::unique_ptr<grpc::ClientContext> ctx = OutboundContext(nullptr, absl::Seconds(3));
  auto left = ctx->deadline() - std::chrono::system_clock::now();
  EXPECT_GT(left, std::chrono::seconds(2));
  EXPECT_LE(left, std::chrono::seconds(3));
}

}  // namespace
}  // namespace kiosk::server
