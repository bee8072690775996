#!/usr/bin/env bash
# Starts a training cluster on loopback: one learner node and two generator nodes, each its own process.
# Usage: samples/cluster/run-local.sh [--tls] [extra --set options for every node, e.g. --set actorrl.pipeline.rl-steps=20]
#   --tls  make a throw-away CA and one certificate per node with openssl ($LOGS/tls/), then run the whole cluster over
#          mutually authenticated TLS (actorrl.cluster.tls): remoting and, with weight-transport = tcp, the weights.
# Environment: ACTORRL (the actorrl command; default: `dotnet run` of the CLI project), PORT (learner port, 4053),
#              GENERATORS (generator nodes, 2), LOGS (where the nodes' output goes, runs/cluster).
#              Logs: $LOGS/{learner,generator-N}.out
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT="${PORT:-4053}"
GENERATORS="${GENERATORS:-2}"
TLS=0
extra=()
for arg in "$@"; do
  if [[ "$arg" == "--tls" ]]; then TLS=1; else extra+=("$arg"); fi
done
if [[ -z "${ACTORRL:-}" ]]; then
  dotnet build src/ActorRL.Cli -c Release -v quiet -nologo >/dev/null
  ACTORRL="src/ActorRL.Cli/bin/Release/net10.0/actorrl"
fi
CONF=samples/cluster/pipeline.conf
LOGS="${LOGS:-runs/cluster}"
mkdir -p "$LOGS"
SEED="akka.tcp://actorrl@127.0.0.1:${PORT}"

# tls_args NAME: the --set options that give node NAME its certificate (none without --tls).
tls_args() { :; }
if (( TLS )); then
  command -v openssl >/dev/null || { echo "--tls needs openssl (apt-get install openssl)" >&2; exit 2; }
  TLSDIR="$LOGS/tls"
  rm -rf "$TLSDIR" && mkdir -p "$TLSDIR" && chmod 700 "$TLSDIR"
  # The key files' password reaches the nodes through the environment (HOCON ${ACTORRL_TLS_PASSWORD}), never argv.
  ACTORRL_TLS_PASSWORD="$(openssl rand -hex 16)"
  export ACTORRL_TLS_PASSWORD
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=ActorRL local cluster CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$TLSDIR/ca.key" -out "$TLSDIR/ca.pem" 2>/dev/null
  node_certificate() {
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1" \
      -keyout "$TLSDIR/$1.key" -out "$TLSDIR/$1.csr" 2>/dev/null
    openssl x509 -req -in "$TLSDIR/$1.csr" -CA "$TLSDIR/ca.pem" -CAkey "$TLSDIR/ca.key" -CAcreateserial -days 1 \
      -extfile <(printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n') -out "$TLSDIR/$1.pem" 2>/dev/null
    openssl pkcs12 -export -in "$TLSDIR/$1.pem" -inkey "$TLSDIR/$1.key" -passout env:ACTORRL_TLS_PASSWORD -out "$TLSDIR/$1.p12"
    rm -f "$TLSDIR/$1.key" "$TLSDIR/$1.csr"
  }
  node_certificate learner
  for i in $(seq 1 "$GENERATORS"); do node_certificate "generator-$i"; done
  # Nothing can sign another node certificate after this: the CA key exists only while the cluster's are made.
  rm -f "$TLSDIR/ca.key" "$TLSDIR/ca.srl"
  tls_args() {
    printf '%s\n' --set actorrl.cluster.tls.enabled=true --set "actorrl.cluster.tls.ca=$TLSDIR/ca.pem" \
      --set "actorrl.cluster.tls.certificate=$TLSDIR/$1.p12" --set 'actorrl.cluster.tls.password=${ACTORRL_TLS_PASSWORD}'
  }
  SEED="akka.ssl.tcp://actorrl@127.0.0.1:${PORT}"
  echo "TLS: CA and node certificates in $TLSDIR"
fi

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

mapfile -t learner_tls < <(tls_args learner)
"$ACTORRL" train "$CONF" --set akka.remote.dot-netty.tcp.port="$PORT" "${learner_tls[@]}" "${extra[@]}" > "$LOGS/learner.out" 2>&1 &
learner=$!
echo "learner node: pid $learner, $SEED (log $LOGS/learner.out)"
for i in $(seq 1 "$GENERATORS"); do
  mapfile -t node_tls < <(tls_args "generator-$i")
  "$ACTORRL" node --role generator --seed-nodes "$SEED" --config "$CONF" "${node_tls[@]}" "${extra[@]}" > "$LOGS/generator-$i.out" 2>&1 &
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
