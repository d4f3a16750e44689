#!/bin/sh
# Runs INSIDE the runtime root filesystem, as root: by the Dockerfile's runtime stage
# (`RUN sh /tmp/container/rootfs-setup.sh ...`) and by container/check.sh (in a chroot of the
# debootstrapped tree). Installs the packages of runtime-packages.txt, nothing else, and creates
# the non-root user and the /data volume directory. Keep every image-filesystem step here so the
# image and `make container-check` stay the same.
#   usage: rootfs-setup.sh [PACKAGE-LIST]   (default: the runtime-packages.txt beside this script)
set -eu
list=${1:-$(dirname "$0")/runtime-packages.txt}
EDGE_UID=10001
EDGE_GID=10001

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# The list: strip comments and blank lines, one apt-get call for all packages.
sed -e 's/#.*//' "$list" | xargs -r apt-get install -y -q --no-install-recommends
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt/* /var/log/dpkg.log

# The non-root user the server runs as (numeric in the Dockerfile's USER, for runAsNonRoot).
groupadd --system --gid "$EDGE_GID" edge
useradd --system --uid "$EDGE_UID" --gid "$EDGE_GID" --home-dir /data --no-create-home \
  --shell /usr/sbin/nologin edge

# /data is the volume (KV_PATH=/data/kv). A new named volume is seeded from the image's /data,
# ownership included, so the user can write to it with no chown at run time.
mkdir -p /data/kv /app /usr/local/libexec/swift-edge
chown -R "$EDGE_UID:$EDGE_GID" /data
chmod 0750 /data
