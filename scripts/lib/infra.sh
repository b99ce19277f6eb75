# Shared by scripts/test.sh and scripts/bench.sh: RabbitMQ and Redis from Debian packages on loopback,
# reused when already listening, stopped on exit when this script started them. Source it from the repo root.

work="$(mktemp -d /tmp/gitlabbus.XXXXXX)"
chmod 755 "$work"
started_rabbitmq=false
started_redis=false

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*"; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

cleanup() {
  if $started_redis; then
    log "stopping redis"
    redis-cli -p 6379 shutdown nosave >/dev/null 2>&1 || true
  fi
  stop_started_clusters
  if $started_rabbitmq; then
    log "stopping rabbitmq"
    as_root rabbitmqctl stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

source "$repo/scripts/lib/clusters.sh"

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
