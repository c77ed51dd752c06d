//! Certificate Transparency: decode embedded SCT lists byte by byte, rebuild
//! the precertificate TBSCertificate, and verify SCTs against CT logs
//! (RFC 6962).
//!
//! The library never prints and never touches the network.

#![forbid(unsafe_code)]

pub mod annotate;
pub mod api;
pub mod build;
pub mod chain;
pub mod codec;
pub mod der;
pub mod entry;
pub mod error;
pub mod input;
pub mod inspect;
pub mod lint;
pub mod loglist;
pub mod merkle;
pub mod ocsp;
pub mod policy;
pub mod roots;
pub mod sct;
pub mod sth;
pub mod submission;
pub mod summary;
pub mod tls;
pub mod verify;
pub mod x509;

pub use error::{DecodeError, ErrorKind, Layer};
pub use loglist::{Log, LogList, LogListError};
pub use sct::{Sct, SctList, SerializedSct, SignedEntry};
pub use verify::{SctResult, SctStatus, Verifier};
pub use x509::CertificateLayout;
