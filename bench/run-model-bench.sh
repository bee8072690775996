#!/usr/bin/env bash
# Model benchmark: TinyGpt and Qwen3 (TorchSharp) vs the same networks in PyTorch, same sizes, weights and threads, one invocation.
# Installs Debian's python3-torch and an optimised BLAS (without libopenblas0-pthread Debian's torch falls back to
# the reference BLAS and runs several times slower, which would flatter us) when they are missing.
# Usage: bench/run-model-bench.sh [--quick] [--arch tinygpt,qwen3] [--threads N] [--skip-peer]
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in python3-torch python3-numpy libopenblas0-pthread; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ] && [[ " $* " != *" --skip-peer "* ]]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

export ACTORRL_BUILD_SLOT="${ACTORRL_BUILD_SLOT:-bench}"
dotnet build bench/ActorRL.Bench.Model -c Release -v quiet -nologo 2>&1 | grep -E "error|Warn|Elapsed" || true
# Debian's torch lives in /usr/bin/python3's dist-packages, which may not be the python3 first on PATH.
exec dotnet run --project bench/ActorRL.Bench.Model -c Release --no-build -- \
  --python /usr/bin/python3 --peer-script bench/pytorch_peer.py "$@"
