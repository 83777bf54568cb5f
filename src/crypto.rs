//! Code secrets. A code is never stored in plain text:
//! - for checking, as bcrypt over `HMAC-SHA256(pepper, "code" ‖ verification id ‖ code)`;
//!   the pepper lives in the secrets file, outside the store, so a stolen store alone
//!   cannot be brute-forced, and the id binds each hash to its verification;
//! - for later fallback steps and `GetVerification`, sealed with XChaCha20-Poly1305
//!   under a second key from the same file, the verification id as associated data.
//!
//! bcrypt runs on tokio's blocking pool behind a semaphore sized to the cores, so a
//! burst of checks queues instead of starving the async runtime or spawning hundreds
//! of threads that all compete for two cores.

use std::path::Path;
use std::sync::Arc;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("secrets file {path}: {source}")]
    SecretsIo {
        path: String,
        source: std::io::Error,
    },
    #[error("secrets file {path} is malformed: {why}")]
    SecretsFormat { path: String, why: String },
    #[error("bcrypt: {0}")]
    Bcrypt(#[from] bcrypt::BcryptError),
    #[error("a sealed code could not be opened (wrong key or corrupted record)")]
    Unseal,
    #[error("the hashing pool is shut down")]
    PoolClosed,
}

/// The pepper and the sealing key. `Debug` never prints them.
pub struct Secrets {
    pepper: [u8; 32],
    seal_key: [u8; 32],
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(***)")
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct SecretsFile {
    version: u32,
    pepper: String,
    seal_key: String,
}

impl Secrets {
    /// Reads the secrets file, or creates it (mode 0600) with fresh random keys.
    pub fn load_or_create(path: &Path) -> Result<Self, CryptoError> {
        let shown = path.display().to_string();
        let io = |source| CryptoError::SecretsIo {
            path: shown.clone(),
            source,
        };
        match std::fs::read(path) {
            Ok(bytes) => {
                let bad = |why: String| CryptoError::SecretsFormat {
                    path: shown.clone(),
                    why,
                };
                let f: SecretsFile =
                    serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
                let key = |hex_str: &str, name: &str| -> Result<[u8; 32], CryptoError> {
                    let v = hex::decode(hex_str).map_err(|e| bad(format!("{name}: {e}")))?;
                    v.try_into()
                        .map_err(|_| bad(format!("{name} must be 32 bytes")))
                };
                Ok(Self {
                    pepper: key(&f.pepper, "pepper")?,
                    seal_key: key(&f.seal_key, "seal_key")?,
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut s = Self {
                    pepper: [0; 32],
                    seal_key: [0; 32],
                };
                rand::rng().fill_bytes(&mut s.pepper);
                rand::rng().fill_bytes(&mut s.seal_key);
                let body = serde_json::to_vec_pretty(&SecretsFile {
                    version: 1,
                    pepper: hex::encode(s.pepper),
                    seal_key: hex::encode(s.seal_key),
                })
                .expect("serializing two strings cannot fail");
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(io)?;
                }
                write_private(path, &body).map_err(io)?;
                Ok(s)
            }
            Err(e) => Err(io(e)),
        }
    }
}

fn write_private(path: &Path, body: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(body)?;
    f.sync_all()
}

/// Compares in time that depends on the lengths only.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Hashing, checking and sealing of codes. Cheap to clone.
#[derive(Clone)]
pub struct Crypto {
    secrets: Arc<Secrets>,
    bcrypt_cost: u32,
    permits: Arc<Semaphore>,
    /// Hashes waiting for a core.
    backlog: Arc<AtomicUsize>,
}

/// Counts one hash in the backlog while it lives.
struct InBacklog(Arc<AtomicUsize>);

impl Drop for InBacklog {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Crypto {
    pub fn new(secrets: Secrets, bcrypt_cost: u32) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            secrets: Arc::new(secrets),
            bcrypt_cost,
            permits: Arc::new(Semaphore::new(cores)),
            backlog: Arc::default(),
        }
    }

    /// How many hashes wait for a core, beyond those running (admission control).
    pub fn hash_backlog(&self) -> usize {
        self.backlog.load(Ordering::Relaxed)
    }

    fn peppered(&self, id: Uuid, code: &str) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.secrets.pepper)
            .expect("HMAC takes a key of any length");
        mac.update(b"verifyd code v1\0");
        mac.update(id.as_bytes());
        mac.update(code.as_bytes());
        // 64 hex characters: under bcrypt's 72-byte input limit.
        hex::encode(mac.finalize().into_bytes())
    }

    /// bcrypt hash of the peppered code, computed on the blocking pool.
    pub async fn hash_code(&self, id: Uuid, code: &str) -> Result<String, CryptoError> {
        let input = self.peppered(id, code);
        let cost = self.bcrypt_cost;
        self.blocking(move || bcrypt::hash(input, cost).map_err(CryptoError::from))
            .await
    }

    /// Whether `code` is the code of verification `id`: against the sealed copy while
    /// it exists, in constant time (whoever can read the store and the secrets file
    /// can open that copy anyway, so bcrypt would add nothing), else against the
    /// bcrypt hash on the blocking pool.
    pub async fn matches(
        &self,
        id: Uuid,
        code: &str,
        hash: &str,
        sealed: Option<&[u8]>,
    ) -> Result<bool, CryptoError> {
        match sealed {
            Some(s) => {
                let stored = self.open(id, s)?;
                Ok(constant_time_eq(stored.as_bytes(), code.as_bytes()))
            }
            None => self.verify_code(id, code, hash).await,
        }
    }

    /// The work of a check against a sealed copy, for a check that names no
    /// verification of the caller's: an unknown id costs what a real one costs.
    pub fn decoy_check(&self, code: &str) {
        let id = Uuid::nil();
        let sealed = self.seal(id, "00000000");
        if let Ok(stored) = self.open(id, &sealed) {
            std::hint::black_box(constant_time_eq(stored.as_bytes(), code.as_bytes()));
        }
    }

    /// Whether `code` matches `hash`, computed on the blocking pool.
    pub async fn verify_code(&self, id: Uuid, code: &str, hash: &str) -> Result<bool, CryptoError> {
        let input = self.peppered(id, code);
        let hash = hash.to_owned();
        self.blocking(move || bcrypt::verify(input, &hash).map_err(CryptoError::from))
            .await
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T, CryptoError> + Send + 'static,
    ) -> Result<T, CryptoError> {
        self.backlog.fetch_add(1, Ordering::Relaxed);
        let waiting = InBacklog(self.backlog.clone());
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| CryptoError::PoolClosed)?;
        drop(waiting);
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|_| CryptoError::PoolClosed)?
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.secrets.seal_key).into())
    }

    /// Seals `code` for verification `id`: a random 24-byte nonce, then the ciphertext.
    pub fn seal(&self, id: Uuid, code: &str) -> Vec<u8> {
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let ct = self
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: code.as_bytes(),
                    aad: id.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 encryption of a short message cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        out
    }

    /// Seals any short secret (a webhook secret, say) under the sealing key, bound to
    /// `aad` (what it belongs to).
    pub fn seal_bytes(&self, aad: &[u8], secret: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let ct = self
            .cipher()
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: secret, aad })
            .expect("XChaCha20-Poly1305 encryption of a short message cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        out
    }

    /// Opens what `seal_bytes` produced for the same `aad`.
    pub fn open_bytes(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < 24 {
            return Err(CryptoError::Unseal);
        }
        let (nonce, ct) = sealed.split_at(24);
        self.cipher()
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad })
            .map_err(|_| CryptoError::Unseal)
    }

    /// Opens what `seal` produced for the same id.
    pub fn open(&self, id: Uuid, sealed: &[u8]) -> Result<String, CryptoError> {
        if sealed.len() < 24 {
            return Err(CryptoError::Unseal);
        }
        let (nonce, ct) = sealed.split_at(24);
        let pt = self
            .cipher()
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: id.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Unseal)?;
        String::from_utf8(pt).map_err(|_| CryptoError::Unseal)
    }

    /// A check value of both keys, stored with the data so that a node started with
    /// another secrets file refuses to start instead of failing every check. It is an
    /// HMAC under each key of a fixed label, and tells nothing about the keys.
    pub fn secrets_check_value(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        for key in [&self.secrets.pepper, &self.secrets.seal_key] {
            let mut mac =
                <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes a key of any length");
            mac.update(b"verifyd secrets check v1\0");
            out.extend_from_slice(&mac.finalize().into_bytes());
        }
        out
    }

    /// A keyed fingerprint of a request, so a reused request id can be told from a
    /// retry without storing the request (which may hold a custom code).
    pub fn fingerprint(&self, data: &[u8]) -> Vec<u8> {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.secrets.pepper)
            .expect("HMAC takes a key of any length");
        mac.update(b"verifyd request v1\0");
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crypto() -> Crypto {
        let dir = tempfile::tempdir().unwrap();
        let s = Secrets::load_or_create(&dir.path().join("s.key")).unwrap();
        Crypto::new(s, 4)
    }

    #[tokio::test]
    async fn hash_binds_code_and_id() {
        let c = crypto();
        let id = Uuid::new_v4();
        let h = c.hash_code(id, "123456").await.unwrap();
        assert!(!h.contains("123456"));
        assert!(c.verify_code(id, "123456", &h).await.unwrap());
        assert!(!c.verify_code(id, "123457", &h).await.unwrap());
        assert!(!c.verify_code(Uuid::new_v4(), "123456", &h).await.unwrap());
    }

    #[tokio::test]
    async fn checks_against_the_sealed_copy_and_the_hash_agree() {
        let c = crypto();
        let id = Uuid::new_v4();
        let h = c.hash_code(id, "424242").await.unwrap();
        let s = c.seal(id, "424242");
        for sealed in [Some(s.as_slice()), None] {
            assert!(
                c.matches(id, "424242", &h, sealed).await.unwrap(),
                "{sealed:?}"
            );
            assert!(!c.matches(id, "424243", &h, sealed).await.unwrap());
            assert!(!c.matches(id, "4242420", &h, sealed).await.unwrap());
        }
        // While the sealed copy exists the hash is not consulted; once it is gone,
        // only the hash decides.
        assert!(
            c.matches(id, "424242", "not a hash", Some(&s))
                .await
                .unwrap()
        );
        assert!(c.matches(id, "424242", "not a hash", None).await.is_err());
        // Another verification's sealed copy does not open for this id.
        assert!(
            c.matches(Uuid::new_v4(), "424242", &h, Some(&s))
                .await
                .is_err()
        );
    }

    #[test]
    fn seal_roundtrip_and_binding() {
        let c = crypto();
        let id = Uuid::new_v4();
        let s = c.seal(id, "98765432");
        assert_eq!(c.open(id, &s).unwrap(), "98765432");
        assert!(c.open(Uuid::new_v4(), &s).is_err());
    }

    #[test]
    fn secrets_file_is_reused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.key");
        let a = Crypto::new(Secrets::load_or_create(&p).unwrap(), 4);
        let b = Crypto::new(Secrets::load_or_create(&p).unwrap(), 4);
        let id = Uuid::new_v4();
        assert_eq!(b.open(id, &a.seal(id, "1234")).unwrap(), "1234");
    }
}
