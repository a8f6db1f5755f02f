// The gateway in-process in front of a fake Bookstore (the test-only API in
// testdata/test_service.proto) on real sockets: HTTP in, gRPC to the fake,
// which records what it received and answers as told.
#ifndef KIOSK_GATEWAY_GATEWAY_TEST_FIXTURE_H_
#define KIOSK_GATEWAY_GATEWAY_TEST_FIXTURE_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "gateway/gateway.h"
#include "testdata/test_service.grpc.pb.h"

namespace kiosk::gateway::testing {

// Records every call (method, request in text format, metadata) and answers
// the canned reply, or `fail_with` when set.
class FakeBookstore final : public kiosk::gatewaytest::v1::Bookstore::CallbackService {
 public:
  struct Call {
    std::string method;
    std::string request;  // text format
    std::multimap<std::string, std::string> metadata;
  };
  std::optional<Call> last_call();
  void FailWith(grpc::Status status, std::optional<int> retry_after = std::nullopt);
  void Delay(absl::Duration delay);

#define KIOSK_FAKE_RPC(Method, Request, Reply)                                               \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* ctx, const Request* request, \
                                   Reply* reply) override;
  KIOSK_FAKE_RPC(ListShelves, gatewaytest::v1::ListShelvesRequest,
                 gatewaytest::v1::ListShelvesResponse)
  KIOSK_FAKE_RPC(CreateShelf, gatewaytest::v1::Shelf, gatewaytest::v1::Shelf)
  KIOSK_FAKE_RPC(GetShelf, gatewaytest::v1::GetShelfRequest, gatewaytest::v1::Shelf)
  KIOSK_FAKE_RPC(CreateBook, gatewaytest::v1::CreateBookRequest, gatewaytest::v1::Book)
  KIOSK_FAKE_RPC(UpdateBook, gatewaytest::v1::UpdateBookRequest, gatewaytest::v1::Book)
  KIOSK_FAKE_RPC(GetBookByName, gatewaytest::v1::GetBookByNameRequest, gatewaytest::v1::Book)
  KIOSK_FAKE_RPC(DeleteBook, gatewaytest::v1::DeleteBookRequest, google::protobuf::Empty)
  KIOSK_FAKE_RPC(PutBook, gatewaytest::v1::PutBookRequest, gatewaytest::v1::Book)
  KIOSK_FAKE_RPC(CountBooks, gatewaytest::v1::CountBooksRequest,
                 gatewaytest::v1::CountBooksResponse)
  KIOSK_FAKE_RPC(GetFile, gatewaytest::v1::GetFileRequest, gatewaytest::v1::GetFileResponse)
  KIOSK_FAKE_RPC(Echo, gatewaytest::v1::EchoMessage, gatewaytest::v1::EchoMessage)
#undef KIOSK_FAKE_RPC

 private:
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* ctx, const char* method,
                                  const google::protobuf::Message& request,
                                  const std::function<void()>& answer);
  std::mutex mu_;
  std::optional<Call> last_call_;
  std::optional<grpc::Status> fail_with_;
  std::optional<int> retry_after_;
  absl::Duration delay_ = absl::ZeroDuration();
};

struct GatewayUnderTest {
  int max_body_bytes = 64 * 1024;
  absl::Duration upstream_deadline = absl::Seconds(10);
  std::set<std::string> cors_origins = {"https://kiosk.example"};
  // Upstream address; empty = the fake.
  std::string upstream_override;
  // Proxies whose X-Forwarded-For is believed ("" = nobody).
  std::string trusted_proxies;
};

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(GatewayUnderTest{}); }
  void TearDown() override;
  void Start(const GatewayUnderTest& options);
  void Restart(const GatewayUnderTest& options) {
    TearDown();
    Start(options);
  }

  int port() const { return http_->port(); }

  FakeBookstore fake_;
  std::unique_ptr<grpc::Server> grpc_server_;
  int grpc_port_ = 0;
  google::protobuf::DescriptorPool pool_;
  std::unique_ptr<RouteTable> routes_;
  std::unique_ptr<Transcoder> transcoder_;
  std::unique_ptr<GatewayMetrics> metrics_;
  std::unique_ptr<Upstreams> upstreams_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<HttpServer> http_;
};

}  // namespace kiosk::gateway::testing

#endif  // KIOSK_GATEWAY_GATEWAY_TEST_FIXTURE_H_
