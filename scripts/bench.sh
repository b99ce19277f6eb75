#!/usr/bin/env bash
# The benchmarks (bench/Bench) on real RabbitMQ and Redis, started like the test command does. Extra arguments go to
# the benchmark, e.g. --messages 50000 --rate 500 --latency-seconds 20, or --scenario pipelines|backlog|all.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
source "$repo/scripts/lib/infra.sh"

install_missing
start_rabbitmq
start_redis

dotnet build bench/Bench -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet bench/Bench/bin/Release/net10.0/GitLabBus.Bench.dll "$@"
