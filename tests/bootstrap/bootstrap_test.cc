// The service bootstrap, tested through the real binaries: start on port 0,
// health SERVING, reflection lists and describes the service, NOT_SERVING
// while PostgreSQL is stopped (liveness still SERVING) and SERVING again
// after, exit 0 on SIGTERM;
// bad configuration exits 2 with one line naming the variable.
#include <gmock/gmock.h>
#include <google/protobuf/descriptor.pb.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <future>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/jwt.h"
#include "common/testing/pg_cluster.h"
#include "common/testing/subprocess.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "kiosk/plex/v1/plex_service.grpc.pb.h"
#include "kiosk/users/v1/users_service.grpc.pb.h"

namespace kiosk {
namespace {

using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::kiosk::testing::PgCluster;
using ::kiosk::testing::Subprocess;
using ::testing::Contains;
using ::testing::HasSubstr;

struct Binary {
  std::string name;
  std::string grpc_service;
  friend void PrintTo(const Binary& b, std::ostream* os) { *os << b.name; }
};

std::string BinPath(const std::string& name) { return absl::StrCat(KIOSK_BIN_DIR, "/", name); }

HealthCheckResponse::ServingStatus Health(grpc::health::v1::Health::Stub& stub,
                                          const std::string& service) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  if (!stub.Check(&ctx, request, &response).ok()) return HealthCheckResponse::UNKNOWN;
  return response.status();
}

bool WaitForHealth(grpc::health::v1::Health::Stub& stub, const std::string& service,
                   HealthCheckResponse::ServingStatus want, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (Health(stub, service) == want) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

std::vector<std::string> ReflectedServices(const std::shared_ptr<grpc::Channel>& channel,
                                           google::protobuf::FileDescriptorProto* describe_file) {
  auto stub = grpc::reflection::v1alpha::ServerReflection::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto stream = stub->ServerReflectionInfo(&ctx);
  grpc::reflection::v1alpha::ServerReflectionRequest list;
  list.set_list_services("");
  stream->Write(list);
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  std::vector<std::string> names;
  if (stream->Read(&response)) {
    for (const auto& service : response.list_services_response().service()) {
      names.push_back(service.name());
    }
  }
  // "describe": the file that defines the first kiosk service.
  for (const std::string& name : names) {
    if (name.rfind("kiosk.", 0) != 0) continue;
    grpc::reflection::v1alpha::ServerReflectionRequest describe;
    describe.set_file_containing_symbol(name);
    stream->Write(describe);
    if (stream->Read(&response) &&
        response.file_descriptor_response().file_descriptor_proto_size() > 0) {
      describe_file->ParseFromString(response.file_descriptor_response().file_descriptor_proto(0));
    }
    break;
  }
  stream->WritesDone();
  stream->Finish().IgnoreError();
  return names;
}

class BootstrapTest : public ::testing::TestWithParam<Binary> {};

TEST_P(BootstrapTest, ServesHealthAndReflectionFollowsTheDatabaseAndStopsCleanly) {
  const Binary& binary = GetParam();
  absl::StatusOr<std::unique_ptr<PgCluster>> cluster = PgCluster::Create();
  ASSERT_TRUE(cluster.ok()) << cluster.status();

  absl::StatusOr<Subprocess> proc =
      Subprocess::Start({BinPath(binary.name)}, {{"LISTEN_ADDR", "127.0.0.1:0"},
                                                 {"DATABASE_URL", (*cluster)->url().ToConnString()},
                                                 {"DB_HEALTH_INTERVAL", "0.2"},
                                                 {"SHUTDOWN_GRACE", "5"}});
  ASSERT_TRUE(proc.ok()) << proc.status();
  int port = testing::WaitForListeningPort(*proc);
  ASSERT_GT(port, 0) << proc->Output();

  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  EXPECT_TRUE(WaitForHealth(*health, "", HealthCheckResponse::SERVING, absl::Seconds(10)))
      << proc->Output();
  EXPECT_EQ(Health(*health, binary.grpc_service), HealthCheckResponse::SERVING);

  google::protobuf::FileDescriptorProto file;
  std::vector<std::string> services = ReflectedServices(channel, &file);
  EXPECT_THAT(services, Contains(binary.grpc_service));
  EXPECT_THAT(services, Contains("grpc.health.v1.Health"));
  EXPECT_THAT(services, Contains("grpc.reflection.v1alpha.ServerReflection"));
  // describe: the service's file, with its methods.
  EXPECT_EQ(file.package(), binary.grpc_service.substr(0, binary.grpc_service.rfind('.')));
  ASSERT_EQ(file.service_size(), 1) << file.DebugString();
  EXPECT_EQ(file.service(0).method(0).name(), "GetServiceInfo");

  // The database goes away: the replica says so, and comes back by itself.
  ASSERT_TRUE((*cluster)->Stop().ok());
  EXPECT_TRUE(WaitForHealth(*health, "", HealthCheckResponse::NOT_SERVING, absl::Seconds(5)))
      << proc->Output();
  EXPECT_EQ(Health(*health, binary.grpc_service), HealthCheckResponse::NOT_SERVING);
  // Liveness does not follow the database: Kubernetes must not restart pods
  // because PostgreSQL is down.
  EXPECT_EQ(Health(*health, "liveness"), HealthCheckResponse::SERVING);
  ASSERT_TRUE((*cluster)->Start().ok());
  EXPECT_TRUE(WaitForHealth(*health, "", HealthCheckResponse::SERVING, absl::Seconds(5)))
      << proc->Output();

  proc->Signal(SIGTERM);
  std::optional<int> code = proc->Wait(absl::Seconds(15));
  ASSERT_TRUE(code.has_value()) << "no exit within 15 s after SIGTERM\n" << proc->Output();
  EXPECT_EQ(*code, 0) << proc->Output();
  EXPECT_THAT(proc->Output(), HasSubstr("event=shutting_down signal=SIGTERM"));
  EXPECT_THAT(proc->Output(), HasSubstr("event=stopped"));
}

INSTANTIATE_TEST_SUITE_P(AllServices, BootstrapTest,
                         ::testing::Values(Binary{"kiosk-users", "kiosk.users.v1.UsersService"},
                                           Binary{"kiosk-media", "kiosk.media.v1.MediaService"},
                                           Binary{"kiosk-downloads",
                                                  "kiosk.downloads.v1.DownloadsService"},
                                           Binary{"kiosk-plex", "kiosk.plex.v1.PlexService"}),
                         [](const ::testing::TestParamInfo<Binary>& info) {
                           std::string name = info.param.name.substr(6);  // drop "kiosk-"
                           return name;
                         });

constexpr char kSecret[] = "bootstrap-test-secret-0123456789abcdef";

std::string Token(const std::string& role) {
  absl::Time now = absl::Now();
  return "Bearer " + auth::JwtCodec(kSecret).Sign({.user_id = 1,
                                                   .role = role,
                                                   .must_change_password = false,
                                                   .token_id = "bootstrap",
                                                   .issued_at = now,
                                                   .expires_at = now + absl::Minutes(5),
                                                   .service = ""});
}

// Every service checks the caller on its RPCs: no token, no answer; a user
// token is not enough for an admin call; an admin gets the description.
TEST(ServiceInfoTest, NeedsAnAdminTokenAndReportsVersionAndDatabase) {
  absl::StatusOr<std::unique_ptr<PgCluster>> cluster = PgCluster::Create();
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  absl::StatusOr<Subprocess> proc = Subprocess::Start(
      {BinPath("kiosk-plex")}, {{"LISTEN_ADDR", "127.0.0.1:0"},
                                {"SECRET_KEY", kSecret},
                                {"DATABASE_URL", (*cluster)->url().ToConnString()}});
  ASSERT_TRUE(proc.ok());
  const int port = testing::WaitForListeningPort(*proc);
  ASSERT_GT(port, 0) << proc->Output();
  auto stub = kiosk::plex::v1::PlexService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  auto call = [&](const std::string& authorization, kiosk::common::v1::ServiceInfo* info) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("x-request-id", "bootstrap-test-1");
    if (!authorization.empty()) ctx.AddMetadata("authorization", authorization);
    return stub->GetServiceInfo(&ctx, {}, info);
  };
  kiosk::common::v1::ServiceInfo info;
  EXPECT_EQ(call("", &info).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(call("Bearer not-a-token", &info).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(call(Token("user"), &info).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status status = call(Token("admin"), &info);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(info.service(), "kiosk-plex");
  EXPECT_EQ(info.environment(), "development");
  EXPECT_TRUE(info.database().reachable()) << info.database().error();
  EXPECT_THAT(info.database().target(), ::testing::Not(HasSubstr((*cluster)->url().password)));
  EXPECT_GE(info.database().pool_open(), 1);
  EXPECT_TRUE(proc->WaitForOutput("request_id=bootstrap-test-1", absl::Seconds(5)).has_value())
      << proc->Output();
}

// A running service with a private cluster, for the shutdown tests.
struct RunningService {
  std::unique_ptr<PgCluster> cluster;
  std::optional<Subprocess> proc;
  std::unique_ptr<kiosk::users::v1::UsersService::Stub> stub;
};

void StartUsers(const std::string& grace, RunningService* out) {
  absl::StatusOr<std::unique_ptr<PgCluster>> cluster = PgCluster::Create();
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  out->cluster = *std::move(cluster);
  absl::StatusOr<Subprocess> proc = Subprocess::Start(
      {BinPath("kiosk-users")}, {{"LISTEN_ADDR", "127.0.0.1:0"},
                                 {"DATABASE_URL", out->cluster->url().ToConnString()},
                                 {"SECRET_KEY", kSecret},
                                 {"SHUTDOWN_GRACE", grace}});
  ASSERT_TRUE(proc.ok()) << proc.status();
  out->proc.emplace(*std::move(proc));
  std::optional<std::string> listening =
      out->proc->WaitForOutput("event=database_reachable", absl::Seconds(20));
  ASSERT_TRUE(listening.has_value()) << out->proc->Output();
  int port = testing::WaitForListeningPort(*out->proc, absl::Seconds(1));
  out->stub = kiosk::users::v1::UsersService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
}

// Starts GetServiceInfo on another thread; it blocks while the database is frozen.
std::future<grpc::Status> CallInBackground(kiosk::users::v1::UsersService::Stub* stub) {
  return std::async(std::launch::async, [stub] {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", Token("admin"));
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    kiosk::common::v1::ServiceInfo info;
    return stub->GetServiceInfo(&ctx, {}, &info);
  });
}

TEST(GracefulShutdownTest, InFlightCallFinishesBeforeTheProcessExits) {
  RunningService svc;
  ASSERT_NO_FATAL_FAILURE(StartUsers("10", &svc));
  ASSERT_TRUE(svc.cluster->Freeze().ok());
  std::future<grpc::Status> call = CallInBackground(svc.stub.get());
  absl::SleepFor(absl::Milliseconds(500));  // the call is now waiting on the database
  svc.proc->Signal(SIGTERM);
  absl::SleepFor(absl::Milliseconds(1000));
  EXPECT_FALSE(svc.proc->Wait(absl::ZeroDuration()).has_value()) << "exited with a call in flight";
  ASSERT_TRUE(svc.cluster->Thaw().ok());
  grpc::Status status = call.get();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(svc.proc->Wait(absl::Seconds(10)), 0) << svc.proc->Output();
  EXPECT_THAT(svc.proc->Output(), HasSubstr("event=stopped\n"));
}

TEST(GracefulShutdownTest, ACallStuckPastTheGraceIsCancelledAndTheProcessStillExits) {
  RunningService svc;
  ASSERT_NO_FATAL_FAILURE(StartUsers("1", &svc));
  ASSERT_TRUE(svc.cluster->Freeze().ok());
  std::future<grpc::Status> call = CallInBackground(svc.stub.get());
  absl::SleepFor(absl::Milliseconds(300));
  absl::Time signalled = absl::Now();
  svc.proc->Signal(SIGTERM);
  std::optional<int> code = svc.proc->Wait(absl::Seconds(10));
  absl::Duration took = absl::Now() - signalled;
  ASSERT_TRUE(svc.cluster->Thaw().ok());
  ASSERT_TRUE(code.has_value()) << "still running 10 s after SIGTERM\n" << svc.proc->Output();
  EXPECT_EQ(*code, 0) << svc.proc->Output();
  EXPECT_LT(took, absl::Seconds(5));  // 1 s grace + 1 s linger, not the frozen database's time
  EXPECT_FALSE(call.get().ok());
  EXPECT_THAT(svc.proc->Output(), HasSubstr("abandoned="));
}

TEST(ConfigErrorTest, BadConfigurationExitsTwoWithOneLineNamingTheVariable) {
  absl::StatusOr<Subprocess> proc =
      Subprocess::Start({BinPath("kiosk-media")}, {{"DB_POOL_SIZE", "lots"}});
  ASSERT_TRUE(proc.ok());
  std::optional<int> code = proc->Wait(absl::Seconds(10));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);
  EXPECT_EQ(proc->Output(),
            "kiosk-media: configuration error: DB_POOL_SIZE must be a whole number from 1 to "
            "1000, got \"lots\"\n");
}

TEST(ConfigErrorTest, ProductionRefusesTheDefaultSecret) {
  absl::StatusOr<Subprocess> proc = Subprocess::Start(
      {BinPath("kiosk-users")},
      {{"KIOSK_ENV", "production"}, {"DATABASE_URL", "postgresql://u:p@h/d"}, {"SECRET_KEY", ""}});
  ASSERT_TRUE(proc.ok());
  EXPECT_EQ(proc->Wait(absl::Seconds(10)), 2);
  EXPECT_THAT(proc->Output(), HasSubstr("SECRET_KEY must be set in production"));
}

TEST(HelpTest, HelpListsTheSettingsAndExitsZero) {
  absl::StatusOr<Subprocess> proc = Subprocess::Start({BinPath("kiosk-plex"), "--help"}, {});
  ASSERT_TRUE(proc.ok());
  EXPECT_EQ(proc->Wait(absl::Seconds(10)), 0);
  EXPECT_THAT(proc->Output(), HasSubstr("DATABASE_URL"));
  EXPECT_THAT(proc->Output(), HasSubstr("--listen-addr"));
  EXPECT_THAT(proc->Output(), HasSubstr("127.0.0.1:50054"));
}

}  // namespace
}  // namespace kiosk
