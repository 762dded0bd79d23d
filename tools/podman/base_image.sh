#!/usr/bin/env bash
# Make the image docker.io/library/debian:trixie locally, for machines that cannot pull it from a
# registry (the project's CI): debootstrap a minimal Debian 13 and import it into Podman.
#   bash tools/podman/base_image.sh
# Does nothing when Podman already has the image. A learner's Docker or Podman pulls the real
# image instead; cluster/compose/Containerfile builds FROM it either way.
set -euo pipefail
SUITE=trixie
IMAGE=docker.io/library/debian:$SUITE
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { printf 'base_image: %s\n' "$*" >&2; exit 1; }

(($# == 0)) || die "takes no arguments (it makes $IMAGE)"
[[ $(id -u) -eq 0 ]] || die "needs root (debootstrap)"
for tool in debootstrap podman; do
    command -v "$tool" >/dev/null || die "$tool is missing (apt-get install $tool)"
done
podman() { CONTAINERS_CONF=$HERE/containers.conf command podman "$@"; }

if podman image exists "$IMAGE"; then
    echo "base_image: $IMAGE is already there; nothing to do."
    exit 0
fi

rootfs=$(mktemp -d "/var/tmp/debian-$SUITE.XXXXXX")
trap 'rm -rf "$rootfs"' EXIT
SECONDS=0
echo "base_image: debootstrap --variant=minbase $SUITE (about a minute)"
debootstrap --variant=minbase "$SUITE" "$rootfs" http://deb.debian.org/debian \
    >"$rootfs.log" 2>&1 || { tail -n 5 "$rootfs.log" >&2; die "debootstrap failed: $rootfs.log"; }
rm -f "$rootfs.log"

# The same package sources as the registry's image: the release, its updates and security.
rm -f "$rootfs/etc/apt/sources.list"
cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: http://deb.debian.org/debian
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
# This machine reaches the package registries through a proxy that has its own certificate
# authority; images built here must trust it as this machine does. The Containerfile's apt
# install of ca-certificates adds what is in this folder to the system's list.
mkdir -p "$rootfs/usr/local/share/ca-certificates"
cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/" \
    2>/dev/null || true
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

tar -C "$rootfs" -c . | podman import --quiet --change 'CMD ["bash"]' - "$IMAGE" >/dev/null
echo "base_image: made $IMAGE in $SECONDS s"
