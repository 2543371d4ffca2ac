//! SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL's SASL login uses it, without channel binding.
//!
//! Without TLS there is no channel to bind to (gs2 header `n,,`): a passive
//! eavesdropper learns neither the password nor anything replayable, though
//! it could try to guess the password offline from the exchange; an active
//! one in the middle could relay the exchange to log in once in paritty's
//! place. Hence `Link::Network` still allows SCRAM and nothing weaker.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::AskError;

/// The most PBKDF2 rounds paritty spends on one login (PostgreSQL's default
/// is 4096): a server may not make it burn seconds of CPU.
const MAX_ITERATIONS: u32 = 1_000_000;

pub(super) const MECHANISM: &str = "SCRAM-SHA-256";

/// The client's side of one exchange, between its first and final message.
pub(super) struct Scram {
    nonce: String,
    first_bare: String,
}

/// What the client sends last and what the server must answer to prove it knew the password too.
pub(super) struct Final {
    pub(super) message: Vec<u8>,
    server_signature: [u8; 32],
}

impl Scram {
    /// A fresh nonce and the client-first-message. The user name is left
    /// empty: PostgreSQL takes the one of the startup message.
    pub(super) fn start() -> Result<(Scram, Vec<u8>), AskError> {
        let mut random = [0u8; 18];
        getrandom::fill(&mut random)
            .map_err(|e| AskError::Protocol(format!("no random nonce for SCRAM: {e}")))?;
        let nonce = STANDARD.encode(random);
        let first_bare = format!("n=,r={nonce}");
        let message = format!("n,,{first_bare}").into_bytes();
        Ok((Scram { nonce, first_bare }, message))
    }

    /// The client-final-message for the server-first-message `server_first`.
    pub(super) fn answer(&self, server_first: &[u8], password: &str) -> Result<Final, AskError> {
        let refused = |why: &str| AskError::Protocol(format!("SCRAM: {why}"));
        let server_first = std::str::from_utf8(server_first)
            .map_err(|_| refused("a server message not in UTF-8"))?;
        let (mut nonce, mut salt, mut iterations) = (None, None, None);
        for attribute in server_first.split(',') {
            match attribute.split_once('=') {
                Some(("r", value)) => nonce = Some(value),
                Some(("s", value)) => salt = Some(value),
                Some(("i", value)) => iterations = Some(value),
                Some(("m", _)) => return Err(refused("the server requires an extension")),
                _ => {}
            }
        }
        let nonce = nonce.ok_or_else(|| refused("no nonce from the server"))?;
        // The server's nonce extends the client's (RFC 5802 5.1); printable, no commas.
        if !nonce.starts_with(&self.nonce)
            || nonce.len() == self.nonce.len()
            || !nonce.bytes().all(|b| b.is_ascii_graphic() && b != b',')
        {
            return Err(refused("the server's nonce does not extend paritty's"));
        }
        let salt = STANDARD
            .decode(salt.ok_or_else(|| refused("no salt from the server"))?)
            .map_err(|_| refused("a salt that is not base64"))?;
        let iterations: u32 = iterations
            .and_then(|i| i.parse().ok())
            .filter(|i| (1..=MAX_ITERATIONS).contains(i))
            .ok_or_else(|| refused("an iteration count missing or out of range"))?;

        // SaltedPassword := Hi(password, salt, i). The password is used as
        // given: RFC 5802 asks for SASLprep first, which changes only
        // non-ASCII passwords (PostgreSQL also falls back to the raw bytes
        // where SASLprep fails).
        let mut salted = Zeroizing::new([0u8; 32]);
        pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), &salt, iterations, salted.as_mut());
        let client_key = hmac(salted.as_ref(), b"Client Key");
        let stored_key: [u8; 32] = Sha256::digest(client_key).into();
        let without_proof = format!("c=biws,r={nonce}");
        let auth_message = format!("{},{server_first},{without_proof}", self.first_bare);
        let signature = hmac(&stored_key, auth_message.as_bytes());
        let proof: Vec<u8> = client_key.iter().zip(signature).map(|(k, s)| k ^ s).collect();
        let server_key = hmac(salted.as_ref(), b"Server Key");
        let server_signature = hmac(&server_key, auth_message.as_bytes());
        let message = format!("{without_proof},p={}", STANDARD.encode(proof)).into_bytes();
        Ok(Final { message, server_signature })
    }
}

impl Final {
    /// Whether the server-final-message proves the server knew the password:
    /// a server that cannot is not the one the app configured.
    pub(super) fn verify(&self, server_final: &[u8]) -> Result<(), AskError> {
        let text = std::str::from_utf8(server_final).unwrap_or_default();
        let expected = format!("v={}", STANDARD.encode(self.server_signature));
        let given = text.split(',').next().unwrap_or_default();
        if given == expected {
            Ok(())
        } else if let Some(error) = given.strip_prefix("e=") {
            Err(AskError::AuthFailed(format!(
                "SCRAM: {}",
                super::wire::text(error.as_bytes(), 200)
            )))
        } else {
            Err(AskError::Protocol("SCRAM: the server's signature is wrong".to_owned()))
        }
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7677's SCRAM-SHA-256 example (user "user", password "pencil").
    #[test]
    fn rfc_7677_example() {
        let scram = Scram {
            nonce: "rOprNGfwEbeRWgbNEkqO".to_owned(),
            first_bare: "n=user,r=rOprNGfwEbeRWgbNEkqO".to_owned(),
        };
        let server_first = b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
            s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
        let last = scram.answer(server_first, "pencil").expect("a valid exchange");
        assert_eq!(
            String::from_utf8(last.message.clone()).expect("ASCII"),
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
             p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        assert_eq!(last.verify(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="), Ok(()));
        assert!(last.verify(b"v=AAAA").is_err());
    }

    #[test]
    fn a_nonce_not_extending_ours_is_refused() {
        let (scram, first) = Scram::start().expect("random");
        assert!(first.starts_with(b"n,,n=,r="));
        let answer = scram.answer(b"r=someone-else,s=QUJD,i=4096", "pw");
        assert!(matches!(answer, Err(AskError::Protocol(_))));
        let huge = format!("r={}x,s=QUJD,i=4000000000", scram.nonce);
        assert!(matches!(scram.answer(huge.as_bytes(), "pw"), Err(AskError::Protocol(_))));
    }
}
