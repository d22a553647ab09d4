#!/bin/sh
# The clean-machine install test (issue 17, item 2): the built .debs installed with apt on a
# minimal Debian 12 made by debootstrap, so that every dependency comes from Debian's mirror and
# none from the build machine; then, inside it with chroot, what a user and a plugin author do
# first.
#   tests/packaging/clean_machine.sh DEB_DIR WORK_DIR VERSION
# DEB_DIR holds mistmcp_*.deb and mistmcp-dev_*.deb (packaging/dev.sh package); WORK_DIR is
# scratch space in the build tree (the copy of the base system lives there while it runs).
# The base system is made once and kept in MISTMCP_DEBOOTSTRAP_CACHE (default
# ${XDG_CACHE_HOME:-~/.cache}/mistmcp-debootstrap), outside the source tree; each run works on a
# fresh copy, so no run sees what an earlier one installed (kept after a failure, to look into).
# Exit status: 0 passed, 1 failed, 77 skipped (with a line "skipped: why": never a silent pass).
set -eu

[ $# -eq 3 ] || {
    echo "usage: $0 DEB_DIR WORK_DIR VERSION" >&2
    exit 2
}
deb_dir=$1
work=$2
version=$3
mirror=http://deb.debian.org/debian
suite=bookworm

skip() {
    echo "skipped: $*"
    exit 77
}
fail() {
    echo "clean_machine: FAILED: $*" >&2
    exit 1
}

[ "$(id -u)" -eq 0 ] || skip "not root: debootstrap and chroot need root"
for tool in debootstrap chroot mount wget; do
    command -v "$tool" >/dev/null 2>&1 ||
        skip "$tool is not installed (packaging/dev.sh test installs debootstrap)"
done
server_deb=$(find "$deb_dir" -maxdepth 1 -name "mistmcp_${version}-*.deb" 2>/dev/null | head -n 1)
dev_deb=$(find "$deb_dir" -maxdepth 1 -name "mistmcp-dev_${version}-*.deb" 2>/dev/null | head -n 1)
if [ -z "$server_deb" ] || [ -z "$dev_deb" ]; then
    skip "no mistmcp and mistmcp-dev ${version} packages in $deb_dir (packaging/dev.sh package builds them)"
fi

# The base: a minimal bookworm plus what this test itself runs (man, and a compiler and
# pkg-config for the plugin author's build); none of mistmcp's dependencies. Its name says what
# it holds, so a change of that list makes a new one instead of reusing a stale one.
cache=${MISTMCP_DEBOOTSTRAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mistmcp-debootstrap}
include=man-db,gcc,libc6-dev,pkgconf
base=$cache/$suite-minbase-$(echo "$include" | tr ',' '+')
if [ ! -x "$base/usr/bin/apt-get" ]; then
    wget -q -T 20 -t 1 -O /dev/null "$mirror/dists/$suite/Release" ||
        skip "cannot reach $mirror (no network?): the base system cannot be made"
    echo "clean_machine: making the base system in $base (once; later runs reuse it)"
    mkdir -p "$cache"
    rm -rf "$base.part"
    # A half-made base is never mistaken for a whole one: it gets its name only when complete.
    debootstrap --variant=minbase --include="$include" "$suite" "$base.part" "$mirror" \
        >"$cache/debootstrap.log" 2>&1 || {
        tail -n 20 "$cache/debootstrap.log" >&2
        fail "debootstrap failed (log: $cache/debootstrap.log)"
    }
    mv "$base.part" "$base"
fi

root=$work/root
cleanup() {
    if mountpoint -q "$root/proc" 2>/dev/null; then umount "$root/proc"; fi
    return 0
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cleanup
# Never rm -rf through a mounted /proc.
if mountpoint -q "$root/proc" 2>/dev/null; then fail "$root/proc is still mounted"; fi
rm -rf "$root"
mkdir -p "$work"
cp -a "$base" "$root"
# mistmcp finds its plugins through /proc/self/exe, as on a real machine.
mount -t proc proc "$root/proc"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mkdir -p "$root/tmp/debs"
cp "$server_deb" "$dev_deb" "$root/tmp/debs/"

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 "$@"; }

step() { echo "clean_machine: $*"; }

step "apt install $(basename "$server_deb") $(basename "$dev_deb") (dependencies from $mirror)"
in_root apt-get update -qq || fail "apt-get update in the base system"
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "/tmp/debs/$(basename "$server_deb")" "/tmp/debs/$(basename "$dev_deb")" >"$work/apt.log" 2>&1 || {
    cat "$work/apt.log" >&2
    fail "apt could not install the packages"
}
# libcurl and libmicrohttpd are opened with dlopen: only the declared dependencies bring them.
for lib in libcurl4 libmicrohttpd12; do
    # shellcheck disable=SC2016 # ${Status} is dpkg-query's, not the shell's
    in_root dpkg-query -W -f='${Status}\n' "$lib" 2>/dev/null | grep -q "install ok installed" ||
        fail "$lib was not installed with mistmcp: the dlopen dependencies are not declared"
done

# What the package puts where the service and the man page expect it.
[ "$(in_root stat -c %a /etc/mistmcp/mistmcp.env)" = 640 ] ||
    fail "/etc/mistmcp/mistmcp.env is not mode 0640 (it may hold tokens)"
in_root test -f /lib/systemd/system/mistmcp.service || fail "mistmcp.service is not installed"

step "mistmcp --version"
out=$(in_root mistmcp --version) || fail "mistmcp --version: $out"
case "$out" in "mistmcp $version "*) ;; *) fail "mistmcp --version printed '$out', expected $version" ;; esac

step "mistmcp --check-plugins"
out=$(in_root mistmcp --check-plugins 2>&1) || fail "mistmcp --check-plugins: $out"
echo "$out" | grep -q "^\([0-9]*\) of \1 category plugins load" || fail "mistmcp --check-plugins: $out"
plugin_dir=$(in_root pkg-config --variable=plugindir mistmcp-plugin) ||
    fail "pkg-config does not find mistmcp-plugin"
case "$plugin_dir" in /usr/lib/*-linux-*/mistmcp/plugins) ;;
*) fail "plugindir is '$plugin_dir', not /usr/lib/<triplet>/mistmcp/plugins" ;; esac
# mistmcp finds it relative to itself (/usr/bin/../lib/...): the same directory, once resolved.
searched=$(echo "$out" | sed -n 's/^.*plugin directories: //p')
[ "$(in_root realpath "$searched")" = "$plugin_dir" ] ||
    fail "mistmcp searches $searched by default, not pkg-config's plugindir $plugin_dir"

step "mistmcp --demo call getSelf, then listOrgSites"
out=$(in_root mistmcp --demo call getSelf) || fail "mistmcp --demo call getSelf: $out"
org=$(echo "$out" | grep -o '"org_id": *"[0-9a-f-]*"' | head -n 1 | sed 's/.*"\([0-9a-f-]*\)"$/\1/')
[ -n "$org" ] || fail "no org_id in the demo's getSelf answer: $out"
out=$(in_root mistmcp --demo call listOrgSites "org_id=$org") || fail "listOrgSites: $out"
echo "$out" | grep -q '"name"' || fail "listOrgSites answered no site: $out"

step "man -w mistmcp"
out=$(in_root man -w mistmcp) || fail "man -w mistmcp: no man page"
echo "  $out"

step "mistmcp config vscode names the installed binary"
out=$(in_root mistmcp --demo config vscode) || fail "mistmcp config vscode: $out"
echo "$out" | grep -q '"command":[[:space:]]*"/usr/bin/mistmcp"' ||
    fail "mistmcp config vscode does not start /usr/bin/mistmcp: $out"

step "bash completion of the installed mistmcp"
# shellcheck disable=SC2016 # the completion runs inside the chroot
out=$(in_root bash -c '. /usr/share/bash-completion/completions/mistmcp
    COMP_WORDS=(mistmcp --categories orgs_wla); COMP_CWORD=2; _mistmcp; echo "${COMPREPLY[*]}"') ||
    fail "the bash completion does not load: $out"
[ "$out" = "orgs_wlan_templates orgs_wlans" ] || fail "bash completion of orgs_wla offered '$out'"

step "the example plugin built against mistmcp-dev with pkg-config, loaded with --plugin-dir"
# shellcheck disable=SC2016 # the command substitution runs inside the chroot
in_root sh -c 'set -e
    mkdir -p /tmp/plugin && cd /tmp/plugin
    cc -shared -fPIC -fvisibility=hidden -Wall -Werror $(pkg-config --cflags mistmcp-plugin) \
        -o example_site_count.so /usr/share/doc/mistmcp-dev/examples/site_count.c' ||
    fail "the example plugin does not build against the installed mistmcp-dev"
out=$(in_root mistmcp --plugin-dir /tmp/plugin --list-categories) || fail "--list-categories: $out"
echo "$out" | grep -q "^example_site_count " || fail "the example plugin is not listed: $out"
out=$(in_root mistmcp --plugin-dir /tmp/plugin --check-plugins 2>&1) ||
    fail "--check-plugins with the example: $out"
out=$(in_root mistmcp --demo --plugin-dir /tmp/plugin --categories example_site_count \
    call exampleCountOrgSites "org_id=$org") || fail "the example plugin's tool: $out"
echo "$out" | grep -q '"site_count": *[1-9]' || fail "the example plugin's tool answered: $out"

# A failed run keeps its system in $root to look into; a passed one frees the space.
cleanup
rm -rf "$root"
echo "clean_machine: passed (Debian $suite from $mirror, $(basename "$server_deb"), $(basename "$dev_deb"))"
