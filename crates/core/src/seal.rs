//! Sealing of small secrets (reporter identity, idempotent responses) with XChaCha20-Poly1305.
//! The key lives outside the database (`DIR/keys/seal.key` or configuration), so a copy of the
//! database alone reveals no reporter.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

use crate::CoreError;

pub struct Sealer {
    key_id: String,
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer").field("key_id", &self.key_id).finish_non_exhaustive()
    }
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("operating system RNG");
    b
}

impl Sealer {
    pub fn new(key: [u8; 32]) -> Self {
        let key_id = hex::encode(&Sha256::digest(key)[..8]);
        Sealer { key_id, cipher: XChaCha20Poly1305::new_from_slice(&key).expect("32-byte key") }
    }

    pub fn generate_key() -> [u8; 32] {
        random_bytes()
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Encrypts with a random nonce; `aad` binds the ciphertext to its row so it cannot be moved.
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> (Vec<u8>, Vec<u8>) {
        seal_with(&self.cipher, plaintext, aad)
    }

    pub fn open(&self, nonce: &[u8], ciphertext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CoreError> {
        open_with(&self.cipher, nonce, ciphertext, aad)
    }
}

fn seal_with(cipher: &XChaCha20Poly1305, plaintext: &[u8], aad: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let nonce_bytes: [u8; 24] = random_bytes();
    let nonce = XNonce::from(nonce_bytes);
    let ct = cipher.encrypt(&nonce, Payload { msg: plaintext, aad }).expect("encryption cannot fail");
    (nonce_bytes.to_vec(), ct)
}

fn open_with(cipher: &XChaCha20Poly1305, nonce: &[u8], ciphertext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CoreError> {
    let nonce: [u8; 24] = nonce.try_into().map_err(|_| CoreError::Seal)?;
    cipher.decrypt(&XNonce::from(nonce), Payload { msg: ciphertext, aad }).map_err(|_| CoreError::Seal)
}

/// Keys derived from a client's Idempotency-Key: one to look the row up, another to encrypt the
/// stored response. The server never stores the key itself, so the stored receipt code can only be
/// decrypted by someone who presents the same key again.
pub struct IdempotencyKeys {
    pub lookup: String,
    cipher: XChaCha20Poly1305,
}

impl IdempotencyKeys {
    pub fn derive(client_key: &str) -> Self {
        let lookup = hex::encode(Sha256::digest(format!("netra/idempotency/lookup/{client_key}")));
        let enc = Sha256::digest(format!("netra/idempotency/encrypt/{client_key}"));
        IdempotencyKeys { lookup, cipher: XChaCha20Poly1305::new_from_slice(&enc).expect("32-byte key") }
    }

    pub fn seal(&self, plaintext: &[u8]) -> (Vec<u8>, Vec<u8>) {
        seal_with(&self.cipher, plaintext, self.lookup.as_bytes())
    }

    pub fn open(&self, nonce: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>, CoreError> {
        open_with(&self.cipher, nonce, ciphertext, self.lookup.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_round_trips_and_binds_aad() {
        let s = Sealer::new([7; 32]);
        let (n, c) = s.seal(b"Budi, Jl. Merdeka 1", b"intake-1");
        assert_eq!(s.open(&n, &c, b"intake-1").unwrap(), b"Budi, Jl. Merdeka 1");
        assert!(s.open(&n, &c, b"intake-2").is_err());
        assert!(!c.windows(4).any(|w| w == b"Budi"));
    }

    #[test]
    fn idempotency_keys_differ_per_client_key() {
        let a = IdempotencyKeys::derive("k1");
        let (n, c) = a.seal(b"{\"receipt\":\"1234\"}");
        assert!(IdempotencyKeys::derive("k2").open(&n, &c).is_err());
        assert_eq!(a.open(&n, &c).unwrap(), b"{\"receipt\":\"1234\"}");
    }
}
