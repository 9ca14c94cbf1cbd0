#!/usr/bin/env bash
# Builds the CPU stand-in for libcuda, libnvrtc and libcublas (cpucuda.cpp) into a folder and prints it; point the backend at it with
#   export TRAINSWARM_CUDA_LIB_DIR=$(tools/gpu/cpu-cuda/build.sh)
# and every CUDA path (swarm bench gpu-ops, swarm train --device cuda, a devnet with --device cuda) runs on the CPU, slowly. It checks the
# host code (arguments, shapes, launch order), not the GPU: its figures are not a GPU's. Needs g++ at build time and at run time
# (its "NVRTC" compiles the kernels with g++; compiled modules are cached in $CPU_CUDA_CACHE, default /tmp/cpu-cuda-cache).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-/tmp/cpu-cuda}
mkdir -p "$out"
g++ -O2 -shared -fPIC -std=c++17 -o "$out/libcpucuda.so" "$here/cpucuda.cpp" -ldl
for name in libcuda.so.1 libnvrtc.so.13 libcublas.so.13; do ln -sf libcpucuda.so "$out/$name"; done
echo "$out"
