# syntax=docker/dockerfile:1
# swift-edge in one container: `edge serve` on :8000, the KV store on the /data volume.
#   docker build -t swift-edge .
#   docker run -p 8000:8000 -v edge-data:/data swift-edge
# See container/README.md. The runtime stage is verified without a Docker engine by
# `make container-check` (container/check.sh), which builds the same filesystem from the same
# package list (container/runtime-packages.txt) and setup script (container/rootfs-setup.sh),
# and reads this file's runtime ENV / WORKDIR / USER lines: keep each ENV on one line.

ARG SWIFT_IMAGE=swift:6.3.1-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---- build: a release binary with the Swift runtime linked in (--static-swift-stdlib) ----
FROM ${SWIFT_IMAGE} AS build
# hadolint ignore=DL3008
RUN export DEBIAN_FRONTEND=noninteractive \
 && apt-get update -q \
 && apt-get install -y -q --no-install-recommends liblmdb-dev libcurl4-openssl-dev libstb-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first: this layer is rebuilt only when the manifest or the lock file changes.
# (Package.resolve[d]: copied when present, no error when absent.)
COPY Package.swift Package.resolve[d] ./
RUN if [ -f Package.resolved ]; then swift package resolve --force-resolved-versions; \
    else swift package resolve; fi
COPY . .
# Run-time exclusivity checks off in every module (Docs/Decisions/0028); tests run with them on.
RUN swift build -c release --static-swift-stdlib -Xswiftc -enforce-exclusivity=unchecked --product edge \
 && mkdir -p /staging \
 && cp "$(swift build -c release --static-swift-stdlib -Xswiftc -enforce-exclusivity=unchecked --show-bin-path)/edge" /staging/edge \
 && strip --strip-debug /staging/edge \
 && cp /usr/libexec/swift/linux/swift-backtrace-static /staging/ \
 && cp vercel-like.json /staging/

# ---- runtime: debian slim + only what the binary links (container/runtime-packages.txt) ----
FROM ${RUNTIME_IMAGE}
COPY container/runtime-packages.txt container/rootfs-setup.sh /tmp/container/
RUN sh /tmp/container/rootfs-setup.sh /tmp/container/runtime-packages.txt && rm -rf /tmp/container
COPY --chmod=0755 container/healthcheck.sh /usr/local/bin/edge-healthcheck
COPY --from=build /staging/swift-backtrace-static /usr/local/libexec/swift-edge/swift-backtrace-static
COPY --from=build /staging/vercel-like.json /app/vercel-like.json
COPY --from=build /staging/edge /usr/local/bin/edge

WORKDIR /app
ENV PORT=8000
ENV HOST=0.0.0.0
ENV KV_PATH=/data/kv
ENV EDGE_CONFIG=/app/vercel-like.json
ENV LOG_FORMAT=json
ENV LOG_LEVEL=info
ENV SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/usr/local/libexec/swift-edge/swift-backtrace-static
VOLUME ["/data"]
USER 10001:10001
EXPOSE 8000
# bash /dev/tcp GET /__edge/ready (the runtime's own readiness, whatever the apps): no curl/wget package needed (see container/healthcheck.sh).
HEALTHCHECK --interval=15s --timeout=5s --start-period=5s --retries=3 CMD ["/usr/local/bin/edge-healthcheck"]
# SIGTERM drains in-flight requests, then edge exits 0. Docker waits 10 s by default before
# SIGKILL: give long functions (maxDuration) time with `docker run --stop-timeout N`.
STOPSIGNAL SIGTERM
ENTRYPOINT ["edge"]
CMD ["serve"]
