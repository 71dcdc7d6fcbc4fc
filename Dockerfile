# Container images of aievents: one target per binary, all on Debian 12 (docs/images.md).
#
#   docker build --target gateway  -t aievents/gateway  .
#   docker build --target ingest   -t aievents/ingest   .
#   docker build --target matching -t aievents/matching .
#   docker build --target timeline -t aievents/timeline .
#   docker build --target admin    -t aievents/admin    .
#
# tests/packaging (a ctest of make test) checks this file without a Docker engine: the runtime
# packages against what the built binaries load (ldd + dpkg -S), the build packages against
# scripts/install-deps.sh, and the shape of each final target.

ARG DEBIAN_IMAGE=debian:bookworm-slim
# Where the binaries come from. "source" (the default) compiles them in build-source;
# "prebuilt" takes a staging tree made from an existing build of the same Debian 12 (CI builds
# its images from the binaries it has just tested: scripts/run-image-check.sh --prebuilt, with
# a build context holding only that tree).
ARG BUILD_FROM=source

# ---- build-source: compiles the five binaries and installs them into /staging ------------
FROM ${DEBIAN_IMAGE} AS build-source
ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /src
# The build packages are the ones scripts/install-deps.sh lists for building (--build-only),
# so the image and a developer's machine build with the same set. Copied alone first, so a
# source change does not install them again.
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN bash scripts/install-deps.sh --build-only && rm -rf /var/lib/apt/lists/*
COPY . .
# Parallel compile jobs (empty: ninja's default, one per core plus two); lower it on a builder
# short of memory.
ARG BUILD_JOBS=
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_INSTALL_PREFIX=/usr/local -DAIEVENTS_BUILD_TESTS=OFF \
 && cmake --build /build ${BUILD_JOBS:+--parallel ${BUILD_JOBS}} --target \
      aievents-gateway aievents-ingest aievents-matching aievents-timeline aievents-admin \
 && DESTDIR=/staging cmake --install /build
# The debug info moves to separate files under /debug/usr/lib/debug (the debug-symbols target
# exports that tree); each stripped binary keeps a debuglink to its file, which gdb finds in
# /usr/lib/debug/usr/local/bin/ once the tree is unpacked at / of a debugging container.
RUN bash scripts/split-debug-info.sh /staging/usr/local/bin /debug/usr/lib/debug/usr/local/bin

# ---- build-prebuilt: the same two trees, made outside (BUILD_FROM=prebuilt) -----------------
FROM scratch AS build-prebuilt
COPY staging/ /staging/
COPY debug/ /debug/

# ---- build: whichever of the two BUILD_FROM names; the stages below copy from it -----------
FROM build-${BUILD_FROM} AS build

# ---- debug-symbols: the separate debug files, for docker build --output ------------------
#   docker build --target debug-symbols --output type=local,dest=debug-symbols .
FROM scratch AS debug-symbols
COPY --from=build /debug/ /

# ---- runtime: what every binary needs at run time, and nothing else -----------------------
# Only the shared libraries the binaries link (their -dev packages are in the build stage);
# apt brings what those libraries link in turn. The list is the set of packages `ldd` of the
# five binaries resolves to, less what debian:bookworm-slim already has (libc6, libstdc++6,
# libgcc-s1, zlib1g, tzdata); tests/packaging fails when it is short or has a package no
# binary needs. No ca-certificates: nothing here makes a TLS connection that verifies against
# the system store (a PostgreSQL server certificate is checked against the file sslrootcert
# names in database-url, which the deployment mounts).
FROM ${DEBIAN_IMAGE} AS runtime
ARG AIEVENTS_VERSION=dev
ARG AIEVENTS_REVISION=unknown
LABEL org.opencontainers.image.vendor="aievents" \
      org.opencontainers.image.description="aievents: the service suite behind a CRM's AI Events feature" \
      org.opencontainers.image.version="${AIEVENTS_VERSION}" \
      org.opencontainers.image.revision="${AIEVENTS_REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libabsl20220623 \
      libgrpc++1.51 \
      libgrpc29 \
      libicu72 \
      libjemalloc2 \
      libphonenumber8 \
      libpq5 \
      libpqxx-6.4 \
      libprometheus-cpp-core1.0 \
      libprotobuf32 \
      libssl3 \
 && rm -rf /var/lib/apt/lists/*
# A fixed numeric user and group, so Kubernetes' runAsNonRoot can verify it without a name
# lookup; no home directory and no shell. /bin/sleep (coreutils) stays: the preStop pause.
RUN groupadd --gid 10001 aievents \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin aievents
# No HEALTHCHECK: the gRPC services answer standard gRPC health and every process serves
# /healthz and /readyz on its admin port, which Kubernetes probes; a HEALTHCHECK would need a
# client (curl, grpc_health_probe) in the image and is ignored by Kubernetes anyway.

# ---- one target per binary -----------------------------------------------------------------
FROM runtime AS gateway
LABEL org.opencontainers.image.title="aievents-gateway"
COPY --from=build /staging/usr/local/bin/aievents-gateway /usr/local/bin/
COPY --from=build /staging/usr/local/share/aievents/openapi.json /usr/local/share/aievents/openapi.json
COPY --from=build /staging/usr/local/share/aievents/console/ /usr/local/share/aievents/console/
# The compiled-in defaults of openapi-file and console-dir are source-tree paths of the build
# stage; these are the installed copies.
ENV AIEVENTS_LISTEN_HOST=0.0.0.0 \
    AIEVENTS_ADMIN_HOST=0.0.0.0 \
    AIEVENTS_OPENAPI_FILE=/usr/local/share/aievents/openapi.json \
    AIEVENTS_CONSOLE_DIR=/usr/local/share/aievents/console
EXPOSE 8080 9090
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/aievents-gateway"]

FROM runtime AS ingest
LABEL org.opencontainers.image.title="aievents-ingest"
COPY --from=build /staging/usr/local/bin/aievents-ingest /usr/local/bin/
ENV AIEVENTS_GRPC_LISTEN=0.0.0.0:7051 \
    AIEVENTS_ADMIN_HOST=0.0.0.0
EXPOSE 7051 9091
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/aievents-ingest"]

FROM runtime AS matching
LABEL org.opencontainers.image.title="aievents-matching"
COPY --from=build /staging/usr/local/bin/aievents-matching /usr/local/bin/
ENV AIEVENTS_GRPC_LISTEN=0.0.0.0:7052 \
    AIEVENTS_ADMIN_HOST=0.0.0.0
EXPOSE 7052 9092
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/aievents-matching"]

FROM runtime AS timeline
LABEL org.opencontainers.image.title="aievents-timeline"
COPY --from=build /staging/usr/local/bin/aievents-timeline /usr/local/bin/
ENV AIEVENTS_GRPC_LISTEN=0.0.0.0:7053 \
    AIEVENTS_ADMIN_HOST=0.0.0.0
EXPOSE 7053 9093
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/aievents-timeline"]

# The operator tool: `migrate` applies its embedded migrations; the SQL files (and roles.sql,
# which a superuser runs once per cluster) are beside it for reading.
FROM runtime AS admin
LABEL org.opencontainers.image.title="aievents-admin"
COPY --from=build /staging/usr/local/bin/aievents-admin /usr/local/bin/
COPY --from=build /staging/usr/local/share/aievents/migrations/ /usr/local/share/aievents/migrations/
COPY --from=build /staging/usr/local/share/aievents/roles.sql /usr/local/share/aievents/roles.sql
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/aievents-admin"]
CMD ["--help"]
