#!/usr/bin/env python3
"""Verifies every embedded SCT of a certificate with Python cryptography.

Usage: verify_embedded_py.py CERT_CHAIN.pem LOG_LIST.json

CERT_CHAIN.pem holds the certificate, then its issuer. The signed data is
built as RFC 6962 3.2 defines it, from cryptography's
tbs_precertificate_bytes, so this is a check independent of ctkit. Prints
one line per SCT and exits 1 unless every SCT verifies.
"""

import base64
import datetime
import hashlib
import json
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa


def main() -> int:
    chain = x509.load_pem_x509_certificates(open(sys.argv[1], "rb").read())
    cert, issuer = chain[0], chain[1]
    logs = {}
    for operator in json.load(open(sys.argv[2]))["operators"]:
        for log in operator.get("logs", []):
            logs[base64.b64decode(log["log_id"])] = base64.b64decode(log["key"])
    issuer_key_hash = hashlib.sha256(
        issuer.public_key().public_bytes(
            serialization.Encoding.DER,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
    ).digest()
    tbs = cert.tbs_precertificate_bytes
    scts = cert.extensions.get_extension_for_class(
        x509.PrecertificateSignedCertificateTimestamps
    ).value
    epoch = datetime.datetime(1970, 1, 1)
    failures = 0
    for sct in scts:
        millis = (sct.timestamp - epoch) // datetime.timedelta(milliseconds=1)
        data = (
            bytes([0, 0])
            + millis.to_bytes(8, "big")
            + (1).to_bytes(2, "big")
            + issuer_key_hash
            + len(tbs).to_bytes(3, "big")
            + tbs
            + len(sct.extension_bytes).to_bytes(2, "big")
            + sct.extension_bytes
        )
        key_der = logs.get(sct.log_id)
        if key_der is None:
            print(f"{base64.b64encode(sct.log_id).decode()}: unknown log")
            failures += 1
            continue
        key = serialization.load_der_public_key(key_der)
        try:
            if isinstance(key, ec.EllipticCurvePublicKey):
                key.verify(sct.signature, data, ec.ECDSA(hashes.SHA256()))
            elif isinstance(key, rsa.RSAPublicKey):
                key.verify(sct.signature, data, padding.PKCS1v15(), hashes.SHA256())
            print(f"{base64.b64encode(sct.log_id).decode()}: valid")
        except Exception as error:  # noqa: BLE001, a failed check is the result
            print(f"{base64.b64encode(sct.log_id).decode()}: invalid ({error!r})")
            failures += 1
    return 1 if failures or len(scts) == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
