//! A hostile SSH server, written for one test: it speaks just enough SSH
//! (RFC 4253/4252) to get a client through the key exchange and answer its
//! first authentication request with an allowed-methods list of its choice.
//!
//! Real sshd cannot be used for this: it builds that list from the method
//! names it knows and refuses any other in `AuthenticationMethods`, so it
//! never sends escape sequences there. Everything else about the server is
//! kept as small as a conforming server allows: one key exchange
//! (diffie-hellman-group14-sha256), one host key type (rsa-sha2-256, the key
//! made by ssh-keygen), one cipher and MAC (aes128-ctr, hmac-sha2-256).
//!
//! Or, `FakeSsh::with_channels`, a server past the login whose hostility is
//! in its channels (`session`).

mod session;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockEncrypt, KeyInit};
use base64::Engine as _;
use num_bigint::BigUint;
use sha2::{Digest, Sha256};

use super::sshd::loopback_addr;

/// RFC 3526's 2048-bit MODP group (group 14), generator 2.
const GROUP14_P: &str = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74\
    020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B5\
    76625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE4\
    5B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED\
    529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC\
    07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AACAA68F\
    FFFFFFFFFFFFFFF";

/// A running fake server on a loopback address; stops on drop.
pub struct FakeSsh {
    addr: SocketAddr,
    /// `ssh-rsa AAAA...`: the host key as `known_hosts` holds it.
    public_key: String,
    /// What went wrong with each connection that did not reach its end.
    errors: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FakeSsh {
    /// Starts a server whose answer to "none" authentication lists
    /// `methods` (raw bytes on the wire, whatever they hold). Its RSA host
    /// key is made with ssh-keygen in `dir`.
    pub fn start(dir: &Path, methods: &str) -> FakeSsh {
        FakeSsh::serving(dir, Answer::Methods(methods.to_owned()))
    }

    /// Starts a server that lets any key in and serves its channels as
    /// `session` says, running exec channels' commands with `dir/bin`
    /// first on their PATH.
    pub fn with_channels(dir: &Path) -> FakeSsh {
        let path = format!("{}:/usr/bin:/bin", dir.join("bin").display());
        FakeSsh::serving(dir, Answer::Channels { path })
    }

    fn serving(dir: &Path, answer: Answer) -> FakeSsh {
        let key_path = dir.join("fake_ssh_host_rsa_key");
        let made = Command::new("ssh-keygen")
            .args(["-q", "-t", "rsa", "-b", "2048", "-N", "", "-C", "fake", "-f"])
            .arg(&key_path)
            .output()
            .expect("run ssh-keygen");
        assert!(made.status.success(), "ssh-keygen: {}", String::from_utf8_lossy(&made.stderr));
        let key = RsaKey::read(&key_path);
        let public = std::fs::read_to_string(key_path.with_extension("pub")).expect("read .pub");
        let public_key = public.split_whitespace().take(2).collect::<Vec<_>>().join(" ");

        let listener = TcpListener::bind(SocketAddr::new(loopback_addr(), 0)).expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let (errors, stop) = (Arc::new(Mutex::new(Vec::new())), Arc::new(AtomicBool::new(false)));
        let (errors_seen, stopping) = (Arc::clone(&errors), Arc::clone(&stop));
        let thread = thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                if let Err(e) = serve(stream, &key, &answer) {
                    errors_seen.lock().unwrap_or_else(PoisonError::into_inner).push(e);
                }
            }
        });
        FakeSsh { addr, public_key, errors, stop, thread: Some(thread) }
    }

    pub fn addr(&self) -> IpAddr {
        self.addr.ip()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `[addr]:port ssh-rsa AAAA...` and a newline, for a `known_hosts` file.
    pub fn known_hosts_line(&self) -> String {
        format!("[{}]:{} {}\n", self.addr.ip(), self.addr.port(), self.public_key)
    }

    /// Why connections failed before the server said its methods (for
    /// failure messages).
    pub fn errors(&self) -> Vec<String> {
        self.errors.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl Drop for FakeSsh {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // accept() blocks: a last connection of our own wakes it to see `stop`.
        let woke = TcpStream::connect_timeout(&self.addr, Duration::from_secs(5)).is_ok();
        if let Some(thread) = self.thread.take().filter(|_| woke) {
            thread.join().ok();
        }
    }
}

/// An RSA private key as ssh-keygen writes it (openssh-key-v1, unencrypted).
struct RsaKey {
    n: BigUint,
    e: BigUint,
    d: BigUint,
}

impl RsaKey {
    fn read(path: &Path) -> RsaKey {
        let text = std::fs::read_to_string(path).expect("read host key");
        let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        let raw = base64::engine::general_purpose::STANDARD.decode(body).expect("base64 key");
        let mut r = Reader(raw.strip_prefix(b"openssh-key-v1\0").expect("openssh key"));
        assert_eq!(r.string(), b"none", "an unencrypted key");
        let (_kdf, _kdf_options, _count, _public) = (r.string(), r.string(), r.u32(), r.string());
        let mut private = Reader(r.string());
        let (_check1, _check2) = (private.u32(), private.u32());
        assert_eq!(private.string(), b"ssh-rsa");
        let (n, e, d) = (private.mpint(), private.mpint(), private.mpint());
        RsaKey { n, e, d }
    }

    /// The host key blob: string "ssh-rsa", mpint e, mpint n.
    fn blob(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_string(&mut out, b"ssh-rsa");
        put_mpint(&mut out, &self.e);
        put_mpint(&mut out, &self.n);
        out
    }

    /// An rsa-sha2-256 signature blob of `data` (RSASSA-PKCS1-v1_5, SHA-256).
    fn sign(&self, data: &[u8]) -> Vec<u8> {
        const SHA256_DIGEST_INFO: [u8; 19] = [
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ];
        let size = usize::try_from(self.n.bits().div_ceil(8)).expect("key size");
        let digest = Sha256::digest(data);
        let mut encoded = vec![0x00, 0x01];
        encoded.resize(size - SHA256_DIGEST_INFO.len() - digest.len() - 1, 0xff);
        encoded.push(0x00);
        encoded.extend_from_slice(&SHA256_DIGEST_INFO);
        encoded.extend_from_slice(&digest);
        let signed = BigUint::from_bytes_be(&encoded).modpow(&self.d, &self.n).to_bytes_be();
        let mut signature = vec![0; size - signed.len()];
        signature.extend(signed);
        let mut out = Vec::new();
        put_string(&mut out, b"rsa-sha2-256");
        put_string(&mut out, &signature);
        out
    }
}

/// What the server does once the client asks for "ssh-userauth".
enum Answer {
    /// Refuses the first authentication request with this allowed-methods list.
    Methods(String),
    /// Lets the client in and serves its channels (`session`), commands
    /// run with this PATH.
    Channels { path: String },
}

/// One connection: version lines, key exchange, "ssh-userauth", then the
/// hostile answer.
fn serve(stream: TcpStream, key: &RsaKey, answer: &Answer) -> Result<(), String> {
    stream.set_read_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
    let server_version = b"SSH-2.0-paritty_test_hostile_server";
    let mut link = Link::new(stream);
    link.write_raw(&[&server_version[..], b"\r\n"].concat())?;
    let client_version = link.read_version()?;
    if client_version.is_empty() {
        return Ok(()); // The Drop's wake-up connection says nothing.
    }

    let mut server_kexinit = vec![20];
    server_kexinit.extend_from_slice(&random::<16>());
    for list in [
        "diffie-hellman-group14-sha256",
        "rsa-sha2-256",
        "aes128-ctr",
        "aes128-ctr",
        "hmac-sha2-256",
        "hmac-sha2-256",
        "none",
        "none",
        "",
        "",
    ] {
        put_string(&mut server_kexinit, list.as_bytes());
    }
    server_kexinit.extend_from_slice(&[0, 0, 0, 0, 0]);
    link.send(&server_kexinit)?;
    let client_kexinit = link.expect(20)?;
    let dh_init = link.expect(30)?;
    let client_public = Reader(&dh_init[1..]).mpint();

    let prime = BigUint::parse_bytes(GROUP14_P.as_bytes(), 16).expect("group 14 prime");
    let secret = BigUint::from_bytes_be(&random::<32>());
    let server_public = BigUint::from(2u32).modpow(&secret, &prime);
    let shared = client_public.modpow(&secret, &prime);
    let host_key = key.blob();
    let mut exchange = Vec::new();
    put_string(&mut exchange, &client_version);
    put_string(&mut exchange, server_version);
    put_string(&mut exchange, &client_kexinit);
    put_string(&mut exchange, &server_kexinit);
    put_string(&mut exchange, &host_key);
    put_mpint(&mut exchange, &client_public);
    put_mpint(&mut exchange, &server_public);
    put_mpint(&mut exchange, &shared);
    let hash = Sha256::digest(&exchange).to_vec();

    let mut reply = vec![31];
    put_string(&mut reply, &host_key);
    put_mpint(&mut reply, &server_public);
    put_string(&mut reply, &key.sign(&hash));
    link.send(&reply)?;
    link.send(&[21])?;
    link.expect(21)?;

    // RFC 4253, 7.2: HASH(K || H || letter || session_id), the session id
    // being this first exchange's hash.
    let derive = |letter: u8| {
        let mut k = Vec::new();
        put_mpint(&mut k, &shared);
        Sha256::new()
            .chain_update(&k)
            .chain_update(&hash)
            .chain_update([letter])
            .chain_update(&hash)
            .finalize()
            .to_vec()
    };
    link.incoming = Some(Keys::new(&derive(b'C')[..16], &derive(b'A')[..16], derive(b'E')));
    link.outgoing = Some(Keys::new(&derive(b'D')[..16], &derive(b'B')[..16], derive(b'F')));

    let request = link.expect(5)?;
    let service = Reader(&request[1..]).string().to_vec();
    let mut accept = vec![6];
    put_string(&mut accept, &service);
    link.send(&accept)?;
    let methods = match answer {
        Answer::Methods(methods) => methods,
        Answer::Channels { path } => return session::serve(&mut link, path),
    };
    link.expect(50)?;
    let mut failure = vec![51];
    put_string(&mut failure, methods.as_bytes());
    failure.push(0);
    link.send(&failure)?;
    // The client goes away (a disconnect message, then EOF) once it has read.
    while link.recv().is_ok() {}
    Ok(())
}

/// One direction's keys after NEWKEYS: AES-128 in counter mode, HMAC-SHA-256.
struct Keys {
    aes: aes::Aes128,
    counter: [u8; 16],
    stream: [u8; 16],
    used: usize,
    mac_key: Vec<u8>,
}

impl Keys {
    fn new(key: &[u8], iv: &[u8], mac_key: Vec<u8>) -> Keys {
        let aes = aes::Aes128::new(GenericArray::from_slice(key));
        let counter = iv.try_into().expect("16-byte IV");
        Keys { aes, counter, stream: [0; 16], used: 16, mac_key }
    }

    /// XORs the key stream into `data` (encrypting and decrypting alike).
    fn apply(&mut self, data: &mut [u8]) {
        for byte in data {
            if self.used == 16 {
                let mut block = GenericArray::from(self.counter);
                self.aes.encrypt_block(&mut block);
                self.stream = block.into();
                self.used = 0;
                for c in self.counter.iter_mut().rev() {
                    *c = c.wrapping_add(1);
                    if *c != 0 {
                        break;
                    }
                }
            }
            *byte ^= self.stream[self.used];
            self.used += 1;
        }
    }

    /// HMAC-SHA-256 (RFC 2104) of `parts` under this direction's MAC key.
    fn mac(&self, parts: &[&[u8]]) -> Vec<u8> {
        let mut key = [0u8; 64];
        key[..self.mac_key.len()].copy_from_slice(&self.mac_key);
        let mut inner = Sha256::new().chain_update(key.map(|b| b ^ 0x36));
        for part in parts {
            inner.update(part);
        }
        let outer =
            Sha256::new().chain_update(key.map(|b| b ^ 0x5c)).chain_update(inner.finalize());
        outer.finalize().to_vec()
    }
}

/// The binary packet protocol over one connection.
struct Link {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    sent: u32,
    incoming: Option<Keys>,
    outgoing: Option<Keys>,
}

impl Link {
    fn new(stream: TcpStream) -> Link {
        let writer = stream.try_clone().expect("clone stream");
        Link { reader: BufReader::new(stream), writer, sent: 0, incoming: None, outgoing: None }
    }

    fn write_raw(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.writer.write_all(bytes).map_err(|e| format!("write: {e}"))
    }

    /// The client's version line, without its CR LF (empty at EOF).
    fn read_version(&mut self) -> Result<Vec<u8>, String> {
        let mut line = Vec::new();
        self.reader.read_until(b'\n', &mut line).map_err(|e| format!("version: {e}"))?;
        while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            line.pop();
        }
        Ok(line)
    }

    fn send(&mut self, payload: &[u8]) -> Result<(), String> {
        let block = if self.outgoing.is_some() { 16 } else { 8 };
        let mut padding = block - (5 + payload.len()) % block;
        if padding < 4 {
            padding += block;
        }
        let length = u32::try_from(1 + payload.len() + padding).expect("small packet");
        let mut packet = length.to_be_bytes().to_vec();
        packet.push(u8::try_from(padding).expect("small padding"));
        packet.extend_from_slice(payload);
        packet.resize(packet.len() + padding, 0);
        if let Some(keys) = &mut self.outgoing {
            let mac = keys.mac(&[&self.sent.to_be_bytes(), &packet]);
            keys.apply(&mut packet);
            packet.extend(mac);
        }
        self.sent = self.sent.wrapping_add(1);
        self.write_raw(&packet)
    }

    /// The next packet's payload (ignore and debug messages skipped).
    fn recv(&mut self) -> Result<Vec<u8>, String> {
        loop {
            let first = if self.incoming.is_some() { 16 } else { 4 };
            let mut head = vec![0; first];
            self.read(&mut head)?;
            if let Some(keys) = &mut self.incoming {
                keys.apply(&mut head);
            }
            let length = u32::from_be_bytes(head[..4].try_into().expect("4 bytes")) as usize;
            if !(5..=35_000).contains(&length) || 4 + length < first {
                return Err(format!("bad packet length {length}"));
            }
            let mut rest = vec![0; 4 + length - first];
            self.read(&mut rest)?;
            if let Some(keys) = &mut self.incoming {
                keys.apply(&mut rest);
                let mut mac = [0; 32];
                self.read(&mut mac)?;
            }
            head.extend(rest);
            let padding = usize::from(head[4]);
            let payload = head.get(5..4 + length - padding).ok_or("bad padding")?.to_vec();
            if !matches!(payload.first(), Some(2 | 4)) {
                return Ok(payload);
            }
        }
    }

    fn read(&mut self, buf: &mut [u8]) -> Result<(), String> {
        self.reader.read_exact(buf).map_err(|e| format!("read: {e}"))
    }

    /// The next packet, which must be message `kind`.
    fn expect(&mut self, kind: u8) -> Result<Vec<u8>, String> {
        let payload = self.recv()?;
        match payload.first() {
            Some(&k) if k == kind => Ok(payload),
            other => Err(format!("expected message {kind}, got {other:?}")),
        }
    }
}

/// Reading SSH wire types from a byte slice (panics on malformed input:
/// this is the test's own server reading a well-behaved client or key).
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn u32(&mut self) -> u32 {
        let (head, rest) = self.0.split_at(4);
        self.0 = rest;
        u32::from_be_bytes(head.try_into().expect("4 bytes"))
    }

    fn string(&mut self) -> &'a [u8] {
        let length = self.u32() as usize;
        let (head, rest) = self.0.split_at(length);
        self.0 = rest;
        head
    }

    fn mpint(&mut self) -> BigUint {
        BigUint::from_bytes_be(self.string())
    }
}

fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&u32::try_from(bytes.len()).expect("short").to_be_bytes());
    out.extend_from_slice(bytes);
}

/// A non-negative mpint: big-endian, a zero byte first when the top bit is set.
fn put_mpint(out: &mut Vec<u8>, n: &BigUint) {
    let mut bytes = if *n == BigUint::ZERO { Vec::new() } else { n.to_bytes_be() };
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    put_string(out, &bytes);
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0; N];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .expect("read /dev/urandom");
    bytes
}
