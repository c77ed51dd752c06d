//! The HTTP server: RFC 6962 section 4 over axum, a writer thread that
//! commits submissions in groups, and the sequencer.
//!
//! A submission is checked and signed on the blocking pool, then queued to
//! the writer. The writer takes everything queued, commits it in one
//! transaction and replies to each request, so that one disk sync covers a
//! whole group: the SCT leaves the server only after its entry is durable.
//! The sequencer wakes every `sequence_interval_ms`, adds the committed
//! entries to the in-memory tree, stores a new signed tree head and then
//! publishes it.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ctkit::entry::MerkleTreeLeaf;
use ctkit::loglist::LogKey;
use ctkit::merkle::{Hash, Tree};
use ctkit::sct::{DigitallySigned, Sct};
use ctkit::sth::{SignedTreeHead, TreeHead};
use tokio::sync::{mpsc, oneshot, watch};
use tracing::{error, info, warn};

use crate::api::{self, AddChainRequest, AddChainResponse, ErrorResponse, GetSthResponse};
use crate::config::{ConfigError, LogConfig};
use crate::roots::Roots;
use crate::signer::LogSigner;
use crate::store::{Appended, NewEntry, SqliteStore, Store, StoreError};
use crate::submission::{Endpoint, LinkCache, Policy, check_chain};

/// A failure to start or run the server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Other(String),
}

/// The maximum number of submissions in one transaction.
const MAX_GROUP: usize = 1024;

/// The file a serving process holds an exclusive lock on.
pub const LOCK_FILE: &str = "serve.lock";

struct WriteRequest {
    entry: NewEntry,
    reply: oneshot::Sender<Result<Appended, String>>,
}

/// Everything the handlers share.
pub struct LogState {
    config: LogConfig,
    signer: LogSigner,
    roots: Roots,
    policy: Policy,
    cache: LinkCache,
    store: Arc<dyn Store>,
    tree: RwLock<Tree>,
    published: RwLock<Arc<SignedTreeHead>>,
    writer: mpsc::Sender<WriteRequest>,
    /// Held for the life of the state; the lock ends when it is dropped.
    _lock: std::fs::File,
}

impl std::fmt::Debug for LogState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogState")
            .field("log_id", &self.signer.log_id().to_base64())
            .finish_non_exhaustive()
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Loads the log in `dir`: configuration, key, roots, store and tree.
pub fn open_log(dir: &Path) -> Result<Arc<LogState>, ServeError> {
    if !dir.join(crate::config::CONFIG_FILE).exists() {
        return Err(ServeError::Other(format!(
            "{} is not a log directory (it has no {}); create one with `ctkit log init`",
            dir.display(),
            crate::config::CONFIG_FILE
        )));
    }
    let config = LogConfig::load(dir)?;
    // Two servers on one store would each sign tree heads of their own.
    let lock_path = dir.join(LOCK_FILE);
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| ConfigError::io(&lock_path, e))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(ServeError::Other(format!(
                "another process is serving the log in {}",
                dir.display()
            )));
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(ConfigError::io(&lock_path, e).into()),
    }
    let (not_after_start, not_after_limit) = config.shard()?;
    let key_path = LogConfig::path(dir, &config.private_key);
    let key_pem = std::fs::read(&key_path).map_err(|e| ConfigError::io(&key_path, e))?;
    let key_der = ctkit::input::read_blocks(&key_pem)
        .ok()
        .and_then(|blocks| blocks.into_iter().next())
        .ok_or_else(|| ServeError::Other(format!("{}: no key", key_path.display())))?
        .der;
    let signer = LogSigner::from_pkcs8(&key_der)
        .map_err(|e| ServeError::Other(format!("{}: {e}", key_path.display())))?;
    // Clients verify with the public key file, so it must be this key's.
    let public_path = LogConfig::path(dir, &config.public_key);
    let public_pem = std::fs::read(&public_path).map_err(|e| ConfigError::io(&public_path, e))?;
    let public_der = ctkit::input::read_blocks(&public_pem)
        .ok()
        .and_then(|blocks| blocks.into_iter().next())
        .map(|block| block.der);
    if public_der.as_deref() != Some(signer.spki()) {
        return Err(ServeError::Other(format!(
            "{} is not the public key of {}",
            public_path.display(),
            key_path.display()
        )));
    }
    let roots_path = LogConfig::path(dir, &config.roots);
    let roots_pem = std::fs::read(&roots_path).map_err(|e| ConfigError::io(&roots_path, e))?;
    let roots = Roots::from_file_bytes(&roots_pem)
        .map_err(|e| ServeError::Other(format!("{}: {e}", roots_path.display())))?;

    let store = SqliteStore::open(&LogConfig::path(dir, &config.database))?;
    let count = store.entry_count()?;
    let mut tree = Tree::new();
    for hash in store.leaf_hashes(0, count)? {
        tree.push(hash);
    }
    let public_key = LogKey::from_spki(signer.spki()).map_err(ServeError::Other)?;
    let published = match store.latest_tree_head()? {
        Some(sth) => {
            if sth.verify(&public_key).is_err() {
                return Err(ServeError::Other(
                    "the stored tree head was not signed by this log's key".into(),
                ));
            }
            if tree.root(sth.head.tree_size) != Some(sth.head.root_hash) {
                return Err(ServeError::Other(format!(
                    "the stored entries do not match the tree head of size {}",
                    sth.head.tree_size
                )));
            }
            sth
        }
        None => {
            let sth = signer
                .sign_tree_head(TreeHead {
                    tree_size: 0,
                    timestamp: now_ms(),
                    root_hash: ctkit::merkle::empty_root(),
                })
                .map_err(|e| ServeError::Other(e.to_string()))?;
            store.put_tree_head(&sth)?;
            sth
        }
    };

    let (writer, requests) = mpsc::channel(4 * MAX_GROUP);
    let store: Arc<dyn Store> = Arc::new(store);
    let writer_store = Arc::clone(&store);
    std::thread::Builder::new()
        .name("ctkit-log-writer".into())
        .spawn(move || run_writer(writer_store.as_ref(), requests))
        .map_err(|e| ServeError::Other(format!("cannot start the writer: {e}")))?;

    Ok(Arc::new(LogState {
        policy: Policy {
            max_chain_length: config.max_chain_length,
            not_after_start,
            not_after_limit,
        },
        config,
        signer,
        roots,
        cache: LinkCache::default(),
        store,
        tree: RwLock::new(tree),
        published: RwLock::new(Arc::new(published)),
        writer,
        _lock: lock,
    }))
}

/// Commits queued submissions in groups until every sender is gone.
fn run_writer(store: &dyn Store, mut requests: mpsc::Receiver<WriteRequest>) {
    while let Some(first) = requests.blocking_recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match requests.try_recv() {
                Ok(request) => group.push(request),
                Err(_) => break,
            }
        }
        let (entries, replies): (Vec<NewEntry>, Vec<_>) =
            group.into_iter().map(|r| (r.entry, r.reply)).unzip();
        match store.append(&entries) {
            Ok(results) => {
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(Ok(result));
                }
            }
            Err(e) => {
                error!(error = %e, entries = entries.len(), "commit failed");
                for reply in replies {
                    let _ = reply.send(Err(e.to_string()));
                }
            }
        }
    }
}

impl LogState {
    pub fn log_id(&self) -> ctkit::sct::LogId {
        self.signer.log_id()
    }

    pub fn config(&self) -> &LogConfig {
        &self.config
    }

    fn published(&self) -> Arc<SignedTreeHead> {
        match self.published.read() {
            Ok(sth) => Arc::clone(&sth),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Integrates committed entries and signs a tree head when the tree
    /// grew or the last head is older than half the MMD.
    pub fn sequence(&self) -> Result<(), ServeError> {
        let count = self.store.entry_count()?;
        let known = self.tree.read().map(|t| t.len()).unwrap_or(0);
        if count > known {
            let hashes = self.store.leaf_hashes(known, count)?;
            let mut tree = self
                .tree
                .write()
                .map_err(|_| ServeError::Other("tree lock poisoned".into()))?;
            if tree.len() == known {
                for hash in hashes {
                    tree.push(hash);
                }
            }
        }
        let (size, root) = {
            let tree = self
                .tree
                .read()
                .map_err(|_| ServeError::Other("tree lock poisoned".into()))?;
            let size = tree.len();
            (size, tree.root(size).unwrap_or_default())
        };
        let current = self.published();
        let now = now_ms();
        let half_mmd = self.config.mmd_seconds.saturating_mul(500);
        let stale = now.saturating_sub(current.head.timestamp) >= half_mmd;
        if size == current.head.tree_size && !stale {
            return Ok(());
        }
        let sth = self
            .signer
            .sign_tree_head(TreeHead {
                tree_size: size,
                timestamp: now.max(current.head.timestamp),
                root_hash: root,
            })
            .map_err(|e| ServeError::Other(e.to_string()))?;
        self.store.put_tree_head(&sth)?;
        info!(
            tree_size = size,
            timestamp = sth.head.timestamp,
            root_hash = %api::encode_b64(&root),
            "new tree head"
        );
        if let Ok(mut published) = self.published.write() {
            *published = Arc::new(sth);
        }
        Ok(())
    }
}

/// Builds the router for a log.
pub fn router(state: Arc<LogState>) -> Router {
    let limit = state.config.max_request_bytes;
    let timeout = Duration::from_secs(state.config.request_timeout_seconds);
    Router::new()
        .route("/ct/v1/add-chain", post(add_chain))
        .route("/ct/v1/add-pre-chain", post(add_pre_chain))
        .route("/ct/v1/get-sth", get(get_sth))
        .route("/ct/v1/get-sth-consistency", get(get_sth_consistency))
        .route("/ct/v1/get-proof-by-hash", get(get_proof_by_hash))
        .route("/ct/v1/get-entries", get(get_entries))
        .route("/ct/v1/get-roots", get(get_roots))
        .route("/ct/v1/get-entry-and-proof", get(get_entry_and_proof))
        .fallback(unknown_path)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Limits {
                body_bytes: limit,
                timeout_seconds: state.config.request_timeout_seconds,
            },
            json_errors,
        ))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

/// Runs the log in `dir` until `shutdown` completes, then integrates what
/// was committed and signs a last tree head. `ready` receives the bound
/// address once the server accepts connections.
pub async fn serve(
    dir: &Path,
    listen: Option<SocketAddr>,
    ready: impl FnOnce(SocketAddr),
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let state = open_log(dir)?;
    let address = listen.unwrap_or(state.config.listen);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| ServeError::Other(format!("cannot listen on {address}: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| ServeError::Other(e.to_string()))?;
    info!(
        address = %bound,
        log_id = %state.log_id().to_base64(),
        tree_size = state.published().head.tree_size,
        "log started"
    );

    let (stop_sequencer, mut stopped) = watch::channel(false);
    let sequencer_state = Arc::clone(&state);
    let sequencer = tokio::spawn(async move {
        let period = Duration::from_millis(sequencer_state.config.sequence_interval_ms);
        let mut ticks = tokio::time::interval(period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                _ = stopped.changed() => break,
            }
            let state = Arc::clone(&sequencer_state);
            match tokio::task::spawn_blocking(move || state.sequence()).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => error!(error = %e, "sequencing failed"),
                Err(e) => error!(error = %e, "sequencer task failed"),
            }
        }
    });

    ready(bound);
    let (stop_requested, mut stop_seen) = watch::channel(false);
    let signalled = async move {
        shutdown.await;
        info!("stopping: no new connections; requests in flight may finish");
        let _ = stop_requested.send(true);
    };
    let serving =
        axum::serve(listener, router(Arc::clone(&state))).with_graceful_shutdown(signalled);
    // A client that never finishes its request must not keep the log from
    // stopping: after the grace period the remaining connections are
    // dropped. Every SCT already returned is committed either way.
    let grace = state.config.shutdown_grace_seconds;
    let deadline = async move {
        let _ = stop_seen.wait_for(|stop| *stop).await;
        tokio::time::sleep(Duration::from_secs(grace)).await;
    };
    let served = tokio::select! {
        served = serving => served,
        () = deadline => {
            warn!(grace_seconds = grace, "requests still in flight after the grace period; closing their connections");
            Ok(())
        }
    };
    let _ = stop_sequencer.send(true);
    let _ = sequencer.await;
    let final_state = Arc::clone(&state);
    let last = tokio::task::spawn_blocking(move || final_state.sequence())
        .await
        .map_err(|e| ServeError::Other(e.to_string()))?;
    served.map_err(|e| ServeError::Other(format!("server failed: {e}")))?;
    last?;
    info!(tree_size = state.published().head.tree_size, "log stopped");
    Ok(())
}

/// An error response: a 4xx status with `{"error": message}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }

    fn internal(message: impl std::fmt::Display) -> ApiError {
        error!(error = %message, "internal error");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "internal error; the log's own records say more".into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(
            self.status,
            &ErrorResponse {
                error: self.message,
            },
        )
    }
}

fn json_response<T: serde::Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

fn ok<T: serde::Serialize>(body: &T) -> Response {
    json_response(StatusCode::OK, body)
}

/// Gives every error response a JSON body, including the ones axum makes
/// itself (405, 413, 415, a bad query string).
///
/// Submissions that axum rejects before the handler runs (413, 405) are
/// logged here, as the handler logs the ones it rejects.
/// The request limits the error middleware names in its messages.
#[derive(Debug, Clone, Copy)]
struct Limits {
    body_bytes: usize,
    timeout_seconds: u64,
}

async fn json_errors(
    State(Limits {
        body_bytes: limit,
        timeout_seconds,
    }): State<Limits>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let submission = request.method() == axum::http::Method::POST
        && (path.ends_with("/add-chain") || path.ends_with("/add-pre-chain"));
    let endpoint = path.rsplit('/').next().unwrap_or_default().to_owned();
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // A body declared too large is refused before it is read.
    if declared.is_some_and(|n| n > limit as u64) {
        let message = format!("the request body is larger than the {limit}-byte limit");
        if submission {
            info!(endpoint = %endpoint, status = 413, reason = %message, "submission rejected");
        }
        return ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            message,
        }
        .into_response();
    }
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
        format!("the request body is larger than the {limit}-byte limit")
    } else if status == StatusCode::REQUEST_TIMEOUT {
        format!("the request took longer than {timeout_seconds} s")
    } else if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_owned()
    } else {
        text
    };
    if submission {
        info!(endpoint = %endpoint, status = status.as_u16(), reason = %message, "submission rejected");
    }
    let mut fixed = json_response(status, &ErrorResponse { error: message });
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fixed.headers_mut().insert(name, value.clone());
        }
    }
    fixed
}

async fn unknown_path() -> ApiError {
    ApiError::not_found("unknown path; the API is under /ct/v1/ (RFC 6962 4)")
}

async fn add_chain(
    State(state): State<Arc<LogState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    submit(state, Endpoint::AddChain, &headers, body).await
}

async fn add_pre_chain(
    State(state): State<Arc<LogState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    submit(state, Endpoint::AddPreChain, &headers, body).await
}

async fn submit(
    state: Arc<LogState>,
    endpoint: Endpoint,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    let name = match endpoint {
        Endpoint::AddChain => "add-chain",
        Endpoint::AddPreChain => "add-pre-chain",
    };
    match submit_inner(state, endpoint, headers, body).await {
        Ok(sct) => ok(&AddChainResponse::from_sct(&sct)),
        Err(e) => {
            if e.status.is_client_error() {
                info!(endpoint = %name, status = e.status.as_u16(), reason = %e.message, "submission rejected");
            }
            e.into_response()
        }
    }
}

async fn submit_inner(
    state: Arc<LogState>,
    endpoint: Endpoint,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Sct, ApiError> {
    // A submitter that names no type is taken at its word that the body
    // is JSON; one that names another type, such as curl's default form
    // type, gets a message naming the type to send.
    let json = headers.get(header::CONTENT_TYPE).is_none_or(|v| {
        v.to_str().ok().is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
        })
    });
    if !json {
        return Err(ApiError {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            message: "the body must be JSON, sent with Content-Type: application/json".into(),
        });
    }
    let request: AddChainRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(format!("the body is not an RFC 6962 chain request: {e}"))
    })?;
    let chain = request
        .chain
        .iter()
        .enumerate()
        .map(|(i, text)| {
            api::decode_b64("chain", text)
                .map_err(|e| ApiError::bad_request(format!("chain[{i}]: {}", e.problem)))
        })
        .collect::<Result<Vec<_>, _>>()?;

    let worker = Arc::clone(&state);
    let prepared = tokio::task::spawn_blocking(move || prepare(&worker, endpoint, &chain))
        .await
        .map_err(ApiError::internal)??;
    let (entry, sct) = match prepared {
        Prepared::Existing(sct) => return Ok(sct),
        Prepared::New(entry, sct) => (entry, sct),
    };

    let (reply, answer) = oneshot::channel();
    state
        .writer
        .send(WriteRequest {
            entry: *entry,
            reply,
        })
        .await
        .map_err(|_| ApiError::internal("the writer has stopped"))?;
    match answer.await.map_err(ApiError::internal)? {
        Ok(Appended::New(_)) => Ok(sct),
        Ok(Appended::Existing(stored)) => stored_sct(&state, stored.timestamp, &stored.signature),
        Err(e) => Err(ApiError::internal(e)),
    }
}

enum Prepared {
    Existing(Sct),
    New(Box<NewEntry>, Sct),
}

/// Checks the chain, returns the SCT issued before for the same entry, or
/// signs a new SCT and builds the entry to commit.
fn prepare(state: &LogState, endpoint: Endpoint, chain: &[Vec<u8>]) -> Result<Prepared, ApiError> {
    let submission = check_chain(endpoint, chain, &state.roots, &state.policy, &state.cache)
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let identity = submission.identity();
    if let Some(stored) = state
        .store
        .find_identity(&identity)
        .map_err(ApiError::internal)?
    {
        return Ok(Prepared::Existing(stored_sct(
            state,
            stored.timestamp,
            &stored.signature,
        )?));
    }
    let timestamp = now_ms();
    let entry = submission.signed_entry();
    let sct = state
        .signer
        .sign_sct(timestamp, &entry)
        .map_err(ApiError::internal)?;
    let leaf_input = MerkleTreeLeaf {
        timestamp,
        entry,
        extensions: &[],
    }
    .encode()
    .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let signature = sct.signature.to_tls().map_err(ApiError::internal)?;
    let new = NewEntry {
        identity,
        precert: submission.precert,
        leaf_hash: ctkit::merkle::leaf_hash(&leaf_input),
        leaf_input,
        extra_data: submission.extra_data,
        sct_timestamp: timestamp,
        sct_signature: signature,
    };
    Ok(Prepared::New(Box::new(new), sct))
}

fn stored_sct(state: &LogState, timestamp: u64, signature: &[u8]) -> Result<Sct, ApiError> {
    Ok(Sct {
        version: ctkit::sct::Version::V1,
        log_id: state.signer.log_id(),
        timestamp,
        extensions: Vec::new(),
        signature: DigitallySigned::from_tls(signature).map_err(ApiError::internal)?,
    })
}

async fn get_sth(State(state): State<Arc<LogState>>) -> Response {
    ok(&GetSthResponse::from_sth(&state.published()))
}

type Params = Query<HashMap<String, String>>;

/// Reads a decimal parameter.
fn number(params: &HashMap<String, String>, name: &str) -> Result<u64, ApiError> {
    let text = params
        .get(name)
        .ok_or_else(|| ApiError::bad_request(format!("missing parameter {name}")))?;
    text.parse::<u64>().map_err(|_| {
        ApiError::bad_request(format!(
            "parameter {name} must be a non-negative decimal integer, not {text:?}"
        ))
    })
}

fn hashes(list: Option<Vec<Hash>>) -> Vec<String> {
    list.unwrap_or_default()
        .iter()
        .map(|h| api::encode_b64(h))
        .collect()
}

/// Checks a tree size a client asks about against the published head.
fn published_size(state: &LogState, name: &str, size: u64) -> Result<(), ApiError> {
    let published = state.published().head.tree_size;
    if size > published {
        return Err(ApiError::bad_request(format!(
            "{name} {size} is past the current tree size {published}"
        )));
    }
    Ok(())
}

fn read_tree(state: &LogState) -> Result<std::sync::RwLockReadGuard<'_, Tree>, ApiError> {
    state
        .tree
        .read()
        .map_err(|_| ApiError::internal("tree lock poisoned"))
}

async fn get_sth_consistency(
    State(state): State<Arc<LogState>>,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let first = number(&params, "first")?;
    let second = number(&params, "second")?;
    if first > second {
        return Err(ApiError::bad_request(format!(
            "first {first} is larger than second {second}"
        )));
    }
    if first == 0 {
        return Err(ApiError::bad_request(
            "first must be at least 1: every tree is consistent with the empty tree, so there is nothing to prove",
        ));
    }
    published_size(&state, "second", second)?;
    let proof = read_tree(&state)?.consistency_proof(first, second);
    if proof.is_none() {
        return Err(ApiError::internal(format!(
            "no consistency proof {first} to {second}"
        )));
    }
    Ok(ok(&api::ConsistencyResponse {
        consistency: hashes(proof),
    }))
}

async fn get_proof_by_hash(
    State(state): State<Arc<LogState>>,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let text = params
        .get("hash")
        .ok_or_else(|| ApiError::bad_request("missing parameter hash"))?;
    let hash = api::decode_hash("hash", text).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let size = number(&params, "tree_size")?;
    if size == 0 {
        return Err(ApiError::bad_request("tree_size must be at least 1"));
    }
    published_size(&state, "tree_size", size)?;
    let store = Arc::clone(&state.store);
    let index = tokio::task::spawn_blocking(move || store.index_of(&hash))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::not_found("no entry has this leaf hash"))?;
    if index >= size {
        return Err(ApiError::not_found(format!(
            "the leaf is entry {index}, which is not in the tree of size {size}"
        )));
    }
    let proof = read_tree(&state)?.inclusion_proof(index, size);
    Ok(ok(&api::ProofByHashResponse {
        leaf_index: index,
        audit_path: hashes(proof),
    }))
}

async fn get_entries(
    State(state): State<Arc<LogState>>,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let start = number(&params, "start")?;
    let end = number(&params, "end")?;
    if start > end {
        return Err(ApiError::bad_request(format!(
            "start {start} is after end {end}"
        )));
    }
    let size = state.published().head.tree_size;
    if start >= size {
        return Err(ApiError::bad_request(format!(
            "start {start} is not below the tree size {size}"
        )));
    }
    let last = end
        .min(size - 1)
        .min(start.saturating_add(state.config.max_get_entries - 1));
    let store = Arc::clone(&state.store);
    let entries = tokio::task::spawn_blocking(move || store.entries(start, last + 1))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    Ok(ok(&api::EntriesResponse {
        entries: entries
            .iter()
            .map(|e| api::EntryJson {
                leaf_input: api::encode_b64(&e.leaf_input),
                extra_data: api::encode_b64(&e.extra_data),
            })
            .collect(),
    }))
}

async fn get_roots(State(state): State<Arc<LogState>>) -> Response {
    ok(&api::RootsResponse {
        certificates: state
            .roots
            .ders()
            .iter()
            .map(|d| api::encode_b64(d))
            .collect(),
    })
}

async fn get_entry_and_proof(
    State(state): State<Arc<LogState>>,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let index = number(&params, "leaf_index")?;
    let size = number(&params, "tree_size")?;
    if index >= size {
        return Err(ApiError::bad_request(format!(
            "leaf_index {index} is not below tree_size {size}"
        )));
    }
    published_size(&state, "tree_size", size)?;
    let store = Arc::clone(&state.store);
    let entry = tokio::task::spawn_blocking(move || store.entries(index, index + 1))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::internal(format!("entry {index} is missing")))?;
    let proof = read_tree(&state)?.inclusion_proof(index, size);
    Ok(ok(&api::EntryAndProofResponse {
        leaf_input: api::encode_b64(&entry.leaf_input),
        extra_data: api::encode_b64(&entry.extra_data),
        audit_path: hashes(proof),
    }))
}
