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
