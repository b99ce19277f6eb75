# A three-node RabbitMQ cluster and a Redis Cluster (three masters, three replicas) on loopback, from Debian's packages,
# for the cluster specifications (scripts/test.sh), the chaos suite (scripts/chaos.sh) and scripts/clusters.sh. Each node has
# its own ports and data folder under $cluster_dir, so a node can be killed and started again with the same identity.
# Sourced after infra.sh's log/listening/as_root helpers.

cluster_dir="${GITLABBUS_CLUSTER_DIR:-/tmp/gitlabbus-clusters}"
# AMQP ports; each node's management API listens on 10000 more, its Erlang distribution on 20000 more. Node 4 is a
# single-node broker of its own (never joined), for the chaos suite's broker restart.
rabbitmq_cluster_ports=(5681 5682 5683)
rabbitmq_node_ports=(5681 5682 5683 5684)
redis_cluster_ports=(7101 7102 7103 7104 7105 7106)
started_rabbitmq_cluster=false
started_redis_cluster=false
started_rabbitmq_single=false

# The cluster's RABBITMQ_URL for vhost $1 (default gitlabbus).
rabbitmq_cluster_url() {
  local nodes
  nodes="$(printf '127.0.0.1:%s,' "${rabbitmq_cluster_ports[@]}")"
  echo "amqp://guest:guest@${nodes%,}/${1:-gitlabbus}"
}

redis_cluster_seeds() {
  local seeds
  seeds="$(printf '127.0.0.1:%s,' "${redis_cluster_ports[@]:0:3}")"
  echo "${seeds%,}"
}

rabbitmq_node_name() { echo "gitlabbus-$1@localhost"; }

# Starts node N (1-4) detached, with the data it had if it ran before.
start_rabbitmq_node() {
  local n=$1 port=${rabbitmq_node_ports[$(($1 - 1))]} dir="$cluster_dir/rabbitmq-$1"
  mkdir -p "$dir"
  cat >"$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = $port
management.tcp.port = $((port + 10000))
loopback_users.guest = true
max_message_size = 67108864
disk_free_limit.absolute = 1GB
cluster_partition_handling = pause_minority
CONF
  echo '[rabbitmq_management].' >"$dir/enabled_plugins"
  as_root chown -R rabbitmq:rabbitmq "$dir"
  chmod 755 "$cluster_dir"
  as_root env RABBITMQ_NODENAME="$(rabbitmq_node_name "$n")" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$port" RABBITMQ_DIST_PORT=$((port + 20000)) RABBITMQ_CONFIG_FILE="$dir/rabbitmq" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_PID_FILE="$dir/pid" rabbitmq-server -detached
  local booted=false
  for _ in $(seq 1 60); do
    if as_root rabbitmqctl -n "$(rabbitmq_node_name "$n")" await_startup --timeout 120 >/dev/null 2>&1; then booted=true; break; fi
    sleep 1
  done
  $booted || { log "RabbitMQ node $n did not start; see $dir/log"; return 1; }
}

# Creates vhost gitlabbus on node $1 (kept if it exists) with every permission for guest.
grant_gitlabbus_vhost() {
  as_root rabbitmqctl -q -n "$(rabbitmq_node_name "$1")" add_vhost gitlabbus >/dev/null 2>&1 || true
  as_root rabbitmqctl -q -n "$(rabbitmq_node_name "$1")" set_permissions -p gitlabbus guest '.*' '.*' '.*' >/dev/null
}

# A clean stop of node $1, or SIGKILL when it does not answer.
stop_rabbitmq_node() {
  as_root rabbitmqctl -q -n "$(rabbitmq_node_name "$1")" stop >/dev/null 2>&1 || kill_rabbitmq_node "$1"
}

# SIGKILL, as a crashed machine ends a node: no clean leave, no flushed state.
kill_rabbitmq_node() {
  local pid
  pid="$(cat "$cluster_dir/rabbitmq-$1/pid" 2>/dev/null)" || return 0
  as_root kill -9 "$pid" 2>/dev/null || true
  while as_root kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

start_rabbitmq_cluster() {
  if listening "${rabbitmq_cluster_ports[0]}"; then
    log "reusing the RabbitMQ cluster already listening on ${rabbitmq_cluster_ports[0]}"
    return 0
  fi
  log "starting a three-node RabbitMQ cluster on 127.0.0.1:${rabbitmq_cluster_ports[0]}-${rabbitmq_cluster_ports[2]}"
  as_root rm -rf "$cluster_dir"/rabbitmq-*
  started_rabbitmq_cluster=true
  local n
  for n in 1 2 3; do start_rabbitmq_node "$n" || return 1; done
  for n in 2 3; do
    as_root rabbitmqctl -q -n "$(rabbitmq_node_name "$n")" stop_app >/dev/null
    as_root rabbitmqctl -q -n "$(rabbitmq_node_name "$n")" join_cluster "$(rabbitmq_node_name 1)" >/dev/null
    as_root rabbitmqctl -q -n "$(rabbitmq_node_name "$n")" start_app >/dev/null
  done
  grant_gitlabbus_vhost 1
  as_root rabbitmqctl -q -n "$(rabbitmq_node_name 1)" cluster_status --formatter json | grep -q "$(rabbitmq_node_name 3)" \
    || { log "the RabbitMQ nodes did not form one cluster"; return 1; }
}

# Node 4 alone, with a gitlabbus vhost, as a single-broker deployment has it.
start_rabbitmq_single() {
  if listening "${rabbitmq_node_ports[3]}"; then return 0; fi
  log "starting a single-node RabbitMQ on 127.0.0.1:${rabbitmq_node_ports[3]}"
  as_root rm -rf "$cluster_dir/rabbitmq-4"
  started_rabbitmq_single=true
  start_rabbitmq_node 4 || return 1
  grant_gitlabbus_vhost 4
}

stop_rabbitmq_cluster() {
  local n
  for n in 3 2 1; do stop_rabbitmq_node "$n"; done
}

# Starts the cluster-mode server on PORT detached; its nodes.conf keeps its identity across a kill.
start_redis_node() {
  local port=$1 dir="$cluster_dir/redis-$1"
  mkdir -p "$dir"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --cluster-enabled yes \
    --cluster-config-file "$dir/nodes.conf" --cluster-node-timeout 2000 --save '' --appendonly no \
    --dir "$dir" --logfile "$dir/redis.log" --pidfile "$dir/redis.pid"
  for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  log "Redis on $port did not answer"; return 1
}

kill_redis_node() {
  local pid
  pid="$(redis-cli -p "$1" info server 2>/dev/null | tr -d '\r' | sed -n 's/^process_id://p')"
  [ -n "$pid" ] || return 0
  kill -9 "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

# Every node says the cluster is ok and every replica has synced with its master.
redis_cluster_ready() {
  local port
  for port in "${redis_cluster_ports[@]}"; do
    redis-cli -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
    if redis-cli -p "$port" role 2>/dev/null | head -1 | grep -q slave; then
      redis-cli -p "$port" info replication 2>/dev/null | grep -q '^master_link_status:up' || return 1
    fi
  done
}

# Waits until redis_cluster_ready, for $1 tenths of a second (default 200).
await_redis_cluster() {
  for _ in $(seq 1 "${1:-200}"); do redis_cluster_ready && return 0; sleep 0.1; done
  log "the Redis Cluster did not become ready"; return 1
}

start_redis_cluster() {
  if listening "${redis_cluster_ports[0]}"; then
    log "reusing the Redis Cluster already listening on ${redis_cluster_ports[0]}"
    return 0
  fi
  log "starting a Redis Cluster (3 masters, 3 replicas) on 127.0.0.1:${redis_cluster_ports[0]}-${redis_cluster_ports[5]}"
  rm -rf "$cluster_dir"/redis-*
  started_redis_cluster=true
  local port nodes=()
  for port in "${redis_cluster_ports[@]}"; do
    start_redis_node "$port" || return 1
    nodes+=("127.0.0.1:$port")
  done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$cluster_dir/redis-create.log" 2>&1 \
    || { log "redis-cli --cluster create failed:"; cat "$cluster_dir/redis-create.log"; return 1; }
  await_redis_cluster
}

stop_redis_cluster() {
  local port
  for port in "${redis_cluster_ports[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || kill_redis_node "$port"; done
}

# What a script started, it stops on exit.
stop_started_clusters() {
  if $started_redis_cluster; then log "stopping the Redis Cluster"; stop_redis_cluster; fi
  if $started_rabbitmq_cluster; then log "stopping the RabbitMQ cluster"; stop_rabbitmq_cluster; fi
  if $started_rabbitmq_single; then stop_rabbitmq_node 4; fi
}
