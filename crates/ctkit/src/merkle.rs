//! Merkle Tree Hashes, audit paths and consistency proofs (RFC 6962 2.1),
//! and their verification (RFC 9162 2.1.3.2 and 2.1.4.2).
//!
//! ```text
//! MTH({})       = SHA-256()
//! MTH({d(0)})   = SHA-256(0x00 || d(0))
//! MTH(D[n])     = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))
//!                 where k is the largest power of two smaller than n
//! ```
//!
//! Leaf indices are 0-based, as in the RFC 6962 API.

use aws_lc_rs::digest;

/// A SHA-256 tree hash.
pub type Hash = [u8; 32];

/// The reason a proof did not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    #[error("leaf index {index} is not below the tree size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("first tree size {first} is larger than the second, {second}")]
    SizesReversed { first: u64, second: u64 },
    #[error("a consistency proof from the empty tree proves nothing and is not accepted")]
    EmptyFirstTree,
    #[error("the proof has {0} hashes, which is the wrong number for these tree sizes")]
    WrongLength(usize),
    #[error("the proof does not lead to the expected root hash")]
    RootMismatch,
}

fn sha256(parts: &[&[u8]]) -> Hash {
    let mut context = digest::Context::new(&digest::SHA256);
    for part in parts {
        context.update(part);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(context.finish().as_ref());
    out
}

/// Hashes a leaf: SHA-256(0x00 || data).
pub fn leaf_hash(data: &[u8]) -> Hash {
    sha256(&[&[0x00], data])
}

/// Hashes an inner node: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    sha256(&[&[0x01], left, right])
}

/// Returns the root of the empty tree, the SHA-256 of no input.
pub fn empty_root() -> Hash {
    sha256(&[])
}

/// Returns the largest power of two smaller than `n`, for `n` > 1.
fn split(n: usize) -> usize {
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// Computes the Merkle Tree Hash of a list of leaf hashes.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => empty_root(),
        [leaf] => *leaf,
        _ => {
            let (left, right) = leaves.split_at(split(leaves.len()));
            node_hash(&root(left), &root(right))
        }
    }
}

/// Builds the audit path PATH(m, D[n]) for leaf `index`, or `None` when
/// the index is not below the number of leaves.
pub fn inclusion_proof(leaves: &[Hash], index: usize) -> Option<Vec<Hash>> {
    if index >= leaves.len() {
        return None;
    }
    let mut proof = Vec::new();
    path(index, leaves, &mut proof);
    Some(proof)
}

fn path(m: usize, leaves: &[Hash], proof: &mut Vec<Hash>) {
    if leaves.len() <= 1 {
        return;
    }
    let k = split(leaves.len());
    let (left, right) = leaves.split_at(k);
    if m < k {
        path(m, left, proof);
        proof.push(root(right));
    } else {
        path(m - k, right, proof);
        proof.push(root(left));
    }
}

/// Builds the consistency proof PROOF(m, D[n]) from the tree of the first
/// `first` leaves to the tree of all `leaves`, or `None` unless
/// 0 < `first` <= the number of leaves.
pub fn consistency_proof(leaves: &[Hash], first: usize) -> Option<Vec<Hash>> {
    if first == 0 || first > leaves.len() {
        return None;
    }
    let mut proof = Vec::new();
    subproof(first, leaves, true, &mut proof);
    Some(proof)
}

fn subproof(m: usize, leaves: &[Hash], whole: bool, proof: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !whole {
            proof.push(root(leaves));
        }
        return;
    }
    let k = split(n);
    let (left, right) = leaves.split_at(k);
    if m <= k {
        subproof(m, left, whole, proof);
        proof.push(root(right));
    } else {
        subproof(m - k, right, false, proof);
        proof.push(root(left));
    }
}

/// Verifies that `leaf` is leaf `index` of the tree of `size` leaves whose
/// root is `root` (RFC 9162 2.1.3.2).
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let mut f = index;
    let mut s = size - 1;
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return Err(ProofError::WrongLength(proof.len()));
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongLength(proof.len()));
    }
    if r != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Verifies that the tree of `first` leaves with root `first_root` is a
/// prefix of the tree of `second` leaves with root `second_root`
/// (RFC 9162 2.1.4.2).
///
/// Equal sizes need an empty proof and equal roots. A first size of 0 is
/// rejected, as transparency-dev/merkle does: every tree extends the empty
/// one, so such a proof carries no evidence.
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if first > second {
        return Err(ProofError::SizesReversed { first, second });
    }
    if first == 0 {
        return Err(ProofError::EmptyFirstTree);
    }
    if first == second {
        if !proof.is_empty() {
            return Err(ProofError::WrongLength(proof.len()));
        }
        return if first_root == second_root {
            Ok(())
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    let Some((head, rest)) = proof.split_first() else {
        return Err(ProofError::WrongLength(0));
    };

    // When `first` is a power of two, its root is the first hash of the
    // path rather than a member of the proof.
    let (start, path) = if first.is_power_of_two() {
        (first_root, proof)
    } else {
        (head, rest)
    };
    let mut f = first - 1;
    let mut s = second - 1;
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let mut fr = *start;
    let mut sr = *start;
    for c in path {
        if s == 0 {
            return Err(ProofError::WrongLength(proof.len()));
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongLength(proof.len()));
    }
    if fr != *first_root || sr != *second_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// A Merkle tree held in memory that grows by appending leaves and returns
/// roots and proofs for any earlier size in O(log² n) hashes.
///
/// Every complete subtree is stored: level 0 holds the leaf hashes, level k
/// the roots of aligned runs of 2^k leaves, about two hashes per leaf in
/// all. The hash of any range the RFC 6962 recursion visits is then one
/// stored node or a short chain of them.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    levels: Vec<Vec<Hash>>,
}

impl Tree {
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns the number of leaves.
    pub fn len(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a leaf hash, storing each subtree it completes.
    pub fn push(&mut self, leaf: Hash) {
        let mut node = leaf;
        let mut level = 0;
        loop {
            if self.levels.len() <= level {
                self.levels.push(Vec::new());
            }
            let Some(row) = self.levels.get_mut(level) else {
                return;
            };
            row.push(node);
            if row.len() % 2 == 1 {
                return;
            }
            let (Some(right), Some(left)) = (row.last(), row.iter().rev().nth(1)) else {
                return;
            };
            node = node_hash(left, right);
            level += 1;
        }
    }

    /// Returns leaf `index`'s hash.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        let row = self.levels.first()?;
        row.get(usize::try_from(index).ok()?).copied()
    }

    /// Returns the root of the tree of the first `size` leaves.
    pub fn root(&self, size: u64) -> Option<Hash> {
        match size {
            0 => Some(empty_root()),
            _ if size > self.len() => None,
            _ => self.range(0, size),
        }
    }

    /// Returns the audit path for leaf `index` in the tree of the first `size`
    /// leaves, or `None` unless `index` < `size` <= the number of leaves.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Option<Vec<Hash>> {
        if index >= size || size > self.len() {
            return None;
        }
        let mut proof = Vec::new();
        self.path(index, 0, size, &mut proof)?;
        Some(proof)
    }

    /// Returns the consistency proof from the first `first` leaves to the first
    /// `second`, or `None` unless 0 < `first` <= `second` <= the number of
    /// leaves.
    pub fn consistency_proof(&self, first: u64, second: u64) -> Option<Vec<Hash>> {
        if first == 0 || first > second || second > self.len() {
            return None;
        }
        let mut proof = Vec::new();
        self.subproof(first, 0, second, true, &mut proof)?;
        Some(proof)
    }

    /// MTH of the `n` leaves from `start`, where `start` is a multiple of
    /// the largest power of two not above `n`, as in every range the RFC
    /// 6962 recursion visits.
    fn range(&self, start: u64, n: u64) -> Option<Hash> {
        if n.is_power_of_two() && start.is_multiple_of(n) {
            let level = usize::try_from(n.trailing_zeros()).ok()?;
            let index = usize::try_from(start >> n.trailing_zeros()).ok()?;
            return self.levels.get(level)?.get(index).copied();
        }
        let k = split_u64(n);
        Some(node_hash(
            &self.range(start, k)?,
            &self.range(start + k, n - k)?,
        ))
    }

    fn path(&self, m: u64, start: u64, n: u64, proof: &mut Vec<Hash>) -> Option<()> {
        if n <= 1 {
            return Some(());
        }
        let k = split_u64(n);
        if m < k {
            self.path(m, start, k, proof)?;
            proof.push(self.range(start + k, n - k)?);
        } else {
            self.path(m - k, start + k, n - k, proof)?;
            proof.push(self.range(start, k)?);
        }
        Some(())
    }

    fn subproof(
        &self,
        m: u64,
        start: u64,
        n: u64,
        whole: bool,
        proof: &mut Vec<Hash>,
    ) -> Option<()> {
        if m == n {
            if !whole {
                proof.push(self.range(start, n)?);
            }
            return Some(());
        }
        let k = split_u64(n);
        if m <= k {
            self.subproof(m, start, k, whole, proof)?;
            proof.push(self.range(start + k, n - k)?);
        } else {
            self.subproof(m - k, start + k, n - k, false, proof)?;
            proof.push(self.range(start, k)?);
        }
        Some(())
    }
}

/// Returns the largest power of two smaller than `n`, for `n` > 1.
fn split_u64(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

#[cfg(test)]
mod tree_tests {
    use super::*;

    fn leaves(n: u8) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&[i])).collect()
    }

    /// The stored-subtree results agree with the direct recursion over the
    /// leaf list for every size, index and pair of sizes up to 33.
    #[test]
    fn agrees_with_direct_recursion() {
        let all = leaves(33);
        let mut tree = Tree::new();
        for leaf in &all {
            tree.push(*leaf);
        }
        for n in 0..=all.len() {
            let prefix = &all[..n];
            assert_eq!(tree.root(n as u64), Some(root(prefix)), "root {n}");
            for m in 0..n {
                assert_eq!(
                    tree.inclusion_proof(m as u64, n as u64),
                    inclusion_proof(prefix, m),
                    "path {m} {n}"
                );
            }
            for m in 1..=n {
                assert_eq!(
                    tree.consistency_proof(m as u64, n as u64),
                    consistency_proof(prefix, m),
                    "proof {m} {n}"
                );
            }
        }
        assert_eq!(tree.root(34), None);
        assert_eq!(tree.inclusion_proof(5, 5), None);
        assert_eq!(tree.consistency_proof(0, 5), None);
    }
}
