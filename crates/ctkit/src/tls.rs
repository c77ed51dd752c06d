//! The first flight of a TLS 1.2 server, read for its SCTs (RFC 6962
//! 3.3): the ServerHello's signed_certificate_timestamp extension, the
//! Certificate message and the CertificateStatus (a stapled OCSP
//! response, RFC 6066 8).
//!
//! In TLS 1.2 these messages come before any key exchange, in the clear,
//! so reading them takes no cryptography. [`client_hello`] offers TLS 1.2
//! only, with the status_request and signed_certificate_timestamp
//! extensions. The caller sends it, feeds the server's reply to
//! [`read_server_flight`] until it returns the flight, and closes the
//! connection. The handshake is not completed and the server is not
//! authenticated: the SCTs are checked against the logs, and the
//! certificate against its issuer, by the verifier.
//!
//! In TLS 1.3 the same data travels encrypted, so a server that only
//! speaks TLS 1.3 answers this ClientHello with an alert.

use crate::codec::{Reader, put_vec16};
use crate::error::{DecodeError, ErrorKind, Layer};

const RECORD_HANDSHAKE: u8 = 22;
const RECORD_ALERT: u8 = 21;
const SERVER_HELLO: u8 = 2;
const CERTIFICATE: u8 = 11;
const SERVER_HELLO_DONE: u8 = 14;
const CERTIFICATE_STATUS: u8 = 22;
const EXTENSION_SCT: u16 = 18;

/// The CT data of a server's first flight.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerFlight {
    /// The negotiated protocol version, 0x0303 for TLS 1.2.
    pub version: u16,
    pub cipher_suite: u16,
    /// The certificates of the Certificate message, leaf first.
    pub certificates: Vec<Vec<u8>>,
    /// The extension_data of the signed_certificate_timestamp extension:
    /// a TLS `SignedCertificateTimestampList`.
    pub sct_list: Option<Vec<u8>>,
    /// The DER OCSPResponse of the CertificateStatus message.
    pub ocsp_response: Option<Vec<u8>>,
}

/// Builds a TLS 1.2 ClientHello record that requests SCTs and a stapled
/// OCSP response. `server_name` goes into the SNI extension unless it is
/// an IP address; `random` is the client random.
pub fn client_hello(server_name: Option<&str>, random: [u8; 32]) -> Vec<u8> {
    // ECDHE with AES-GCM and ChaCha20, then plain RSA, for old servers.
    const SUITES: [u16; 10] = [
        0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0x009e, 0x009f, 0x009c, 0x002f,
    ];
    let mut extensions = Vec::new();
    let mut push = |kind: u16, data: &[u8]| {
        extensions.extend_from_slice(&kind.to_be_bytes());
        // Every extension here is a few bytes, far below 2^16.
        let _ = put_vec16(&mut extensions, data, "extension_data");
    };
    if let Some(name) = server_name.filter(|n| n.parse::<std::net::IpAddr>().is_err()) {
        let mut entry = vec![0u8];
        let _ = put_vec16(&mut entry, name.as_bytes(), "host_name");
        let mut list = Vec::new();
        let _ = put_vec16(&mut list, &entry, "server_name_list");
        push(0, &list);
    }
    // status_request: ocsp(1), no responder IDs, no request extensions.
    push(5, &[1, 0, 0, 0, 0]);
    // supported_groups: x25519, secp256r1, secp384r1.
    push(10, &[0, 6, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18]);
    // ec_point_formats: uncompressed.
    push(11, &[1, 0]);
    // signature_algorithms: ECDSA P-256/P-384, RSA-PSS, RSA PKCS#1.
    push(13, &[0, 12, 4, 3, 5, 3, 8, 4, 8, 5, 4, 1, 5, 1]);
    push(EXTENSION_SCT, &[]);
    // renegotiation_info, empty: some servers refuse a hello without it.
    push(0xff01, &[0]);

    let mut body = vec![0x03, 0x03];
    body.extend_from_slice(&random);
    body.push(0); // no session ID
    let suites: Vec<u8> = SUITES.iter().flat_map(|s| s.to_be_bytes()).collect();
    let _ = put_vec16(&mut body, &suites, "cipher_suites");
    body.extend_from_slice(&[1, 0]); // compression: null
    let _ = put_vec16(&mut body, &extensions, "extensions");

    let mut handshake = vec![1];
    let length = u32::try_from(body.len()).unwrap_or(0).to_be_bytes();
    handshake.extend_from_slice(length.get(1..).unwrap_or_default());
    handshake.extend_from_slice(&body);

    let mut record = vec![RECORD_HANDSHAKE, 0x03, 0x01];
    let _ = put_vec16(&mut record, &handshake, "fragment");
    record
}

fn error(offset: usize, field: &'static str, kind: ErrorKind) -> DecodeError {
    DecodeError::new(Layer::TlsHandshake, field, offset, kind)
}

/// Reads the server's records so far. Returns `Ok(None)` while the flight
/// is incomplete (more bytes are needed), and the flight once
/// ServerHelloDone has arrived. Offsets in errors count from the first
/// byte the server sent.
pub fn read_server_flight(data: &[u8]) -> Result<Option<ServerFlight>, DecodeError> {
    // Join the handshake records into one message stream, remembering
    // where each fragment came from for error offsets.
    let mut stream = Vec::new();
    let mut origins = Vec::new();
    // A record that ends the flight early: an alert, or a record type
    // that has no place in it. It is reported unless the flight is
    // complete before it.
    let mut stopper = None;
    let mut r = Reader::new(data, 0, Layer::TlsHandshake);
    while r.remaining() >= 5 {
        let at = r.offset();
        let kind = r.u8("record type")?;
        let version = r.u16("record version")?;
        let length = usize::from(r.u16("record length")?);
        // Content types 20 to 23 and major version 3 (RFC 5246 6.2.1):
        // anything else is not TLS at all, however long it claims to be.
        if !(20..=23).contains(&kind) || version >> 8 != 3 {
            stopper = Some(error(
                at,
                "record type",
                ErrorKind::InvalidValue("not a TLS record: the server does not speak TLS here"),
            ));
            break;
        }
        if r.remaining() < length {
            break;
        }
        let fragment = r.bytes(length, "fragment")?;
        match kind {
            RECORD_HANDSHAKE => {
                origins.push((stream.len(), at + 5));
                stream.extend_from_slice(fragment);
            }
            RECORD_ALERT => {
                let description = fragment.get(1).copied().unwrap_or_default();
                stopper = Some(error(
                    at,
                    "alert",
                    ErrorKind::InvalidValue(alert_name(description)),
                ));
                break;
            }
            _ => {
                stopper = Some(error(
                    at,
                    "record type",
                    ErrorKind::InvalidValue("not a handshake record before ServerHelloDone"),
                ));
                break;
            }
        }
    }
    let absolute = |position: usize| {
        origins
            .iter()
            .rev()
            .find(|(start, _)| *start <= position)
            .map_or(position, |(start, origin)| origin + (position - start))
    };

    let mut flight = ServerFlight::default();
    let mut seen_hello = false;
    let mut m = Reader::new(&stream, 0, Layer::TlsHandshake);
    while m.remaining() >= 4 {
        let at = m.offset();
        let kind = m.u8("handshake type")?;
        let length = usize::try_from(m.u24("handshake length")?).unwrap_or(usize::MAX);
        if m.remaining() < length {
            break;
        }
        let body = m.bytes(length, "handshake body")?;
        let base = absolute(at + 4);
        let located = |e: DecodeError| DecodeError {
            offset: absolute(e.offset),
            ..e
        };
        match kind {
            SERVER_HELLO => {
                read_server_hello(body, at + 4, &mut flight).map_err(located)?;
                seen_hello = true;
            }
            CERTIFICATE => {
                let mut c = Reader::new(body, at + 4, Layer::TlsHandshake);
                let mut list = c.vec24("certificate_list").map_err(located)?;
                while !list.is_empty() {
                    let cert = list.vec24("ASN.1Cert").map_err(located)?;
                    flight.certificates.push(cert.rest().to_vec());
                }
                c.finish("Certificate").map_err(located)?;
            }
            CERTIFICATE_STATUS => {
                let mut s = Reader::new(body, at + 4, Layer::TlsHandshake);
                if s.u8("status_type").map_err(located)? != 1 {
                    return Err(error(
                        base,
                        "status_type",
                        ErrorKind::InvalidValue("not ocsp(1)"),
                    ));
                }
                let response = s.vec24("OCSPResponse").map_err(located)?;
                flight.ocsp_response = Some(response.rest().to_vec());
                s.finish("CertificateStatus").map_err(located)?;
            }
            SERVER_HELLO_DONE => {
                if !seen_hello {
                    return Err(error(
                        base,
                        "ServerHelloDone",
                        ErrorKind::InvalidValue("before ServerHello"),
                    ));
                }
                return Ok(Some(flight));
            }
            // ServerKeyExchange, CertificateRequest: not needed.
            _ => {}
        }
    }
    match stopper {
        Some(e) => Err(e),
        None => Ok(None),
    }
}

fn read_server_hello(
    body: &[u8],
    base: usize,
    flight: &mut ServerFlight,
) -> Result<(), DecodeError> {
    let mut h = Reader::new(body, base, Layer::TlsHandshake);
    flight.version = h.u16("server_version")?;
    if flight.version != 0x0303 {
        return Err(error(
            base,
            "server_version",
            ErrorKind::InvalidValue("not TLS 1.2, which was the only version offered"),
        ));
    }
    h.bytes(32, "random")?;
    let session_length = usize::from(h.u8("session_id length")?);
    h.bytes(session_length, "session_id")?;
    flight.cipher_suite = h.u16("cipher_suite")?;
    h.u8("compression_method")?;
    if h.is_empty() {
        return Ok(());
    }
    let mut extensions = h.vec16("extensions")?;
    h.finish("ServerHello")?;
    while !extensions.is_empty() {
        let kind = extensions.u16("extension type")?;
        let data = extensions.vec16("extension_data")?;
        if kind == EXTENSION_SCT {
            flight.sct_list = Some(data.rest().to_vec());
        }
    }
    Ok(())
}

/// Names a TLS alert (RFC 5246 7.2).
fn alert_name(description: u8) -> &'static str {
    match description {
        0 => "the server closed the connection (close_notify alert)",
        10 => "the server sent an unexpected_message alert",
        40 => "the server sent a handshake_failure alert: no cipher suite or version in common",
        47 => "the server sent an illegal_parameter alert",
        50 => "the server sent a decode_error alert",
        70 => "the server sent a protocol_version alert: it does not speak TLS 1.2",
        80 => "the server sent an internal_error alert",
        112 => "the server sent an unrecognized_name alert: it does not serve that name",
        _ => "the server sent an alert",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a record holding `messages` as handshake messages.
    fn record(messages: &[(u8, Vec<u8>)]) -> Vec<u8> {
        let mut stream = Vec::new();
        for (kind, body) in messages {
            stream.push(*kind);
            stream.extend_from_slice(&u32::try_from(body.len()).unwrap_or(0).to_be_bytes()[1..]);
            stream.extend_from_slice(body);
        }
        let mut out = vec![RECORD_HANDSHAKE, 3, 3];
        let _ = put_vec16(&mut out, &stream, "fragment");
        out
    }

    fn server_hello(extensions: &[u8]) -> Vec<u8> {
        let mut body = vec![3, 3];
        body.extend_from_slice(&[7; 32]);
        body.push(0);
        body.extend_from_slice(&[0xc0, 0x2f, 0]);
        let _ = put_vec16(&mut body, extensions, "extensions");
        body
    }

    #[test]
    fn reads_sct_list_certificates_and_status() {
        let sct_ext = [0, 18, 0, 3, 0xaa, 0xbb, 0xcc];
        let certificate = vec![0, 0, 5, 0, 0, 2, 0x30, 0x00];
        let status = vec![1, 0, 0, 2, 0x30, 0x00];
        let data = record(&[
            (SERVER_HELLO, server_hello(&sct_ext)),
            (CERTIFICATE, certificate),
            (CERTIFICATE_STATUS, status),
            (SERVER_HELLO_DONE, Vec::new()),
        ]);
        let flight = read_server_flight(&data).ok().flatten();
        let flight = flight.unwrap_or_default();
        assert_eq!(flight.cipher_suite, 0xc02f);
        assert_eq!(flight.sct_list, Some(vec![0xaa, 0xbb, 0xcc]));
        assert_eq!(flight.certificates, vec![vec![0x30, 0x00]]);
        assert_eq!(flight.ocsp_response, Some(vec![0x30, 0x00]));
        // Every shorter prefix needs more bytes and is never an error.
        for cut in 0..data.len() {
            assert_eq!(read_server_flight(&data[..cut]), Ok(None), "cut {cut}");
        }
    }

    /// Found by fuzzing: bytes after a complete flight, such as the start
    /// of a record header, must not hide the flight.
    #[test]
    fn bytes_after_the_flight_do_not_matter() {
        let mut data = record(&[
            (SERVER_HELLO, server_hello(&[])),
            (SERVER_HELLO_DONE, Vec::new()),
        ]);
        data.extend_from_slice(&[22, 3, 3, 0x40]);
        let flight = read_server_flight(&data).ok().flatten();
        assert!(flight.is_some());
        data.extend_from_slice(&[0, 22, 3, 3, 0, 0]);
        assert_eq!(read_server_flight(&data).ok().flatten(), flight);
        // An alert after the flight is not an error either.
        data.extend_from_slice(&[RECORD_ALERT, 3, 3, 0, 2, 2, 40]);
        assert_eq!(read_server_flight(&data).ok().flatten(), flight);
    }

    /// Found by fuzzing too: stray bytes after the flight that do not form
    /// a TLS record header.
    #[test]
    fn stray_bytes_after_the_flight_do_not_matter() {
        let mut data = record(&[
            (SERVER_HELLO, server_hello(&[])),
            (SERVER_HELLO_DONE, Vec::new()),
        ]);
        data.extend_from_slice(&[0x41, 0x42]);
        let flight = read_server_flight(&data).ok().flatten();
        assert!(flight.is_some());
        data.extend_from_slice(&[22, 3, 3, 0, 0]);
        assert_eq!(read_server_flight(&data).ok().flatten(), flight);
    }

    #[test]
    fn non_tls_answers_are_named_at_once() {
        let err = read_server_flight(b"HELLO THIS IS NOT TLS").err();
        assert_eq!(err.map(|e| (e.field, e.offset)), Some(("record type", 0)));
        let err = read_server_flight(b"HTTP/1.1 400 Bad Request\r\n").err();
        assert!(err.is_some());
    }

    #[test]
    fn alerts_and_tls13_are_explained() {
        let alert = [RECORD_ALERT, 3, 3, 0, 2, 2, 70];
        let err = read_server_flight(&alert)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("does not speak TLS 1.2"), "{err}");
        let mut hello = server_hello(&[]);
        hello[1] = 4;
        let err = read_server_flight(&record(&[(SERVER_HELLO, hello)])).err();
        assert_eq!(
            err.map(|e| (e.field, e.offset)),
            Some(("server_version", 9))
        );
    }

    #[test]
    fn client_hello_offers_the_ct_extensions() {
        let hello = client_hello(Some("example.test"), [1; 32]);
        assert_eq!(hello.get(..3), Some(&[22u8, 3, 1][..]));
        let text = hex::encode(&hello);
        assert!(text.contains("00120000"), "signed_certificate_timestamp");
        assert!(text.contains("000500050100000000"), "status_request");
        assert!(text.contains("6578616d706c652e74657374"), "SNI");
        assert!(!hex::encode(client_hello(Some("127.0.0.1"), [1; 32])).contains("3132372e"));
    }
}
