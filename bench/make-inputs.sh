#!/usr/bin/env bash
# Write the benchmark inputs shared by `ctkit bench` and bench/verify_py.py:
# one PEM file per certificate in testdata/certs_embedded_sct/, containing
# the leaf followed by its issuer.
#
# Usage: bench/make-inputs.sh [OUTDIR]
# OUTDIR defaults to target/bench-input. A relative OUTDIR is taken from the
# repository root, not from the current directory.
#
# Certificates whose name contains "unknownlog" are skipped, because one of
# their SCTs comes from a log missing from the log lists in testdata/loglists/.
# Every other embedded SCT verifies against
# testdata/loglists/google_all_logs_list_v3_78.2_2025-12-13.json.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
cd -- "$script_dir/.."

if [[ $# -gt 1 ]]; then
    echo "usage: $0 [OUTDIR]" >&2
    exit 2
fi
outdir=${1:-target/bench-input}
source_dir=testdata/certs_embedded_sct

if [[ ! -d $source_dir ]]; then
    echo "error: $source_dir not found in $(pwd)" >&2
    exit 1
fi

mkdir -p -- "$outdir"

written=0
for leaf in "$source_dir"/*.pem; do
    name=$(basename -- "$leaf" .pem)
    issuer=$source_dir/$name.issuer.pem
    if [[ $name == *.issuer || $name == *unknownlog* || ! -f $issuer ]]; then
        continue
    fi
    # A leaf without a final newline would run its END line into the
    # issuer's BEGIN line, so add the newline in that case.
    {
        cat -- "$leaf"
        if [[ -n $(tail -c 1 -- "$leaf") ]]; then
            echo
        fi
        cat -- "$issuer"
    } > "$outdir/$name.pem"
    written=$((written + 1))
done

if [[ $written -eq 0 ]]; then
    echo "error: no certificate with an issuer found in $source_dir" >&2
    exit 1
fi
echo "wrote $written files to $outdir" >&2
