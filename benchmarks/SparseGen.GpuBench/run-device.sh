#!/usr/bin/env bash
# One device command for the GPU machine (it has python3 with torch and onnx, and no .NET): unpacks the
# self-contained benchmark that pack.sh (beside this script) made, runs it, then the PyTorch peer on the
# same model files, results under $OUT (or the first argument).
# Here:   benchmarks/SparseGen.GpuBench/pack.sh          (writes .device/gpubench.tgz)
# There:  device run, carry [".device"], command
#         bash benchmarks/SparseGen.GpuBench/run-device.sh
set -euo pipefail
out=${1:-${OUT:?set OUT or pass the results folder}}
batches=${BATCHES:-1024,16384,65536}
reps=${REPS:-20}
root=$(cd "$(dirname "$0")/../.." && pwd)
app=$(mktemp -d)
tar xzf "$root/.device/gpubench.tgz" -C "$app"
nvidia-smi --query-gpu=name,driver_version --format=csv > "$out/gpu.txt" 2>&1 || true
"$app/SparseGen.GpuBench" --accelerator cuda --out "$out" --batches "$batches" --reps "$reps" 2>&1 | tee "$out/gpubench.log"
python3 "$app/pytorch_peer.py" --models "$app/models" --out "$out" --batches "$batches" --reps "$reps" 2>&1 | tee "$out/pytorch.log"
