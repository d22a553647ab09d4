#!/bin/sh
# The container image (issue 17, item 4), run the way a runtime would but without one (none
# can run here): its OCI archive unpacked, its layers applied in order into a folder, and its
# entrypoint started there with chroot as the image's user. Then GET /healthz answers "ok",
# and a --demo call works from the image's files alone (libcurl, libmicrohttpd, the plugins).
# The Containerfile (for those with a registry: it cannot be built here) must give the same
# entrypoint, user and port, and install the same package.
#   tests/packaging/container.sh ARCHIVE CONTAINERFILE WORK_DIR
# ARCHIVE: mistmcp-VERSION.oci.tar (packaging/container/build-image.sh).
# Exit status: 0 passed, 1 failed, 77 skipped (with "skipped: why").
set -eu

[ $# -eq 3 ] || {
    echo "usage: $0 ARCHIVE CONTAINERFILE WORK_DIR" >&2
    exit 2
}
archive=$1
containerfile=$2
work=$3
here=$(dirname "$0")

skip() {
    echo "skipped: $*"
    exit 77
}
fail() {
    echo "container: FAILED: $*" >&2
    exit 1
}
[ "$(id -u)" -eq 0 ] || skip "not root: chroot and a user switch need root"
[ -f "$archive" ] || skip "no image at $archive (packaging/dev.sh package builds it)"
command -v curl >/dev/null 2>&1 || skip "curl is not installed: nothing to ask /healthz with"

root=$work/rootfs
pid=""
# Written with if, not &&: under set -e a failed last command of an && list would end the
# cleanup before the unmount.
cleanup() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    if mountpoint -q "$root/proc" 2>/dev/null; then umount "$root/proc"; fi
    return 0
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cleanup
# Never rm -rf through a mounted /proc.
if mountpoint -q "$root/proc" 2>/dev/null; then fail "$root/proc is still mounted"; fi
rm -rf "$work"
mkdir -p "$work/oci" "$root"
tar -xf "$archive" -C "$work/oci"
cmake -DDIR="$work/oci" -DOUT="$work/image.txt" -P "$here/oci_image.cmake" ||
    fail "the archive is not a valid OCI image layout"

# Layers in order; a whiteout (.wh.NAME) removes NAME from the layers below.
layers=0
while read -r kind a b; do
    [ "$kind" = layer ] || continue
    case "$b" in
    *.tar+gzip) tar -xzf "$a" -C "$root" ;;
    *.tar) tar -xf "$a" -C "$root" ;;
    *) fail "layer media type $b" ;;
    esac
    find "$root" -name '.wh.*' | while read -r wh; do
        name=${wh##*/.wh.}
        rm -rf "${wh%/*}/${name:?}" "$wh"
    done
    layers=$((layers + 1))
done <"$work/image.txt"
[ "$layers" -gt 0 ] || fail "the image has no layer"
user=$(sed -n 's/^user //p' "$work/image.txt")
entrypoint=$(sed -n 's/^entrypoint //p' "$work/image.txt")
grep -qx 'port 8000/tcp' "$work/image.txt" || fail "the image does not expose 8000/tcp"
[ "$entrypoint" = "/usr/bin/mistmcp --transport http --host 0.0.0.0" ] ||
    fail "entrypoint is '$entrypoint'"
case "$user" in "" | 0 | 0:* | root*) fail "the image runs as '$user', not as a user without privilege" ;; esac

# The Containerfile says the same (its ENTRYPOINT is a JSON array of the same words).
cf_entrypoint=$(sed -n 's/^ENTRYPOINT \[\(.*\)\]$/\1/p' "$containerfile" | sed 's/", "/ /g; s/^"//; s/"$//')
[ "$cf_entrypoint" = "$entrypoint" ] ||
    fail "the Containerfile's entrypoint is '$cf_entrypoint', the image's '$entrypoint'"
grep -qx "USER $user" "$containerfile" || fail "the Containerfile has no 'USER $user'"
grep -qx 'EXPOSE 8000/tcp' "$containerfile" || fail "the Containerfile does not expose 8000/tcp"
if ! grep -q '^COPY mistmcp_\*\.deb ' "$containerfile" ||
    ! grep -q 'apt-get install .*/tmp/mistmcp_\*\.deb' "$containerfile"; then
    fail "the Containerfile does not install the mistmcp package"
fi

# Nothing in the image but mistmcp and what it loads: no shell to break into.
if [ -e "$root/bin/sh" ] || [ -e "$root/usr/bin/sh" ]; then fail "the image has a shell"; fi

# What a runtime provides: /proc (mistmcp finds its plugins through /proc/self/exe).
mkdir -p "$root/proc"
mount -t proc proc "$root/proc" || fail "cannot mount /proc in $root"
# A free port: the image's 8000 may be taken on this machine; the entrypoint's words come
# first, the run's arguments after them, as a runtime does.
port=$((20000 + $$ % 20000))
while curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; do port=$((port + 1)); done
# shellcheck disable=SC2086 # the entrypoint is a list of words
chroot --userspec="$user" "$root" $entrypoint --port "$port" --demo >"$work/server.log" 2>&1 &
pid=$!
ok=""
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    ok=$(curl -s "http://127.0.0.1:$port/healthz" 2>/dev/null) && [ -n "$ok" ] && break
    kill -0 "$pid" 2>/dev/null || fail "the entrypoint exited: $(cat "$work/server.log")"
    sleep 0.5
done
[ "$ok" = ok ] || fail "GET /healthz answered '$ok': $(cat "$work/server.log")"

out=$(chroot --userspec="$user" "$root" /usr/bin/mistmcp --demo call getSelf 2>&1) ||
    fail "a demo call in the image: $out"
echo "$out" | grep -q '"org_id"' || fail "the demo call answered: $out"

size=$(du -k "$archive" | cut -f1)
echo "container: $layers layer(s), user $user, /healthz ok on the entrypoint, a demo call works; archive $size KB"
