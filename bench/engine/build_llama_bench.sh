#!/usr/bin/env bash
# Compiles bench/engine/llama_bench.c against the libllama.so and llama.h that llama-cpp-python installed.
#
#   bench/engine/build_llama_bench.sh            # binary: .build/llama-bench/llama_bench
#   LLAMAREF=/opt/llamaref OUT=/tmp/llama_bench bench/engine/build_llama_bench.sh
#
# The library directory is written into the binary's run path, so it runs without LD_LIBRARY_PATH.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
prefix=${LLAMAREF:-/opt/llamaref}
out=${OUT:-$root/.build/llama-bench/llama_bench}

header=$(find "$prefix" -name llama.h -path '*include*' -print -quit)
if [[ -z "$header" ]]; then
    echo "llama.h not found under $prefix (is llama-cpp-python installed there?)" >&2
    exit 1
fi
include_dir=$(dirname "$header")

# Prefer the lib/ directory beside include/, else the copy inside the llama_cpp package.
lib_dir=""
for candidate in "$include_dir/../lib" "$include_dir/../llama_cpp/lib"; do
    if [[ -e "$candidate/libllama.so" ]]; then
        lib_dir=$(cd "$candidate" && pwd)
        break
    fi
done
if [[ -z "$lib_dir" ]]; then
    lib_dir=$(dirname "$(find "$prefix" -name 'libllama.so' -print -quit)")
fi
if [[ ! -e "$lib_dir/libllama.so" ]]; then
    echo "libllama.so not found under $prefix" >&2
    exit 1
fi

mkdir -p "$(dirname "$out")"
gcc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra \
    -I"$include_dir" "$root/bench/engine/llama_bench.c" \
    -L"$lib_dir" -Wl,-rpath,"$lib_dir" -lllama -lggml -lggml-base \
    -o "$out"
echo "built $out (llama.h from $include_dir, libllama.so from $lib_dir)" >&2
