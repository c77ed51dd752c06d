//! The layer tree that `inspect` renders, built while the strict decoders run.
//!
//! Decoders take an [`Annotator`] and report each field as they read it. The
//! verifier passes [`Discard`], which compiles to nothing. `inspect` passes a
//! [`TreeBuilder`], so the tree shows exactly what the decoder read, up to
//! the byte where it stopped.

use serde::Serialize;

/// Receives the fields of a structure in the order they are decoded.
pub trait Annotator {
    /// Tests whether calls are recorded. Decoders skip building names and
    /// values when they are not.
    fn enabled(&self) -> bool {
        true
    }

    /// Starts a node that will have children; `header` is its tag and length
    /// bytes (DER) or its length prefix (TLS).
    fn open(
        &mut self,
        name: &str,
        offset: usize,
        header: &[u8],
        value: impl FnOnce() -> String,
        spec: &'static str,
    );

    /// Ends the innermost open node at absolute offset `end`.
    fn close(&mut self, end: usize);

    /// Adds a node without children; `bytes` are its content bytes.
    fn leaf(
        &mut self,
        name: &str,
        offset: usize,
        header: &[u8],
        bytes: &[u8],
        value: impl FnOnce() -> String,
        spec: &'static str,
    );
}

/// An annotator that records nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct Discard;

impl Annotator for Discard {
    #[inline(always)]
    fn enabled(&self) -> bool {
        false
    }

    #[inline(always)]
    fn open(&mut self, _: &str, _: usize, _: &[u8], _: impl FnOnce() -> String, _: &'static str) {}

    #[inline(always)]
    fn close(&mut self, _: usize) {}

    #[inline(always)]
    fn leaf(
        &mut self,
        _: &str,
        _: usize,
        _: &[u8],
        _: &[u8],
        _: impl FnOnce() -> String,
        _: &'static str,
    ) {
    }
}

/// One node of the layer tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    pub name: String,
    /// Absolute offset of the node's first byte.
    pub offset: usize,
    /// Header plus content, in bytes.
    pub length: usize,
    /// Tag and length bytes, or the TLS length prefix, in hex.
    pub header: String,
    /// Content bytes in hex, for nodes without children.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<String>,
    /// The meaning of the bytes.
    pub value: String,
    /// The clause that defines the structure.
    pub spec: &'static str,
    pub children: Vec<Node>,
}

/// Builds a tree of [`Node`]s from annotator calls.
#[derive(Debug, Default)]
pub struct TreeBuilder {
    stack: Vec<Node>,
    roots: Vec<Node>,
}

impl TreeBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(node),
            None => self.roots.push(node),
        }
    }

    /// Closes every open node at `end` and returns the roots; nodes left
    /// open by a decode error end where the error occurred.
    pub fn finish(mut self, end: usize) -> Vec<Node> {
        while !self.stack.is_empty() {
            self.close(end);
        }
        self.roots
    }
}

impl Annotator for TreeBuilder {
    fn open(
        &mut self,
        name: &str,
        offset: usize,
        header: &[u8],
        value: impl FnOnce() -> String,
        spec: &'static str,
    ) {
        self.stack.push(Node {
            name: name.to_owned(),
            offset,
            length: header.len(),
            header: hex::encode(header),
            bytes: None,
            value: value(),
            spec,
            children: Vec::new(),
        });
    }

    fn close(&mut self, end: usize) {
        if let Some(mut node) = self.stack.pop() {
            node.length = end.saturating_sub(node.offset).max(node.length);
            self.push(node);
        }
    }

    fn leaf(
        &mut self,
        name: &str,
        offset: usize,
        header: &[u8],
        bytes: &[u8],
        value: impl FnOnce() -> String,
        spec: &'static str,
    ) {
        self.push(Node {
            name: name.to_owned(),
            offset,
            length: header.len() + bytes.len(),
            header: hex::encode(header),
            bytes: Some(hex::encode(bytes)),
            value: value(),
            spec,
            children: Vec::new(),
        });
    }
}
