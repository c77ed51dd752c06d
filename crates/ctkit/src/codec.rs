//! A cursor and a builder for the TLS presentation language (RFC 5246 4).
//!
//! Integers are big-endian. A variable-length vector `<floor..ceiling>` is
//! prefixed by its length in as many bytes as the ceiling needs (RFC 5246
//! 4.3). Every read is bounds-checked and every error carries the absolute
//! offset of the field that failed.

use crate::error::{DecodeError, ErrorKind, Layer};

/// A bounds-checked reader over a byte slice that tracks its absolute offset.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
    layer: Layer,
}

impl<'a> Reader<'a> {
    /// Creates a reader over `data`, whose first byte is at absolute offset `base`.
    pub fn new(data: &'a [u8], base: usize, layer: Layer) -> Self {
        Self {
            data,
            pos: 0,
            base,
            layer,
        }
    }

    /// Returns the absolute offset of the next unread byte.
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    pub fn layer(&self) -> Layer {
        self.layer
    }

    /// Switches the layer named in errors, for nested structures read from
    /// the same bytes.
    pub fn set_layer(&mut self, layer: Layer) {
        self.layer = layer;
    }

    pub fn error(&self, field: &'static str, kind: ErrorKind) -> DecodeError {
        DecodeError::new(self.layer, field, self.offset(), kind)
    }

    /// Reads `n` bytes.
    pub fn bytes(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], DecodeError> {
        let remaining = self.remaining();
        let out = self
            .data
            .get(self.pos..self.pos.saturating_add(n))
            .filter(|_| n <= remaining)
            .ok_or_else(|| {
                self.error(
                    field,
                    ErrorKind::Truncated {
                        needed: n,
                        remaining,
                    },
                )
            })?;
        self.pos += n;
        Ok(out)
    }

    pub fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], DecodeError> {
        let bytes = self.bytes(N, field)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    pub fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        Ok(u8::from_be_bytes(self.array::<1>(field)?))
    }

    pub fn u16(&mut self, field: &'static str) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.array::<2>(field)?))
    }

    pub fn u24(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        let [a, b, c] = self.array::<3>(field)?;
        Ok(u32::from_be_bytes([0, a, b, c]))
    }

    pub fn u64(&mut self, field: &'static str) -> Result<u64, DecodeError> {
        Ok(u64::from_be_bytes(self.array::<8>(field)?))
    }

    /// Reads a vector with a 2-byte length prefix, `opaque x<0..2^16-1>`, and
    /// returns a reader over its body.
    ///
    /// The error for a body that runs past the container is reported at the
    /// length prefix, since that is the byte that is wrong.
    pub fn vec16(&mut self, field: &'static str) -> Result<Reader<'a>, DecodeError> {
        match self.vec16_partial(field)? {
            (body, None) => Ok(body),
            (_, Some(truncation)) => Err(truncation),
        }
    }

    /// Reads a `<0..2^16-1>` vector like [`Reader::vec16`], but when its
    /// body runs past the container, returns a reader over the bytes that
    /// are there with the truncation error, reported at the length prefix.
    pub fn vec16_partial(
        &mut self,
        field: &'static str,
    ) -> Result<(Reader<'a>, Option<DecodeError>), DecodeError> {
        let prefix_offset = self.offset();
        let len = usize::from(self.u16(field)?);
        let remaining = self.remaining();
        let base = self.offset();
        if len <= remaining {
            let body = self.bytes(len, field)?;
            return Ok((Reader::new(body, base, self.layer), None));
        }
        let error = DecodeError::new(
            self.layer,
            field,
            prefix_offset,
            ErrorKind::Truncated {
                needed: len,
                remaining,
            },
        );
        let body = self.bytes(remaining, field)?;
        Ok((Reader::new(body, base, self.layer), Some(error)))
    }

    /// Reads a vector with a 3-byte length prefix, `opaque x<0..2^24-1>`,
    /// and returns a reader over its body. A body that runs past the
    /// container is reported at the length prefix.
    pub fn vec24(&mut self, field: &'static str) -> Result<Reader<'a>, DecodeError> {
        let prefix_offset = self.offset();
        let len = usize::try_from(self.u24(field)?).unwrap_or(usize::MAX);
        let remaining = self.remaining();
        if len > remaining {
            return Err(DecodeError::new(
                self.layer,
                field,
                prefix_offset,
                ErrorKind::Truncated {
                    needed: len,
                    remaining,
                },
            ));
        }
        let base = self.offset();
        let body = self.bytes(len, field)?;
        Ok(Reader::new(body, base, self.layer))
    }

    /// Fails unless every byte was read.
    pub fn finish(&self, field: &'static str) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            count => Err(self.error(field, ErrorKind::TrailingBytes { count })),
        }
    }

    /// Returns the unread bytes without consuming them.
    pub fn rest(&self) -> &'a [u8] {
        self.data.get(self.pos..).unwrap_or_default()
    }
}

/// An encoding that does not fit its length prefix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} is {len} bytes, more than its {max}-byte maximum")]
pub struct EncodeError {
    pub field: &'static str,
    pub len: usize,
    pub max: usize,
}

/// Appends `body` to `out` behind a 2-byte length prefix, or fails when the
/// body is longer than 2^16-1 bytes rather than writing a truncated length.
pub fn put_vec16(out: &mut Vec<u8>, body: &[u8], field: &'static str) -> Result<(), EncodeError> {
    let len = u16::try_from(body.len()).map_err(|_| EncodeError {
        field,
        len: body.len(),
        max: usize::from(u16::MAX),
    })?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(body);
    Ok(())
}

/// Appends `body` to `out` behind a 3-byte length prefix, or fails when the
/// body is longer than 2^24-1 bytes.
pub fn put_vec24(out: &mut Vec<u8>, body: &[u8], field: &'static str) -> Result<(), EncodeError> {
    const MAX: usize = (1 << 24) - 1;
    if body.len() > MAX {
        return Err(EncodeError {
            field,
            len: body.len(),
            max: MAX,
        });
    }
    let len = u32::try_from(body.len())
        .map_err(|_| EncodeError {
            field,
            len: body.len(),
            max: MAX,
        })?
        .to_be_bytes();
    out.extend_from_slice(len.get(1..).unwrap_or_default());
    out.extend_from_slice(body);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_big_endian_integers() {
        let data = [1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0, 7];
        let mut r = Reader::new(&data, 100, Layer::SctList);
        assert_eq!(r.u8("a").ok(), Some(1));
        assert_eq!(r.u16("b").ok(), Some(0x0203));
        assert_eq!(r.u24("c").ok(), Some(0x040506));
        assert_eq!(r.u64("d").ok(), Some(7));
        assert!(r.is_empty());
    }

    #[test]
    fn rejects_vector_longer_than_container() {
        let data = [0x00, 0x05, 0xaa, 0xbb];
        let mut r = Reader::new(&data, 10, Layer::SctList);
        let err = r.vec16("list").err();
        assert_eq!(
            err,
            Some(DecodeError::new(
                Layer::SctList,
                "list",
                10,
                ErrorKind::Truncated {
                    needed: 5,
                    remaining: 2
                }
            ))
        );
    }

    #[test]
    fn vec24_rejects_oversized_body() {
        let body = vec![0u8; 1 << 24];
        let mut out = Vec::new();
        assert!(put_vec24(&mut out, &body, "tbs").is_err());
        assert!(out.is_empty());
    }
}
