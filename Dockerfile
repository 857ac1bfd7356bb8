# syntax=docker/dockerfile:1
# StoryArchive container: build with the Swift toolchain, run on slim Debian.
#   docker build -t storyarchive .
#   docker run -p 8080:8080 -v storyarchive-data:/data storyarchive
# The steps below are exercised without Docker by scripts/container-check (see README).

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
COPY config ./config
# The Swift runtime is linked statically, so the runtime image needs no toolchain.
RUN swift build -c release --product storyarchive --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/storyarchive" /out/storyarchive

# ---- runtime stage -----------------------------------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-0 zlib1g ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin storyarchive \
 && mkdir -p /data && chown storyarchive:storyarchive /data
COPY --from=build /out/storyarchive /usr/local/bin/storyarchive
COPY config/storyarchive.json /etc/storyarchive/storyarchive.json
USER storyarchive
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
# Listen on all interfaces inside the container; the database and write-token live in /data.
ENV STORYARCHIVE_HOST=0.0.0.0
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
# exec form: the server is PID 1's child-free process and receives SIGTERM directly.
ENTRYPOINT ["/usr/local/bin/storyarchive"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080", "--db", "/data/archive.sqlite"]
