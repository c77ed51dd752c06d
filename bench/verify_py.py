#!/usr/bin/env python3
"""Verify the embedded SCTs of certificates with pyca/cryptography and time it.

It does the SCT verification of `ctkit verify`, so that the two can be timed
against each other on the same inputs.
Each input file contains a leaf certificate followed by its issuer, in PEM,
as written by bench/make-inputs.sh.

Every repetition redoes the whole per-certificate job: parse the PEM blocks
and both certificates, read the SCT list, rebuild the precertificate TBS,
hash the issuer's public key and check each SCT signature. Only the file
bytes and the log keys, built once from the log list, are reused.

Prints one line of JSON to stdout. Exits 0 when every SCT is valid, 1 when
any SCT is not valid, and 2 on a usage error or an input file that cannot
be verified at all.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import datetime
import hashlib
import json
import multiprocessing
import queue
import sys
import time
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.certificate_transparency import SignatureAlgorithm

# RFC 6962 section 3.2 values for the fields before the timestamp
# (version v1 = 0, signature_type certificate_timestamp = 0) and for
# entry_type precert_entry.
SCT_V1_CERTIFICATE_TIMESTAMP = b"\x00\x00"
PRECERT_ENTRY_TYPE = b"\x00\x01"

# cryptography 48 returns SCT timestamps as naive datetimes in UTC, with the
# milliseconds stored exactly in the microsecond field.
UNIX_EPOCH = datetime.datetime(1970, 1, 1)
UNIX_EPOCH_UTC = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
ONE_MILLISECOND = datetime.timedelta(milliseconds=1)

# How often the parent checks that workers are still alive while it waits.
WORKER_POLL_SECONDS = 1.0


class InputError(Exception):
    """An input file that cannot be verified at all."""


@dataclasses.dataclass(frozen=True)
class LogKey:
    description: str
    public_key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey | None
    # Reason that public_key is None, such as an unsupported key type.
    key_error: str | None = None


@dataclasses.dataclass
class Counts:
    certificates: int = 0
    scts: int = 0
    valid: int = 0
    invalid: int = 0

    def add(self, other: Counts) -> None:
        self.certificates += other.certificates
        self.scts += other.scts
        self.valid += other.valid
        self.invalid += other.invalid


def load_log_keys(paths: list[Path]) -> dict[bytes, LogKey]:
    """Parse v3 log lists into a map from log ID to the log's public key.

    Reads operators[].logs[] and operators[].tiled_logs[]. A later list
    replaces the entry of a log ID that an earlier list also contains.
    """
    log_keys: dict[bytes, LogKey] = {}
    for path in paths:
        try:
            document = json.loads(path.read_bytes())
        except (OSError, ValueError) as error:
            raise InputError(f"cannot read log list {path}: {error}") from error

        operators = document.get("operators") if isinstance(document, dict) else None
        if not isinstance(operators, list):
            raise InputError(f"log list {path} has no 'operators' array. Pass a log list in the v3 schema.")

        for operator in operators:
            for log in operator.get("logs", []) + operator.get("tiled_logs", []):
                description = log.get("description", "(no description)")
                try:
                    log_id = base64.b64decode(log["log_id"], validate=True)
                    key_der = base64.b64decode(log["key"], validate=True)
                except (KeyError, ValueError) as error:
                    raise InputError(
                        f"log list {path}: log {description!r} has a missing or invalid "
                        f"'log_id' or 'key': {error}"
                    ) from error
                log_keys[log_id] = load_log_key(description, key_der)

    return log_keys


def load_log_key(description: str, key_der: bytes) -> LogKey:
    try:
        public_key = serialization.load_der_public_key(key_der)
    except (ValueError, UnsupportedAlgorithm) as error:
        return LogKey(description, None, f"cannot load the log key: {error}")

    if isinstance(public_key, (ec.EllipticCurvePublicKey, rsa.RSAPublicKey)):
        return LogKey(description, public_key)
    return LogKey(description, None, f"unsupported log key type {type(public_key).__name__}")


def timestamp_milliseconds(timestamp: datetime.datetime) -> int:
    """Convert an SCT timestamp to integer milliseconds since the Unix epoch.

    Integer timedelta division keeps every millisecond exact. The obvious
    `timestamp.timestamp() * 1000` goes through a float, and on a naive
    datetime it also applies the local time zone.
    """
    epoch = UNIX_EPOCH if timestamp.tzinfo is None else UNIX_EPOCH_UTC
    return (timestamp - epoch) // ONE_MILLISECOND


def precert_signed_data(
    timestamp_ms: int, issuer_key_hash: bytes, tbs: bytes, extensions: bytes
) -> bytes:
    """Build the data an SCT for a precert_entry signs (RFC 6962 section 3.2)."""
    return b"".join(
        (
            SCT_V1_CERTIFICATE_TIMESTAMP,
            timestamp_ms.to_bytes(8, "big"),
            PRECERT_ENTRY_TYPE,
            issuer_key_hash,
            len(tbs).to_bytes(3, "big"),
            tbs,
            len(extensions).to_bytes(2, "big"),
            extensions,
        )
    )


def check_sct(
    sct: x509.certificate_transparency.SignedCertificateTimestamp,
    issuer_key_hash: bytes,
    tbs: bytes,
    log_keys: dict[bytes, LogKey],
) -> str | None:
    """Verify one embedded SCT. Return None when it is valid, else the reason."""
    log = log_keys.get(sct.log_id)
    if log is None:
        return "unknown log"
    if log.public_key is None:
        return f"log {log.description!r}: {log.key_error}"

    if not isinstance(sct.signature_hash_algorithm, hashes.SHA256):
        return f"unsupported hash algorithm {sct.signature_hash_algorithm.name}"

    try:
        timestamp_ms = timestamp_milliseconds(sct.timestamp)
    except (ValueError, OverflowError) as error:
        return f"timestamp out of the datetime range: {error}"
    data = precert_signed_data(timestamp_ms, issuer_key_hash, tbs, sct.extension_bytes)

    try:
        if isinstance(log.public_key, ec.EllipticCurvePublicKey):
            if sct.signature_algorithm != SignatureAlgorithm.ECDSA:
                return f"signature algorithm {sct.signature_algorithm.name} does not match the ECDSA log key"
            log.public_key.verify(sct.signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            if sct.signature_algorithm != SignatureAlgorithm.RSA:
                return f"signature algorithm {sct.signature_algorithm.name} does not match the RSA log key"
            log.public_key.verify(sct.signature, data, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return "invalid signature"
    return None


def verify_certificate(pem: bytes, log_keys: dict[bytes, LogKey]) -> list[str | None]:
    """Verify the embedded SCTs of the first certificate in `pem` against the second.

    Return one entry per SCT, as from check_sct. Raise InputError when the
    certificates or their SCT list cannot be read.
    """
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError as error:
        raise InputError(f"invalid PEM certificate: {error}") from error
    if len(certificates) < 2:
        raise InputError(
            f"expected a leaf certificate followed by its issuer, found {len(certificates)} "
            "certificate(s). Append the issuer's PEM, as bench/make-inputs.sh does."
        )
    leaf, issuer = certificates[0], certificates[1]

    # NOTE: cryptography 48 raises ValueError for the whole SCT list when any
    # SCT has a version other than v1 or an unknown algorithm, so such a file
    # is reported as unreadable instead of per SCT as `ctkit verify` does.
    try:
        scts = leaf.extensions.get_extension_for_class(
            x509.PrecertificateSignedCertificateTimestamps
        ).value
    except x509.ExtensionNotFound as error:
        raise InputError("the certificate has no embedded SCT list extension") from error
    except ValueError as error:
        raise InputError(f"invalid extension in the certificate: {error}") from error
    if len(scts) == 0:
        raise InputError("the embedded SCT list is empty")

    tbs = leaf.tbs_precertificate_bytes
    issuer_spki = issuer.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    issuer_key_hash = hashlib.sha256(issuer_spki).digest()

    return [check_sct(sct, issuer_key_hash, tbs, log_keys) for sct in scts]


def verify_all(inputs: list[bytes], log_keys: dict[bytes, LogKey], repetitions: int) -> Counts:
    """Verify every input `repetitions` times and count the SCT results."""
    counts = Counts()
    for _ in range(repetitions):
        for pem in inputs:
            failures = verify_certificate(pem, log_keys)
            counts.certificates += 1
            counts.scts += len(failures)
            invalid = sum(1 for failure in failures if failure is not None)
            counts.invalid += invalid
            counts.valid += len(failures) - invalid
    return counts


def check_inputs(files: list[Path], inputs: list[bytes], log_keys: dict[bytes, LogKey]) -> bool:
    """Verify each input once, printing every failure to stderr.

    Return True when every SCT is valid. Raise InputError, naming the file,
    when a file cannot be verified at all.
    """
    all_valid = True
    for path, pem in zip(files, inputs):
        try:
            failures = verify_certificate(pem, log_keys)
        except InputError as error:
            raise InputError(f"{path}: {error}") from error

        for index, failure in enumerate(failures):
            if failure is not None:
                all_valid = False
                print(f"{path}: SCT #{index + 1} is not valid: {failure}", file=sys.stderr)
    return all_valid


def split_repetitions(repetitions: int, processes: int) -> list[int]:
    """Share `repetitions` among `processes` as evenly as possible."""
    base, extra = divmod(repetitions, processes)
    return [base + (1 if index < extra else 0) for index in range(processes)]


def run_worker(
    log_list_paths: list[Path],
    inputs: list[bytes],
    repetitions: int,
    start: multiprocessing.synchronize.Event,
    messages: multiprocessing.Queue,
) -> None:
    """Load the log keys and warm up, then verify once `start` is set.

    Sends ("ready", None), then ("done", Counts) or ("error", message).
    """
    try:
        log_keys = load_log_keys(log_list_paths)
        verify_all(inputs, log_keys, 1)
        messages.put(("ready", None))
        start.wait()
        messages.put(("done", verify_all(inputs, log_keys, repetitions)))
    except InputError as error:
        messages.put(("error", str(error)))


def receive(messages: multiprocessing.Queue, workers: list[multiprocessing.Process]) -> tuple:
    """Wait for the next worker message, failing if a worker exits early."""
    while True:
        try:
            return messages.get(timeout=WORKER_POLL_SECONDS)
        except queue.Empty:
            crashed = [worker for worker in workers if worker.exitcode not in (None, 0)]
            if crashed:
                codes = ", ".join(str(worker.exitcode) for worker in crashed)
                raise RuntimeError(f"{len(crashed)} worker process(es) exited early with code {codes}")


def verify_parallel(
    log_list_paths: list[Path], inputs: list[bytes], repetitions: int, processes: int
) -> tuple[Counts, float]:
    """Verify in `processes` worker processes and time the whole parallel run.

    The clock starts once every worker has loaded the log keys and warmed up,
    and stops when the last worker has sent its counts.
    """
    start = multiprocessing.Event()
    messages = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(
            target=run_worker,
            args=(log_list_paths, inputs, share, start, messages),
            daemon=True,
        )
        for share in split_repetitions(repetitions, processes)
    ]
    for worker in workers:
        worker.start()

    try:
        ready = 0
        while ready < processes:
            kind, payload = receive(messages, workers)
            if kind == "error":
                raise InputError(payload)
            ready += 1

        started = time.perf_counter()
        start.set()

        total = Counts()
        for _ in range(processes):
            kind, payload = receive(messages, workers)
            if kind == "error":
                raise InputError(payload)
            total.add(payload)
        seconds = time.perf_counter() - started
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()

    return total, seconds


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Verify the embedded SCTs of certificates with pyca/cryptography and "
        "print the throughput as one line of JSON.",
    )
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="PEM file with a leaf certificate followed by its issuer",
    )
    parser.add_argument(
        "--log-list",
        dest="log_lists",
        action="append",
        required=True,
        type=Path,
        metavar="LOGLIST.json",
        help="log list in the v3 schema (repeat the option to combine several lists)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="how many times every file is verified in the timed run (default: 1)",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        metavar="P",
        help="worker processes sharing the repetitions (default: 1, which verifies "
        "in this process)",
    )
    arguments = parser.parse_args()
    if arguments.repeat < 1:
        parser.error(f"--repeat must be at least 1, got {arguments.repeat}")
    if arguments.processes < 1:
        parser.error(f"--processes must be at least 1, got {arguments.processes}")
    return arguments


def main() -> int:
    arguments = parse_arguments()

    try:
        inputs = [path.read_bytes() for path in arguments.files]
    except OSError as error:
        print(f"error: cannot read input: {error}", file=sys.stderr)
        return 2

    try:
        log_keys = load_log_keys(arguments.log_lists)
        # The warm-up pass reports each failing SCT, but the timed run only counts them.
        all_valid = check_inputs(arguments.files, inputs, log_keys)

        if arguments.processes == 1:
            started = time.perf_counter()
            counts = verify_all(inputs, log_keys, arguments.repeat)
            seconds = time.perf_counter() - started
        else:
            counts, seconds = verify_parallel(
                arguments.log_lists, inputs, arguments.repeat, arguments.processes
            )
    except (InputError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    result = {
        "certificates": counts.certificates,
        "scts": counts.scts,
        "valid": counts.valid,
        "invalid": counts.invalid,
        "seconds": round(seconds, 6),
        "certs_per_second": round(counts.certificates / seconds, 1),
    }
    print(json.dumps(result))

    return 0 if all_valid and counts.invalid == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
