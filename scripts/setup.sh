#!/usr/bin/env bash
# Idempotent setup on Debian/Ubuntu: system packages, npm dependencies, the native addon, the TypeScript build.
# Usage: scripts/setup.sh [--bench]   (--bench also installs Debian's PyTorch, the benchmarks' baseline)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libtorch-dev libopenblas0 build-essential python3 redis-server chromium orthanc orthanc-dicomweb)
if [[ "${1:-}" == "--bench" ]]; then packages+=(python3-torch python3-torchvision); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# onnxruntime-node would otherwise try to download GPU parts; its CPU library ships in the npm package.
export ONNXRUNTIME_NODE_INSTALL=skip
# node-gyp must use the installed Node headers, not download them.
export npm_config_nodedir=/usr

stamp=node_modules/.osteon-lock-stamp
if [[ ! -f $stamp ]] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund >&2
  cp package-lock.json "$stamp"
fi

if [[ ! -f native/build/Release/osteon_native.node ]] || [[ -n $(find native/src native/binding.gyp -newer native/build/Release/osteon_native.node 2>/dev/null) ]]; then
  echo "setup: building the native addon (libtorch)" >&2
  npx node-gyp rebuild --nodedir=/usr --jobs max -C native >&2
fi

npx tsc -p tsconfig.json >&2
node web/build.mjs >&2
echo "setup: ready" >&2
