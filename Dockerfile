# syntax=docker/dockerfile:1
# plex-kiosk images, one target per binary, all from one build stage:
#
#   docker build --target kiosk-gateway -t plex-kiosk/kiosk-gateway:1.0.0 .
#   (targets: kiosk-gateway kiosk-users kiosk-media kiosk-downloads kiosk-plex kiosk-migrate)
#
# The build stage has the Debian 12 packages of scripts/install-deps.sh that
# compiling needs; the runtime stage only the shared libraries the binaries
# load, a non-root user (uid 10001) and kiosk-healthcheck, which the
# HEALTHCHECKs use (no curl, no compiler, no package lists in the image).
# Secrets come from the environment at run time, never from the image.

ARG DEBIAN_IMAGE=debian:12-slim

FROM ${DEBIAN_IMAGE} AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto \
      libabsl-dev libssl-dev libpqxx-dev libpq-dev \
      libgtest-dev libgmock-dev libbenchmark-dev \
      libargon2-dev libboost1.81-dev libcurl4-openssl-dev nlohmann-json3-dev libsqlite3-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release \
 && cmake --build /build --target \
      kiosk-gateway kiosk-users kiosk-media kiosk-downloads kiosk-plex kiosk-migrate kiosk-healthcheck \
 && mkdir -p /out \
 && cp /build/bin/kiosk-gateway /build/bin/kiosk-users /build/bin/kiosk-media \
       /build/bin/kiosk-downloads /build/bin/kiosk-plex /build/bin/kiosk-migrate \
       /build/bin/kiosk-healthcheck /out/ \
 && strip /out/*

FROM ${DEBIAN_IMAGE} AS runtime
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates tzdata \
      libabsl20220623 libargon2-1 libcurl4 libgrpc++1.51 libprotobuf32 \
      libpq5 libpqxx-6.4 libssl3 libsqlite3-0 \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \
 && groupadd --system --gid 10001 kiosk \
 && useradd --system --uid 10001 --gid kiosk --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin kiosk
COPY --from=build /out/kiosk-healthcheck /usr/local/bin/kiosk-healthcheck
ENV KIOSK_ENV=production \
    LOG_LEVEL=info
USER 10001:10001

FROM runtime AS kiosk-migrate
COPY --from=build /out/kiosk-migrate /usr/local/bin/kiosk-migrate
ENTRYPOINT ["kiosk-migrate"]
CMD ["upgrade", "head"]

FROM runtime AS kiosk-users
COPY --from=build /out/kiosk-users /usr/local/bin/kiosk-users
ENV LISTEN_ADDR=0.0.0.0:50051
EXPOSE 50051
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["kiosk-healthcheck", "--addr=127.0.0.1:50051"]
ENTRYPOINT ["kiosk-users"]

FROM runtime AS kiosk-media
COPY --from=build /out/kiosk-media /usr/local/bin/kiosk-media
ENV LISTEN_ADDR=0.0.0.0:50052
EXPOSE 50052
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["kiosk-healthcheck", "--addr=127.0.0.1:50052"]
ENTRYPOINT ["kiosk-media"]

FROM runtime AS kiosk-downloads
COPY --from=build /out/kiosk-downloads /usr/local/bin/kiosk-downloads
ENV LISTEN_ADDR=0.0.0.0:50053
EXPOSE 50053
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["kiosk-healthcheck", "--addr=127.0.0.1:50053"]
ENTRYPOINT ["kiosk-downloads"]

FROM runtime AS kiosk-plex
COPY --from=build /out/kiosk-plex /usr/local/bin/kiosk-plex
ENV LISTEN_ADDR=0.0.0.0:50054
EXPOSE 50054
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["kiosk-healthcheck", "--addr=127.0.0.1:50054"]
ENTRYPOINT ["kiosk-plex"]

FROM runtime AS kiosk-gateway
COPY --from=build /out/kiosk-gateway /usr/local/bin/kiosk-gateway
ENV LISTEN_ADDR=0.0.0.0:8765
EXPOSE 8765
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["kiosk-healthcheck", "--http=http://127.0.0.1:8765/readyz"]
ENTRYPOINT ["kiosk-gateway"]
