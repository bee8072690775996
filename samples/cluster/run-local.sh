#!/usr/bin/env bash
# Starts a training cluster on loopback: one learner node and two generator nodes, each its own process.
# Usage: samples/cluster/run-local.sh [extra --set options for every node, e.g. --set actorrl.pipeline.rl-steps=20]
# Environment: ACTORRL (the actorrl command; default: `dotnet run` of the CLI project), PORT (learner port, 4053),
#              GENERATORS (generator nodes, 2), LOGS (where the nodes' output goes, runs/cluster).
#              Logs: $LOGS/{learner,generator-N}.out
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT="${PORT:-4053}"
GENERATORS="${GENERATORS:-2}"
if [[ -z "${ACTORRL:-}" ]]; then
  dotnet build src/ActorRL.Cli -c Release -v quiet -nologo >/dev/null
  ACTORRL="src/ActorRL.Cli/bin/Release/net10.0/actorrl"
fi
CONF=samples/cluster/pipeline.conf
SEED="akka.tcp://actorrl@127.0.0.1:${PORT}"
LOGS="${LOGS:-runs/cluster}"
mkdir -p "$LOGS"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

"$ACTORRL" train "$CONF" --set akka.remote.dot-netty.tcp.port="$PORT" "$@" > "$LOGS/learner.out" 2>&1 &
learner=$!
echo "learner node: pid $learner, $SEED (log $LOGS/learner.out)"
for i in $(seq 1 "$GENERATORS"); do
  "$ACTORRL" node --role generator --seed-nodes "$SEED" --config "$CONF" "$@" > "$LOGS/generator-$i.out" 2>&1 &
  pids+=("$!")
  echo "generator node $i: pid $! (log $LOGS/generator-$i.out)"
done

status=0
wait "$learner" || status=$?
# Generator nodes stop by themselves when the learner leaves the cluster; give them a moment.
for pid in "${pids[@]}"; do wait "$pid" || true; done
pids=()
tail -n 4 "$LOGS/learner.out"
exit "$status"
