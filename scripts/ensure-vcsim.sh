#!/usr/bin/env bash
# Builds VMware's vCenter simulator (our launcher in scripts/vcsim/main.go over Debian's govmomi
# package) into .cache/vcsim/vcsim and prints the binary's path on the last line of stdout.
#
# Debian ships govmomi's library (golang-github-vmware-govmomi-dev) but not the vcsim command, so the
# build runs offline in GOPATH mode against /usr/share/gocode. Installs the two packages when missing.
# Skips the build when the binary is newer than main.go. Exits non-zero if anything fails.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$repo/scripts/vcsim/main.go"
out_dir="$repo/.cache/vcsim"
bin="$out_dir/vcsim"
govmomi=/usr/share/gocode/src/github.com/vmware/govmomi/simulator

fresh() { [[ -x "$bin" && "$bin" -nt "$src" ]]; }

if fresh; then
  echo "$bin"
  exit 0
fi

# Parallel test workers may all find the binary missing: one builds, the others wait for it.
mkdir -p "$out_dir"
exec 9>"$out_dir/.build.lock"
flock 9
if fresh; then
  echo "$bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1 || [[ ! -d "$govmomi" ]]; then
  echo "ensure-vcsim: installing golang-go and golang-github-vmware-govmomi-dev" >&2
  if [[ "$(id -u)" -ne 0 ]]; then
    sudo=sudo
  else
    sudo=
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq --no-install-recommends golang-go golang-github-vmware-govmomi-dev >&2
fi

mkdir -p "$repo/.cache/gopath" "$repo/.cache/go-build"
echo "ensure-vcsim: building $bin (first build takes up to a minute)" >&2
tmp="$bin.tmp.$$"
(
  cd "$repo/scripts/vcsim"
  GO111MODULE=off GOPROXY=off GOFLAGS= \
    GOPATH="$repo/.cache/gopath:/usr/share/gocode" \
    GOCACHE="$repo/.cache/go-build" \
    go build -o "$tmp" .
)
mv -f "$tmp" "$bin"
echo "$bin"
