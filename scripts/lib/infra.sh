# Shared by scripts/test.sh and scripts/bench.sh: RabbitMQ and Redis from Debian packages on loopback,
# reused when already listening, stopped on exit when this script started them. Source it from the repo root.

work="$(mktemp -d /tmp/gitlabbus.XXXXXX)"
chmod 755 "$work"
started_rabbitmq=false
started_redis=false
started_redis_cluster=()
# A Redis Cluster of three masters and three replicas on loopback, for the Redis specifications' cluster runs.
redis_cluster_ports=(7101 7102 7103 7104 7105 7106)

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*"; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

cleanup() {
  if $started_redis; then
    log "stopping redis"
    redis-cli -p 6379 shutdown nosave >/dev/null 2>&1 || true
  fi
  for port in "${started_redis_cluster[@]}"; do
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  done
  if $started_rabbitmq; then
    log "stopping rabbitmq"
    as_root rabbitmqctl stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

install_missing() {
  local missing=()
  command -v rabbitmq-server >/dev/null 2>&1 || missing+=(rabbitmq-server)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  # Simulator.Tests drive the simulator with a third-party GitLab client written for Node.js (gitbeaker).
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  # The docs' examples (EndToEnd) run as a reader pastes them: curl and jq.
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v jq >/dev/null 2>&1 || missing+=(jq)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} from Debian packages"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

start_rabbitmq() {
  if listening 5672; then
    log "reusing the RabbitMQ already listening on 5672"
    listening 15672 || as_root rabbitmq-plugins enable rabbitmq_management >/dev/null
  else
    log "starting RabbitMQ (management UI on http://127.0.0.1:15672)"
    sed "s#/etc/rabbitmq/definitions.json#$repo/rabbitmq/definitions.json#" "$repo/rabbitmq/rabbitmq.conf" > "$work/rabbitmq.conf"
    cp "$repo/rabbitmq/enabled_plugins" "$work/enabled_plugins"
    chmod 644 "$work/rabbitmq.conf" "$work/enabled_plugins"
    as_root env RABBITMQ_CONFIG_FILE="$work/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$work/enabled_plugins" \
      RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 rabbitmq-server -detached
    started_rabbitmq=true
    # The detached node registers with epmd a moment after the command returns: retry until it answers.
    local booted=false
    for _ in $(seq 1 60); do
      if as_root rabbitmqctl await_startup --timeout 120 >/dev/null 2>&1; then booted=true; break; fi
      sleep 1
    done
    $booted || { log "RabbitMQ did not start; see /var/log/rabbitmq/"; return 1; }
  fi
  for _ in $(seq 1 120); do listening 15672 && return 0; sleep 0.5; done
  log "RabbitMQ's management API did not come up on 15672"; return 1
}

start_redis() {
  if listening 6379; then
    log "reusing the Redis already listening on 6379"
  else
    log "starting Redis on 127.0.0.1:6379"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --databases 64 --save '' --appendonly no \
      --dir "$work" --logfile "$work/redis.log"
    started_redis=true
    for _ in $(seq 1 100); do redis-cli -p 6379 ping >/dev/null 2>&1 && return 0; sleep 0.1; done
    log "Redis did not answer"; return 1
  fi
}


# Six cluster-mode servers (ports of our own, a data folder each), joined by `redis-cli --cluster create` into three masters
# with one replica each; GITLABBUS_TEST_REDIS_CLUSTER names the seeds for the specifications.
start_redis_cluster() {
  export GITLABBUS_TEST_REDIS_CLUSTER
  GITLABBUS_TEST_REDIS_CLUSTER="$(printf '127.0.0.1:%s,' "${redis_cluster_ports[@]:0:3}")"
  GITLABBUS_TEST_REDIS_CLUSTER="${GITLABBUS_TEST_REDIS_CLUSTER%,}"
  if listening "${redis_cluster_ports[0]}"; then
    log "reusing the Redis Cluster already listening on ${redis_cluster_ports[0]}"
    return 0
  fi
  log "starting a Redis Cluster (3 masters, 3 replicas) on 127.0.0.1:${redis_cluster_ports[0]}-${redis_cluster_ports[5]}"
  local port nodes=()
  for port in "${redis_cluster_ports[@]}"; do
    mkdir -p "$work/redis-cluster/$port"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --cluster-enabled yes \
      --cluster-config-file "$work/redis-cluster/$port/nodes.conf" --cluster-node-timeout 2000 \
      --save '' --appendonly no --dir "$work/redis-cluster/$port" --logfile "$work/redis-cluster/$port/redis.log"
    started_redis_cluster+=("$port")
    nodes+=("127.0.0.1:$port")
  done
  for port in "${redis_cluster_ports[@]}"; do
    for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$work/redis-cluster/create.log" 2>&1 \
    || { log "redis-cli --cluster create failed; see below"; cat "$work/redis-cluster/create.log"; return 1; }
  # Every node agrees the cluster is ok and every replica has synced before a specification writes to it.
  for _ in $(seq 1 200); do
    local ready=true
    for port in "${redis_cluster_ports[@]}"; do
      redis-cli -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || ready=false
      if redis-cli -p "$port" role 2>/dev/null | head -1 | grep -q slave; then
        redis-cli -p "$port" info replication 2>/dev/null | grep -q '^master_link_status:up' || ready=false
      fi
    done
    $ready && return 0
    sleep 0.1
  done
  log "the Redis Cluster did not become ready"; return 1
}
