# syntax=docker/dockerfile:1
# StoryArchive container: build with the Swift toolchain, run on slim Debian.
#   docker build -t storyarchive .
#   docker run -p 8080:8080 -v storyarchive-data:/data storyarchive
# Docker cannot build on the development machines; scripts/container-check runs the same build
# step and starts the binary the way this image does (see README, "Deployment").

# ---- build stage -------------------------------------------------------------------------
FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-dev zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve dependencies first so that source edits do not refetch them.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY migrations ./migrations
# The Swift runtime and Foundation are linked statically, so the runtime image needs no toolchain
# (scripts/container-check verifies with ldd that only libc, libstdc++, libsqlite3 and libz remain).
# Stripped: the symbols are most of the file and a crash report needs only the build's own copy.
RUN swift build -c release --product storyarchive --static-swift-stdlib \
 && install -D "$(swift build -c release --static-swift-stdlib --show-bin-path)/storyarchive" /out/storyarchive \
 && strip /out/storyarchive

# ---- runtime stage -----------------------------------------------------------------------
FROM debian:bookworm-slim
# libsqlite3-0 and zlib1g: the two C libraries the binary links; curl: the HEALTHCHECK.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-0 zlib1g libstdc++6 curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin storyarchive \
 && mkdir -p /data && chown storyarchive:storyarchive /data
COPY --from=build /out/storyarchive /usr/local/bin/storyarchive
COPY config/storyarchive.json /etc/storyarchive/storyarchive.json
# Settings for the container (config/README.md): every interface, the database and the generated
# write token in the volume, JSON log lines for the collector, and a shutdown that fits inside
# `docker stop`'s default 10 s grace period. Override any with `docker run -e`.
ENV STORYARCHIVE_CONFIG=/etc/storyarchive/storyarchive.json \
    STORYARCHIVE_HTTP_HOST=0.0.0.0 \
    STORYARCHIVE_HTTP_PORT=8080 \
    STORYARCHIVE_DATABASE_PATH=/data/archive.sqlite \
    STORYARCHIVE_LOG_FORMAT=json \
    STORYARCHIVE_SHUTDOWN_TIMEOUT_SECONDS=8
USER storyarchive
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
# Shell form, so that a port changed with `docker run -e STORYARCHIVE_HTTP_PORT=…` is followed.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${STORYARCHIVE_HTTP_PORT}/healthz" || exit 1
# Exec form: storyarchive is PID 1 and gets SIGTERM itself; it handles it (finishes in-flight
# requests within shutdown.timeout_seconds, then exits 0), so `docker stop` is a clean stop.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/storyarchive"]
CMD ["serve"]
