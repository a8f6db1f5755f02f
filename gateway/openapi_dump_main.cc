// Writes the OpenAPI document of a descriptor set to a file, for the
// validation test (tests/openapi/run_validation.sh):
//
//   gateway_openapi_dump <descriptor_set.pb> <out.json> [public rpc path...]
#include <google/protobuf/descriptor.h>

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "gateway/openapi.h"
#include "gateway/openapi_testing.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: " << argv[0] << " <descriptor_set.pb> <out.json> [public rpc path...]\n";
    return 2;
  }
  google::protobuf::DescriptorPool pool;
  auto files = kiosk::gateway::LoadDescriptorSet(argv[1], pool);
  if (!files.ok()) {
    std::cerr << files.status() << "\n";
    return 1;
  }
  auto routes = kiosk::gateway::RoutesOfFiles(*files);
  if (!routes.ok()) {
    std::cerr << routes.status() << "\n";
    return 1;
  }
  kiosk::gateway::OpenApiInfo info;
  info.version = KIOSK_VERSION;
  for (int i = 3; i < argc; ++i) info.public_rpcs.insert(argv[i]);
  std::ofstream out(argv[2]);
  out << kiosk::gateway::BuildOpenApiDocument(*routes, info) << "\n";
  if (!out) {
    std::cerr << "cannot write " << argv[2] << "\n";
    return 1;
  }
  std::cout << argv[2] << ": " << routes->size() << " routes\n";
  return 0;
}
