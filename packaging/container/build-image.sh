#!/bin/sh
# Builds the mistmcp container image from scratch with buildah, and writes it as an OCI archive
# (no registry is needed, or reachable here): the files of the built mistmcp package, exactly
# the shared libraries they need (ldd of the binary, of every plugin, and of the libraries
# mistmcp dlopens: libcurl, libmicrohttpd and hiredis), Debian's CA certificates, and a user without
# privilege. Nothing else: no shell, no package manager.
#   packaging/container/build-image.sh DEB_DIR OUT_DIR VERSION
# Writes OUT_DIR/mistmcp-VERSION.oci.tar. buildah keeps its storage in OUT_DIR too, not in the
# machine's /var/lib/containers.
set -eu

[ $# -eq 3 ] || {
    echo "usage: $0 DEB_DIR OUT_DIR VERSION" >&2
    exit 2
}
deb=$(find "$1" -maxdepth 1 -name "mistmcp_$3-*.deb" | head -n 1)
out=$(realpath "$2")
version=$3
[ -n "$deb" ] || {
    echo "build-image.sh: no mistmcp_$version-*.deb in $1 (packaging/dev.sh package builds it)" >&2
    exit 1
}
uid=10001 # the image's user: no name on the host, no privilege
port=8000
rootfs=$out/rootfs
archive=$out/mistmcp-$version.oci.tar
rm -rf "$rootfs" "$archive"
mkdir -p "$rootfs"

# The package's files, less what a container has no use for (systemd, man, completion).
dpkg-deb -x "$deb" "$rootfs"
rm -rf "$rootfs/lib/systemd" "$rootfs/usr/share/man" "$rootfs/usr/share/bash-completion" \
    "$rootfs/etc/mistmcp"

# The libraries: what ld.so loads for the binary and each plugin, the dlopened libraries and
# what they load. The sonames are the ones the sources open (packaging/debian/dlopen-probe.sh
# checks the same).
dlopened=""
for so in libcurl.so.4 libmicrohttpd.so.12 libhiredis.so.0.14; do
    path=$(/sbin/ldconfig -p | sed -n "s|^[[:space:]]*$so (libc6,x86-64) => ||p" | head -n 1)
    [ -n "$path" ] || path=$(/sbin/ldconfig -p | sed -n "s|^[[:space:]]*$so (.*) => ||p" | head -n 1)
    [ -n "$path" ] || {
        echo "build-image.sh: $so is not installed on this machine" >&2
        exit 1
    }
    dlopened="$dlopened $path"
done
# shellcheck disable=SC2086 # the lists are of paths without spaces
for lib in $(for f in "$rootfs/usr/bin/mistmcp" "$rootfs"/usr/lib/*/mistmcp/plugins/*.so $dlopened; do
    ldd "$f" | sed -n 's|^.*=> \(/[^ ]*\) .*$|\1|p; s|^[[:space:]]*\(/[^ ]*\) (0x.*$|\1|p'
done | sort -u) $dlopened; do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
done

# Trusted CAs for libcurl (Debian's bundle, where Debian's libcurl looks), the user, and name
# resolution from files and DNS (glibc has both built in).
mkdir -p "$rootfs/etc/ssl/certs" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"
cp -L /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
printf 'root:x:0:0:root:/nonexistent:/usr/sbin/nologin\nmistmcp:x:%s:%s:mistmcp:/nonexistent:/usr/sbin/nologin\n' \
    "$uid" "$uid" >"$rootfs/etc/passwd"
printf 'root:x:0:\nmistmcp:x:%s:\n' "$uid" >"$rootfs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$rootfs/etc/hosts"

b() { buildah --root "$out/storage" --runroot "$out/run" --storage-driver vfs "$@"; }
ctr=$(b from scratch)
trap 'b rm "$ctr" >/dev/null 2>&1 || true' EXIT
mnt=$(b mount "$ctr")
cp -a "$rootfs/." "$mnt/"
b umount "$ctr" >/dev/null
# Listening on every address is what a container needs (its network is its own); the port is
# published by whoever runs it. Options come as arguments after the image or as MISTMCP_*
# variables; tokens come with each client's requests.
b config --user "$uid:$uid" --port "$port/tcp" --workingdir / \
    --entrypoint '["/usr/bin/mistmcp", "--transport", "http", "--host", "0.0.0.0"]' --cmd '' \
    --label org.opencontainers.image.title=mistmcp \
    --label org.opencontainers.image.description="MCP server for the Juniper Mist cloud API" \
    --label org.opencontainers.image.version="$version" \
    --label org.opencontainers.image.licenses=MIT "$ctr"
b commit --quiet --format oci --disable-compression=false --rm "$ctr" "oci-archive:$archive:mistmcp:$version" >/dev/null
trap - EXIT
echo "build-image.sh: $archive, $(du -k "$archive" | cut -f1) KB ($(du -sk "$rootfs" | cut -f1) KB unpacked)"
