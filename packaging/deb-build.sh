#!/bin/sh
# Builds the Debian packages mistmcp and mistmcp-dev with dpkg-buildpackage, then checks them
# with lintian (an error fails; warnings are printed).
#   packaging/deb-build.sh OUT_DIR SPEC
# OUT_DIR: where the .debs go (in the build tree; its src/ is the package build's scratch).
# SPEC: the pinned Mist OpenAPI spec, passed to debian/rules as MISTMCP_OPENAPI_SPEC; it is
# read where it is, never copied.
#
# Why the Debian directory is packaging/debian/ and not debian/: Debian asks upstreams not to
# ship a debian/ directory (a distribution's maintainer brings their own, and one in the
# upstream tree gets in the way), and issue 17 keeps all packaging under packaging/. So the
# package is built from a copy of the tree (the files git knows, committed or not) with
# packaging/debian/ as its debian/, and a debian/changelog written here from the project's one
# version number (project() in CMakeLists.txt).
set -eu

[ $# -eq 2 ] || {
    echo "usage: $0 OUT_DIR SPEC" >&2
    exit 2
}
top=$(cd "$(dirname "$0")/.." && pwd)
out=$1
spec=$(realpath "$2") || exit 1
[ -f "$spec" ] || {
    echo "deb-build.sh: no spec at $2" >&2
    exit 1
}

version=$(sed -n 's/^project(mistmcp VERSION \([0-9][0-9.]*\) .*/\1/p' "$top/CMakeLists.txt")
[ -n "$version" ] || {
    echo "deb-build.sh: no 'project(mistmcp VERSION x.y.z' in CMakeLists.txt" >&2
    exit 1
}
revision=1
src=$out/src/mistmcp-$version

rm -rf "$out/src"
mkdir -p "$src"
rm -f "$out"/mistmcp*.deb "$out"/mistmcp*.ddeb "$out"/lintian.txt
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
    # Tracked and new (not ignored) files, as they are in the work tree: build output and the
    # spec are ignored, so they stay out.
    # (A file deleted but not yet committed is left out.)
    (cd "$top" && git ls-files --cached --others --exclude-standard |
        while IFS= read -r f; do if [ -e "$f" ]; then printf '%s\n' "$f"; fi; done |
        tar -cf - --no-recursion -T -) | tar -xf - -C "$src"
    date=$(git -C "$top" log -1 --format=%aD)
    commit=$(git -C "$top" rev-parse --short HEAD)
else
    tar -C "$top" --exclude='./build*' --exclude='./openapi/mist.openapi.*' -cf - . |
        tar -xf - -C "$src"
    date=$(date -R)
    commit="a source tree without git"
fi
rm -rf "$src/debian"
cp -a "$top/packaging/debian" "$src/debian"

# The changelog gives the package its version (and SOURCE_DATE_EPOCH, from the commit's date,
# so two builds of one commit are the same).
maintainer=$(sed -n 's/^Maintainer: //p' "$src/debian/control")
cat >"$src/debian/changelog" <<EOF
mistmcp ($version-$revision) unstable; urgency=medium

  * Upstream build of mistmcp $version ($commit).

 -- $maintainer  $date
EOF

echo "deb-build.sh: building mistmcp $version-$revision in $src"
# -b: binary packages only (no source package: the tree is not an upstream tarball); no
# signature. Root is not needed (Rules-Requires-Root: no).
(cd "$src" && MISTMCP_OPENAPI_SPEC="$spec" DEB_BUILD_OPTIONS="parallel=${JOBS:-2} ${DEB_BUILD_OPTIONS:-}" \
    dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1 || {
    tail -n 40 "$out/build.log" >&2
    echo "deb-build.sh: dpkg-buildpackage failed (whole log: $out/build.log)" >&2
    exit 1
}

# The .changes names every package built (the debug symbols' too).
lintian_rc=0
lintian --fail-on error --display-info "$out/src/mistmcp_$version-${revision}_"*.changes \
    >"$out/lintian.txt" 2>&1 || lintian_rc=$?
grep -v '^running with root privileges' "$out/lintian.txt" || true
mv "$out/src"/*.deb "$out/"
ls -l "$out"/*.deb
[ "$lintian_rc" -eq 0 ] || {
    echo "deb-build.sh: lintian found errors (above)" >&2
    exit 1
}
echo "deb-build.sh: packages in $out, lintian: $(grep -c '^E: ' "$out/lintian.txt" || true) errors, $(grep -c '^W: ' "$out/lintian.txt" || true) warnings"
