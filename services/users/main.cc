// kiosk-users: wiring only; see common/server/service_main.h for the lifecycle.
#include "common/server/service_main.h"
#include "services/users/users_service.h"

int main(int argc, char** argv) {
  using kiosk::users::v1::UsersService;
  return kiosk::server::RunServiceMain(
      argc, argv,
      {.binary = "kiosk-users",
       .summary = "accounts, authentication, roles and system settings",
       .default_listen_addr = "127.0.0.1:50051",
       .grpc_services = {UsersService::service_full_name()},
       .extra_settings = {}},
      [](kiosk::server::ServiceEnv& env) {
        return kiosk::server::ServiceList(
            std::make_unique<kiosk::users::UsersServiceImpl>(env.executor, env.info));
      });
}
