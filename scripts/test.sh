#!/usr/bin/env bash
# The whole test suite, on real RabbitMQ and Redis.
#
# Installs rabbitmq-server and redis-server from Debian packages when they are missing, starts them on loopback
# (reusing servers already listening; Redis also as a 3-master, 3-replica cluster), checks the formatting (CSharpier,
# a local dotnet tool), runs `dotnet test GitLabBus.sln`, then the chaos suite (scripts/chaos.sh; GITLABBUS_CHAOS=0 skips
# it), stops what it started, and ends with one line "N passed, N failed"
# totalled over every test project (a formatting difference counts as one failure, the chaos suite as one test).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
source "$repo/scripts/lib/infra.sh"

install_missing
start_rabbitmq
start_redis
start_redis_cluster
# The Redis specifications run a second time on this cluster (tests/Integration, collection redis-cluster).
export GITLABBUS_TEST_REDIS_CLUSTER
GITLABBUS_TEST_REDIS_CLUSTER="$(redis_cluster_seeds)"

set +e
# House style: the code is as CSharpier formats it (README "House style"); a difference counts as one failed test.
formatted=0
if ! { dotnet tool restore >/dev/null && dotnet csharpier check . >"$work/format.log" 2>&1; }; then
  formatted=1
  echo "[test] files not formatted as CSharpier formats them (run: dotnet csharpier format .):"
  head -20 "$work/format.log"
fi

dotnet test GitLabBus.sln "$@" 2>&1 | tee "$work/test.log"
status=${PIPESTATUS[0]}

# The chaos suite (faults under load on loopback clusters, about 8 minutes) counts as one test when no arguments (such as
# --filter) are given; GITLABBUS_CHAOS=0 leaves it out for a quicker local run.
chaos=skipped
if [ $# -eq 0 ] && [ "${GITLABBUS_CHAOS:-1}" != 0 ]; then
  if bash "$repo/scripts/chaos.sh" 2>&1 | tee "$work/chaos.log"; then chaos=passed; else chaos=failed; fi
fi
set -e

# One summary line per test assembly: "Passed!  - Failed:     0, Passed:    55, Skipped: ..."
passed=0
failed=0
while read -r f p; do
  passed=$((passed + p))
  failed=$((failed + f))
done < <(sed -n 's/^\(Passed\|Failed\)! *- *Failed: *\([0-9]*\), *Passed: *\([0-9]*\),.*/\2 \3/p' "$work/test.log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
case "$chaos" in
  passed) passed=$((passed + 1)) ;;
  failed) failed=$((failed + 1)); status=1 ;;
esac
if [ "$formatted" -ne 0 ]; then
  failed=$((failed + 1))
  status=1
fi
echo "$passed passed, $failed failed"
exit "$status"
