#!/usr/bin/env bash
# Installs what the tests need, runs every test project, and ends with "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages the tests use: OpenBLAS (fast GEMM path), Fashion-MNIST (real data), python3 (reads our
# safetensors files independently), tmux (a real terminal for the interactive `swarm node setup` test), chromium
# (the dashboard's browser tests; Playwright never downloads a browser), fortunes (the language-model corpus),
# python3-torch (our saved GPT weights load into a plain PyTorch module and give our logits).
# PostgreSQL is set up further down.
apt_packages=(libopenblas0-pthread dataset-fashion-mnist python3 tmux chromium fortunes python3-torch)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "test.sh: installing ${missing[*]}"
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null \
      || echo "test.sh: apt-get install failed; tests that need those packages will fail"
  else
    echo "test.sh: missing Debian packages ${missing[*]} (run as root to install them)"
  fi
fi

dotnet restore TrainSwarm.slnx -v quiet || { echo "0 passed, 1 failed"; exit 1; }
dotnet build TrainSwarm.slnx -c Release --no-restore -v quiet -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

# PostgreSQL for the ledger's storage tests: install if missing, start a private cluster on 127.0.0.1, create a
# test role and database, and export TRAINSWARM_TEST_PG. With the variable set, the PostgreSQL tests fail (never
# skip) when the server is unreachable.
pg_setup() {
  local pg_port=55432 pg_dir="${TMPDIR:-/tmp}/trainswarm-test-pg" bin
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    if [[ $(id -u) -eq 0 ]]; then
      echo "test.sh: installing postgresql"
      apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null \
        || { echo "test.sh: apt-get install postgresql failed"; return 1; }
    else
      echo "test.sh: postgresql is not installed (run as root to install it)"; return 1
    fi
  fi
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  local as_pg=()
  if [[ $(id -u) -eq 0 ]]; then as_pg=(runuser -u postgres --); fi
  if ! "${as_pg[@]}" "$bin/pg_ctl" -D "$pg_dir" status >/dev/null 2>&1; then
    rm -rf "$pg_dir"; mkdir -p "$pg_dir"
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$pg_dir"
    "${as_pg[@]}" "$bin/initdb" -D "$pg_dir" -A trust -U postgres >/dev/null || return 1
    "${as_pg[@]}" "$bin/pg_ctl" -D "$pg_dir" -l "$pg_dir/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$pg_dir -c fsync=on" start >/dev/null || return 1
  fi
  "$bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || return 1
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'trainswarm') THEN CREATE ROLE trainswarm LOGIN PASSWORD 'trainswarm'; END IF; END $$;
SELECT 'CREATE DATABASE trainswarm_test OWNER trainswarm' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'trainswarm_test')\gexec
SQL
  export TRAINSWARM_TEST_PG="Host=127.0.0.1;Port=$pg_port;Username=trainswarm;Password=trainswarm;Database=trainswarm_test"
}
pg_setup || {
  echo "test.sh: could not start PostgreSQL; its ledger tests will fail"
  export TRAINSWARM_TEST_PG="Host=127.0.0.1;Port=55432;Username=trainswarm;Password=trainswarm;Database=trainswarm_test"
}

results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
dotnet test TrainSwarm.slnx -c Release --no-build --logger "trx" --results-directory "$results" "$@" 2>&1 | tee "$results/console.log"
status=${PIPESTATUS[0]}

# Sum the one summary line each test project prints ("Passed!  - Failed: 0, Passed: 9, Skipped: 0, ...").
passed=0; failed=0; skipped=0
while read -r line; do
  p=$(sed -nE 's/.*Passed: +([0-9]+).*/\1/p' <<<"$line"); passed=$((passed + ${p:-0}))
  x=$(sed -nE 's/.*Failed: +([0-9]+).*/\1/p' <<<"$line"); failed=$((failed + ${x:-0}))
  n=$(sed -nE 's/.*Skipped: +([0-9]+).*/\1/p' <<<"$line"); skipped=$((skipped + ${n:-0}))
done < <(grep -E '^\s*(Passed|Failed)!' "$results/console.log")
# A crashed test host prints no summary line: count the run as failed rather than report a clean total.
if ((status != 0 && failed == 0)); then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
