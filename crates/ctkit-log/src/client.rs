//! A client for the RFC 6962 section 4 API.
//!
//! Every method sends one request, except [`LogClient::get_all_entries`],
//! and checks the shape of the JSON response before decoding it, so that a
//! malformed response is reported with the name of the field at fault.
//! The client verifies nothing cryptographically: STH signatures and
//! proofs are checked by the caller with `ctkit::sth` and `ctkit::merkle`.

use std::time::Duration;

use ctkit::merkle::Hash;
use ctkit::sct::Sct;
use ctkit::sth::SignedTreeHead;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::api::{
    self, AddChainRequest, AddChainResponse, ConsistencyResponse, EntriesResponse,
    EntryAndProofResponse, ErrorResponse, FieldError, GetSthResponse, ProofByHashResponse,
    RootsResponse,
};

/// The default limit on a response body. The largest responses are
/// get-roots (1 MiB for the 664 roots of Argon2025h2) and get-entries
/// pages, so 64 MiB leaves room for both.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 << 20;

/// The default limit on a whole request, from connecting to reading the
/// last byte of the response.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The default limit on establishing the TCP and TLS connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// At most this much of an error response is read for its message.
const MAX_ERROR_BODY_BYTES: usize = 64 << 10;

/// At most this many characters of the log's error message are kept.
const MAX_ERROR_MESSAGE_CHARS: usize = 500;

/// A request to a log that failed. Every variant but `InvalidUrl` and
/// `Setup` names the endpoint, such as `get-sth`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The base URL cannot be used: it does not parse, is not http or
    /// https, or has a query or fragment that the endpoint paths would drop.
    #[error("invalid log URL {url:?}: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// The HTTP client could not be built, for example because no TLS
    /// root store could be loaded.
    #[error("cannot set up the HTTP client: {message}")]
    Setup { message: String },
    /// The caller's arguments cannot form a valid request.
    #[error("{endpoint}: invalid request: {problem}")]
    InvalidRequest {
        endpoint: &'static str,
        problem: String,
    },
    /// The request got no response: the connection was refused or
    /// failed, or the request or the response headers timed out. `error`
    /// has its URL removed, since `url` gives it.
    #[error("{endpoint}: request to {url} failed: {}", error_chain(error))]
    Request {
        endpoint: &'static str,
        url: String,
        error: reqwest::Error,
    },
    /// The response body could not be read to its end, for example because
    /// the connection closed before the announced length or timed out.
    #[error(
        "{endpoint}: reading the response from {url} failed: {}",
        error_chain(error)
    )]
    Body {
        endpoint: &'static str,
        url: String,
        error: reqwest::Error,
    },
    /// The log returned an HTTP error status. `message` is the
    /// `error` field of a JSON body, else the body as text, else empty.
    #[error(
        "{endpoint}: the log returned HTTP {status}{}",
        message_suffix(message)
    )]
    Status {
        endpoint: &'static str,
        status: StatusCode,
        message: String,
    },
    /// The response body is larger than the client's limit.
    #[error("{endpoint}: the response is larger than the limit of {limit} bytes")]
    TooLarge {
        endpoint: &'static str,
        limit: usize,
    },
    /// The response body is not JSON.
    #[error("{endpoint}: the response is not valid JSON: {reason}")]
    NotJson {
        endpoint: &'static str,
        reason: String,
    },
    /// The response is JSON, but a field is missing, has the wrong type or
    /// does not hold what RFC 6962 requires. `field` is a path such as
    /// `entries[2].leaf_input`.
    #[error("{endpoint}: invalid response: {field}: {problem}")]
    Malformed {
        endpoint: &'static str,
        field: String,
        problem: String,
    },
}

impl ClientError {
    /// Returns the endpoint name, such as `get-sth`, when the error
    /// concerns one request.
    pub fn endpoint(&self) -> Option<&'static str> {
        match self {
            ClientError::InvalidUrl { .. } | ClientError::Setup { .. } => None,
            ClientError::InvalidRequest { endpoint, .. }
            | ClientError::Request { endpoint, .. }
            | ClientError::Body { endpoint, .. }
            | ClientError::Status { endpoint, .. }
            | ClientError::TooLarge { endpoint, .. }
            | ClientError::NotJson { endpoint, .. }
            | ClientError::Malformed { endpoint, .. } => Some(endpoint),
        }
    }

    /// Returns the HTTP status of a `Status` error.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            ClientError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Tests whether the request or the body read ran out of time.
    pub fn is_timeout(&self) -> bool {
        match self {
            ClientError::Request { error, .. } | ClientError::Body { error, .. } => {
                error.is_timeout()
            }
            _ => false,
        }
    }
}

/// Joins an error and its sources, because reqwest's top-level message
/// ("error sending request") hides the cause, such as "Connection refused".
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn message_suffix(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

/// A `leaf_input` and `extra_data` pair from get-entries, base64-decoded
/// but not parsed. `ctkit::entry` decodes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEntry {
    /// The `MerkleTreeLeaf` (RFC 6962 3.4).
    pub leaf_input: Vec<u8>,
    /// The certificate chain or `PrecertChainEntry` (RFC 6962 4.6).
    pub extra_data: Vec<u8>,
}

/// A get-proof-by-hash result (RFC 6962 4.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProof {
    /// The 0-based index of the leaf.
    pub leaf_index: u64,
    pub audit_path: Vec<Hash>,
}

/// A get-entry-and-proof result (RFC 6962 4.8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryAndProof {
    pub entry: RawEntry,
    pub audit_path: Vec<Hash>,
}

/// Settings for a [`LogClient`].
#[derive(Debug, Clone)]
pub struct LogClientBuilder {
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: usize,
    use_proxy_env: bool,
}

impl LogClientBuilder {
    /// Sets the limit on a whole request, response body included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the limit on establishing a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the largest response body accepted, in bytes.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Ignores the `HTTP_PROXY`, `HTTPS_PROXY` and `ALL_PROXY` environment
    /// variables, which the client otherwise honours.
    pub fn no_proxy(mut self) -> Self {
        self.use_proxy_env = false;
        self
    }

    /// Checks the base URL and builds the client.
    pub fn build(self) -> Result<LogClient, ClientError> {
        let base = parse_base_url(&self.base_url)?;
        let mut builder = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            // A redirect would let another server answer for the log named
            // by the URL, so it is reported as the status it is.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("ctkit/", env!("CARGO_PKG_VERSION")));
        if !self.use_proxy_env {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| ClientError::Setup {
            message: error_chain(&e),
        })?;
        Ok(LogClient {
            http,
            base,
            max_response_bytes: self.max_response_bytes,
        })
    }
}

/// Checks a log's base URL and gives it a trailing slash, so that joining
/// `ct/v1/...` appends to its path instead of replacing the last segment.
fn parse_base_url(text: &str) -> Result<Url, ClientError> {
    let invalid = |reason: &str| ClientError::InvalidUrl {
        url: text.to_owned(),
        reason: reason.to_owned(),
    };
    let mut url = Url::parse(text.trim()).map_err(|e| invalid(&e.to_string()))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host().is_none() {
        return Err(invalid("the URL has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            "a base URL cannot have a query or fragment, because the API paths are appended to it",
        ));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// A client for one RFC 6962 log.
#[derive(Debug, Clone)]
pub struct LogClient {
    http: reqwest::Client,
    base: Url,
    max_response_bytes: usize,
}

impl LogClient {
    /// Builds a client with the default limits for a log whose base URL is
    /// `base_url`, such as `http://127.0.0.1:6962/`. A missing trailing
    /// slash is added.
    pub fn new(base_url: &str) -> Result<LogClient, ClientError> {
        LogClient::builder(base_url).build()
    }

    /// Starts a client with other limits than the defaults.
    pub fn builder(base_url: &str) -> LogClientBuilder {
        LogClientBuilder {
            base_url: base_url.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            use_proxy_env: true,
        }
    }

    /// Returns the base URL, with its trailing slash.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Tests whether `url`, such as the `url` of a log in a log list, names
    /// this client's log. A missing trailing slash and the case of the
    /// scheme and host do not matter.
    pub fn is_base_url(&self, url: &str) -> bool {
        parse_base_url(url).is_ok_and(|other| other == self.base)
    }

    /// Fetches the latest signed tree head (RFC 6962 4.3). The signature is
    /// not verified here, but by `SignedTreeHead::verify`.
    pub async fn get_sth(&self) -> Result<SignedTreeHead, ClientError> {
        let endpoint = endpoint_name(api::GET_STH);
        let response: GetSthResponse = self.get(api::GET_STH, &[], STH_SHAPE).await?;
        response.to_sth().map_err(|e| field_error(endpoint, e))
    }

    /// Fetches the consistency proof between the trees of `first` and
    /// `second` leaves (RFC 6962 4.4).
    pub async fn get_sth_consistency(
        &self,
        first: u64,
        second: u64,
    ) -> Result<Vec<Hash>, ClientError> {
        let endpoint = endpoint_name(api::GET_STH_CONSISTENCY);
        let query = [("first", first.to_string()), ("second", second.to_string())];
        let response: ConsistencyResponse = self
            .get(api::GET_STH_CONSISTENCY, &query, CONSISTENCY_SHAPE)
            .await?;
        decode_hash_list(endpoint, "consistency", &response.consistency)
    }

    /// Fetches the index and audit path of the leaf whose Merkle leaf hash
    /// is `leaf_hash`, in the tree of `tree_size` leaves (RFC 6962 4.5).
    /// A log that does not contain the leaf usually returns HTTP 400 or
    /// 404, which becomes [`ClientError::Status`].
    pub async fn get_proof_by_hash(
        &self,
        leaf_hash: &Hash,
        tree_size: u64,
    ) -> Result<InclusionProof, ClientError> {
        let endpoint = endpoint_name(api::GET_PROOF_BY_HASH);
        let query = [
            ("hash", api::encode_b64(leaf_hash)),
            ("tree_size", tree_size.to_string()),
        ];
        let response: ProofByHashResponse = self
            .get(api::GET_PROOF_BY_HASH, &query, PROOF_SHAPE)
            .await?;
        Ok(InclusionProof {
            leaf_index: response.leaf_index,
            audit_path: decode_hash_list(endpoint, "audit_path", &response.audit_path)?,
        })
    }

    /// Fetches entries `start` to `end` inclusive (RFC 6962 4.6) with one
    /// request. The log may return fewer than requested, starting at
    /// `start`, and [`LogClient::get_all_entries`] fetches the rest.
    pub async fn get_entries(&self, start: u64, end: u64) -> Result<Vec<RawEntry>, ClientError> {
        let endpoint = endpoint_name(api::GET_ENTRIES);
        if start > end {
            return Err(ClientError::InvalidRequest {
                endpoint,
                problem: format!("start {start} is after end {end}"),
            });
        }
        let query = [("start", start.to_string()), ("end", end.to_string())];
        let response: EntriesResponse = self.get(api::GET_ENTRIES, &query, ENTRIES_SHAPE).await?;
        let requested = end - start + 1;
        let returned = response.entries.len() as u64;
        if returned > requested {
            return Err(ClientError::Malformed {
                endpoint,
                field: "entries".into(),
                problem: format!(
                    "{returned} entries, more than the {requested} requested ({start} to {end})"
                ),
            });
        }
        response
            .entries
            .iter()
            .enumerate()
            .map(|(i, entry)| {
                let decode = |name: &str, text: &str| {
                    api::decode_b64("", text).map_err(|e| ClientError::Malformed {
                        endpoint,
                        field: format!("entries[{i}].{name}"),
                        problem: e.problem,
                    })
                };
                Ok(RawEntry {
                    leaf_input: decode("leaf_input", &entry.leaf_input)?,
                    extra_data: decode("extra_data", &entry.extra_data)?,
                })
            })
            .collect()
    }

    /// Fetches entries `start` to `end` inclusive, sending further
    /// requests while the log returns fewer than requested.
    pub async fn get_all_entries(
        &self,
        start: u64,
        end: u64,
    ) -> Result<Vec<RawEntry>, ClientError> {
        let mut pages = self.entry_pages(start, end);
        let mut entries = Vec::new();
        while let Some(page) = pages.next_page().await {
            entries.extend(page?);
        }
        Ok(entries)
    }

    /// Starts fetching entries `start` to `end` inclusive page by page, so
    /// that a caller can process each page before the next arrives. A
    /// `start` after `end` makes the first page an `InvalidRequest` error.
    pub fn entry_pages(&self, start: u64, end: u64) -> EntryPages<'_> {
        EntryPages {
            client: self,
            next: Some(start),
            end,
        }
    }

    /// Fetches the DER root certificates the log accepts (RFC 6962 4.7).
    pub async fn get_roots(&self) -> Result<Vec<Vec<u8>>, ClientError> {
        let endpoint = endpoint_name(api::GET_ROOTS);
        let response: RootsResponse = self.get(api::GET_ROOTS, &[], ROOTS_SHAPE).await?;
        response
            .certificates
            .iter()
            .enumerate()
            .map(|(i, text)| {
                api::decode_b64("", text).map_err(|e| ClientError::Malformed {
                    endpoint,
                    field: format!("certificates[{i}]"),
                    problem: e.problem,
                })
            })
            .collect()
    }

    /// Fetches entry `leaf_index` and its audit path in the tree of
    /// `tree_size` leaves (RFC 6962 4.8).
    pub async fn get_entry_and_proof(
        &self,
        leaf_index: u64,
        tree_size: u64,
    ) -> Result<EntryAndProof, ClientError> {
        let endpoint = endpoint_name(api::GET_ENTRY_AND_PROOF);
        let query = [
            ("leaf_index", leaf_index.to_string()),
            ("tree_size", tree_size.to_string()),
        ];
        let response: EntryAndProofResponse = self
            .get(api::GET_ENTRY_AND_PROOF, &query, ENTRY_AND_PROOF_SHAPE)
            .await?;
        let decode = |name: &'static str, text: &str| {
            api::decode_b64(name, text).map_err(|e| field_error(endpoint, e))
        };
        Ok(EntryAndProof {
            entry: RawEntry {
                leaf_input: decode("leaf_input", &response.leaf_input)?,
                extra_data: decode("extra_data", &response.extra_data)?,
            },
            audit_path: decode_hash_list(endpoint, "audit_path", &response.audit_path)?,
        })
    }

    /// Submits a certificate chain, leaf first, each certificate DER
    /// (RFC 6962 4.1), and returns the log's SCT.
    pub async fn add_chain(&self, chain: &[Vec<u8>]) -> Result<Sct, ClientError> {
        self.submit(api::ADD_CHAIN, chain).await
    }

    /// Submits a precertificate chain, precertificate first (RFC 6962
    /// 4.2), and returns the log's SCT.
    pub async fn add_pre_chain(&self, chain: &[Vec<u8>]) -> Result<Sct, ClientError> {
        self.submit(api::ADD_PRE_CHAIN, chain).await
    }

    async fn submit(&self, path: &'static str, chain: &[Vec<u8>]) -> Result<Sct, ClientError> {
        let endpoint = endpoint_name(path);
        let request = AddChainRequest {
            chain: chain.iter().map(|der| api::encode_b64(der)).collect(),
        };
        let body = serde_json::to_vec(&request).map_err(|e| ClientError::InvalidRequest {
            endpoint,
            problem: format!("cannot encode the request body: {e}"),
        })?;
        let url = self.url(path, &[])?;
        let builder = self
            .http
            .post(url.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(body);
        let response: AddChainResponse = self.exchange(endpoint, &url, builder, SCT_SHAPE).await?;
        response.to_sct().map_err(|e| field_error(endpoint, e))
    }

    fn url(&self, path: &'static str, query: &[(&str, String)]) -> Result<Url, ClientError> {
        let mut url = self.base.join(path).map_err(|e| ClientError::InvalidUrl {
            url: self.base.to_string(),
            reason: format!("cannot append {path}: {e}"),
        })?;
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
        }
        Ok(url)
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &'static str,
        query: &[(&str, String)],
        shape: &[(&'static str, Shape)],
    ) -> Result<T, ClientError> {
        let url = self.url(path, query)?;
        let builder = self.http.get(url.clone());
        self.exchange(endpoint_name(path), &url, builder, shape)
            .await
    }

    /// Sends a request and decodes its JSON response after checking that
    /// it has every field of `shape` with the right JSON type.
    async fn exchange<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        url: &Url,
        builder: reqwest::RequestBuilder,
        shape: &[(&'static str, Shape)],
    ) -> Result<T, ClientError> {
        let mut response = builder
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .send()
            .await
            .map_err(|error| ClientError::Request {
                endpoint,
                url: url.to_string(),
                error: error.without_url(),
            })?;
        let status = response.status();
        if !status.is_success() {
            // A body that cannot be read still leaves the status to report.
            let body = read_body(endpoint, url, &mut response, MAX_ERROR_BODY_BYTES, true)
                .await
                .unwrap_or_default();
            return Err(ClientError::Status {
                endpoint,
                status,
                message: error_message(&body),
            });
        }
        let body = read_body(endpoint, url, &mut response, self.max_response_bytes, false).await?;
        let value: Value = serde_json::from_slice(&body).map_err(|e| ClientError::NotJson {
            endpoint,
            reason: e.to_string(),
        })?;
        check_object(&value, shape, "").map_err(|(field, problem)| ClientError::Malformed {
            endpoint,
            field,
            problem,
        })?;
        serde_json::from_value(value).map_err(|e| ClientError::Malformed {
            endpoint,
            field: "(response)".into(),
            problem: e.to_string(),
        })
    }
}

/// The pages of a get-entries range, from [`LogClient::entry_pages`].
#[derive(Debug)]
pub struct EntryPages<'a> {
    client: &'a LogClient,
    /// The index of the first entry of the next page, or `None` when the
    /// range is done or an error ended it.
    next: Option<u64>,
    end: u64,
}

impl EntryPages<'_> {
    /// Returns the index of the first entry of the next page.
    pub fn next_index(&self) -> Option<u64> {
        self.next
    }

    /// Fetches the next page, or returns `None` after the last entry or
    /// after an error. A page with no entries is an error, since asking
    /// again would never finish.
    pub async fn next_page(&mut self) -> Option<Result<Vec<RawEntry>, ClientError>> {
        let start = self.next.take()?;
        let page = match self.client.get_entries(start, self.end).await {
            Ok(page) => page,
            Err(e) => return Some(Err(e)),
        };
        if page.is_empty() {
            return Some(Err(ClientError::Malformed {
                endpoint: endpoint_name(api::GET_ENTRIES),
                field: "entries".into(),
                problem: format!("no entries for the request of {start} to {}", self.end),
            }));
        }
        self.next = start
            .checked_add(page.len() as u64)
            .filter(|next| *next <= self.end);
        Some(Ok(page))
    }
}

/// Reads a response body of at most `limit` bytes. With `truncate`, a
/// longer body is cut at the limit instead of being an error.
async fn read_body(
    endpoint: &'static str,
    url: &Url,
    response: &mut reqwest::Response,
    limit: usize,
    truncate: bool,
) -> Result<Vec<u8>, ClientError> {
    let too_large = ClientError::TooLarge { endpoint, limit };
    if !truncate
        && response
            .content_length()
            .is_some_and(|length| length > limit as u64)
    {
        return Err(too_large);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|error| ClientError::Body {
        endpoint,
        url: url.to_string(),
        error: error.without_url(),
    })? {
        let room = limit.saturating_sub(body.len());
        if chunk.len() > room {
            if truncate {
                body.extend_from_slice(chunk.get(..room).unwrap_or_default());
                return Ok(body);
            }
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Extracts the message of an error response: the `error` field of a JSON
/// body (the form RFC 6962 logs use), else the body as text. Control
/// characters are replaced, since the text goes to a terminal.
fn error_message(body: &[u8]) -> String {
    let text = match serde_json::from_slice::<ErrorResponse>(body) {
        Ok(response) => response.error,
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    let cleaned: String = text
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if cleaned.chars().count() > MAX_ERROR_MESSAGE_CHARS {
        let mut cut: String = cleaned.chars().take(MAX_ERROR_MESSAGE_CHARS).collect();
        cut.push_str("...");
        cut
    } else {
        cleaned
    }
}

/// Returns the last path segment, such as `get-sth`, as the name used in
/// messages.
fn endpoint_name(path: &'static str) -> &'static str {
    path.rsplit('/').next().unwrap_or(path)
}

fn field_error(endpoint: &'static str, error: FieldError) -> ClientError {
    ClientError::Malformed {
        endpoint,
        field: error.field.to_owned(),
        problem: error.problem,
    }
}

/// Decodes a list of base64 hashes, naming the position of a bad one.
fn decode_hash_list(
    endpoint: &'static str,
    field: &'static str,
    items: &[String],
) -> Result<Vec<Hash>, ClientError> {
    items
        .iter()
        .enumerate()
        .map(|(i, text)| {
            api::decode_hash(field, text).map_err(|e| ClientError::Malformed {
                endpoint,
                field: format!("{field}[{i}]"),
                problem: e.problem,
            })
        })
        .collect()
}

/// The JSON type a response field must have.
#[derive(Debug, Clone, Copy)]
enum Shape {
    /// A non-negative integer that fits in 8 bits.
    U8,
    /// A non-negative integer that fits in 64 bits.
    U64,
    Str,
    StrList,
    /// A list of objects with these fields.
    ObjectList(&'static [(&'static str, Shape)]),
}

const STH_SHAPE: &[(&str, Shape)] = &[
    ("tree_size", Shape::U64),
    ("timestamp", Shape::U64),
    ("sha256_root_hash", Shape::Str),
    ("tree_head_signature", Shape::Str),
];
const CONSISTENCY_SHAPE: &[(&str, Shape)] = &[("consistency", Shape::StrList)];
const PROOF_SHAPE: &[(&str, Shape)] = &[("leaf_index", Shape::U64), ("audit_path", Shape::StrList)];
const ENTRY_SHAPE: &[(&str, Shape)] = &[("leaf_input", Shape::Str), ("extra_data", Shape::Str)];
const ENTRIES_SHAPE: &[(&str, Shape)] = &[("entries", Shape::ObjectList(ENTRY_SHAPE))];
const ROOTS_SHAPE: &[(&str, Shape)] = &[("certificates", Shape::StrList)];
const ENTRY_AND_PROOF_SHAPE: &[(&str, Shape)] = &[
    ("leaf_input", Shape::Str),
    ("extra_data", Shape::Str),
    ("audit_path", Shape::StrList),
];
const SCT_SHAPE: &[(&str, Shape)] = &[
    ("sct_version", Shape::U8),
    ("id", Shape::Str),
    ("timestamp", Shape::U64),
    ("extensions", Shape::Str),
    ("signature", Shape::Str),
];

/// Checks that `value` is an object with every field of `shape`, returning
/// the path of the first field that is missing or of the wrong type.
/// Extra fields are allowed, as in any JSON API that may grow.
fn check_object(
    value: &Value,
    shape: &[(&'static str, Shape)],
    path: &str,
) -> Result<(), (String, String)> {
    let Some(object) = value.as_object() else {
        let field = if path.is_empty() { "(response)" } else { path };
        return Err((
            field.to_owned(),
            format!("expected a JSON object, found {}", json_type(value)),
        ));
    };
    for (name, kind) in shape {
        let field = if path.is_empty() {
            (*name).to_owned()
        } else {
            format!("{path}.{name}")
        };
        let Some(item) = object.get(*name) else {
            return Err((field, "missing".into()));
        };
        check_value(item, *kind, &field)?;
    }
    Ok(())
}

fn check_value(value: &Value, kind: Shape, field: &str) -> Result<(), (String, String)> {
    let expected = match kind {
        Shape::U8 if value.as_u64().is_some_and(|n| n <= u64::from(u8::MAX)) => return Ok(()),
        Shape::U8 => "an integer from 0 to 255",
        Shape::U64 if value.is_u64() => return Ok(()),
        Shape::U64 => "a non-negative integer below 2^64",
        Shape::Str if value.is_string() => return Ok(()),
        Shape::Str => "a string",
        Shape::StrList | Shape::ObjectList(_) => {
            let Some(items) = value.as_array() else {
                return Err((
                    field.to_owned(),
                    format!("expected an array, found {}", json_type(value)),
                ));
            };
            for (i, item) in items.iter().enumerate() {
                let item_field = format!("{field}[{i}]");
                match kind {
                    Shape::ObjectList(fields) => check_object(item, fields, &item_field)?,
                    _ => check_value(item, Shape::Str, &item_field)?,
                }
            }
            return Ok(());
        }
    };
    Err((
        field.to_owned(),
        format!("expected {expected}, found {}", json_type(value)),
    ))
}

fn json_type(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn base_url_gets_trailing_slash() {
        let url = parse_base_url("http://127.0.0.1:6962/logs/test").ok();
        assert_eq!(
            url.map(|u| u.to_string()),
            Some("http://127.0.0.1:6962/logs/test/".to_owned())
        );
    }

    #[test]
    fn base_url_rejects_other_schemes_and_queries() {
        for bad in [
            "ftp://127.0.0.1/",
            "127.0.0.1:6962",
            "http://127.0.0.1/?a=1",
            "http://127.0.0.1/#top",
            "",
        ] {
            assert!(
                matches!(parse_base_url(bad), Err(ClientError::InvalidUrl { .. })),
                "{bad:?} was accepted"
            );
        }
    }

    #[test]
    fn shape_check_names_nested_field() {
        let body =
            json!({"entries": [{"leaf_input": "AA==", "extra_data": "AA=="}, {"leaf_input": 7}]});
        assert_eq!(
            check_object(&body, ENTRIES_SHAPE, ""),
            Err((
                "entries[1].leaf_input".to_owned(),
                "expected a string, found the number 7".to_owned()
            ))
        );
    }

    #[test]
    fn shape_check_rejects_negative_size() {
        let body = json!({"tree_size": -1, "timestamp": 1, "sha256_root_hash": "", "tree_head_signature": ""});
        let err = check_object(&body, STH_SHAPE, "").err();
        assert_eq!(err.map(|e| e.0), Some("tree_size".to_owned()));
    }

    #[test]
    fn shape_check_bounds_sct_version() {
        let body = json!({"sct_version": 256, "id": "", "timestamp": 0, "extensions": "", "signature": ""});
        assert_eq!(
            check_object(&body, SCT_SHAPE, ""),
            Err((
                "sct_version".to_owned(),
                "expected an integer from 0 to 255, found the number 256".to_owned()
            ))
        );
    }

    #[test]
    fn error_message_prefers_json_field() {
        assert_eq!(
            error_message(br#"{"error": "no such leaf"}"#),
            "no such leaf"
        );
        assert_eq!(error_message(b"  plain\ntext \x1b[31m"), "plain text  [31m");
        assert_eq!(error_message(b""), "");
    }
}
