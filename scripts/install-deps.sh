#!/usr/bin/env bash
# Installs the Debian 12 packages plex-kiosk needs to build, run and test.
# Idempotent: only packages that are missing are installed, so a second run
# touches nothing and needs no network. As non-root it prints the apt line and stops.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  libabsl-dev libssl-dev libpqxx-dev libpq-dev postgresql-15
  libgtest-dev libgmock-dev libbenchmark-dev
  libargon2-dev libboost1.81-dev libcurl4-openssl-dev nlohmann-json3-dev
  libsqlite3-dev tzdata curl
  # Torznab indexer answers (XML)
  libpugixml-dev
  # tests: argon2-cffi checks that our Argon2id hashes verify in Python
  python3 python3-argon2
  # tests: gRPC calls with server reflection, as grpcurl would make them
  python3-grpcio python3-protobuf
  # benchmarks: HTTP load (gateway) and h2 load (direct gRPC)
  wrk nghttp2-client
)
# tests: the OpenAPI validator runs on Node.js (npm packages in tests/openapi);
# Debian's nodejs only where the machine has no node of its own.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi
# tests: the deployment files are validated offline with `kubectl kustomize`
# and `docker-compose config` (neither needs a cluster or a container engine);
# Debian's kubectl only where the machine has none of its own.
PACKAGES+=(docker-compose)
# tests: the kiosk page is driven in Debian's Chromium (npm puppeteer-core).
PACKAGES+=(chromium fonts-dejavu-core)
if ! command -v kubectl >/dev/null 2>&1; then
  PACKAGES+=(kubernetes-client)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

apt_line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
  echo "plex-kiosk needs these Debian packages, and installing them needs root. Run:" >&2
  echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive $apt_line" >&2
  exit 1
fi

echo "installing ${#missing[@]} Debian package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "packages installed"
