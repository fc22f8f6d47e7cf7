#!/usr/bin/env bash
# Measures the README's footprint tables: NativeAOT executable sizes and peak memory of the quick start's app (no
# model, the pruned ResNet fixture, the dense CNN fixture), of the sample (default instruction set and x86-64-v3,
# with its accuracy, agreement and time per image), and the linux-arm64 cross-compiled builds where
# gcc-aarch64-linux-gnu is installed. Run from the repository root; writes a markdown report to stdout.
#   benchmarks/Footprint/measure.sh > footprint.md
set -euo pipefail
repo=$PWD
work=$(mktemp -d /tmp/sparsegen-footprint.XXXXXX)
trap 'rm -rf "$work"; rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/sparsegen/${version:-none}"' EXIT
suffix=footprint.$(date -u +%Y%m%d%H%M%S)
dotnet pack runtime/SparseGen.Runtime -c Release -o "$work/feed" -p:VersionSuffix=$suffix -p:ArtifactsPath="$work/artifacts" >/dev/null
version=$(basename "$work"/feed/SparseGen.*.nupkg .nupkg); version=${version#SparseGen.}

# Peak resident memory (KB) of a command, from GNU time.
peak() { /usr/bin/time -v "$@" 2>"$work/time.txt" >"$work/out.txt"; grep 'Maximum resident' "$work/time.txt" | awk '{print $NF}'; }

# The quick start's app: the package test's Program.cs, with or without its model.
app() {
  local name=$1 model=$2 dir="$work/$1"
  dotnet new console -o "$dir" --no-restore >/dev/null
  printf '<configuration><packageSources><add key="footprint" value="%s" /></packageSources></configuration>\n' "$work/feed" > "$dir/nuget.config"
  (cd "$dir" && dotnet add package SparseGen --version "$version" >/dev/null)
  if [ -n "$model" ]; then
    cp "$model" "$dir/model.onnx"
    sed -i 's|</Project>|<ItemGroup><SparseModel Include="model.onnx" /></ItemGroup></Project>|' "$dir/$name.csproj"
    cp tests/SparseGen.Package.Tests/Consumer/Program.cs "$dir/Program.cs"
  else
    # The same file IO without a model: what the runtime and the app cost on their own.
    cat > "$dir/Program.cs" <<'CS'
var bytes = File.ReadAllBytes(args[0]);
File.WriteAllBytes(args[1], bytes);
Console.WriteLine($"bytes {bytes.Length}");
CS
  fi
}

head -c $((256 * 784 * 4)) /dev/urandom | tr '\000-\377' '\000-\077' > "$work/inputs.bin"   # small positive floats
echo "| program | NativeAOT executable (bytes) | peak memory (KB) |"
echo "| --- | ---: | ---: |"
for case in none:"" resnet:tests/SparseGen.Package.Tests/Fixtures/resnet_bn_pruned80.onnx dense:tests/SparseGen.Model.Tests/Fixtures/simplecnn_dense.onnx; do
  name=${case%%:*}; model=${case#*:}
  app "$name" "${model:+$repo/$model}"
  dotnet publish "$work/$name" -c Release -r linux-x64 -p:PublishAot=true -o "$work/$name/aot" >/dev/null
  echo "| quick start app, model: $name | $(stat -c %s "$work/$name/aot/$name") | $(peak "$work/$name/aot/$name" "$work/inputs.bin" "$work/$name.out") |"
  if command -v aarch64-linux-gnu-gcc >/dev/null && [ "$name" = resnet ]; then
    dotnet publish "$work/$name" -c Release -r linux-arm64 -p:PublishAot=true -p:CppCompilerAndLinker="$repo/build/aarch64-linux-gnu-gcc-nativeaot" \
      -p:ObjCopyName=aarch64-linux-gnu-objcopy -o "$work/$name/aot-arm64" >/dev/null
    echo "| quick start app, model: $name, linux-arm64 | $(stat -c %s "$work/$name/aot-arm64/$name") | (qemu) |"
  fi
done

for isa in "" x86-64-v3; do
  dotnet publish samples/FashionMnist -c Release -r linux-x64 -p:PublishAot=true ${isa:+-p:IlcInstructionSet=$isa} -o "$work/sample$isa" >/dev/null
  kb=$(peak "$work/sample$isa/FashionMnist")
  echo "| the sample${isa:+, $isa} | $(stat -c %s "$work/sample$isa/FashionMnist") | $kb |"
  sed "s/^/    /" "$work/out.txt" >&2
done
if command -v aarch64-linux-gnu-gcc >/dev/null; then
  dotnet publish samples/FashionMnist -c Release -r linux-arm64 -p:PublishAot=true -p:CppCompilerAndLinker="$repo/build/aarch64-linux-gnu-gcc-nativeaot" \
    -p:ObjCopyName=aarch64-linux-gnu-objcopy -o "$work/sample-arm64" >/dev/null
  echo "| the sample, linux-arm64 | $(stat -c %s "$work/sample-arm64/FashionMnist") | (qemu) |"
fi
