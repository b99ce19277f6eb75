#!/usr/bin/env bash
# The chaos suite: faults under load on loopback, bounded in time and requests. Starts what it needs from Debian's
# packages (a three-node RabbitMQ cluster, a Redis Cluster of three masters and three replicas, a single-node broker and
# a single Redis), runs the gateway, consumers and sagas as processes on them against the GitLab simulator, and injects:
# kill -9 of a RabbitMQ node, kill -9 of a Redis master, kill -9 of each GitLabBus process in turn, a restart of the
# single-node broker. Prints a row per fault and ends with one line
#   chaos: F faults, L lost, D duplicates, max recovery S s
# --faults rabbitmq-node,redis-master,gateway,consumers,sagas,broker-restart picks some (default: all).
# Exits non-zero when anything was lost or made twice, or a fault took more than 30 s to recover from.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
source "$repo/scripts/lib/infra.sh"

install_missing
start_redis
start_redis_cluster
start_rabbitmq_cluster
start_rabbitmq_single

dotnet build bench/Bench -c Release --nologo -v quiet -clp:ErrorsOnly
hosts_log="${TMPDIR:-/tmp}/gitlabbus-chaos-hosts.log"
log "running the faults (the hosts' own logs go to $hosts_log)"
set +e
dotnet bench/Bench/bin/Release/net10.0/GitLabBus.Bench.dll --scenario chaos --repository "$repo" \
  --cluster-rabbitmq "$(rabbitmq_cluster_url gitlabbus-chaos)" \
  --cluster-management "http://127.0.0.1:$((rabbitmq_cluster_ports[0] + 10000))" \
  --redis-cluster "$(redis_cluster_seeds)" \
  --single-rabbitmq "amqp://guest:guest@127.0.0.1:${rabbitmq_node_ports[3]}/gitlabbus-chaos" \
  --single-management "http://127.0.0.1:$((rabbitmq_node_ports[3] + 10000))" \
  --single-redis 127.0.0.1:6379 "$@" 2>"$hosts_log"
status=$?
set -e
if [ "$status" -ne 0 ]; then
  log "the chaos suite failed; the last lines the hosts wrote:"
  tail -40 "$hosts_log"
fi
exit "$status"
