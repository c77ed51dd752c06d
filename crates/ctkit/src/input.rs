//! Reading certificates from DER or PEM bytes, detected from the content.

/// One DER object taken from an input, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The PEM label, or `None` for raw DER input.
    pub label: Option<String>,
    pub der: Vec<u8>,
}

/// Why an input could not be split into DER objects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    #[error("input is empty")]
    Empty,
    #[error("invalid PEM: {0}")]
    Pem(String),
    #[error("input is neither DER (first byte 0x30) nor PEM (no \"-----BEGIN\" line)")]
    Unrecognized,
}

/// Splits `data` into DER objects: every PEM block when the input contains
/// a `-----BEGIN` line, or the whole input as DER when it starts with a
/// SEQUENCE tag.
pub fn read_blocks(data: &[u8]) -> Result<Vec<Block>, InputError> {
    if data.is_empty() {
        return Err(InputError::Empty);
    }
    if data.first() == Some(&0x30) {
        return Ok(vec![Block {
            label: None,
            der: data.to_vec(),
        }]);
    }
    if !contains(data, b"-----BEGIN") {
        return Err(InputError::Unrecognized);
    }
    let blocks = pem::parse_many(data).map_err(|e| InputError::Pem(e.to_string()))?;
    if blocks.is_empty() {
        return Err(InputError::Pem("no complete PEM block".into()));
    }
    Ok(blocks
        .into_iter()
        .map(|p| Block {
            label: Some(p.tag().to_owned()),
            der: p.into_contents(),
        })
        .collect())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
