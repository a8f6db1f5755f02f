#include "gateway/gateway_test_fixture.h"

#include <google/protobuf/text_format.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/descriptor_set.h"
#include "gateway/testing/http_test_client.h"

namespace kiosk::gateway::testing {

namespace v1 = ::kiosk::gatewaytest::v1;

std::optional<FakeBookstore::Call> FakeBookstore::last_call() {
  std::lock_guard<std::mutex> lock(mu_);
  return last_call_;
}

void FakeBookstore::FailWith(grpc::Status status, std::optional<int> retry_after) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_with_ = std::move(status);
  retry_after_ = retry_after;
}

void FakeBookstore::Delay(absl::Duration delay) {
  std::lock_guard<std::mutex> lock(mu_);
  delay_ = delay;
}

grpc::ServerUnaryReactor* FakeBookstore::Serve(grpc::CallbackServerContext* ctx, const char* method,
                                               const google::protobuf::Message& request,
                                               const std::function<void()>& answer) {
  Call call;
  call.method = method;
  google::protobuf::TextFormat::Printer printer;
  printer.SetSingleLineMode(true);
  printer.PrintToString(request, &call.request);
  for (const auto& [key, value] : ctx->client_metadata()) {
    call.metadata.emplace(std::string(key.data(), key.size()),
                          std::string(value.data(), value.size()));
  }
  std::optional<grpc::Status> fail;
  std::optional<int> retry_after;
  absl::Duration delay;
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_call_ = std::move(call);
    fail = fail_with_;
    retry_after = retry_after_;
    delay = delay_;
  }
  if (delay > absl::ZeroDuration()) absl::SleepFor(delay);
  auto* reactor = ctx->DefaultReactor();
  if (retry_after) ctx->AddTrailingMetadata("retry-after", absl::StrCat(*retry_after));
  if (fail) {
    reactor->Finish(*fail);
  } else {
    answer();
    reactor->Finish(grpc::Status::OK);
  }
  return reactor;
}

grpc::ServerUnaryReactor* FakeBookstore::ListShelves(grpc::CallbackServerContext* ctx,
                                                     const v1::ListShelvesRequest* request,
                                                     v1::ListShelvesResponse* reply) {
  return Serve(ctx, "ListShelves", *request, [reply] {
    v1::Shelf* shelf = reply->add_shelves();
    shelf->set_id(1);
    shelf->set_theme("romans");
    reply->add_shelves()->set_id(2);
  });
}
grpc::ServerUnaryReactor* FakeBookstore::CreateShelf(grpc::CallbackServerContext* ctx,
                                                     const v1::Shelf* request, v1::Shelf* reply) {
  return Serve(ctx, "CreateShelf", *request, [=] { *reply = *request; });
}
grpc::ServerUnaryReactor* FakeBookstore::GetShelf(grpc::CallbackServerContext* ctx,
                                                  const v1::GetShelfRequest* request,
                                                  v1::Shelf* reply) {
  return Serve(ctx, "GetShelf", *request, [=] { reply->set_id(request->shelf()); });
}
grpc::ServerUnaryReactor* FakeBookstore::CreateBook(grpc::CallbackServerContext* ctx,
                                                    const v1::CreateBookRequest* request,
                                                    v1::Book* reply) {
  return Serve(ctx, "CreateBook", *request, [=] {
    *reply = request->book();
    reply->set_shelf(request->shelf());
  });
}
grpc::ServerUnaryReactor* FakeBookstore::UpdateBook(grpc::CallbackServerContext* ctx,
                                                    const v1::UpdateBookRequest* request,
                                                    v1::Book* reply) {
  return Serve(ctx, "UpdateBook", *request, [=] { *reply = request->book(); });
}
grpc::ServerUnaryReactor* FakeBookstore::GetBookByName(grpc::CallbackServerContext* ctx,
                                                       const v1::GetBookByNameRequest* request,
                                                       v1::Book* reply) {
  return Serve(ctx, "GetBookByName", *request, [=] { reply->set_title(request->name()); });
}
grpc::ServerUnaryReactor* FakeBookstore::DeleteBook(grpc::CallbackServerContext* ctx,
                                                    const v1::DeleteBookRequest* request,
                                                    google::protobuf::Empty*) {
  return Serve(ctx, "DeleteBook", *request, [] {});
}
grpc::ServerUnaryReactor* FakeBookstore::PutBook(grpc::CallbackServerContext* ctx,
                                                 const v1::PutBookRequest* request,
                                                 v1::Book* reply) {
  return Serve(ctx, "PutBook", *request, [=] {
    reply->set_id(request->id());
    reply->set_title(request->title());
    reply->set_genre(request->genre());
  });
}
grpc::ServerUnaryReactor* FakeBookstore::CountBooks(grpc::CallbackServerContext* ctx,
                                                    const v1::CountBooksRequest* request,
                                                    v1::CountBooksResponse* reply) {
  return Serve(ctx, "CountBooks", *request, [=] {
    reply->set_count(42);
    reply->set_note("not in the answer");
  });
}
grpc::ServerUnaryReactor* FakeBookstore::GetFile(grpc::CallbackServerContext* ctx,
                                                 const v1::GetFileRequest* request,
                                                 v1::GetFileResponse* reply) {
  return Serve(ctx, "GetFile", *request, [=] { reply->set_path(request->path()); });
}
grpc::ServerUnaryReactor* FakeBookstore::Echo(grpc::CallbackServerContext* ctx,
                                              const v1::EchoMessage* request,
                                              v1::EchoMessage* reply) {
  return Serve(ctx, "Echo", *request, [=] { *reply = *request; });
}

void GatewayTest::Start(const GatewayUnderTest& options) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &grpc_port_);
  builder.RegisterService(&fake_);
  grpc_server_ = builder.BuildAndStart();
  ASSERT_NE(grpc_server_, nullptr);
  // As the kiosk services do: health per service name, which /readyz asks.
  grpc_server_->GetHealthCheckService()->SetServingStatus("kiosk.gatewaytest.v1.Bookstore", true);

  if (routes_ == nullptr) {
    std::ifstream file(KIOSK_GATEWAY_TEST_DESCRIPTOR_SET, std::ios::binary);
    std::stringstream bytes;
    bytes << file.rdbuf();
    absl::StatusOr<std::vector<const google::protobuf::ServiceDescriptor*>> services =
        LoadServices(bytes.str(), "kiosk.gatewaytest.", &pool_);
    ASSERT_TRUE(services.ok()) << services.status();
    absl::StatusOr<RouteTable> routes = RouteTable::Build(*services);
    ASSERT_TRUE(routes.ok()) << routes.status();
    routes_ = std::make_unique<RouteTable>(*std::move(routes));
    transcoder_ = std::make_unique<Transcoder>(pool_);
  }
  std::vector<std::string> names;
  for (const Route& route : routes_->routes()) {
    names.push_back(absl::StrCat(route.http_method, " ", route.path.text()));
  }
  metrics_ = std::make_unique<GatewayMetrics>(names);
  std::string address = options.upstream_override.empty() ? absl::StrCat("127.0.0.1:", grpc_port_)
                                                          : options.upstream_override;
  upstreams_ = std::make_unique<Upstreams>(
      std::map<std::string, std::string>{{"kiosk.gatewaytest.v1.Bookstore", address}},
      UpstreamOptions{.deadline = options.upstream_deadline,
                      .health_interval = absl::Milliseconds(100)});
  gateway_ = std::make_unique<Gateway>(*routes_, *transcoder_, *upstreams_, *metrics_,
                                       GatewayOptions{.cors_origins = options.cors_origins,
                                                      .openapi_json = R"({"openapi":"3.0.3"})",
                                                      .trusted_proxies = *net::TrustedProxies::Parse(
                                                          options.trusted_proxies)});
  HttpServerOptions http;
  http.host = "127.0.0.1";
  http.port = 0;
  http.max_body_bytes = static_cast<size_t>(options.max_body_bytes);
  http.error_response = &Gateway::ErrorResponse;
  http_ = std::make_unique<HttpServer>(http, [this](HttpRequest request, Responder respond) {
    gateway_->Handle(std::move(request), std::move(respond));
  });
  ASSERT_TRUE(http_->Start().ok());
  // Tests start once the gateway has seen the fake SERVING: its channel is
  // connected, so a first call on a loaded machine is no race with connecting.
  if (options.upstream_override.empty()) {
    int ready = 0;
    for (int i = 0; i < 200 && ready != 200; ++i) {
      ready = HttpCall(http_->port(), "GET", "/readyz").status;
      if (ready != 200) absl::SleepFor(absl::Milliseconds(50));
    }
    ASSERT_EQ(ready, 200) << "the gateway never saw the fake Bookstore SERVING";
  }
}

void GatewayTest::TearDown() {
  if (http_) http_->Shutdown(absl::Seconds(5));
  http_.reset();
  gateway_.reset();
  upstreams_.reset();
  metrics_.reset();
  if (grpc_server_) grpc_server_->Shutdown(std::chrono::system_clock::now());
  grpc_server_.reset();
}

}  // namespace kiosk::gateway::testing
