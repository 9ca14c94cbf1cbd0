#!/usr/bin/env bash
# The CUDA backend inside the swarm, checked on a GPU machine that has only a self-contained publish of the CLI (no .NET SDK)
# and PyTorch (whose pip wheels bring cuBLAS and NVRTC):
#   0. swarm bench gpu-ops: every GPU op against the CPU engine, PyTorch's golden values (tests/TrainSwarm.Nn.Tests/golden, found from the
#      repository root) and finite differences
#   1. swarm bench gpu: GPU vs CPU weights, determinism, a GPU round replayed on the GPU segment by segment (gpu_round_replay), one
#      Fashion-MNIST epoch, throughput beside PyTorch (--reference when torch loads)
#   2. swarm train --device cuda against --device cpu: one epoch of mlp and of cnn, test accuracy of each
#   3. swarm bench engine --device cuda and --device cpu: one epoch's result line each
#   4. swarm devnet --device cuda --replay-share-bps 10000: a coordinator, a validator and 2 nodes on loopback train an mlp job; every
#      committed segment is replayed, so the validator's GPU replay runs in the swarm; its log has one "replayed … on <GPU kind>" line per
#      update, and the round summary shows whether every update passed
# Run it from the repository root (bench gpu --reference finds tools/bench/pytorch_gpu_train.py there). Everything goes to stdout and
# to $OUT (default: a new temporary folder). Publish first, on a machine with the SDK (README, "CUDA backend"):
#   dotnet publish src/TrainSwarm.Cli -c Release -r linux-x64 --self-contained -p:PublishTrimmed=true -p:TrimMode=partial \
#     -p:JsonSerializerIsReflectionEnabledByDefault=true -p:EnsureAspNetCoreJsonTrimmability=false ... -o swarm-publish
#     (the coordinator needs reflection-based JSON, its minimal-API endpoints too)
# Usage: tools/gpu/device-check.sh <publish-dir> <fmnist-dir>     (STEPS="0 4" runs only those steps; default all)
set -uo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 <publish-dir> <fmnist-dir>" >&2
    exit 2
fi
PUBLISH=$(cd "$1" && pwd) || { echo "no publish folder $1" >&2; exit 2; }
FMNIST=$(cd "$2" && pwd) || { echo "no Fashion-MNIST folder $2" >&2; exit 2; }
SWARM="$PUBLISH/swarm"
[ -x "$SWARM" ] || { echo "$SWARM is not an executable swarm" >&2; exit 2; }
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
PYTHON=${PYTHON:-python3}
failures=0
STEPS=${STEPS:-0 1 2 3 4}
want() { [[ " $STEPS " == *" $1 "* ]]; }

step() { echo; echo "== $*"; }
run() {
    # Runs one command, its output to the screen and to $OUT/<name>.log; a failure is counted, not fatal.
    local name=$1; shift
    echo "\$ $*"
    "$@" 2>&1 | tee "$OUT/$name.log"
    local rc=${PIPESTATUS[0]}
    [ "$rc" -eq 0 ] || { echo "!! $name exited $rc"; failures=$((failures + 1)); }
    return 0
}

# cuBLAS and NVRTC from PyTorch's wheels when the system has none in the usual places (CudaLibraries searches this folder first).
if [ -z "${TRAINSWARM_CUDA_LIB_DIR:-}" ]; then
    site=$("$PYTHON" -c 'import os, nvidia; print(os.path.dirname(list(nvidia.__path__)[0]))' 2>/dev/null || true)
    for d in "$site/nvidia/cu13/lib" "$site/nvidia/cublas/lib"; do
        if [ -d "$d" ]; then export TRAINSWARM_CUDA_LIB_DIR=$d; break; fi
    done
    if [ -n "$site" ]; then
        for d in "$site"/nvidia/*/lib; do LD_LIBRARY_PATH="$d:${LD_LIBRARY_PATH:-}"; done
        export LD_LIBRARY_PATH
    fi
fi
echo "TRAINSWARM_CUDA_LIB_DIR=${TRAINSWARM_CUDA_LIB_DIR:-unset}; results in $OUT"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "nvidia-smi not found"

if want 0; then
step "0. swarm bench gpu-ops"
run bench-gpu-ops "$SWARM" bench gpu-ops

fi
if want 1; then
step "1. swarm bench gpu"
reference=()
if "$PYTHON" -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then reference=(--reference --python "$PYTHON"); fi
run bench-gpu "$SWARM" bench gpu --steps 1000 --dataset-dir "$FMNIST" "${reference[@]}"

fi
if want 2; then
step "2. swarm train, one epoch: --device cuda against --device cpu"
for model in mlp cnn; do
    for device in cuda cpu; do
        run "train-$model-$device" "$SWARM" train --model "$model" --epochs 1 --device "$device" --data-dir "$FMNIST"
    done
done
for model in mlp cnn; do
    gpu=$(grep -o 'Test accuracy: [0-9.]*%' "$OUT/train-$model-cuda.log" | head -1)
    cpu=$(grep -o 'Test accuracy: [0-9.]*%' "$OUT/train-$model-cpu.log" | head -1)
    echo "$model: cuda ${gpu:-none} / cpu ${cpu:-none}"
done

fi
if want 3; then
step "3. swarm bench engine --device cuda and --device cpu"
for model in mlp cnn; do
    run "engine-$model-cuda" "$SWARM" bench engine --model "$model" --device cuda --data-dir "$FMNIST"
    run "engine-$model-cpu" "$SWARM" bench engine --model "$model" --device cpu --threads "$(nproc)" --data-dir "$FMNIST"
done

fi
if want 4; then
step "4. swarm devnet --device cuda: 2 nodes, 3 mlp rounds, every segment replayed"
run devnet "$SWARM" devnet --nodes 2 --rounds 3 --preset mlp --inner-steps 100 --device cuda --replay-share-bps 10000 \
    --dataset-dir "$FMNIST" --data-dir "$OUT/devnet"
echo "-- device lines of the devnet's daemons:"
grep -h "device:" "$OUT"/devnet/logs/*.log 2>/dev/null | sort | uniq -c
echo "-- replay lines of the devnet's daemons:"
grep -hi "replay" "$OUT"/devnet/logs/*.log 2>/dev/null | tail -20

fi
echo
if [ "$failures" -eq 0 ]; then echo "device check: every step ran"; else echo "device check: $failures step(s) failed"; fi
exit $((failures > 0))
