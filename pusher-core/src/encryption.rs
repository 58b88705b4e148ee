//! End-to-end encryption for `private-encrypted-` channels (PROTOCOL §9).
//!
//! Each channel has its own key, SHA-256(channel name ‖ master key). Data is sealed with NaCl
//! secretbox (XSalsa20-Poly1305) under a fresh nonce and sent as the JSON envelope
//! `{"nonce": base64, "ciphertext": base64}`. The nonce comes in from the caller.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::{Nonce, XSalsa20Poly1305};
use sha2::{Digest, Sha256};

use crate::config::MasterKey;
use crate::sources::NONCE_LEN;

/// The channel's shared secret: SHA-256(channel name bytes ‖ master key).
pub fn channel_key(channel: &str, master_key: &MasterKey) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(channel.as_bytes());
    hasher.update(master_key.bytes());
    hasher.finalize().into()
}

/// The channel's shared secret, base64-encoded as a channel authorization carries it.
pub fn shared_secret_base64(channel: &str, master_key: &MasterKey) -> String {
    BASE64.encode(channel_key(channel, master_key))
}

/// Seals `plaintext` under `key` and `nonce`: the secretbox output (tag then ciphertext).
pub fn seal(key: &[u8; 32], nonce: &[u8; NONCE_LEN], plaintext: &[u8]) -> Vec<u8> {
    let cipher = XSalsa20Poly1305::new(key.into());
    cipher
        .encrypt(Nonce::from_slice(nonce), plaintext)
        // Encryption in memory fails only for plaintexts beyond 2^38 bytes, far above any payload limit.
        .unwrap_or_default()
}

/// Opens a secretbox output sealed by [`seal`].
pub fn open(key: &[u8; 32], nonce: &[u8; NONCE_LEN], sealed: &[u8]) -> Result<Vec<u8>, DecryptError> {
    let cipher = XSalsa20Poly1305::new(key.into());
    cipher
        .decrypt(Nonce::from_slice(nonce), sealed)
        .map_err(|_| DecryptError::Open)
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Envelope<'a> {
    nonce: std::borrow::Cow<'a, str>,
    ciphertext: std::borrow::Cow<'a, str>,
}

/// Encrypts `plaintext` for `channel`: the envelope JSON string sent as the event's `data`.
pub fn encrypt(channel: &str, master_key: &MasterKey, nonce: &[u8; NONCE_LEN], plaintext: &[u8]) -> String {
    let sealed = seal(&channel_key(channel, master_key), nonce, plaintext);
    let envelope = Envelope {
        nonce: BASE64.encode(nonce).into(),
        ciphertext: BASE64.encode(sealed).into(),
    };
    // Two base64 strings always serialize.
    serde_json::to_string(&envelope).unwrap_or_default()
}

/// The length of the envelope [`encrypt`] makes of a plaintext of `plaintext_len` bytes: what an
/// encrypted event's `data` weighs against the payload ceiling, known before encrypting.
pub fn envelope_len(plaintext_len: usize) -> usize {
    const TAG_LEN: usize = 16;
    let base64_len = |bytes: usize| bytes.div_ceil(3) * 4;
    r#"{"nonce":"","ciphertext":""}"#.len() + base64_len(NONCE_LEN) + base64_len(plaintext_len + TAG_LEN)
}

/// Decrypts an envelope (an event's `data` on `channel`) to the UTF-8 plaintext.
pub fn decrypt(channel: &str, master_key: &MasterKey, envelope: &str) -> Result<String, DecryptError> {
    let envelope: Envelope<'_> = serde_json::from_str(envelope).map_err(|_| DecryptError::InvalidEnvelope)?;
    let nonce = BASE64
        .decode(envelope.nonce.as_bytes())
        .map_err(|_| DecryptError::InvalidEnvelope)?;
    let nonce: [u8; NONCE_LEN] = nonce
        .as_slice()
        .try_into()
        .map_err(|_| DecryptError::InvalidNonce(nonce.len()))?;
    let sealed = BASE64
        .decode(envelope.ciphertext.as_bytes())
        .map_err(|_| DecryptError::InvalidEnvelope)?;
    let plaintext = open(&channel_key(channel, master_key), &nonce, &sealed)?;
    String::from_utf8(plaintext).map_err(|_| DecryptError::NotUtf8)
}

/// Encrypted data that cannot be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecryptError {
    /// No encryption master key is configured.
    #[error("no encryption master key is configured")]
    NoMasterKey,
    /// The data is not the `{"nonce", "ciphertext"}` envelope.
    #[error("data is not an encrypted envelope {{\"nonce\", \"ciphertext\"}} of base64 strings")]
    InvalidEnvelope,
    /// The nonce is not 24 bytes.
    #[error("nonce is {0} bytes, not 24")]
    InvalidNonce(usize),
    /// Authentication failed: wrong key, wrong channel or tampered data.
    #[error("ciphertext does not open with this channel's key")]
    Open,
    /// The plaintext is not UTF-8.
    #[error("plaintext is not UTF-8")]
    NotUtf8,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> MasterKey {
        MasterKey::from_bytes(&[9u8; 32]).unwrap()
    }

    #[test]
    fn envelope_len_is_the_length_of_the_envelope() {
        for len in (0..100).chain([1000, 10_240]) {
            let envelope = encrypt("private-encrypted-a", &key(), &[1u8; 24], &vec![b'x'; len]);
            assert_eq!(envelope_len(len), envelope.len(), "plaintext of {len} bytes");
        }
    }

    #[test]
    fn round_trip() {
        let envelope = encrypt("private-encrypted-a", &key(), &[1u8; 24], "{\"x\":1}".as_bytes());
        assert!(envelope.starts_with("{\"nonce\":\""), "{envelope}");
        assert_eq!(
            decrypt("private-encrypted-a", &key(), &envelope).unwrap(),
            "{\"x\":1}"
        );
    }

    #[test]
    fn wrong_channel_or_key_or_tampering_fails() {
        let envelope = encrypt("private-encrypted-a", &key(), &[1u8; 24], b"secret data");
        assert_eq!(
            decrypt("private-encrypted-b", &key(), &envelope),
            Err(DecryptError::Open)
        );
        let other = MasterKey::from_bytes(&[8u8; 32]).unwrap();
        assert_eq!(
            decrypt("private-encrypted-a", &other, &envelope),
            Err(DecryptError::Open)
        );
        let mut v: serde_json::Value = serde_json::from_str(&envelope).unwrap();
        let mut sealed = BASE64.decode(v["ciphertext"].as_str().unwrap()).unwrap();
        sealed[20] ^= 1;
        v["ciphertext"] = BASE64.encode(sealed).into();
        assert_eq!(
            decrypt("private-encrypted-a", &key(), &v.to_string()),
            Err(DecryptError::Open)
        );
    }

    #[test]
    fn malformed_envelopes_are_errors() {
        let k = key();
        assert_eq!(decrypt("c", &k, "not json"), Err(DecryptError::InvalidEnvelope));
        assert_eq!(
            decrypt("c", &k, r#"{"nonce":"!!","ciphertext":""}"#),
            Err(DecryptError::InvalidEnvelope)
        );
        assert_eq!(
            decrypt("c", &k, r#"{"nonce":"AAAA","ciphertext":""}"#),
            Err(DecryptError::InvalidNonce(3))
        );
        let nonce = BASE64.encode([0u8; 24]);
        assert_eq!(
            decrypt("c", &k, &format!(r#"{{"nonce":"{nonce}","ciphertext":""}}"#)),
            Err(DecryptError::Open)
        );
    }
}
