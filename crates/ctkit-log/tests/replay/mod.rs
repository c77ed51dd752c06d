//! A minimal HTTP/1.1 server on 127.0.0.1 that replays RFC 6962 API
//! responses, and the fixtures under testdata/ that it replays. The
//! ctkit-log client tests include it with `mod replay;`, and the
//! `ctkit log` command tests in ctkit-cli with `#[path]`.

#![allow(dead_code, reason = "each test file uses part of the replay module")]

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

/// The Argon2025h2 entry for the *.google.com precertificate.
pub const GOOGLE_LEAF_INDEX: u64 = 912_557_348;
pub const GOOGLE_LEAF_HASH: &str = "zDC52Nq9h47HGKowLXp5zYOg/gofXGg9CxO6tj6yKtY=";
pub const ARGON2025H2_SIZE: u64 = 1_329_315_675;

/// The leaf hash of Argon2020 entry 10000.
pub const ARGON2020_LEAF_HASH: &str = "nCs3mfIydh9x4CKyQ+u2xtmpxmFggA5MLymHwNQSlLg=";

// ---------------------------------------------------------------------------
// The server: one request per connection, and for each request the reply
// that the handler returns. Every request is recorded.

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: HashMap<String, String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Clone)]
pub enum Reply {
    /// A status and a body with a correct Content-Length.
    Body(u16, Vec<u8>),
    /// Bytes written as they are, then the connection is closed.
    Raw(Vec<u8>),
    /// No response until the client gives up.
    Hang,
}

pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Reply {
    Reply::Body(status, body.into())
}

pub struct Server {
    /// The base URL, such as http://127.0.0.1:4321.
    pub base: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

pub fn serve<F>(handler: F) -> Server
where
    F: Fn(&Request) -> Reply + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let handler = Arc::new(handler);
    let log = Arc::clone(&requests);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let handler = Arc::clone(&handler);
            let log = Arc::clone(&log);
            std::thread::spawn(move || handle_connection(stream, handler.as_ref(), &log));
        }
    });
    Server { base, requests }
}

fn handle_connection(
    stream: TcpStream,
    handler: &dyn Fn(&Request) -> Reply,
    log: &Mutex<Vec<Request>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let mut length = 0;
    let mut content_type = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        let (name, value) = header.split_once(':').unwrap();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().unwrap(),
            "content-type" => content_type = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), parse_query(query)),
        None => (target.clone(), HashMap::new()),
    };
    let request = Request {
        method,
        path,
        query,
        content_type,
        body,
    };
    log.lock().unwrap().push(request.clone());

    let mut stream = stream;
    match handler(&request) {
        Reply::Body(status, body) => {
            let head = format!(
                "HTTP/1.1 {status} Test\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes);
        }
        Reply::Hang => std::thread::sleep(Duration::from_secs(5)),
    }
    let _ = stream.flush();
}

/// Decodes `application/x-www-form-urlencoded` pairs, as `url` encodes
/// them: `+` for a space and `%XX` for other reserved bytes.
fn parse_query(query: &str) -> HashMap<String, String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (decode_component(name), decode_component(value)))
        .collect()
}

fn decode_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

// ---------------------------------------------------------------------------
// Fixtures.

/// Returns the path of `rel` under the workspace's testdata/, which is two
/// levels above the manifest directory of either crate.
pub fn testdata(rel: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel);
    assert!(path.exists(), "missing fixture {}", path.display());
    path
}

pub fn api_file(name: &str) -> Vec<u8> {
    std::fs::read(testdata(&format!("rfc6962_api/{name}"))).unwrap()
}

pub fn api_json(name: &str) -> Value {
    serde_json::from_slice(&api_file(name)).unwrap()
}

/// Reads the DER of the first PEM block in the fixture `rel`.
pub fn pem_der(rel: &str) -> Vec<u8> {
    let data = std::fs::read(testdata(rel)).unwrap();
    ctkit::input::read_blocks(&data).unwrap().remove(0).der
}
