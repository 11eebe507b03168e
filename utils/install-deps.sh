#!/usr/bin/env bash
# Installs the Debian packages MX needs, when any is missing. Idempotent and
# non-interactive. Accepts any LLVM/MLIR 22.1.x (the Debian revision is not
# pinned: security updates replace it).
set -euo pipefail
pkgs=(llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools lld ninja-build
      cmake g++ libgtest-dev python3
      python3-dev python3-numpy pybind11-dev)
# utils/sanitize.sh: clang with its sanitizer runtimes.
pkgs+=(clang-22 libclang-rt-22-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo=; [[ $(id -u) -eq 0 ]] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
ver=$(/usr/lib/llvm-22/bin/llvm-config --version)
case $ver in
  22.1.*) ;;
  *) echo "install-deps: need LLVM 22.1.x, found $ver" >&2; exit 1 ;;
esac
