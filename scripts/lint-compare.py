#!/usr/bin/env python3
"""Run pkilint and `ctkit lint` over the certificates of testdata/ and list
where their CT findings disagree.

pkilint (PyPI, `pip install pkilint`) is run as `lint_pkix_cert lint -f CSV`.
Only its findings about CT are compared: codes that mention the SCT list or
the precertificate poison. ctkit's findings are compared by the same
mapping; findings that pkilint has no check for are listed as ctkit-only.

Usage: python3 scripts/lint-compare.py [path/to/ctkit]
Prints a Markdown table on standard output. Exits 0.
"""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CTKIT = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target/release/ctkit")

# pkilint code -> the ctkit check that enforces the same rule.
EQUIVALENT = {
    "pkix.sct_list_empty": "ct.sct_list.empty",
    "pkix.sct_list_extension_invalid_encoding": "ct.sct_list.encoding",
    "pkix.ct_precert_poison_and_sctlist_extensions_present": "ct.poison_with_sct_list",
    "pkix.ct_precert_poison_extension_not_critical": "ct.poison.not_critical",
    "pkix.sct_list_extension_critical": "ct.sct_list.critical",
}


def is_ct_code(code: str) -> bool:
    return "sct" in code or "precert" in code


def pkilint(path: Path) -> tuple[set[str], str]:
    run = subprocess.run(
        ["lint_pkix_cert", "lint", "-f", "CSV", str(path)],
        capture_output=True,
        text=True,
    )
    if "Traceback" in run.stderr or (run.returncode not in (0, 1, 2, 3, 4) and not run.stdout):
        last = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else f"exit {run.returncode}"
        return set(), f"pkilint failed: {last}"
    rows = csv.DictReader(io.StringIO(run.stdout))
    return {r["code"] for r in rows if r.get("code") and is_ct_code(r["code"])}, ""


def ctkit(path: Path) -> set[str]:
    run = subprocess.run([CTKIT, "lint", "--format", "json", str(path)], capture_output=True, text=True)
    doc = json.loads(run.stdout)
    return {f["id"] for f in doc["files"][0]["findings"] if f["severity"] != "notice"}


def main() -> None:
    files = sorted(
        p
        for folder in ("certs_embedded_sct", "malformed_lint", "precerts", "sct_raw")
        for p in (ROOT / "testdata" / folder).rglob("*.pem")
        if not p.name.endswith(".issuer.pem")
    )
    print("| file | pkilint (CT codes) | ctkit | agree |")
    print("|---|---|---|---|")
    for path in files:
        theirs, failure = pkilint(path)
        ours = ctkit(path)
        mapped = {EQUIVALENT.get(code, code) for code in theirs}
        agree = "yes" if mapped == ours and not failure else "no"
        left = failure or ", ".join(sorted(theirs)) or "-"
        right = ", ".join(sorted(ours)) or "-"
        if agree == "no" or theirs or ours:
            print(f"| {path.relative_to(ROOT / 'testdata')} | {left} | {right} | {agree} |")


if __name__ == "__main__":
    main()
