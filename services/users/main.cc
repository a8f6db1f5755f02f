// kiosk-users: wiring only; see common/server/service_main.h for the lifecycle.
#include "common/server/service_main.h"
#include "services/users/users_service.h"

int main(int argc, char** argv) {
  kiosk::server::ServiceSpec spec{
      .binary = "kiosk-users",
      .summary = "accounts, authentication, roles and system settings",
      .default_listen_addr = "127.0.0.1:50051",
      .grpc_services = {kiosk::users::v1::UsersService::service_full_name()},
      .extra_settings = {},
  };
  return kiosk::server::RunServiceMain(
      argc, argv, spec,
      [](kiosk::server::ServiceEnv& env)
          -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
        std::vector<std::unique_ptr<grpc::Service>> services;
        services.push_back(
            std::make_unique<kiosk::users::UsersServiceImpl>(env.executor, env.info));
        return services;
      });
}
