#!/usr/bin/env bash
# Moves the debug info of every aievents-* binary in BIN_DIR to DEBUG_DIR/<binary>.debug and
# strips the binary, leaving a debuglink gdb follows once DEBUG_DIR's tree is unpacked at /
# (docs/images.md). Used by the Dockerfile's build stage and by scripts/run-image-check.sh
# --prebuilt, so images built either way carry the same binaries.
#   split-debug-info.sh BIN_DIR DEBUG_DIR
set -euo pipefail
bin_dir="${1:?usage: split-debug-info.sh BIN_DIR DEBUG_DIR}"
debug_dir="${2:?usage: split-debug-info.sh BIN_DIR DEBUG_DIR}"
mkdir -p "$debug_dir"
debug_dir="$(cd "$debug_dir" && pwd)"
cd "$bin_dir"
for binary in aievents-*; do
  objcopy --only-keep-debug "$binary" "$debug_dir/$binary.debug"
  objcopy --strip-debug --strip-unneeded --add-gnu-debuglink="$debug_dir/$binary.debug" "$binary"
done
