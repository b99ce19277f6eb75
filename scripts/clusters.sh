#!/usr/bin/env bash
# A three-node RabbitMQ cluster and a Redis Cluster (three masters, three replicas) on loopback, from Debian's packages,
# to run GitLabBus against clusters on one machine (docs/operations.md, "Running on clusters").
#
#   bash scripts/clusters.sh start            start both (reused when already listening) and print the URLs
#   bash scripts/clusters.sh stop             stop both
#   bash scripts/clusters.sh kill-rabbitmq N  SIGKILL RabbitMQ node N (1-3, 4 is a single node of its own);
#                                             start-rabbitmq N starts it again, stop-rabbitmq N stops it cleanly
#   bash scripts/clusters.sh kill-redis PORT  SIGKILL the Redis node on PORT;  start-redis PORT starts it again
#
# Node data lives under $GITLABBUS_CLUSTER_DIR (default /tmp/gitlabbus-clusters).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
source "$repo/scripts/lib/infra.sh"
# Nodes outlive this script: they are stopped by "stop", not on exit.
trap 'rm -rf "$work"' EXIT

case "${1:-}" in
  start)
    install_missing
    start_rabbitmq_cluster
    start_redis_cluster
    echo "RABBITMQ_URL=$(rabbitmq_cluster_url)"
    echo "REDIS_URL=redis://$(redis_cluster_seeds)"
    ;;
  stop) stop_redis_cluster; stop_rabbitmq_cluster ;;
  kill-rabbitmq) kill_rabbitmq_node "$2" ;;
  start-rabbitmq) start_rabbitmq_node "$2" ;;
  stop-rabbitmq) as_root rabbitmqctl -q -n "$(rabbitmq_node_name "$2")" stop >/dev/null ;;
  kill-redis) kill_redis_node "$2" ;;
  start-redis) start_redis_node "$2" && await_redis_cluster 300 ;;
  *) sed -n '2,11p' "$0"; exit 2 ;;
esac
