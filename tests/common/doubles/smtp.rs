//! A minimal ESMTP server on 127.0.0.1:0, enough of RFC 5321 for lettre: the
//! greeting, EHLO/HELO, STARTTLS (RFC 3207) or TLS from the first byte, AUTH PLAIN
//! and LOGIN, MAIL FROM, RCPT TO, DATA with dot-unstuffing, RSET, NOOP and QUIT.
//!
//! - TLS uses a certificate for `localhost` and `127.0.0.1` issued by a CA made
//!   for this double ([`SmtpDouble::ca_pem`], [`SmtpDouble::write_ca`]).
//! - With credentials set, mail is refused (530) until AUTH succeeds; wrong
//!   credentials get 535. In STARTTLS mode AUTH is offered only after the upgrade.
//! - Per recipient or globally ([`Behaviour`]): accept, refuse at RCPT (550, 451,
//!   …), refuse after DATA (554, 452, …), or hang at RCPT; globally also: never
//!   greet ([`SmtpDouble::set_silent`]).
//! - Every accepted message is recorded with its envelope, raw text, unfolded
//!   headers and decoded MIME parts ([`Received`]); every command line too
//!   (passwords masked), and protocol mistakes of the client
//!   ([`SmtpDouble::problems`]).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

/// How the double protects connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain text only; STARTTLS is not offered.
    None,
    /// Plain text, with STARTTLS offered.
    StartTls,
    /// TLS from the first byte ("implicit TLS", as on port 465).
    Implicit,
}

/// What happens to mail for a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behaviour {
    Accept,
    /// Answer RCPT TO with this reply, e.g. `550 5.1.1 <x>: Recipient address rejected`.
    RefuseRecipient {
        code: u16,
        text: String,
    },
    /// Take RCPT TO, then answer the end of DATA with this reply.
    RefuseData {
        code: u16,
        text: String,
    },
    /// Never answer RCPT TO.
    Hang,
}

impl Behaviour {
    /// 550: the mailbox does not exist.
    pub fn no_such_mailbox() -> Self {
        Behaviour::RefuseRecipient {
            code: 550,
            text: "5.1.1 Recipient address rejected: User unknown".into(),
        }
    }

    /// 451: try again later (greylisting, a local problem).
    pub fn try_later() -> Self {
        Behaviour::RefuseRecipient {
            code: 451,
            text: "4.7.1 Greylisted, please try again later".into(),
        }
    }
}

/// One MIME part of a received message, decoded.
#[derive(Debug, Clone)]
pub struct Part {
    /// The `Content-Type` value, e.g. `text/plain; charset=utf-8`.
    pub content_type: String,
    pub transfer_encoding: String,
    /// The decoded body, line endings as sent (CRLF).
    pub body: String,
}

/// A message the double accepted.
#[derive(Debug, Clone)]
pub struct Received {
    /// The MAIL FROM address (without `<>`) and its parameters.
    pub mail_from: String,
    pub mail_params: String,
    pub rcpt_to: Vec<String>,
    /// Who authenticated, if anyone.
    pub auth_user: Option<String>,
    /// Whether the session was under TLS.
    pub tls: bool,
    /// The message as sent, dot-unstuffed, CRLF line endings.
    pub raw: String,
    /// Unfolded headers in order.
    pub headers: Vec<(String, String)>,
    /// The leaf parts (one for a single-part message).
    pub parts: Vec<Part>,
}

impl Received {
    /// The first header named `name` (any case), unfolded, encoded words decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| decode_words(v))
    }

    /// The first part whose type starts with `mime` (`text/plain`, `text/html`).
    pub fn part(&self, mime: &str) -> Option<&Part> {
        self.parts.iter().find(|p| {
            p.content_type
                .to_ascii_lowercase()
                .starts_with(&mime.to_ascii_lowercase())
        })
    }
}

struct Inner {
    mode: TlsMode,
    credentials: Option<(String, String)>,
    default: Behaviour,
    per_recipient: HashMap<String, Behaviour>,
    silent: bool,
    connections: usize,
    commands: Vec<String>,
    problems: Vec<String>,
    messages: Vec<Received>,
}

pub struct SmtpDouble {
    addr: SocketAddr,
    ca_pem: String,
    inner: Arc<Mutex<Inner>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpDouble {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A fresh CA and a server certificate for `localhost` and `127.0.0.1` issued by
/// it: (CA certificate PEM, server TLS configuration).
fn certificates() -> (String, Arc<rustls::ServerConfig>) {
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
        KeyUsagePurpose,
    };
    let ca_key = KeyPair::generate().expect("a key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "verifyd SMTP double CA");
    ca.distinguished_name = dn;
    let ca_cert = ca.self_signed(&ca_key).expect("a CA");
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().expect("a key");
    let mut leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .expect("params");
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "localhost");
    leaf.distinguished_name = dn;
    let cert = leaf.signed_by(&key, &issuer).expect("a certificate");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone(), ca_cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .expect("a server configuration");
    (ca_cert.pem(), Arc::new(config))
}

impl SmtpDouble {
    /// A server in `mode` that requires `credentials` (user, password) if given.
    pub async fn start(mode: TlsMode, credentials: Option<(&str, &str)>) -> Self {
        let (ca_pem, tls) = certificates();
        let inner = Arc::new(Mutex::new(Inner {
            mode,
            credentials: credentials.map(|(u, p)| (u.to_owned(), p.to_owned())),
            default: Behaviour::Accept,
            per_recipient: HashMap::new(),
            silent: false,
            connections: 0,
            commands: Vec::new(),
            problems: Vec::new(),
            messages: Vec::new(),
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("bound");
        let acceptor = TlsAcceptor::from(tls);
        let state = inner.clone();
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = state.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move { connection(stream, state, acceptor).await });
            }
        });
        Self {
            addr,
            ca_pem,
            inner,
            server,
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The PEM of the CA that issued the server's certificate.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// Writes the CA's PEM to `dir/ca.pem` and returns the path (for `ca_file`).
    pub fn write_ca(&self, dir: &Path) -> PathBuf {
        let path = dir.join("ca.pem");
        std::fs::write(&path, &self.ca_pem).expect("write the CA");
        path
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_behaviour(&self, b: Behaviour) {
        self.lock().default = b;
    }

    /// For mail to `address` (compared without case).
    pub fn set_behaviour_for(&self, address: &str, b: Behaviour) {
        self.lock()
            .per_recipient
            .insert(address.to_ascii_lowercase(), b);
    }

    /// Accept connections but never greet them.
    pub fn set_silent(&self, on: bool) {
        self.lock().silent = on;
    }

    pub fn messages(&self) -> Vec<Received> {
        self.lock().messages.clone()
    }

    /// Every command line received, in order, passwords masked.
    pub fn commands(&self) -> Vec<String> {
        self.lock().commands.clone()
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.lock().connections
    }

    pub fn problems(&self) -> Vec<String> {
        self.lock().problems.clone()
    }
}

async fn connection(stream: TcpStream, state: Arc<Mutex<Inner>>, acceptor: TlsAcceptor) {
    let (mode, silent) = {
        let mut g = state.lock().unwrap_or_else(|p| p.into_inner());
        g.connections += 1;
        (g.mode, g.silent)
    };
    if silent {
        // Keep the connection open and say nothing.
        let _keep = stream;
        std::future::pending::<()>().await;
        return;
    }
    if mode == TlsMode::Implicit {
        if let Ok(tls) = acceptor.accept(stream).await {
            let _ = dialogue(tls, true, &state, true).await;
        }
        return;
    }
    if let Some(plain) = dialogue(stream, false, &state, true).await
        && let Ok(tls) = acceptor.accept(plain).await
    {
        // After STARTTLS the client starts over with EHLO, without a greeting.
        let _ = dialogue(tls, true, &state, false).await;
    }
}

struct Session {
    helo: bool,
    auth_user: Option<String>,
    mail: Option<(String, String)>,
    rcpt: Vec<String>,
    refuse_data: Option<(u16, String)>,
}

/// Speaks SMTP on `stream` until QUIT or a broken connection; returns the stream
/// when the client asked for STARTTLS (and was told to go ahead).
async fn dialogue<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    secure: bool,
    state: &Arc<Mutex<Inner>>,
    greet: bool,
) -> Option<S> {
    let mut io = BufReader::new(stream);
    macro_rules! reply {
        ($($t:tt)*) => {
            if io.get_mut().write_all(format!($($t)*).as_bytes()).await.is_err() {
                return None;
            }
        };
    }
    let lock = || state.lock().unwrap_or_else(|p| p.into_inner());
    if greet {
        reply!("220 double.example ESMTP verifyd test double\r\n");
    }
    let mut s = Session {
        helo: false,
        auth_user: None,
        mail: None,
        rcpt: Vec::new(),
        refuse_data: None,
    };
    let mut line = String::new();
    loop {
        line.clear();
        match io.read_line(&mut line).await {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        if !line.ends_with("\r\n") {
            lock()
                .problems
                .push(format!("a line without CRLF: {line:?}"));
        }
        let cmd = line.trim_end_matches(['\r', '\n']).to_owned();
        let upper = cmd.to_ascii_uppercase();
        let verb = upper.split(' ').next().unwrap_or_default().to_owned();
        let masked = if verb == "AUTH" {
            cmd.split(' ').take(2).collect::<Vec<_>>().join(" ") + " ***"
        } else {
            cmd.clone()
        };
        lock().commands.push(masked);
        let (mode, credentials) = {
            let g = lock();
            (g.mode, g.credentials.clone())
        };
        match verb.as_str() {
            "EHLO" => {
                if cmd.len() <= 5 {
                    reply!("501 5.5.4 EHLO needs a domain\r\n");
                    continue;
                }
                s = Session {
                    helo: true,
                    auth_user: s.auth_user.take(),
                    mail: None,
                    rcpt: Vec::new(),
                    refuse_data: None,
                };
                let mut lines = vec![
                    "double.example".to_owned(),
                    "8BITMIME".into(),
                    "SMTPUTF8".into(),
                ];
                let offer_tls = mode == TlsMode::StartTls && !secure;
                if credentials.is_some() && !offer_tls {
                    lines.push("AUTH PLAIN LOGIN".into());
                }
                if offer_tls {
                    lines.push("STARTTLS".into());
                }
                let last = lines.len() - 1;
                for (i, l) in lines.iter().enumerate() {
                    let sep = if i == last { ' ' } else { '-' };
                    reply!("250{sep}{l}\r\n");
                }
            }
            "HELO" => {
                s.helo = true;
                reply!("250 double.example\r\n");
            }
            "STARTTLS" => {
                if mode == TlsMode::StartTls && !secure {
                    reply!("220 2.0.0 Ready to start TLS\r\n");
                    return Some(io.into_inner());
                }
                reply!("502 5.5.1 STARTTLS not available\r\n");
            }
            "AUTH" => {
                let Some((user, pass)) = credentials.clone() else {
                    reply!("502 5.5.1 AUTH not available\r\n");
                    continue;
                };
                if mode == TlsMode::StartTls && !secure {
                    lock().problems.push("AUTH before STARTTLS".into());
                    reply!(
                        "538 5.7.11 Encryption required for requested authentication mechanism\r\n"
                    );
                    continue;
                }
                let mut words = cmd.split(' ').skip(1);
                let mech = words.next().unwrap_or_default().to_ascii_uppercase();
                let initial = words.next().map(str::to_owned);
                let b64 = |s: &str| {
                    base64::engine::general_purpose::STANDARD
                        .decode(s.trim())
                        .ok()
                        .and_then(|b| String::from_utf8(b).ok())
                        .unwrap_or_default()
                };
                let (u, p) = match mech.as_str() {
                    "PLAIN" => {
                        let resp = match initial {
                            Some(i) => i,
                            None => {
                                reply!("334 \r\n");
                                let mut l = String::new();
                                if io.read_line(&mut l).await.unwrap_or(0) == 0 {
                                    return None;
                                }
                                l
                            }
                        };
                        let decoded = b64(&resp);
                        let mut f = decoded.split('\0');
                        let _authzid = f.next();
                        (
                            f.next().unwrap_or_default().to_owned(),
                            f.next().unwrap_or_default().to_owned(),
                        )
                    }
                    "LOGIN" => {
                        let user = match initial {
                            Some(i) => b64(&i),
                            None => {
                                reply!("334 VXNlcm5hbWU6\r\n");
                                let mut l = String::new();
                                if io.read_line(&mut l).await.unwrap_or(0) == 0 {
                                    return None;
                                }
                                b64(&l)
                            }
                        };
                        reply!("334 UGFzc3dvcmQ6\r\n");
                        let mut l = String::new();
                        if io.read_line(&mut l).await.unwrap_or(0) == 0 {
                            return None;
                        }
                        (user, b64(&l))
                    }
                    other => {
                        lock().problems.push(format!("AUTH {other}"));
                        reply!("504 5.5.4 Unrecognized authentication type\r\n");
                        continue;
                    }
                };
                if u == user && p == pass {
                    s.auth_user = Some(u);
                    reply!("235 2.7.0 Authentication successful\r\n");
                } else {
                    reply!("535 5.7.8 Error: authentication failed: bad credentials\r\n");
                }
            }
            "MAIL" => {
                if !s.helo {
                    lock().problems.push("MAIL before EHLO".into());
                    reply!("503 5.5.1 Error: send HELO/EHLO first\r\n");
                    continue;
                }
                if credentials.is_some() && s.auth_user.is_none() {
                    reply!("530 5.7.0 Authentication required\r\n");
                    continue;
                }
                let Some(rest) = upper.strip_prefix("MAIL FROM:") else {
                    reply!("501 5.5.4 Syntax: MAIL FROM:<address>\r\n");
                    continue;
                };
                let rest = &cmd[cmd.len() - rest.len()..];
                let (addr, params) = angle(rest);
                s.mail = Some((addr, params));
                s.rcpt.clear();
                s.refuse_data = None;
                reply!("250 2.1.0 Ok\r\n");
            }
            "RCPT" => {
                if s.mail.is_none() {
                    lock().problems.push("RCPT before MAIL".into());
                    reply!("503 5.5.1 Error: need MAIL command\r\n");
                    continue;
                }
                let Some(rest) = upper.strip_prefix("RCPT TO:") else {
                    reply!("501 5.5.4 Syntax: RCPT TO:<address>\r\n");
                    continue;
                };
                let (addr, _) = angle(&cmd[cmd.len() - rest.len()..]);
                let behaviour = {
                    let g = lock();
                    g.per_recipient
                        .get(&addr.to_ascii_lowercase())
                        .cloned()
                        .unwrap_or_else(|| g.default.clone())
                };
                match behaviour {
                    Behaviour::Accept => {
                        s.rcpt.push(addr);
                        reply!("250 2.1.5 Ok\r\n");
                    }
                    Behaviour::RefuseRecipient { code, text } => reply!("{code} {text}\r\n"),
                    Behaviour::RefuseData { code, text } => {
                        s.rcpt.push(addr);
                        s.refuse_data = Some((code, text));
                        reply!("250 2.1.5 Ok\r\n");
                    }
                    Behaviour::Hang => {
                        std::future::pending::<()>().await;
                    }
                }
            }
            "DATA" => {
                if s.rcpt.is_empty() {
                    lock().problems.push("DATA without recipients".into());
                    reply!("503 5.5.1 Error: need RCPT command\r\n");
                    continue;
                }
                reply!("354 End data with <CR><LF>.<CR><LF>\r\n");
                let mut raw = String::new();
                loop {
                    let mut l = String::new();
                    if io.read_line(&mut l).await.unwrap_or(0) == 0 {
                        return None;
                    }
                    if l == ".\r\n" {
                        break;
                    }
                    if !l.ends_with("\r\n") {
                        lock()
                            .problems
                            .push(format!("a DATA line without CRLF: {l:?}"));
                    }
                    // Dot-unstuffing (RFC 5321 4.5.2).
                    match l.strip_prefix('.') {
                        Some(rest) => raw.push_str(rest),
                        None => raw.push_str(&l),
                    }
                }
                if let Some((code, text)) = s.refuse_data.take() {
                    reply!("{code} {text}\r\n");
                } else {
                    let (mail_from, mail_params) = s.mail.clone().unwrap_or_default();
                    let (headers, parts) = parse_message(&raw);
                    lock().messages.push(Received {
                        mail_from,
                        mail_params,
                        rcpt_to: s.rcpt.clone(),
                        auth_user: s.auth_user.clone(),
                        tls: secure,
                        raw,
                        headers,
                        parts,
                    });
                    reply!("250 2.0.0 Ok: queued\r\n");
                }
                s.mail = None;
                s.rcpt.clear();
            }
            "RSET" => {
                s.mail = None;
                s.rcpt.clear();
                s.refuse_data = None;
                reply!("250 2.0.0 Ok\r\n");
            }
            "NOOP" => reply!("250 2.0.0 Ok\r\n"),
            "QUIT" => {
                reply!("221 2.0.0 Bye\r\n");
                let _ = io.get_mut().shutdown().await;
                return None;
            }
            _ => {
                lock().problems.push(format!("unknown command {cmd:?}"));
                reply!("502 5.5.2 Error: command not recognized\r\n");
            }
        }
    }
}

/// `<addr> PARAMS` → (addr, PARAMS).
fn angle(s: &str) -> (String, String) {
    let s = s.trim();
    match (s.find('<'), s.find('>')) {
        (Some(a), Some(b)) if a < b => (s[a + 1..b].to_owned(), s[b + 1..].trim().to_owned()),
        _ => (s.to_owned(), String::new()),
    }
}

/// Unfolded headers and the body of an entity.
fn split_entity(raw: &str) -> (Vec<(String, String)>, String) {
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .map(|(h, b)| (h.to_owned(), b.to_owned()))
        .unwrap_or_else(|| (raw.to_owned(), String::new()));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = headers.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    (headers, body)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn boundary(content_type: &str) -> Option<String> {
    let i = content_type.to_ascii_lowercase().find("boundary=")?;
    let b = &content_type[i + "boundary=".len()..];
    let b = b.split(';').next().unwrap_or_default().trim();
    Some(b.trim_matches('"').to_owned())
}

fn parse_message(raw: &str) -> (Vec<(String, String)>, Vec<Part>) {
    let (headers, body) = split_entity(raw);
    let mut parts = Vec::new();
    collect_parts(&headers, &body, &mut parts);
    (headers, parts)
}

fn collect_parts(headers: &[(String, String)], body: &str, out: &mut Vec<Part>) {
    let ct = header(headers, "content-type")
        .unwrap_or("text/plain")
        .to_owned();
    if ct.to_ascii_lowercase().starts_with("multipart/")
        && let Some(b) = boundary(&ct)
    {
        let delimiter = format!("--{b}");
        for chunk in body.split(&delimiter).skip(1) {
            if chunk.starts_with("--") {
                break;
            }
            let chunk = chunk.strip_prefix("\r\n").unwrap_or(chunk);
            let chunk = chunk.strip_suffix("\r\n").unwrap_or(chunk);
            let (h, b) = split_entity(chunk);
            collect_parts(&h, &b, out);
        }
        return;
    }
    let cte = header(headers, "content-transfer-encoding")
        .unwrap_or("7bit")
        .to_ascii_lowercase();
    let decoded = match cte.as_str() {
        "base64" => {
            let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .unwrap_or_default()
        }
        "quoted-printable" => quoted_printable(body),
        _ => body.to_owned(),
    };
    out.push(Part {
        content_type: ct,
        transfer_encoding: cte,
        body: decoded,
    });
}

fn quoted_printable(s: &str) -> String {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if bytes.get(i + 1) == Some(&b'\r') && bytes.get(i + 2) == Some(&b'\n') => i += 3,
            b'=' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            b'=' if i + 2 < bytes.len() + 1 => {
                let hex =
                    std::str::from_utf8(&bytes[i + 1..(i + 3).min(bytes.len())]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) if hex.len() == 2 => {
                        out.push(b);
                        i += 3;
                    }
                    _ => {
                        out.push(b'=');
                        i += 1;
                    }
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`).
pub fn decode_words(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let before = &rest[..start];
        // Whitespace between two encoded words is not part of the text.
        if !(last_was_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        let word = &rest[start + 2..];
        let mut fields = word.splitn(3, '?');
        let (Some(_charset), Some(enc), Some(tail)) = (fields.next(), fields.next(), fields.next())
        else {
            out.push_str(&rest[start..]);
            return out;
        };
        let Some(end) = tail.find("?=") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let text = &tail[..end];
        let decoded = if enc.eq_ignore_ascii_case("b") {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .unwrap_or_default()
        } else {
            quoted_printable(&text.replace('_', " "))
        };
        out.push_str(&decoded);
        last_was_word = true;
        rest = &tail[end + 2..];
    }
    out.push_str(rest);
    out
}
