#!/usr/bin/env bash
# Runs every fuzz target for a few seconds, starting from its seeds, and
# exits non-zero as soon as one crashes or fails its oracle.
#
# Usage: fuzz/smoke.sh [SECONDS_PER_TARGET]   (default 10)
# Requires cargo-fuzz and a nightly toolchain.
set -euo pipefail

seconds="${1:-10}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "smoke.sh: seconds per target must be a positive integer, got '$seconds'" >&2
    exit 2
fi

fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$fuzz_dir/.."

targets=(certificate sct_list log_list input lint log_entry chain api_json issue_input tls_flight)

for target in "${targets[@]}"; do
    # New inputs go to a scratch corpus, so the committed seeds stay as they are.
    corpus="$fuzz_dir/corpus/$target"
    mkdir -p "$corpus"
    echo "== $target: ${seconds}s"
    # cargo fuzz run exits non-zero when libFuzzer reports a panic (a crash or
    # a failed oracle), a timeout or running out of memory, so set -e stops here.
    cargo +nightly fuzz run "$target" "$corpus" "$fuzz_dir/seeds/$target" -- \
        -max_total_time="$seconds"
done

echo "all ${#targets[@]} targets ran ${seconds}s without a crash"
