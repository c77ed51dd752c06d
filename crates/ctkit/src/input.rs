//! Reading certificates from DER or PEM bytes, detected from the content.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

/// One DER object taken from an input, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The PEM label, or `None` for raw DER input.
    pub label: Option<String>,
    pub der: Vec<u8>,
}

/// An input that could not be split into DER objects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    #[error("input is empty")]
    Empty,
    #[error("invalid PEM: {0}")]
    Pem(String),
    #[error(
        "input is neither DER, which starts with 0x30 (SEQUENCE), nor PEM, which has a \"-----BEGIN\" line; its first byte is 0x{first:02x}"
    )]
    Unrecognized { first: u8 },
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
        let first = data.first().copied().unwrap_or_default();
        return Err(InputError::Unrecognized { first });
    }
    let blocks = parse_pem(data)?;
    if blocks.is_empty() {
        return Err(InputError::Pem("no complete PEM block".into()));
    }
    Ok(blocks)
}

/// Splits PEM text into its blocks (RFC 7468): the label from the BEGIN
/// line, and the base64 body decoded with white space ignored. Text before,
/// between and after blocks is skipped, as OpenSSL does.
///
/// Written here because the `pem` crate collects each body into a `String`
/// character by character, which cost about 7% of a whole `verify` run.
fn parse_pem(data: &[u8]) -> Result<Vec<Block>, InputError> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    const END: &[u8] = b"-----END ";
    const DASHES: &[u8] = b"-----";

    let mut blocks = Vec::new();
    let mut rest = data;
    while let Some(start) = find(rest, BEGIN) {
        let after_begin = rest.get(start + BEGIN.len()..).unwrap_or_default();
        let label_end = find(after_begin, DASHES)
            .ok_or_else(|| InputError::Pem("BEGIN line without closing dashes".into()))?;
        let label = after_begin.get(..label_end).unwrap_or_default();
        if label.contains(&b'\n') {
            return Err(InputError::Pem("BEGIN line without closing dashes".into()));
        }
        let label = String::from_utf8_lossy(label).into_owned();
        let body_and_rest = after_begin
            .get(label_end + DASHES.len()..)
            .unwrap_or_default();
        let end = find(body_and_rest, END)
            .ok_or_else(|| InputError::Pem(format!("no END line for {label:?}")))?;
        let body = body_and_rest.get(..end).unwrap_or_default();
        let after_end = body_and_rest.get(end + END.len()..).unwrap_or_default();
        let end_label_len = find(after_end, DASHES).ok_or_else(|| {
            InputError::Pem(format!("END line for {label:?} without closing dashes"))
        })?;
        if after_end.get(..end_label_len) != Some(label.as_bytes()) {
            return Err(InputError::Pem(format!(
                "BEGIN {label:?} closed by a different END label"
            )));
        }

        let der = decode_base64_body(body).map_err(|e| {
            let body_start = data.len() - body_and_rest.len();
            InputError::Pem(format!(
                "invalid base64 in the {label:?} block: {}",
                describe_base64_error(data, body_start, body, &e)
            ))
        })?;
        blocks.push(Block {
            label: Some(label),
            der,
        });
        rest = after_end
            .get(end_label_len + DASHES.len()..)
            .unwrap_or_default();
    }
    Ok(blocks)
}

/// Decodes a PEM body: the lines joined without their line breaks and
/// surrounding white space, or, when that fails, with every white space
/// byte removed, which also accepts spaces inside a line.
fn decode_base64_body(body: &[u8]) -> Result<Vec<u8>, base64::DecodeError> {
    let mut text = Vec::with_capacity(body.len());
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', body).chain(std::iter::once(body.len())) {
        text.extend_from_slice(body.get(start..end).unwrap_or_default().trim_ascii());
        start = end + 1;
    }
    match BASE64.decode(&text) {
        Ok(der) => Ok(der),
        Err(_) => {
            text.retain(|b| !b.is_ascii_whitespace());
            BASE64.decode(&text)
        }
    }
}

/// Describes a base64 error with the line and column of the input where it
/// occurred, for errors that have a position.
fn describe_base64_error(
    data: &[u8],
    body_start: usize,
    body: &[u8],
    error: &base64::DecodeError,
) -> String {
    // The decoder saw the body without white space: map its offset back.
    let position = |offset: usize| {
        body.iter()
            .enumerate()
            .filter(|(_, b)| !b.is_ascii_whitespace())
            .nth(offset)
            .map(|(i, _)| body_start + i)
    };
    let locate = |at: usize| {
        let before = data.get(..at).unwrap_or_default();
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let column = at
            - before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1)
            + 1;
        format!("line {line}, column {column}")
    };
    match error {
        base64::DecodeError::InvalidByte(offset, byte)
        | base64::DecodeError::InvalidLastSymbol(offset, byte) => {
            let shown = if byte.is_ascii_graphic() {
                format!("'{}' (0x{byte:02x})", char::from(*byte))
            } else {
                format!("0x{byte:02x}")
            };
            match position(*offset) {
                Some(at) => format!("character {shown} at {}", locate(at)),
                None => format!("character {shown}"),
            }
        }
        base64::DecodeError::InvalidLength(len) => {
            format!("{len} base64 characters, which is not a valid length; is a line missing?")
        }
        base64::DecodeError::InvalidPadding => "invalid '=' padding at the end of the block".into(),
    }
}

/// Finds `needle` in `haystack`. The needles here are short and start with
/// a byte that is rare in PEM text, which a `memmem::Finder` built per call
/// does not pay off for.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    memchr::memchr_iter(first, haystack).find(|&i| {
        haystack
            .get(i..)
            .is_some_and(|rest| rest.starts_with(needle))
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_blocks_and_text_between() {
        let text = b"junk\n-----BEGIN A-----\nAAEC\nAw==\n-----END A-----\nmore\n-----BEGIN B-----\nBA==\n-----END B-----\n";
        let blocks = read_blocks(text).expect("parses");
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].label.as_deref(), Some("A"));
        assert_eq!(blocks[0].der, [0, 1, 2, 3]);
        assert_eq!(blocks[1].der, [4]);
    }

    #[test]
    fn pem_body_with_odd_line_breaks() {
        // 3 and 5 characters per line: not the usual layout, still valid.
        let text = b"-----BEGIN A-----\nAAE\nCAw==\n-----END A-----\n";
        assert_eq!(read_blocks(text).expect("parses")[0].der, [0, 1, 2, 3]);
        // CRLF line ends and a space inside a line.
        let text = b"-----BEGIN A-----\r\nAA EC\r\nAw==\r\n-----END A-----\r\n";
        assert_eq!(read_blocks(text).expect("parses")[0].der, [0, 1, 2, 3]);
    }

    #[test]
    fn pem_base64_error_names_line_and_column() {
        let text = b"-----BEGIN A-----\nAAEC\nA!==\n-----END A-----\n";
        let err = read_blocks(text).expect_err("invalid");
        assert_eq!(
            err.to_string(),
            "invalid PEM: invalid base64 in the \"A\" block: character '!' (0x21) at line 3, column 2"
        );
    }

    #[test]
    fn binary_input_names_first_byte() {
        let err = read_blocks(&[0x09, 0x00]).expect_err("not DER");
        assert!(err.to_string().ends_with("its first byte is 0x09"), "{err}");
    }

    #[test]
    fn pem_rejects_mismatched_end() {
        let text = b"-----BEGIN A-----\nAAEC\n-----END B-----\n";
        assert!(matches!(read_blocks(text), Err(InputError::Pem(_))));
    }

    #[test]
    fn pem_rejects_missing_end() {
        let text = b"-----BEGIN A-----\nAAEC\n";
        assert!(matches!(read_blocks(text), Err(InputError::Pem(_))));
    }
}
