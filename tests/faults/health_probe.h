// grpc.health.v1 Check of one service, as a load balancer or Kubernetes sees it.
#ifndef KIOSK_TESTS_FAULTS_HEALTH_PROBE_H_
#define KIOSK_TESTS_FAULTS_HEALTH_PROBE_H_

#include <string>

namespace kiosk::testing {

enum class Health { kServing, kNotServing, kUnreachable };

// Overall health ("" service) of the server at host:port; 1 s deadline.
Health CheckHealth(const std::string& address);
const char* HealthName(Health health);

}  // namespace kiosk::testing

#endif  // KIOSK_TESTS_FAULTS_HEALTH_PROBE_H_
