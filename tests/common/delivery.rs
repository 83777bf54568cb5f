//! A delivery config file (`--config`) and the flags that load it, with the callback
//! ingress on a free loopback port.

/// A loopback port nothing listens on now, for `--callback-listen` (the public URL
/// handed to providers must be known before the server binds it).
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A delivery config file and the flags that load it, with callbacks on `port`.
pub struct Delivery {
    _dir: tempfile::TempDir,
    pub flags: Vec<String>,
    pub port: u16,
}

impl Delivery {
    /// `providers` is the TOML of the provider tables; `[callbacks]` is added, and
    /// the sandbox for every channel `providers` leaves out (a config routes each
    /// channel it serves).
    pub fn new(providers: &str) -> Self {
        let mut providers = providers.to_owned();
        for ch in ["telegram", "whatsapp", "voice", "sms", "email"] {
            if !providers.contains(&format!("[[{ch}]]")) {
                providers.push_str(&format!("\n[[{ch}]]\nprovider = \"sandbox\"\n"));
            }
        }
        let port = free_port();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("delivery.toml");
        std::fs::write(
            &path,
            format!("[callbacks]\npublic_url = \"http://127.0.0.1:{port}\"\n\n{providers}"),
        )
        .unwrap();
        let flags = vec![
            "--config".into(),
            path.display().to_string(),
            "--callback-listen".into(),
            format!("127.0.0.1:{port}"),
        ];
        Self {
            _dir: dir,
            flags,
            port,
        }
    }

    pub fn flags(&self) -> Vec<&str> {
        self.flags.iter().map(String::as_str).collect()
    }

    /// Where a provider posts its callbacks.
    pub fn url(&self, provider: &str) -> String {
        format!("http://127.0.0.1:{}/callbacks/{provider}", self.port)
    }
}
