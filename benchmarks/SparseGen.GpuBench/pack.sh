#!/usr/bin/env bash
# Packs a .NET program for the GPU machine, which has no .NET: publishes it self-contained for linux-x64 and writes
# the published folder as .device/NAME.tgz at the repository root. .device/ is ignored by git (.gitignore; this script
# adds it to the repository's info/exclude if it is not), so a device run takes it along with carry [".device"].
#
# Usage: benchmarks/SparseGen.GpuBench/pack.sh [path/to/Program.csproj [NAME]]
#   With no arguments it packs the GPU benchmark (benchmarks/SparseGen.GpuBench/SparseGen.GpuBench.csproj) as
#   .device/gpubench.tgz, the file run-device.sh unpacks. Works from any folder of the repository and in a git worktree.
set -euo pipefail

root=$(git rev-parse --show-toplevel)
project=${1:-$root/benchmarks/SparseGen.GpuBench/SparseGen.GpuBench.csproj}
name=${2:-gpubench}
[[ -f "$project" ]] || { echo "pack.sh: no project file at $project" >&2; exit 2; }

# Keep the package out of git. In a worktree .git is a file, so ask git where the shared info/exclude lives.
if ! git -C "$root" check-ignore -q .device/; then
    exclude="$(git rev-parse --path-format=absolute --git-common-dir)/info/exclude"
    mkdir -p "$(dirname "$exclude")"
    echo '/.device/' >> "$exclude"
fi

published=$(mktemp -d)
trap 'rm -rf "$published"' EXIT
# The build's output goes to stderr, so that stdout carries only the last line.
dotnet publish "$project" -c Release -r linux-x64 --self-contained true -p:InvariantGlobalization=true -o "$published" >&2

mkdir -p "$root/.device"
tar czf "$root/.device/$name.tgz" -C "$published" .
size=$(du -m "$root/.device/$name.tgz" | cut -f1)
echo "packed .device/$name.tgz (${size} MiB; a device run carries at most 64 MiB in all)"
