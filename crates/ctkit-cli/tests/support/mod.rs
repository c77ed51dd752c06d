//! A test PKI made with rcgen, and a `ctkit log serve` process on
//! 127.0.0.1, shared by the log tests.

#![allow(dead_code, reason = "each test file uses part of the support module")]

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, CustomExtension, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
};

pub fn ctkit() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ctkit"))
}

/// A root, an intermediate under it, and a Precertificate Signing
/// Certificate under the intermediate.
pub struct Pki {
    pub root: CertifiedIssuer<'static, KeyPair>,
    pub intermediate: CertifiedIssuer<'static, KeyPair>,
    pub precert_signer: CertifiedIssuer<'static, KeyPair>,
}

/// 1.3.6.1.4.1.11129.2.4.3, the precertificate poison.
const POISON: &[u64] = &[1, 3, 6, 1, 4, 1, 11129, 2, 4, 3];
/// 1.3.6.1.4.1.11129.2.4.4, the Precertificate Signing purpose.
const PRECERT_SIGNING: &[u64] = &[1, 3, 6, 1, 4, 1, 11129, 2, 4, 4];

fn ca_params(name: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
}

impl Pki {
    pub fn new() -> Pki {
        let root = CertifiedIssuer::self_signed(
            ca_params("ctkit test root"),
            KeyPair::generate().unwrap(),
        )
        .unwrap();
        let intermediate = CertifiedIssuer::signed_by(
            ca_params("ctkit test intermediate"),
            KeyPair::generate().unwrap(),
            &root,
        )
        .unwrap();
        let mut signer_params = ca_params("ctkit test precertificate signer");
        signer_params.is_ca = IsCa::NoCa;
        signer_params.extended_key_usages =
            vec![ExtendedKeyUsagePurpose::Other(PRECERT_SIGNING.to_vec())];
        let precert_signer =
            CertifiedIssuer::signed_by(signer_params, KeyPair::generate().unwrap(), &intermediate)
                .unwrap();
        Pki {
            root,
            intermediate,
            precert_signer,
        }
    }

    pub fn root_pem(&self) -> String {
        self.root.pem()
    }

    fn leaf_params(name: &str, serial: u64) -> CertificateParams {
        let mut params = CertificateParams::new(vec![name.to_owned()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.serial_number = Some(serial.to_be_bytes().to_vec().into());
        params
    }

    /// Issues a final certificate under the intermediate, with its chain.
    pub fn chain(&self, n: u64) -> Vec<Vec<u8>> {
        let key = KeyPair::generate().unwrap();
        let cert = Self::leaf_params(&format!("leaf{n}.ctkit.test"), n + 1)
            .signed_by(&key, &self.intermediate)
            .unwrap();
        vec![cert.der().to_vec(), self.intermediate.der().to_vec()]
    }

    /// Issues a precertificate with its chain, signed by the intermediate or
    /// by the Precertificate Signing Certificate.
    pub fn pre_chain(&self, n: u64, via_signer: bool) -> Vec<Vec<u8>> {
        let key = KeyPair::generate().unwrap();
        let mut params = Self::leaf_params(&format!("pre{n}.ctkit.test"), n + 1);
        let mut poison = CustomExtension::from_oid_content(POISON, vec![0x05, 0x00]);
        poison.set_criticality(true);
        params.custom_extensions.push(poison);
        if via_signer {
            let cert = params.signed_by(&key, &self.precert_signer).unwrap();
            vec![
                cert.der().to_vec(),
                self.precert_signer.der().to_vec(),
                self.intermediate.der().to_vec(),
            ]
        } else {
            let cert = params.signed_by(&key, &self.intermediate).unwrap();
            vec![cert.der().to_vec(), self.intermediate.der().to_vec()]
        }
    }
}

/// Runs `ctkit log init DIR` with these roots and extra arguments.
pub fn init_log(dir: &Path, roots_pem: &str, extra: &[&str]) {
    let roots = dir.with_extension("roots.pem");
    std::fs::write(&roots, roots_pem).unwrap();
    let output = ctkit()
        .args(["log", "init"])
        .arg(dir)
        .arg("--roots")
        .arg(&roots)
        .args(["--listen", "127.0.0.1:0"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "init failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A `ctkit log serve` process, killed when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
    pub stderr: PathBuf,
}

impl Server {
    /// Starts the server on a free port of 127.0.0.1 and waits until it
    /// listens.
    pub fn start(dir: &Path) -> Server {
        let stderr = dir.with_extension(format!("{}.stderr", std::process::id()));
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&stderr)
            .unwrap();
        let mut child = ctkit()
            .args(["log", "serve"])
            .arg(dir)
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| {
                panic!(
                    "no address from the server: {line:?}; stderr: {}",
                    std::fs::read_to_string(&stderr).unwrap_or_default()
                )
            })
            .to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        Server { child, url, stderr }
    }

    /// Sends SIGTERM and waits for the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        self.child.wait().unwrap()
    }

    /// SIGKILL: no chance to clean up.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    pub fn stderr_text(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A CA certificate and key as PEM files, and a CSR for `name`.
pub struct Ca {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub csr: PathBuf,
    /// The CSR's private key, PKCS#8 PEM.
    pub leaf_key: PathBuf,
    pub root_pem: String,
}

pub fn make_ca(dir: &Path, name: &str) -> Ca {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "ctkit issuing CA");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let key = KeyPair::generate().unwrap();
    let key_pem = key.serialize_pem();
    let ca = CertifiedIssuer::self_signed(params, key).unwrap();
    let cert = dir.join("ca.pem");
    std::fs::write(&cert, ca.pem()).unwrap();
    let key_path = dir.join("ca.key");
    std::fs::write(&key_path, key_pem).unwrap();

    let leaf_key = KeyPair::generate().unwrap();
    let mut request = CertificateParams::new(vec![name.to_owned()]).unwrap();
    request.distinguished_name.push(DnType::CommonName, name);
    let csr = dir.join("leaf.csr");
    std::fs::write(
        &csr,
        request.serialize_request(&leaf_key).unwrap().pem().unwrap(),
    )
    .unwrap();
    let leaf_key_path = dir.join("leaf.key");
    std::fs::write(&leaf_key_path, leaf_key.serialize_pem()).unwrap();
    Ca {
        cert,
        key: key_path,
        csr,
        leaf_key: leaf_key_path,
        root_pem: ca.pem(),
    }
}

/// Writes one log list naming every log at its URL, each with its own
/// operator. A log given as `(dir, url, key_override)` may carry another
/// key in the list.
pub fn write_log_list(path: &Path, logs: &[(PathBuf, String, Option<String>)]) {
    let mut operators = Vec::new();
    for (i, (dir, url, key)) in logs.iter().enumerate() {
        let written: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("log-list.json")).unwrap()).unwrap();
        let mut log = written["operators"][0]["logs"][0].clone();
        log["url"] = serde_json::Value::String(url.clone());
        log["description"] = serde_json::Value::String(format!("test log {i}"));
        if let Some(key) = key {
            log["key"] = serde_json::Value::String(key.clone());
            let der = ctkit::api::decode_b64("key", key).unwrap();
            log["log_id"] =
                serde_json::Value::String(ctkit::api::encode_b64(&ctkit::x509::sha256(&der)));
        }
        operators.push(serde_json::json!({
            "name": format!("operator {i}"),
            "email": [],
            "logs": [log],
        }));
    }
    let list = serde_json::json!({ "version": "1.0", "operators": operators });
    std::fs::write(path, serde_json::to_vec_pretty(&list).unwrap()).unwrap();
}

pub fn start_logs(tmp: &Path, ca: &Ca, count: usize) -> Vec<(PathBuf, Server)> {
    (0..count)
        .map(|i| {
            let dir = tmp.join(format!("log{i}"));
            init_log(&dir, &ca.root_pem, &["--sequence-interval", "100"]);
            let server = Server::start(&dir);
            (dir, server)
        })
        .collect()
}

/// Returns a `ctkit issue` command for this CA's CSR, the logs of `list`,
/// and the output directory `out`; callers add options and run it.
pub fn issue_command(ca: &Ca, list: &Path, out: &Path) -> Command {
    let mut command = ctkit();
    command
        .arg("issue")
        .arg("--ca")
        .arg(&ca.cert)
        .arg("--ca-key")
        .arg(&ca.key)
        .arg("--csr")
        .arg(&ca.csr)
        .arg("--log-list")
        .arg(list)
        .arg("--out")
        .arg(out);
    command
}
