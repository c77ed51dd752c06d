//! The certificates a log accepts as the end of a chain (RFC 6962 3.1).

use std::collections::HashSet;

use crate::chain::check_signed_by;
use crate::input::read_blocks;
use crate::x509::CertificateLayout;

/// The accepted roots, in the order of the roots file.
#[derive(Debug, Default)]
pub struct Roots {
    ders: Vec<Vec<u8>>,
    hashes: HashSet<[u8; 32]>,
}

impl Roots {
    /// Reads a PEM or DER file of certificates. Every block must be a
    /// certificate that parses, and there must be at least one.
    pub fn from_file_bytes(data: &[u8]) -> Result<Roots, String> {
        let blocks = read_blocks(data).map_err(|e| e.to_string())?;
        let mut roots = Roots::default();
        for (i, block) in blocks.into_iter().enumerate() {
            if let Some(label) = &block.label
                && label != "CERTIFICATE"
            {
                return Err(format!("block {} is a {label}, not a CERTIFICATE", i + 1));
            }
            CertificateLayout::parse_lenient(&block.der)
                .map_err(|e| format!("certificate {}: {e}", i + 1))?;
            if roots.hashes.insert(crate::x509::sha256(&block.der)) {
                roots.ders.push(block.der);
            }
        }
        if roots.ders.is_empty() {
            return Err("no certificates".into());
        }
        Ok(roots)
    }

    pub fn contains(&self, der: &[u8]) -> bool {
        self.hashes.contains(&crate::x509::sha256(der))
    }

    /// Finds an accepted root whose key verifies `cert`'s signature.
    pub fn find_issuer(&self, cert: &CertificateLayout<'_>) -> Option<&[u8]> {
        self.ders.iter().map(Vec::as_slice).find(|der| {
            CertificateLayout::parse_lenient(der)
                .is_ok_and(|root| check_signed_by(cert, &root).is_ok())
        })
    }

    pub fn ders(&self) -> &[Vec<u8>] {
        &self.ders
    }
}
