#!/usr/bin/env bash
# Builds the release from cli/target: a jlink'ed Java runtime (hosts need no JDK), the jars,
# bin/jswarm, the systemd unit, install.sh, daemon.json and the docs, as
#   OUT/jswarm-VERSION-linux-amd64.tar.gz   (one top directory, jswarm-VERSION/)
#   OUT/jswarm_DEBVERSION_amd64.deb         (the same tree in /usr/lib/jswarm; needs dpkg-deb)
# The runtime depends only on the JDK and the module list, so it is cached between builds in
# JSWARM_BUILD_CACHE (default ~/.cache/jswarm-build): jlink costs ~25 s once, then nothing.
# Usage: dist/build-release.sh VERSION CLI_TARGET OUT
set -euo pipefail
version=$1 cli=$2 out=$3
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
started=$SECONDS
[[ -f "$cli/jswarm-cli.jar" && -d "$cli/lib" ]] || { echo "build-release: no $cli/jswarm-cli.jar (package cli first)" >&2; exit 1; }
# From `jdeps --print-module-deps` over cli/target/lib (25 s, so not run on every build), plus
# jdk.crypto.ec (TLS with EC keys is looked up by name, invisible to jdeps) and jdk.zipfs.
modules=java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,java.net.http,java.sql
modules+=,jdk.crypto.ec,jdk.jfr,jdk.management,jdk.unsupported,jdk.zipfs
jdk_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
jlink="$jdk_home/bin/jlink"
[[ -x "$jlink" ]] || jlink=$(command -v jlink) || { echo "build-release: jlink not found (a full JDK is needed)" >&2; exit 1; }
cache="${JSWARM_BUILD_CACHE:-${HOME:-/tmp}/.cache/jswarm-build}"
key="$("$jlink" --version)-$(printf '%s' "$modules" | cksum | cut -d' ' -f1)"
runtime="$cache/runtime-$key"
if [[ ! -x "$runtime/bin/java" ]]; then
  mkdir -p "$cache"
  rm -rf "$runtime.tmp"
  "$jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
    --generate-cds-archive --output "$runtime.tmp" >/dev/null
  mv "$runtime.tmp" "$runtime"
fi

name="jswarm-$version"
stage="$out/stage"
rm -rf "$stage" && mkdir -p "$stage/$name"
top="$stage/$name"
cp -a "$runtime" "$top/runtime"
cp "$cli/jswarm-cli.jar" "$top/"
cp -r "$cli/lib" "$top/lib"
mkdir -p "$top/bin" "$top/libexec" "$top/systemd" "$top/docs"
install -m 0755 "$repo/bin/jswarm" "$top/bin/jswarm"
install -m 0755 "$here/files/libexec/"* "$top/libexec/"
install -m 0644 "$here/files/systemd/jswarm.service" "$top/systemd/"
install -m 0755 "$here/files/install.sh" "$top/install.sh"
install -m 0644 "$here/files/daemon.json" "$top/daemon.json"
install -m 0644 "$repo/README.md" "$top/docs/README.md"
install -m 0644 "$repo/docs/install.md" "$top/docs/install.md"
echo "$version" >"$top/VERSION"
tarball="$out/jswarm-$version-linux-amd64.tar.gz"
# Reproducible-ish: fixed owner and sorted names; gzip -6 (jars are compressed already).
tar --owner=0 --group=0 --numeric-owner --sort=name -C "$stage" -cf - "$name" | gzip -6 >"$tarball.tmp"
mv "$tarball.tmp" "$tarball"

if command -v dpkg-deb >/dev/null; then
  # Debian versions sort "~" before anything: 0.1.0~SNAPSHOT < 0.1.0
  debversion="${version//-/\~}"
  deb="$stage/deb"
  mkdir -p "$deb/DEBIAN" "$deb/usr/lib" "$deb/usr/bin" "$deb/lib/systemd/system" "$deb/etc/jswarm"
  cp -a "$top" "$deb/usr/lib/jswarm"
  ln -s ../lib/jswarm/bin/jswarm "$deb/usr/bin/jswarm"
  install -m 0644 "$here/files/systemd/jswarm.service" "$deb/lib/systemd/system/jswarm.service"
  install -m 0644 "$here/files/daemon.json" "$deb/etc/jswarm/daemon.json"
  size=$(du -sk "$deb" | cut -f1)
  sed -e "s/@VERSION@/$debversion/" -e "s/@SIZE@/$size/" "$here/files/deb/control" >"$deb/DEBIAN/control"
  echo /etc/jswarm/daemon.json >"$deb/DEBIAN/conffiles"
  install -m 0755 "$here/files/deb/postinst" "$here/files/deb/prerm" "$here/files/deb/postrm" "$deb/DEBIAN/"
  rm -f "$out"/jswarm_*_amd64.deb
  dpkg-deb --root-owner-group -Zgzip -z6 --build "$deb" "$out/jswarm_${debversion}_amd64.deb" >/dev/null
fi
rm -rf "$stage"
echo "build-release: $(ls "$out"/*.tar.gz "$out"/*.deb 2>/dev/null | tr '\n' ' ')in $((SECONDS - started)) s"
