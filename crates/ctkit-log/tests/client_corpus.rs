//! `LogClient` against a local HTTP server that replays real RFC 6962 API
//! responses from testdata/rfc6962_api/, and against broken copies of them.
//! Expected hashes, sizes and verification results come from
//! testdata/MANIFEST.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly on broken fixtures"
)]

mod replay;

use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ctkit::entry::{ExtraData, MerkleTreeLeaf};
use ctkit::loglist::{LogKey, LogList, SignatureError};
use ctkit::merkle::{Hash, ProofError, leaf_hash, verify_consistency, verify_inclusion};
use ctkit::sct::{LogId, Sct, SignedEntry, format_timestamp};
use ctkit::sth::SignedTreeHead;
use ctkit::x509::CertificateLayout;
use ctkit_log::client::{ClientError, InclusionProof, LogClient, RawEntry};
use serde_json::Value;

use replay::{
    ARGON2020_LEAF_HASH, ARGON2025H2_SIZE, GOOGLE_LEAF_HASH, GOOGLE_LEAF_INDEX, Reply, Request,
    Server, api_file, api_json, json, pem_der, serve,
};

const ARGON2020_ID: &str = "sh4FzIuizYogTodm+Su5iiUgZ2va+nDnsklTLe+LkF4=";
const ARGON2025H1_ID: &str = "TnWjJ1yaEMM4W2zU3z9S6x3w4I4bjWnAsfpksWKaOd8=";
const ARGON2025H2_ID: &str = "EvFONL1TckyEBhnDjz96E/jntWKHiJxtMAWE6+WGJjo=";

const ARGON2020_SIZE: u64 = 961_984_011;
const ARGON2020_OLD_SIZE: u64 = 3_654_490;
const ARGON2020_OLD_ROOT: &str = "AuIZ5V6sDUj1vn3Y1K85oOaQ7y+FJJKtyRTl1edIKBQ=";

// ---------------------------------------------------------------------------
// Fixtures.

fn b64(text: &str) -> Vec<u8> {
    BASE64.decode(text).unwrap()
}

fn hash32(text: &str) -> [u8; 32] {
    b64(text).try_into().unwrap()
}

/// Checks the STH's signature with the key of the log `log_id` in the
/// compiled-in log list.
fn verify_with_bundled_key(sth: &SignedTreeHead, log_id: &str) -> Result<(), SignatureError> {
    let list = LogList::bundled();
    let log = list
        .find(&LogId(hash32(log_id)))
        .unwrap_or_else(|| panic!("log {log_id} is not in the bundled list"));
    sth.verify(log.key.as_ref().unwrap())
}

/// Checks the inclusion `proof` for the leaf hash `leaf` against the tree
/// size and root hash of `sth`.
fn verify_against_sth(
    leaf: &Hash,
    proof: &InclusionProof,
    sth: &SignedTreeHead,
) -> Result<(), ProofError> {
    verify_inclusion(
        leaf,
        proof.leaf_index,
        sth.head.tree_size,
        &proof.audit_path,
        &sth.head.root_hash,
    )
}

fn client(server: &Server, path: &str) -> LogClient {
    LogClient::builder(&format!("{}{path}", server.base))
        .timeout(Duration::from_secs(5))
        .no_proxy()
        .build()
        .unwrap()
}

/// Starts a server that sends `reply` to every request, and calls get-sth
/// on it.
async fn get_sth_with(reply: Reply) -> Result<SignedTreeHead, ClientError> {
    let server = serve(move |_| reply.clone());
    client(&server, "/").get_sth().await
}

/// Serves the real Argon2025h2 STH after `edit` has changed it, and calls
/// get-sth on it.
async fn get_edited_sth(edit: impl FnOnce(&mut Value)) -> Result<SignedTreeHead, ClientError> {
    let mut sth = api_json("argon2025h2_get-sth_1329315675.json");
    edit(&mut sth);
    get_sth_with(json(200, serde_json::to_vec(&sth).unwrap())).await
}

/// Serves the Argon2025h2 responses under /logs/argon2025h2/. Proofs are
/// only given for the *.google.com leaf hash at the STH's tree size.
fn argon2025h2(audit_path: Value) -> impl Fn(&Request) -> Reply + Send + Sync + 'static {
    let sth = api_file("argon2025h2_get-sth_1329315675.json");
    let entries = api_json("argon2025h2_get-entries_precert-google-com.json");
    let entries_body = serde_json::to_vec(&entries).unwrap();
    let proof = serde_json::to_vec(&audit_path).unwrap();
    move |request: &Request| {
        let Some(path) = request.path.strip_prefix("/logs/argon2025h2/ct/v1/") else {
            return json(404, r#"{"error": "no such log"}"#);
        };
        let query = |name: &str| request.query.get(name).cloned().unwrap_or_default();
        match path {
            "get-sth" => json(200, sth.clone()),
            "get-entries"
                if query("start") == GOOGLE_LEAF_INDEX.to_string()
                    && query("end") == GOOGLE_LEAF_INDEX.to_string() =>
            {
                json(200, entries_body.clone())
            }
            "get-proof-by-hash"
                if query("hash") == GOOGLE_LEAF_HASH
                    && query("tree_size") == ARGON2025H2_SIZE.to_string() =>
            {
                json(200, proof.clone())
            }
            "get-proof-by-hash" => json(404, r#"{"error": "leaf not found"}"#),
            "get-entry-and-proof"
                if query("leaf_index") == GOOGLE_LEAF_INDEX.to_string()
                    && query("tree_size") == ARGON2025H2_SIZE.to_string() =>
            {
                let entry = &entries["entries"][0];
                let body = serde_json::json!({
                    "leaf_input": entry["leaf_input"],
                    "extra_data": entry["extra_data"],
                    "audit_path": audit_path["audit_path"],
                });
                json(200, serde_json::to_vec(&body).unwrap())
            }
            "get-roots" => json(200, api_file("argon2025h2_get-roots.json")),
            _ => json(400, r#"{"error": "unexpected request"}"#),
        }
    }
}

fn google_proof() -> Value {
    api_json("argon2025h2_get-proof-by-hash_google-com-precert.json")
}

/// Serves Argon2025h2 with `proof` as its get-proof-by-hash response, and
/// returns a client for it.
fn argon2025h2_client(proof: Value) -> LogClient {
    client(&serve(argon2025h2(proof)), "/logs/argon2025h2")
}

/// Returns the field and problem of a `ClientError::Malformed`, and panics
/// on any other error.
fn malformed_field(err: &ClientError) -> (&str, &str) {
    let ClientError::Malformed { field, problem, .. } = err else {
        panic!("expected Malformed, got {err:?}");
    };
    (field, problem)
}

// ---------------------------------------------------------------------------
// Real responses that must verify.

#[tokio::test]
async fn argon2025h2_precert_inclusion_verifies() {
    let client = argon2025h2_client(google_proof());

    let sth = client.get_sth().await.unwrap();
    assert_eq!(sth.head.tree_size, ARGON2025H2_SIZE);
    assert_eq!(
        format_timestamp(sth.head.timestamp),
        "2025-07-05T17:57:49.891Z"
    );
    verify_with_bundled_key(&sth, ARGON2025H2_ID).unwrap();

    let entries = client
        .get_entries(GOOGLE_LEAF_INDEX, GOOGLE_LEAF_INDEX)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    let hash = leaf_hash(&entry.leaf_input);
    assert_eq!(BASE64.encode(hash), GOOGLE_LEAF_HASH);
    assert_eq!(entry.extra_data.len(), 6971);
    let leaf = MerkleTreeLeaf::decode(&entry.leaf_input).unwrap();
    let SignedEntry::Precert {
        issuer_key_hash, ..
    } = leaf.entry
    else {
        panic!("expected a precert_entry, got {:?}", leaf.entry);
    };
    let issuer = pem_der("precerts/google-com-2025/issuer-wr2.pem");
    assert_eq!(
        issuer_key_hash,
        CertificateLayout::parse(&issuer).unwrap().key_hash()
    );
    assert!(matches!(
        ExtraData::decode(true, &entry.extra_data).unwrap(),
        ExtraData::Precert { .. }
    ));

    let proof = client
        .get_proof_by_hash(&hash, sth.head.tree_size)
        .await
        .unwrap();
    assert_eq!(proof.leaf_index, GOOGLE_LEAF_INDEX);
    assert_eq!(proof.audit_path.len(), 31);
    verify_against_sth(&hash, &proof, &sth).unwrap();
}

#[tokio::test]
async fn requests_use_rfc_paths_and_query() {
    let server = serve(argon2025h2(google_proof()));
    // Without and with a trailing slash, the requests are the same.
    for base in ["/logs/argon2025h2", "/logs/argon2025h2/"] {
        let client = client(&server, base);
        client
            .get_proof_by_hash(&hash32(GOOGLE_LEAF_HASH), ARGON2025H2_SIZE)
            .await
            .unwrap();
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in requests {
        assert_eq!(request.method, "GET");
        assert_eq!(request.path, "/logs/argon2025h2/ct/v1/get-proof-by-hash");
        assert_eq!(request.query["hash"], GOOGLE_LEAF_HASH);
        assert_eq!(request.query["tree_size"], "1329315675");
    }
}

#[tokio::test]
async fn argon2025h2_entry_and_proof_verifies() {
    let server = serve(argon2025h2(google_proof()));
    let client = client(&server, "/logs/argon2025h2/");
    let sth = client.get_sth().await.unwrap();
    let result = client
        .get_entry_and_proof(GOOGLE_LEAF_INDEX, sth.head.tree_size)
        .await
        .unwrap();
    let hash = leaf_hash(&result.entry.leaf_input);
    assert_eq!(BASE64.encode(hash), GOOGLE_LEAF_HASH);
    verify_inclusion(
        &hash,
        GOOGLE_LEAF_INDEX,
        sth.head.tree_size,
        &result.audit_path,
        &sth.head.root_hash,
    )
    .unwrap();
}

#[tokio::test]
async fn argon2020_entry_proof_and_consistency_verify() {
    let sth = api_file("argon2020_get-sth_961984011.json");
    let entries = api_file("argon2020_get-entries_10000-10000.json");
    let proof = api_file("argon2020_get-proof-by-hash_leaf10000_size961984011.json");
    let consistency = api_file("argon2020_get-sth-consistency_3654490_961984011.json");
    let server = serve(move |request| {
        let query = |name: &str| request.query.get(name).cloned().unwrap_or_default();
        match request.path.as_str() {
            "/ct/v1/get-sth" => json(200, sth.clone()),
            "/ct/v1/get-entries" if query("start") == "10000" && query("end") == "10000" => {
                json(200, entries.clone())
            }
            "/ct/v1/get-proof-by-hash"
                if query("hash") == ARGON2020_LEAF_HASH && query("tree_size") == "961984011" =>
            {
                json(200, proof.clone())
            }
            "/ct/v1/get-sth-consistency"
                if query("first") == "3654490" && query("second") == "961984011" =>
            {
                json(200, consistency.clone())
            }
            _ => json(400, r#"{"error": "unexpected request"}"#),
        }
    });
    let client = client(&server, "/");

    let sth = client.get_sth().await.unwrap();
    assert_eq!(sth.head.tree_size, ARGON2020_SIZE);
    verify_with_bundled_key(&sth, ARGON2020_ID).unwrap();

    let entries = client.get_entries(10000, 10000).await.unwrap();
    let hash = leaf_hash(&entries[0].leaf_input);
    assert_eq!(BASE64.encode(hash), ARGON2020_LEAF_HASH);
    let leaf = MerkleTreeLeaf::decode(&entries[0].leaf_input).unwrap();
    assert_eq!(format_timestamp(leaf.timestamp), "2017-09-18T12:31:01.715Z");
    assert!(matches!(leaf.entry, SignedEntry::X509 { .. }));

    let proof = client
        .get_proof_by_hash(&hash, sth.head.tree_size)
        .await
        .unwrap();
    assert_eq!(proof.leaf_index, 10000);
    verify_against_sth(&hash, &proof, &sth).unwrap();

    let nodes = client
        .get_sth_consistency(ARGON2020_OLD_SIZE, ARGON2020_SIZE)
        .await
        .unwrap();
    verify_consistency(
        ARGON2020_OLD_SIZE,
        ARGON2020_SIZE,
        &hash32(ARGON2020_OLD_ROOT),
        &sth.head.root_hash,
        &nodes,
    )
    .unwrap();
}

/// Serves the two Argon2025h1 STHs under /old/ and /new/, and the
/// consistency proof between them under both.
fn argon2025h1(consistency: Vec<u8>) -> Server {
    let old = api_file("argon2025h1_get-sth_1425614114.json");
    let new = api_file("argon2025h1_get-sth_1425633154.json");
    serve(move |request| match request.path.as_str() {
        "/old/ct/v1/get-sth" => json(200, old.clone()),
        "/new/ct/v1/get-sth" => json(200, new.clone()),
        "/new/ct/v1/get-sth-consistency"
            if request.query.get("first").map(String::as_str) == Some("1425614114")
                && request.query.get("second").map(String::as_str) == Some("1425633154") =>
        {
            json(200, consistency.clone())
        }
        _ => json(400, r#"{"error": "unexpected request"}"#),
    })
}

#[tokio::test]
async fn argon2025h1_consistency_verifies() {
    let server = argon2025h1(api_file(
        "argon2025h1_get-sth-consistency_1425614114_1425633154.json",
    ));
    let old = client(&server, "/old").get_sth().await.unwrap();
    let new_client = client(&server, "/new");
    let new = new_client.get_sth().await.unwrap();
    verify_with_bundled_key(&old, ARGON2025H1_ID).unwrap();
    verify_with_bundled_key(&new, ARGON2025H1_ID).unwrap();

    let nodes = new_client
        .get_sth_consistency(old.head.tree_size, new.head.tree_size)
        .await
        .unwrap();
    assert_eq!(nodes.len(), 24);
    verify_consistency(
        old.head.tree_size,
        new.head.tree_size,
        &old.head.root_hash,
        &new.head.root_hash,
        &nodes,
    )
    .unwrap();

    // The same proof does not link the new tree to a changed old root.
    let mut forged_root = old.head.root_hash;
    forged_root[0] ^= 1;
    assert_eq!(
        verify_consistency(
            old.head.tree_size,
            new.head.tree_size,
            &forged_root,
            &new.head.root_hash,
            &nodes,
        ),
        Err(ProofError::RootMismatch)
    );
}

#[tokio::test]
async fn argon2025h2_roots_decode() {
    let roots = argon2025h2_client(google_proof())
        .get_roots()
        .await
        .unwrap();
    assert_eq!(roots.len(), 664);
    assert!(roots.iter().all(|der| der.first() == Some(&0x30)));
}

/// Serves add-chain and add-pre-chain with the derived CT test log SCTs.
fn submission_server() -> Server {
    let chain_sct = api_file("DERIVED_add-chain_response_ct-test-log_test-cert.json");
    let pre_chain_sct =
        api_file("DERIVED_add-pre-chain_response_ct-test-log_test-embedded-pre-cert.json");
    serve(
        move |request| match (request.method.as_str(), request.path.as_str()) {
            ("POST", "/ct/v1/add-chain") => json(200, chain_sct.clone()),
            ("POST", "/ct/v1/add-pre-chain") => json(200, pre_chain_sct.clone()),
            _ => json(405, r#"{"error": "method not allowed"}"#),
        },
    )
}

/// Checks the SCT's signature over `entry` with the CT test log key.
fn verify_ct_test_sct(sct: &Sct, entry: &SignedEntry<'_>) {
    let key = LogKey::from_spki(&pem_der("loglists/ct-test-log-ec.pub.pem")).unwrap();
    key.verify(
        sct.signature.hash,
        sct.signature.signature_algorithm,
        &sct.signed_data(entry).unwrap(),
        &sct.signature.signature,
    )
    .unwrap();
}

#[tokio::test]
async fn add_chain_posts_json_and_returns_valid_sct() {
    let server = submission_server();
    let request = api_json("request_add-chain.json");
    let chain: Vec<Vec<u8>> = request["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| b64(c.as_str().unwrap()))
        .collect();
    let sct = client(&server, "").add_chain(&chain).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].path, "/ct/v1/add-chain");
    assert_eq!(
        requests[0].content_type.as_deref(),
        Some("application/json")
    );
    let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(sent, request);

    // The decoded SCT verifies over the x509_entry of the CT test
    // certificate it was issued for, so every field survived decoding.
    assert_eq!(
        sct.log_id.to_base64(),
        "3xwuwRUAlFJHqWFoMl3cXHlZ6PfG04j8AC4LvT9012Q="
    );
    assert_eq!(format_timestamp(sct.timestamp), "2013-04-05T17:04:16.089Z");
    let certificate = pem_der("sct_raw/ct-test/test-cert.pem");
    verify_ct_test_sct(
        &sct,
        &SignedEntry::X509 {
            certificate: &certificate,
        },
    );
}

#[tokio::test]
async fn add_pre_chain_returns_valid_sct() {
    let server = submission_server();
    let precert = pem_der("precerts/ct-test/test-embedded-pre-cert.pem");
    let issuer = pem_der("precerts/ct-test/ca-cert.pem");
    let sct = client(&server, "")
        .add_pre_chain(&[precert.clone(), issuer.clone()])
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests[0].path, "/ct/v1/add-pre-chain");
    assert_eq!(
        requests[0].content_type.as_deref(),
        Some("application/json")
    );
    let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(sent["chain"][0], BASE64.encode(&precert));
    assert_eq!(sent["chain"][1], BASE64.encode(&issuer));

    assert_eq!(format_timestamp(sct.timestamp), "2013-04-05T17:04:16.275Z");
    let tbs = CertificateLayout::parse(&precert).unwrap().precert_tbs();
    let entry = SignedEntry::Precert {
        issuer_key_hash: CertificateLayout::parse(&issuer).unwrap().key_hash(),
        tbs_certificate: &tbs,
    };
    verify_ct_test_sct(&sct, &entry);
}

// ---------------------------------------------------------------------------
// Tampered data that must fail verification.

#[tokio::test]
async fn tampered_audit_path_fails() {
    let mut proof = google_proof();
    let node = proof["audit_path"][7].as_str().unwrap().to_owned();
    let mut bytes = b64(&node);
    bytes[31] ^= 0x01;
    proof["audit_path"][7] = Value::String(BASE64.encode(&bytes));
    let client = argon2025h2_client(proof);

    let sth = client.get_sth().await.unwrap();
    let hash = hash32(GOOGLE_LEAF_HASH);
    let proof = client
        .get_proof_by_hash(&hash, sth.head.tree_size)
        .await
        .unwrap();
    assert_eq!(
        verify_against_sth(&hash, &proof, &sth),
        Err(ProofError::RootMismatch)
    );
}

#[tokio::test]
async fn wrong_sth_signature_fails() {
    let fetched = get_edited_sth(|sth| {
        let mut signature = b64(sth["tree_head_signature"].as_str().unwrap());
        let last = signature.len() - 1;
        signature[last] ^= 0x01;
        sth["tree_head_signature"] = Value::String(BASE64.encode(&signature));
    })
    .await
    .unwrap();
    assert_eq!(
        verify_with_bundled_key(&fetched, ARGON2025H2_ID),
        Err(SignatureError::Invalid)
    );
}

#[tokio::test]
async fn sth_fails_with_another_logs_key() {
    let sth = argon2025h2_client(google_proof()).get_sth().await.unwrap();
    assert_eq!(
        verify_with_bundled_key(&sth, ARGON2025H1_ID),
        Err(SignatureError::Invalid)
    );
}

#[tokio::test]
async fn sth_with_changed_size_fails_signature() {
    let fetched = get_edited_sth(|sth| sth["tree_size"] = Value::from(ARGON2025H2_SIZE + 1))
        .await
        .unwrap();
    assert_eq!(
        verify_with_bundled_key(&fetched, ARGON2025H2_ID),
        Err(SignatureError::Invalid)
    );
}

// ---------------------------------------------------------------------------
// Errors from the server and the transport.

#[tokio::test]
async fn http_error_carries_server_message() {
    let mut unknown = hash32(GOOGLE_LEAF_HASH);
    unknown[0] ^= 0xff;
    let err = argon2025h2_client(google_proof())
        .get_proof_by_hash(&unknown, ARGON2025H2_SIZE)
        .await
        .unwrap_err();
    let ClientError::Status {
        endpoint,
        status,
        message,
    } = &err
    else {
        panic!("expected a status error, got {err:?}");
    };
    assert_eq!(*endpoint, "get-proof-by-hash");
    assert_eq!(status.as_u16(), 404);
    assert_eq!(message, "leaf not found");
    assert_eq!(
        err.to_string(),
        "get-proof-by-hash: the log returned HTTP 404 Not Found: leaf not found"
    );
}

#[tokio::test]
async fn http_400_json_error_is_reported() {
    let server = serve(|_| json(400, r#"{"error": "start must be below tree size"}"#));
    let err = client(&server, "/").get_entries(5, 9).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert!(
        err.to_string()
            .ends_with("HTTP 400 Bad Request: start must be below tree size"),
        "{err}"
    );
}

#[tokio::test]
async fn http_error_with_plain_text_body() {
    let err = get_sth_with(Reply::Body(503, b"backend unavailable\n".to_vec()))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "get-sth: the log returned HTTP 503 Service Unavailable: backend unavailable"
    );
}

#[tokio::test]
async fn non_json_body_is_typed_error() {
    let err = get_sth_with(Reply::Body(
        200,
        b"<html><body>Welcome</body></html>".to_vec(),
    ))
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::NotJson {
                endpoint: "get-sth",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn body_shorter_than_content_length_fails() {
    let full = api_file("argon2025h2_get-sth_1329315675.json");
    let mut bytes = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        full.len()
    )
    .into_bytes();
    bytes.extend_from_slice(&full[..full.len() / 2]);
    let err = get_sth_with(Reply::Raw(bytes)).await.unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Body {
                endpoint: "get-sth",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn truncated_json_without_length_fails() {
    let full = api_file("argon2025h2_get-sth_1329315675.json");
    let mut bytes =
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n".to_vec();
    bytes.extend_from_slice(&full[..full.len() - 10]);
    let err = get_sth_with(Reply::Raw(bytes)).await.unwrap_err();
    let ClientError::NotJson { reason, .. } = &err else {
        panic!("expected NotJson, got {err:?}");
    };
    assert!(reason.contains("EOF"), "{reason}");
}

#[tokio::test]
async fn short_root_hash_names_field() {
    let err = get_edited_sth(|sth| {
        let root = b64(sth["sha256_root_hash"].as_str().unwrap());
        sth["sha256_root_hash"] = Value::String(BASE64.encode(&root[..31]));
    })
    .await
    .unwrap_err();
    let (field, problem) = malformed_field(&err);
    assert_eq!(field, "sha256_root_hash");
    assert!(problem.contains("31 bytes"), "{problem}");
}

#[tokio::test]
async fn long_audit_path_node_names_position() {
    let mut proof = google_proof();
    proof["audit_path"][3] = Value::String(BASE64.encode([7u8; 33]));
    let err = argon2025h2_client(proof)
        .get_proof_by_hash(&hash32(GOOGLE_LEAF_HASH), ARGON2025H2_SIZE)
        .await
        .unwrap_err();
    let (field, problem) = malformed_field(&err);
    assert_eq!(field, "audit_path[3]");
    assert!(problem.contains("33 bytes"), "{problem}");
}

#[tokio::test]
async fn wrong_field_type_names_field() {
    let err = get_edited_sth(|sth| sth["tree_size"] = Value::String("1329315675".into()))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "get-sth: invalid response: tree_size: expected a non-negative integer below 2^64, found a string"
    );
}

#[tokio::test]
async fn missing_field_is_named() {
    let server = serve(|_| json(200, r#"{"leaf_index": 3}"#));
    let err = client(&server, "/")
        .get_proof_by_hash(&[0; 32], 10)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ClientError::Malformed { field, problem, .. } if field == "audit_path" && problem == "missing"),
        "{err:?}"
    );
}

#[tokio::test]
async fn bad_base64_entry_names_position() {
    let server = serve(|_| {
        json(
            200,
            r#"{"entries": [{"leaf_input": "AAAA", "extra_data": "AAAA"}, {"leaf_input": "AAAA", "extra_data": "not base64!"}]}"#,
        )
    });
    let err = client(&server, "/").get_entries(0, 1).await.unwrap_err();
    assert!(
        matches!(&err, ClientError::Malformed { field, .. } if field == "entries[1].extra_data"),
        "{err:?}"
    );
}

#[tokio::test]
async fn response_over_limit_is_rejected() {
    let server = serve(argon2025h2(google_proof()));
    let small = LogClient::builder(&format!("{}/logs/argon2025h2", server.base))
        .max_response_bytes(100_000)
        .no_proxy()
        .build()
        .unwrap();
    let err = small.get_roots().await.unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::TooLarge {
                endpoint: "get-roots",
                limit: 100_000
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn streamed_response_over_limit_is_rejected() {
    // Without Content-Length, the limit applies while reading.
    let server = serve(|_| {
        let mut bytes = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
        bytes.extend(std::iter::repeat_n(b' ', 5000));
        bytes.extend_from_slice(b"{}");
        Reply::Raw(bytes)
    });
    let small = LogClient::builder(&server.base)
        .max_response_bytes(4096)
        .no_proxy()
        .build()
        .unwrap();
    let err = small.get_sth().await.unwrap_err();
    assert!(matches!(err, ClientError::TooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn silent_server_times_out() {
    let server = serve(|_| Reply::Hang);
    let impatient = LogClient::builder(&server.base)
        .timeout(Duration::from_millis(300))
        .no_proxy()
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = impatient.get_sth().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn closed_port_is_request_error() {
    // Another test running at the same time may bind the released port, so
    // a port that is open again after the request is replaced by a new one.
    let mut attempts = 0;
    let (address, err) = loop {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        drop(listener);
        let client = LogClient::builder(&format!("http://{address}/"))
            .no_proxy()
            .build()
            .unwrap();
        let result = client.get_sth().await;
        attempts += 1;
        if matches!(result, Err(ClientError::Request { .. }))
            || TcpStream::connect(address).is_err()
            || attempts == 5
        {
            break (address, result.unwrap_err());
        }
    };
    assert!(
        matches!(
            &err,
            ClientError::Request {
                endpoint: "get-sth",
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains(&address.to_string()), "{text}");
    assert!(text.to_lowercase().contains("refused"), "{text}");
}

// ---------------------------------------------------------------------------
// get-entries paging.

/// A log with `size` copies of the Argon2020 entry that returns at most
/// `page` entries per request.
fn paging_server(size: u64, page: u64) -> Server {
    let entries = api_json("argon2020_get-entries_10000-10000.json");
    let entry = entries["entries"][0].clone();
    serve(move |request| {
        let start: u64 = request.query["start"].parse().unwrap();
        let end: u64 = request.query["end"].parse().unwrap();
        if start >= size {
            return json(400, r#"{"error": "start is beyond the tree"}"#);
        }
        let last = end.min(size - 1).min(start + page - 1);
        let list: Vec<Value> = (start..=last).map(|_| entry.clone()).collect();
        json(
            200,
            serde_json::to_vec(&serde_json::json!({ "entries": list })).unwrap(),
        )
    })
}

#[tokio::test]
async fn get_all_entries_follows_short_pages() {
    let server = paging_server(10, 2);
    let client = client(&server, "/");
    let first = client.get_entries(3, 7).await.unwrap();
    assert_eq!(first.len(), 2);

    let all = client.get_all_entries(3, 7).await.unwrap();
    assert_eq!(all.len(), 5);
    let expected = RawEntry {
        leaf_input: b64(
            api_json("argon2020_get-entries_10000-10000.json")["entries"][0]["leaf_input"]
                .as_str()
                .unwrap(),
        ),
        extra_data: all[0].extra_data.clone(),
    };
    assert!(all.iter().all(|e| *e == expected));
    let starts: Vec<String> = server
        .requests()
        .iter()
        .skip(1)
        .map(|r| format!("{}-{}", r.query["start"], r.query["end"]))
        .collect();
    assert_eq!(starts, ["3-7", "5-7", "7-7"]);
}

#[tokio::test]
async fn get_all_entries_stops_on_empty_page() {
    let server = serve(|_| json(200, r#"{"entries": []}"#));
    let err = client(&server, "/")
        .get_all_entries(0, 4)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ClientError::Malformed { field, .. } if field == "entries"),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn more_entries_than_requested_is_rejected() {
    let greedy = serve(|_| {
        json(
            200,
            r#"{"entries": [{"leaf_input": "", "extra_data": ""}, {"leaf_input": "", "extra_data": ""}]}"#,
        )
    });
    let err = client(&greedy, "/").get_entries(5, 5).await.unwrap_err();
    assert!(
        matches!(&err, ClientError::Malformed { field, problem, .. } if field == "entries" && problem.contains("more than the 1 requested")),
        "{err:?}"
    );
}

#[tokio::test]
async fn reversed_range_is_rejected_locally() {
    let server = paging_server(10, 10);
    let err = client(&server, "/")
        .get_all_entries(5, 4)
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::InvalidRequest { .. }), "{err:?}");
    assert!(server.requests().is_empty());
}
