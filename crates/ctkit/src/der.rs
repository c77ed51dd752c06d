//! A DER tag-length-value reader that keeps every byte position.
//!
//! The typed crates (`der`, `x509-parser`) hide where each header sits and
//! how its length was encoded. Inspecting an SCT list byte by byte and
//! splicing an extension out of a signed TBSCertificate both need exactly
//! that, so this reader returns spans and the raw header bytes.
//!
//! Only the low-tag-number form is accepted (X.690 8.1.2.2): every tag in
//! X.509 and in the structures decoded here fits in one byte.

use crate::error::{DecodeError, ErrorKind, Layer};

pub const TAG_BOOLEAN: u8 = 0x01;
pub const TAG_INTEGER: u8 = 0x02;
pub const TAG_BIT_STRING: u8 = 0x03;
pub const TAG_OCTET_STRING: u8 = 0x04;
pub const TAG_NULL: u8 = 0x05;
pub const TAG_OID: u8 = 0x06;
pub const TAG_SEQUENCE: u8 = 0x30;
/// `[3] EXPLICIT`, constructed, context-specific: the TBSCertificate extensions.
pub const TAG_EXTENSIONS: u8 = 0xa3;

/// One decoded element: where its header and content sit in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub tag: u8,
    /// Absolute offset of the tag byte.
    pub offset: usize,
    /// Tag and length bytes.
    pub header: &'a [u8],
    pub content: &'a [u8],
}

impl<'a> Tlv<'a> {
    pub fn header_len(&self) -> usize {
        self.header.len()
    }

    /// Absolute offset of the first content byte.
    pub fn content_offset(&self) -> usize {
        self.offset + self.header.len()
    }

    /// Header plus content.
    pub fn total_len(&self) -> usize {
        self.header.len() + self.content.len()
    }

    pub fn end(&self) -> usize {
        self.offset + self.total_len()
    }

    /// Creates a reader over the content, for constructed elements.
    pub fn reader(&self, layer: Layer) -> DerReader<'a> {
        DerReader::new(self.content, self.content_offset(), layer)
    }
}

/// Reads consecutive DER elements from a byte slice.
#[derive(Debug, Clone)]
pub struct DerReader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
    layer: Layer,
}

impl<'a> DerReader<'a> {
    pub fn new(data: &'a [u8], base: usize, layer: Layer) -> Self {
        Self {
            data,
            pos: 0,
            base,
            layer,
        }
    }

    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    pub fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    pub fn set_layer(&mut self, layer: Layer) {
        self.layer = layer;
    }

    pub fn error(&self, field: &'static str, kind: ErrorKind) -> DecodeError {
        DecodeError::new(self.layer, field, self.offset(), kind)
    }

    /// Returns the tag of the next element, if any.
    pub fn peek_tag(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// Reads the next element with `tag`. When its content runs past the
    /// input, returns the bytes that are there with the truncation error,
    /// so that a caller can decode what is available before reporting it.
    pub fn expect_partial(
        &mut self,
        tag: u8,
        field: &'static str,
    ) -> Result<(Tlv<'a>, Option<DecodeError>), DecodeError> {
        self.check_tag(tag, field)?;
        self.read_partial(field)
    }

    /// Reads the next element with any tag.
    pub fn any(&mut self, field: &'static str) -> Result<Tlv<'a>, DecodeError> {
        match self.read_partial(field)? {
            (tlv, None) => Ok(tlv),
            (_, Some(truncation)) => Err(truncation),
        }
    }

    /// Reads the next element and checks its tag.
    pub fn expect(&mut self, tag: u8, field: &'static str) -> Result<Tlv<'a>, DecodeError> {
        self.check_tag(tag, field)?;
        self.any(field)
    }

    fn check_tag(&self, tag: u8, field: &'static str) -> Result<(), DecodeError> {
        match self.peek_tag() {
            None => Err(self.error(field, ErrorKind::Missing)),
            Some(found) if found != tag => Err(self.error(
                field,
                ErrorKind::UnexpectedTag {
                    expected: tag,
                    found,
                },
            )),
            Some(_) => Ok(()),
        }
    }

    /// Reads the next element. A content that runs past the input is
    /// returned as far as it goes, with the truncation error beside it,
    /// and the reader moves to the end.
    fn read_partial(
        &mut self,
        field: &'static str,
    ) -> Result<(Tlv<'a>, Option<DecodeError>), DecodeError> {
        let start = self.pos;
        let rest = self.data.get(start..).unwrap_or_default();
        let (header_len, content_len) = parse_header(rest)
            .map_err(|(at, kind)| DecodeError::new(self.layer, field, self.offset() + at, kind))?;
        let remaining = rest.len() - header_len;
        let truncation = (content_len > remaining).then(|| {
            self.error(
                field,
                ErrorKind::Truncated {
                    needed: content_len,
                    remaining,
                },
            )
        });
        let content_len = content_len.min(remaining);
        let header = rest.get(..header_len).unwrap_or_default();
        let tlv = Tlv {
            tag: header.first().copied().unwrap_or_default(),
            offset: self.base + start,
            header,
            content: rest
                .get(header_len..header_len + content_len)
                .unwrap_or_default(),
        };
        self.pos = start + header_len + content_len;
        Ok((tlv, truncation))
    }

    /// Reads the next element only when it has `tag`, for OPTIONAL and
    /// DEFAULT fields.
    pub fn optional(
        &mut self,
        tag: u8,
        field: &'static str,
    ) -> Result<Option<Tlv<'a>>, DecodeError> {
        if self.peek_tag() == Some(tag) {
            self.any(field).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Fails unless every byte was read.
    pub fn finish(&self, field: &'static str) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            count => Err(self.error(field, ErrorKind::TrailingBytes { count })),
        }
    }
}

/// Parses a tag and a definite, minimally encoded length.
///
/// Returns the header length and the content length, or the offset within
/// `data` of the offending byte with the reason. BER forms that DER forbids
/// (indefinite length, X.690 8.1.3.6; non-minimal length, X.690 10.1) are
/// errors here.
pub fn parse_header(data: &[u8]) -> Result<(usize, usize), (usize, ErrorKind)> {
    match parse_header_lenient(data)? {
        (header_len, content_len, true) => Ok((header_len, content_len)),
        (_, _, false) => Err((1, ErrorKind::NonMinimalLength)),
    }
}

/// Parses a tag and a definite length like [`parse_header`], but accepts a
/// length in more bytes than needed and reports it in the third value
/// (`true` when minimal), for a linter that reports it and reads on.
pub fn parse_header_lenient(data: &[u8]) -> Result<(usize, usize, bool), (usize, ErrorKind)> {
    let truncated = |needed: usize| {
        (
            0,
            ErrorKind::Truncated {
                needed,
                remaining: data.len(),
            },
        )
    };
    let tag = *data.first().ok_or_else(|| truncated(2))?;
    if tag & 0x1f == 0x1f {
        return Err((0, ErrorKind::HighTagNumber));
    }
    let first = *data.get(1).ok_or_else(|| truncated(2))?;
    if first < 0x80 {
        return Ok((2, usize::from(first), true));
    }
    if first == 0x80 {
        return Err((1, ErrorKind::IndefiniteLength));
    }
    let count = usize::from(first & 0x7f);
    if count > 4 {
        return Err((1, ErrorKind::LengthTooLarge));
    }
    let bytes = data.get(2..2 + count).ok_or_else(|| truncated(2 + count))?;
    let mut len = 0usize;
    for b in bytes {
        len = (len << 8) | usize::from(*b);
    }
    // X.690 10.1: the definite form uses the fewest octets, so the short form
    // for lengths under 128 and no leading zero octet in the long form.
    let minimal = len >= 0x80 && bytes.first() != Some(&0);
    Ok((2 + count, len, minimal))
}

/// Encodes a DER length in its minimal form (X.690 10.1).
pub fn encode_length(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap_or_default());
        return;
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let significant = bytes.get(skip..).unwrap_or_default();
    out.push(0x80 | u8::try_from(significant.len()).unwrap_or_default());
    out.extend_from_slice(significant);
}

/// Appends a complete DER element.
pub fn write_tlv(tag: u8, content: &[u8], out: &mut Vec<u8>) {
    out.push(tag);
    encode_length(content.len(), out);
    out.extend_from_slice(content);
}

/// Checks an INTEGER's content octets for DER minimality (X.690 8.3.2): the
/// first nine bits must not be all zeros or all ones.
pub fn check_integer(content: &[u8]) -> Result<(), ErrorKind> {
    match content {
        [] => Err(ErrorKind::EmptyInteger),
        [0x00, next, ..] if next & 0x80 == 0 => Err(ErrorKind::NonMinimalInteger),
        [0xff, next, ..] if next & 0x80 != 0 => Err(ErrorKind::NonMinimalInteger),
        _ => Ok(()),
    }
}

/// Formats an OBJECT IDENTIFIER's content octets in dotted form, or `None`
/// when they are not a valid encoding.
pub fn oid_to_string(content: &[u8]) -> Option<String> {
    let mut arcs: Vec<u128> = Vec::new();
    let mut value: u128 = 0;
    let mut in_arc = false;
    for b in content {
        if !in_arc && *b == 0x80 {
            return None; // X.690 8.19.2: no leading 0x80 in a subidentifier
        }
        value = value.checked_mul(128)? | u128::from(b & 0x7f);
        in_arc = b & 0x80 != 0;
        if !in_arc {
            if arcs.is_empty() {
                // The first subidentifier packs the first two arcs (X.690 8.19.4).
                let first = (value / 40).min(2);
                arcs.push(first);
                arcs.push(value - first * 40);
            } else {
                arcs.push(value);
            }
            value = 0;
        }
    }
    if in_arc || arcs.is_empty() {
        return None;
    }
    let parts: Vec<String> = arcs.iter().map(u128::to_string).collect();
    Some(parts.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_form_length_is_decoded() {
        assert_eq!(parse_header(&[0x04, 0x81, 0xf5]), Ok((3, 245)));
        assert_eq!(parse_header(&[0x30, 0x82, 0x01, 0x00]), Ok((4, 256)));
    }

    #[test]
    fn non_minimal_lengths_are_rejected() {
        assert_eq!(
            parse_header(&[0x04, 0x81, 0x05]),
            Err((1, ErrorKind::NonMinimalLength))
        );
        assert_eq!(
            parse_header(&[0x04, 0x82, 0x00, 0xf5]),
            Err((1, ErrorKind::NonMinimalLength))
        );
    }

    #[test]
    fn indefinite_length_is_rejected() {
        assert_eq!(
            parse_header(&[0x30, 0x80]),
            Err((1, ErrorKind::IndefiniteLength))
        );
    }

    #[test]
    fn encode_length_is_minimal() {
        for (len, want) in [
            (0usize, vec![0x00]),
            (127, vec![0x7f]),
            (128, vec![0x81, 0x80]),
            (245, vec![0x81, 0xf5]),
            (256, vec![0x82, 0x01, 0x00]),
            (70000, vec![0x83, 0x01, 0x11, 0x70]),
        ] {
            let mut out = Vec::new();
            encode_length(len, &mut out);
            assert_eq!(out, want, "length {len}");
        }
    }

    #[test]
    fn integer_minimality_follows_x690() {
        assert_eq!(check_integer(&[0x00, 0x80]), Ok(()));
        assert_eq!(
            check_integer(&[0x00, 0x7f]),
            Err(ErrorKind::NonMinimalInteger)
        );
        assert_eq!(
            check_integer(&[0xff, 0x80]),
            Err(ErrorKind::NonMinimalInteger)
        );
        assert_eq!(check_integer(&[]), Err(ErrorKind::EmptyInteger));
    }

    #[test]
    fn oid_formats_ct_oids() {
        // 1.3.6.1.4.1.11129.2.4.2, the SCT list extension (RFC 6962 3.3).
        let sct = [0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x02];
        assert_eq!(
            oid_to_string(&sct).as_deref(),
            Some("1.3.6.1.4.1.11129.2.4.2")
        );
        assert_eq!(oid_to_string(&[0x2b, 0x86]), None);
    }
}
