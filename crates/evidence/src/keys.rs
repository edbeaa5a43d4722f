//! The evidence key: an age X25519 identity. Originals are encrypted to its recipient; only a holder
//! of the identity (the server acting for the investigating role, or an operator restoring a backup
//! with the `age` tool) can decrypt them.
//!
//! The key file is a standard age identity file (`age -d -i evidence.age original.age` works), created
//! on first use with mode 0600 next to the sealing key: `DIR/keys/evidence.age`. Back it up separately
//! from the database and the object store; without it no original can be read.

use std::io::Write;
use std::path::Path;

use age::secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use crate::Error;

pub struct EvidenceKeys {
    identity: age::x25519::Identity,
    recipient: age::x25519::Recipient,
    key_id: String,
}

impl std::fmt::Debug for EvidenceKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvidenceKeys").field("key_id", &self.key_id).finish_non_exhaustive()
    }
}

impl EvidenceKeys {
    fn from_identity(identity: age::x25519::Identity) -> Self {
        let recipient = identity.to_public();
        let key_id = hex::encode(&Sha256::digest(recipient.to_string().as_bytes())[..8]);
        EvidenceKeys { identity, recipient, key_id }
    }

    /// A fresh random identity (tests; production uses [`EvidenceKeys::load_or_create`]).
    pub fn generate() -> Self {
        EvidenceKeys::from_identity(age::x25519::Identity::generate())
    }

    /// Parses the text of an age identity file (comment lines and blank lines are ignored; the first
    /// `AGE-SECRET-KEY-1…` line is used).
    pub fn from_identity_file_text(text: &str) -> Result<Self, Error> {
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
            .ok_or_else(|| Error::Key("no AGE-SECRET-KEY-1 line in the identity file".into()))?;
        let identity: age::x25519::Identity =
            line.parse().map_err(|e: &str| Error::Key(format!("invalid age identity: {e}")))?;
        Ok(EvidenceKeys::from_identity(identity))
    }

    /// Reads the identity file at `path`, creating it (mode 0600, fsynced) with a new identity if it
    /// does not exist yet.
    pub fn load_or_create(path: &Path) -> Result<Self, Error> {
        match std::fs::read_to_string(path) {
            Ok(text) => return EvidenceKeys::from_identity_file_text(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::Key(format!("cannot read {}: {e}", path.display()))),
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| Error::Key(format!("cannot create {}: {e}", dir.display())))?;
        let keys = EvidenceKeys::generate();
        let text = format!(
            "# Netra evidence key (age X25519 identity). Back it up apart from the database and the\n\
             # object store: without it no evidence original can be decrypted.\n\
             # public key: {}\n{}\n",
            keys.recipient,
            keys.identity.to_string().expose_secret()
        );
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        match opts.open(path) {
            Ok(mut f) => {
                f.write_all(text.as_bytes())
                    .and_then(|()| f.sync_all())
                    .map_err(|e| Error::Key(format!("cannot write {}: {e}", path.display())))?;
                if let Ok(d) = std::fs::File::open(dir) {
                    let _ = d.sync_all();
                }
                Ok(keys)
            }
            // Another process created it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| Error::Key(format!("cannot read {}: {e}", path.display())))?;
                EvidenceKeys::from_identity_file_text(&text)
            }
            Err(e) => Err(Error::Key(format!("cannot create {}: {e}", path.display()))),
        }
    }

    /// Short fingerprint of the public key, stored with every original.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The public recipient (`age1…`), safe to show.
    pub fn recipient(&self) -> String {
        self.recipient.to_string()
    }

    pub fn encrypt(&self, plaintext: &[u8]) -> Result<Vec<u8>, Error> {
        age::encrypt(&self.recipient, plaintext).map_err(|e| Error::Key(format!("encryption failed: {e}")))
    }

    /// Decrypts an original; `None` when it does not decrypt (altered, truncated or another key).
    pub fn decrypt(&self, ciphertext: &[u8]) -> Option<Vec<u8>> {
        age::decrypt(&self.identity, ciphertext).ok()
    }
}
