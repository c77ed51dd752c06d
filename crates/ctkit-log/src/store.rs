//! Durable storage of log entries and signed tree heads.
//!
//! The [`Store`] trait is what the server needs; [`SqliteStore`] keeps
//! everything in one SQLite file in WAL mode with `synchronous=FULL`, so
//! that a commit has reached the disk before `append` returns.
//!
//! Entries are numbered in commit order from 0 without gaps: an entry's
//! number is its leaf index. The sequencer integrates the entries past the
//! last tree head and signs the next one.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ctkit::merkle::Hash;
use ctkit::sct::DigitallySigned;
use ctkit::sth::{SignedTreeHead, TreeHead};
use rusqlite::{Connection, OptionalExtension as _, params};

/// A storage failure: the server's fault, never the client's.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("corrupt store: {0}")]
    Corrupt(String),
}

/// An entry to append, with the SCT issued for it.
#[derive(Debug, Clone)]
pub struct NewEntry {
    /// See [`crate::submission::Submission::identity`].
    pub identity: [u8; 32],
    pub precert: bool,
    pub leaf_input: Vec<u8>,
    pub extra_data: Vec<u8>,
    pub leaf_hash: Hash,
    pub sct_timestamp: u64,
    /// The SCT's `digitally-signed` struct, TLS-encoded.
    pub sct_signature: Vec<u8>,
}

/// The SCT stored with an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSct {
    pub timestamp: u64,
    pub signature: Vec<u8>,
}

/// The outcome of `append` for one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appended {
    /// Stored at this leaf index.
    New(u64),
    /// The same entry was stored before, with this SCT.
    Existing(StoredSct),
}

/// One entry as get-entries returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub leaf_input: Vec<u8>,
    pub extra_data: Vec<u8>,
}

/// The storage a log needs.
pub trait Store: Send + Sync + 'static {
    /// Commits the entries durably, in order, in one transaction. An entry
    /// whose identity is already stored is not added again; its stored SCT
    /// is returned instead.
    fn append(&self, entries: &[NewEntry]) -> Result<Vec<Appended>, StoreError>;
    /// Returns the SCT of the stored entry with this identity.
    fn find_identity(&self, identity: &[u8; 32]) -> Result<Option<StoredSct>, StoreError>;
    /// Returns the number of committed entries, sequenced or not.
    fn entry_count(&self) -> Result<u64, StoreError>;
    /// Returns the leaf hashes of entries `start..end`.
    fn leaf_hashes(&self, start: u64, end: u64) -> Result<Vec<Hash>, StoreError>;
    /// Returns entries `start..end`.
    fn entries(&self, start: u64, end: u64) -> Result<Vec<StoredEntry>, StoreError>;
    /// Returns the lowest leaf index with this leaf hash.
    fn index_of(&self, leaf_hash: &Hash) -> Result<Option<u64>, StoreError>;
    /// Returns the tree head signed last.
    fn latest_tree_head(&self) -> Result<Option<SignedTreeHead>, StoreError>;
    /// Stores a newly signed tree head.
    fn put_tree_head(&self, sth: &SignedTreeHead) -> Result<(), StoreError>;
}

/// The SQLite store.
pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS chains (
    hash BLOB PRIMARY KEY,
    data BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (
    idx INTEGER PRIMARY KEY,
    identity BLOB NOT NULL UNIQUE,
    leaf_hash BLOB NOT NULL,
    leaf_input BLOB NOT NULL,
    -- For a precert entry, the pre_certificate field of PrecertChainEntry;
    -- empty for an x509 entry. The chain that follows is shared.
    extra_prefix BLOB NOT NULL,
    chain_hash BLOB NOT NULL REFERENCES chains(hash),
    sct_timestamp INTEGER NOT NULL,
    sct_signature BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_by_leaf_hash ON entries(leaf_hash);
CREATE TABLE IF NOT EXISTS tree_heads (
    tree_size INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    root_hash BLOB NOT NULL,
    signature BLOB NOT NULL
);
";

fn open(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}

fn to_i64(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{value} does not fit SQLite")))
}

fn to_u64(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("negative value {value}")))
}

fn to_hash(bytes: Vec<u8>) -> Result<Hash, StoreError> {
    Hash::try_from(bytes.as_slice())
        .map_err(|_| StoreError::Corrupt(format!("a {}-byte hash", bytes.len())))
}

/// Splits extra_data into the per-entry prefix and the shareable chain.
fn split_extra(precert: bool, extra: &[u8]) -> (&[u8], &[u8]) {
    if !precert {
        return (&[], extra);
    }
    let len = match extra {
        [a, b, c, ..] => usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c),
        _ => return (extra, &[]),
    };
    extra.split_at(extra.len().min(3 + len))
}

impl SqliteStore {
    /// Opens the database, creating its tables when they are missing.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let writer = open(path)?;
        writer.execute_batch(SCHEMA)?;
        Ok(SqliteStore {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
        })
    }

    fn writer(&self) -> Result<std::sync::MutexGuard<'_, Connection>, StoreError> {
        self.writer
            .lock()
            .map_err(|_| StoreError::Corrupt("a writer panicked".into()))
    }

    /// Runs `f` on a pooled read connection.
    fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let pooled = self.readers.lock().ok().and_then(|mut pool| pool.pop());
        let conn = match pooled {
            Some(conn) => conn,
            None => open(&self.path)?,
        };
        let result = f(&conn);
        if let Ok(mut pool) = self.readers.lock()
            && pool.len() < 16
        {
            pool.push(conn);
        }
        result
    }
}

impl Store for SqliteStore {
    fn append(&self, entries: &[NewEntry]) -> Result<Vec<Appended>, StoreError> {
        let mut conn = self.writer()?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut next: i64 =
            tx.query_row("SELECT COALESCE(MAX(idx) + 1, 0) FROM entries", [], |r| {
                r.get(0)
            })?;
        let mut results = Vec::with_capacity(entries.len());
        {
            let mut add_chain =
                tx.prepare_cached("INSERT OR IGNORE INTO chains(hash, data) VALUES (?1, ?2)")?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO entries(idx, identity, leaf_hash, leaf_input, extra_prefix,
                     chain_hash, sct_timestamp, sct_signature)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(identity) DO NOTHING",
            )?;
            let mut existing = tx.prepare_cached(
                "SELECT sct_timestamp, sct_signature FROM entries WHERE identity = ?1",
            )?;
            for entry in entries {
                let (prefix, chain) = split_extra(entry.precert, &entry.extra_data);
                let chain_hash = ctkit::x509::sha256(chain);
                add_chain.execute(params![chain_hash, chain])?;
                let added = insert.execute(params![
                    next,
                    entry.identity,
                    entry.leaf_hash,
                    entry.leaf_input,
                    prefix,
                    chain_hash,
                    to_i64(entry.sct_timestamp)?,
                    entry.sct_signature,
                ])?;
                if added == 1 {
                    results.push(Appended::New(to_u64(next)?));
                    next += 1;
                } else {
                    let (timestamp, signature): (i64, Vec<u8>) = existing
                        .query_row(params![entry.identity], |r| Ok((r.get(0)?, r.get(1)?)))?;
                    results.push(Appended::Existing(StoredSct {
                        timestamp: to_u64(timestamp)?,
                        signature,
                    }));
                }
            }
        }
        tx.commit()?;
        Ok(results)
    }

    fn find_identity(&self, identity: &[u8; 32]) -> Result<Option<StoredSct>, StoreError> {
        self.read(|conn| {
            let row: Option<(i64, Vec<u8>)> = conn
                .prepare_cached(
                    "SELECT sct_timestamp, sct_signature FROM entries WHERE identity = ?1",
                )?
                .query_row(params![identity], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            row.map(|(timestamp, signature)| {
                Ok(StoredSct {
                    timestamp: to_u64(timestamp)?,
                    signature,
                })
            })
            .transpose()
        })
    }

    fn entry_count(&self) -> Result<u64, StoreError> {
        self.read(|conn| {
            let n: i64 =
                conn.query_row("SELECT COALESCE(MAX(idx) + 1, 0) FROM entries", [], |r| {
                    r.get(0)
                })?;
            to_u64(n)
        })
    }

    fn leaf_hashes(&self, start: u64, end: u64) -> Result<Vec<Hash>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT idx, leaf_hash FROM entries WHERE idx >= ?1 AND idx < ?2 ORDER BY idx",
            )?;
            let mut rows = stmt.query(params![to_i64(start)?, to_i64(end)?])?;
            let mut out = Vec::new();
            let mut expected = start;
            while let Some(row) = rows.next()? {
                let idx = to_u64(row.get(0)?)?;
                if idx != expected {
                    return Err(StoreError::Corrupt(format!("entry {expected} is missing")));
                }
                out.push(to_hash(row.get(1)?)?);
                expected += 1;
            }
            if expected != end {
                return Err(StoreError::Corrupt(format!("entry {expected} is missing")));
            }
            Ok(out)
        })
    }

    fn entries(&self, start: u64, end: u64) -> Result<Vec<StoredEntry>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT e.leaf_input, e.extra_prefix, c.data FROM entries e
                 JOIN chains c ON c.hash = e.chain_hash
                 WHERE e.idx >= ?1 AND e.idx < ?2 ORDER BY e.idx",
            )?;
            let rows = stmt.query_map(params![to_i64(start)?, to_i64(end)?], |r| {
                let leaf_input: Vec<u8> = r.get(0)?;
                let mut extra_data: Vec<u8> = r.get(1)?;
                let chain: Vec<u8> = r.get(2)?;
                extra_data.extend_from_slice(&chain);
                Ok(StoredEntry {
                    leaf_input,
                    extra_data,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn index_of(&self, leaf_hash: &Hash) -> Result<Option<u64>, StoreError> {
        self.read(|conn| {
            let idx: Option<i64> = conn
                .prepare_cached("SELECT MIN(idx) FROM entries WHERE leaf_hash = ?1")?
                .query_row(params![leaf_hash], |r| r.get(0))?;
            idx.map(to_u64).transpose()
        })
    }

    fn latest_tree_head(&self) -> Result<Option<SignedTreeHead>, StoreError> {
        self.read(|conn| {
            let row: Option<(i64, i64, Vec<u8>, Vec<u8>)> = conn
                .query_row(
                    "SELECT tree_size, timestamp, root_hash, signature FROM tree_heads
                     ORDER BY rowid DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let Some((size, timestamp, root, signature)) = row else {
                return Ok(None);
            };
            let signature = DigitallySigned::from_tls(&signature)
                .map_err(|e| StoreError::Corrupt(format!("tree head signature: {e}")))?;
            Ok(Some(SignedTreeHead {
                head: TreeHead {
                    tree_size: to_u64(size)?,
                    timestamp: to_u64(timestamp)?,
                    root_hash: to_hash(root)?,
                },
                signature,
            }))
        })
    }

    fn put_tree_head(&self, sth: &SignedTreeHead) -> Result<(), StoreError> {
        let signature = sth
            .signature
            .to_tls()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.writer()?.execute(
            "INSERT INTO tree_heads(tree_size, timestamp, root_hash, signature)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                to_i64(sth.head.tree_size)?,
                to_i64(sth.head.timestamp)?,
                sth.head.root_hash,
                signature
            ],
        )?;
        Ok(())
    }
}
