#!/usr/bin/env bash
# Installs what the tests need, runs every test project, and ends with "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages the tests use: OpenBLAS (fast GEMM path), Fashion-MNIST (real data), PyTorch (golden values).
apt_packages=(libopenblas0-pthread dataset-fashion-mnist)
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

results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
status=0
dotnet test TrainSwarm.slnx -c Release --no-build --logger "trx" --results-directory "$results" "$@" || status=$?

# Count outcomes from the TRX files so the summary covers every test project.
passed=0; failed=0; skipped=0
for f in "$results"/*.trx; do
  [[ -f "$f" ]] || continue
  line=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$line"); passed=$((passed + ${p:-0}))
  x=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line"); failed=$((failed + ${x:-0}))
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$line"); skipped=$((skipped + ${n:-0}))
done
if ((status != 0 && failed == 0)); then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
