#!/usr/bin/env bash
# Throughput with 1, 2, 3 generator processes (one generator each) feeding one learner process, on this machine
# (η = 8, so generators rarely wait for the learner). Prints groups/s and tokens/s per case, the speed-up over one,
# and the learner's busy and idle seconds per step (idle ≈ 0 means the learner, not generation, is the limit).
# Usage: samples/cluster/bench-scaling.sh [COUNTS...]   (default: 1 2 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build src/ActorRL.Cli -c Release -v quiet -nologo >/dev/null
export ACTORRL="src/ActorRL.Cli/bin/Release/net10.0/actorrl"
COUNTS=("${@:-1 2 3}")
[[ $# -eq 0 ]] && COUNTS=(1 2 3)
OUT=runs/cluster-scaling
rm -rf "$OUT"
for n in "${COUNTS[@]}"; do
  LOGS="$OUT/n$n" GENERATORS="$n" PORT=$((4100 + n)) samples/cluster/run-local.sh \
    --set actorrl.run.dir="$OUT/n$n/run" --set actorrl.warm-start.steps=0 --set actorrl.pipeline.rl-steps=12 \
    --set actorrl.pipeline.eval-size=0 --set actorrl.pipeline.max-staleness=8 --set actorrl.pipeline.groups-per-step=8 \
    --set actorrl.pipeline.prompts-per-generation=4 >/dev/null
done
python3 - "$OUT" "${COUNTS[@]}" <<'PY'
import json, sys, os
out, counts = sys.argv[1], sys.argv[2:]
base = None
print(f"{'generator processes':>20} {'groups/s':>9} {'tokens/s':>9} {'speed-up':>9} {'learner s/step':>15} {'idle s/step':>12}")
for n in counts:
    run = os.path.join(out, f"n{n}", "run")
    summary = json.load(open(os.path.join(run, "summary.json")))
    rl = [json.loads(l) for l in open(os.path.join(run, "metrics.jsonl")) if '"kind":"rl"' in l]
    # Steady state: from the end of the first learner step to the end of the last (start-up and fill excluded).
    seconds = rl[-1]["wall_seconds"] - rl[0]["wall_seconds"]
    groups = sum(r["groups"] for r in rl[1:])
    tokens = sum(r["groups"] * 8 * r["response_length_mean"] for r in rl[1:])  # group-size 8 (samples/cluster)
    rate = groups / seconds
    base = base or rate
    busy = sum(r["learner_step_seconds"] for r in rl[1:]) / len(rl[1:])
    idle = sum(r["learner_idle_seconds"] for r in rl[1:]) / len(rl[1:])
    print(f"{n:>20} {rate:>9.2f} {tokens / seconds:>9.0f} {rate / base:>8.2f}x {busy:>15.2f} {idle:>12.2f}")
PY
