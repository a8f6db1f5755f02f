# All dependencies come from Debian 12 packages (see scripts/install-deps.sh).
# Never FetchContent or vendor protobuf, gRPC or Abseil: libgrpc++ is tied to
# the system libprotobuf and libabsl.
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)           # CMake's FindProtobuf (Debian ships no protobuf config)
find_package(gRPC CONFIG REQUIRED)        # gRPC::grpc++, gRPC::grpc++_reflection, gRPC::grpc_cpp_plugin
find_package(absl CONFIG REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(GTest CONFIG REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
include(GoogleTest)
find_package(nlohmann_json 3 CONFIG REQUIRED)
pkg_check_modules(ARGON2 REQUIRED IMPORTED_TARGET libargon2)
# The gateway's HTTP server: Beast and Asio, header-only. Never the
# unversioned libboost-dev (1.74), which conflicts with libboost1.81-dev.
find_package(Boost 1.81 CONFIG REQUIRED)
