//! Running the `netra` binary: one-shot commands with a time limit, and servers on a free port.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use netra_testkit::TestDb;
use sqlx::{AnyConnection, Connection};

/// The binary under test (a debug build under `cargo test`).
pub const BIN: &str = env!("CARGO_BIN_EXE_netra");

/// Time limit of one command; generous because the binary is a debug build and CI machines are slow.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);
/// Time limit for a server to print its address (covers `--demo`, ~3 s in a debug build).
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(120);
/// Time limit for one HTTP request and for a server to stop after SIGINT.
pub const SHORT_TIMEOUT: Duration = Duration::from_secs(20);

/// How often a deadline-bounded wait looks again.
const POLL: Duration = Duration::from_millis(10);

/// A `netra` command with a clean environment: the variables the CLI reads are removed so a
/// developer's `DATABASE_URL` or `NETRA_DATA` can never point a test at a real database.
pub fn netra_command<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args);
    for var in
        ["DATABASE_URL", "NETRA_DATA", "NETRA_SEAL_KEY", "NETRA_CASE_NUMBER_TEMPLATE", "NETRA_BAWASLU_REGION_MAP"]
    {
        c.env_remove(var);
    }
    c.env("NETRA_LOG", "info").env("NO_COLOR", "1").stdin(Stdio::null());
    c
}

/// What a finished command did.
pub struct Output {
    pub command: String,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` exited with {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.command, self.status, self.stdout, self.stderr
        )
    }
}

impl Output {
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Asserts exit code 0.
    #[track_caller]
    pub fn success(self) -> Output {
        assert!(self.status.success(), "expected success, got:\n{self}");
        self
    }

    /// Asserts a non-zero exit code (a normal exit, not a crash by signal).
    #[track_caller]
    pub fn failure(self) -> Output {
        assert!(matches!(self.code(), Some(c) if c != 0), "expected a non-zero exit code, got:\n{self}");
        self
    }

    /// Asserts that stderr contains every one of `needles`.
    #[track_caller]
    pub fn stderr_has(self, needles: &[&str]) -> Output {
        for n in needles {
            assert!(self.stderr.contains(n), "stderr should contain {n:?}:\n{self}");
        }
        self
    }

    /// Asserts that stdout contains every one of `needles`.
    #[track_caller]
    pub fn stdout_has(self, needles: &[&str]) -> Output {
        for n in needles {
            assert!(self.stdout.contains(n), "stdout should contain {n:?}:\n{self}");
        }
        self
    }

    /// Stdout parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{self}"))
    }
}

fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn read_all<R: Read + Send + 'static>(r: R) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = BufReader::new(r).read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

/// Waits for `child` until `deadline`; `None` when it is still running then.
fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        if let Some(status) = child.try_wait().expect("waiting for a netra process") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(POLL);
    }
}

/// Runs `cmd` to completion within `timeout` (killed and reported otherwise).
pub fn run_with_timeout(mut cmd: Command, timeout: Duration) -> Output {
    let command = describe(&cmd);
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start `{command}`: {e}"));
    let out = read_all(child.stdout.take().expect("piped stdout"));
    let err = read_all(child.stderr.take().expect("piped stderr"));
    let status = wait_until(&mut child, Instant::now() + timeout);
    let timed_out = status.is_none();
    let status = status.unwrap_or_else(|| {
        let _ = child.kill();
        child.wait().expect("waiting for a killed netra process")
    });
    let output = Output { command, status, stdout: out.join().unwrap(), stderr: err.join().unwrap() };
    assert!(!timed_out, "command did not finish within {timeout:?}:\n{output}");
    output
}

/// Runs `netra ARGS` with no data folder or database (for commands that need neither).
pub fn netra(args: &[&str]) -> Output {
    run_with_timeout(netra_command(args), COMMAND_TIMEOUT)
}

/// One user's installation: a fresh data folder, and on PostgreSQL a fresh database.
pub struct Instance {
    data: tempfile::TempDir,
    pg: Option<TestDb>,
}

impl Instance {
    /// The embedded default: SQLite in `DIR/netra.db`, created by the binary itself.
    pub fn sqlite() -> Instance {
        Instance { data: temp_dir(), pg: None }
    }

    /// A fresh PostgreSQL database (`--database-url`), or `None` when `NETRA_TEST_PG_URL` is unset
    /// (panics under CI instead). The data folder still holds the sealing key.
    pub async fn postgres() -> Option<Instance> {
        let pg = TestDb::postgres().await?;
        Some(Instance { data: temp_dir(), pg: Some(pg) })
    }

    pub fn engine(&self) -> &'static str {
        if self.pg.is_some() { "postgres" } else { "sqlite" }
    }

    pub fn data(&self) -> &Path {
        self.data.path()
    }

    /// The URL to open the database directly (`sqlite://DIR/netra.db` or the PostgreSQL URL).
    pub fn database_url(&self) -> String {
        match &self.pg {
            Some(t) => t.url.clone(),
            None => format!("sqlite://{}", self.data().join("netra.db").display()),
        }
    }

    /// `netra --data DIR [--database-url URL] ARGS`.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut all: Vec<String> = vec!["--data".into(), self.data().display().to_string()];
        if let Some(t) = &self.pg {
            all.extend(["--database-url".into(), t.url.clone()]);
        }
        all.extend(args.iter().map(|s| (*s).to_owned()));
        netra_command(&all)
    }

    /// Runs `netra ARGS` against this installation.
    pub fn run(&self, args: &[&str]) -> Output {
        run_with_timeout(self.command(args), COMMAND_TIMEOUT)
    }

    /// Starts `netra serve --listen 127.0.0.1:0 ARGS` and waits for its address.
    pub fn serve(&self, args: &[&str]) -> Server {
        let mut all = vec!["serve", "--listen", "127.0.0.1:0"];
        all.extend_from_slice(args);
        static N: AtomicUsize = AtomicUsize::new(0);
        let log = self.data().join(format!("serve-{}.stderr.log", N.fetch_add(1, Ordering::Relaxed)));
        Server::start(self.command(&all), log)
    }

    /// A direct connection to the database, as an intruder with file or SQL access would have.
    pub async fn connect(&self) -> AnyConnection {
        sqlx::any::install_default_drivers();
        let url = self.database_url();
        AnyConnection::connect(&url).await.unwrap_or_else(|e| panic!("cannot open {url} directly: {e}"))
    }

    /// Drops the PostgreSQL database now; the data folder goes with `self`.
    pub async fn close(self) {
        if let Some(t) = self.pg {
            t.close().await;
        }
    }
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("netra-cli-").tempdir().expect("a temporary data folder")
}

/// A running `netra serve`, killed when dropped.
pub struct Server {
    child: Child,
    command: String,
    log: PathBuf,
    /// `http://127.0.0.1:PORT`, as printed by the server.
    pub base: String,
    pub http: reqwest::Client,
}

const LISTENING: &str = "Netra listening on ";

impl Server {
    fn start(mut cmd: Command, log: PathBuf) -> Server {
        let command = describe(&cmd);
        let log_file = std::fs::File::create(&log).expect("server log file");
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{command}`: {e}"));
        // A thread forwards stdout lines; it keeps draining the pipe for the server's whole life.
        let (tx, rx) = mpsc::channel::<String>();
        let stdout = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    // Nobody listens any more; keep reading so the server never blocks on stdout.
                    continue;
                }
            }
        });
        let http = reqwest::Client::builder().no_proxy().timeout(SHORT_TIMEOUT).build().expect("HTTP client");
        let mut server = Server { child, command, log, base: String::new(), http };
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => match line.strip_prefix(LISTENING) {
                    Some(url) => {
                        server.base = url.trim().to_owned();
                        break;
                    }
                    None => seen.push(line),
                },
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    panic!(
                        "`{}` did not print its address within {STARTUP_TIMEOUT:?}:\n{}",
                        server.command,
                        server.log()
                    )
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = wait_until(&mut server.child, Instant::now() + SHORT_TIMEOUT);
                    panic!(
                        "`{}` closed stdout before printing its address (exit: {status:?}); stdout: {seen:?}\n{}",
                        server.command,
                        server.log()
                    )
                }
            }
        }
        assert!(
            server.base.starts_with("http://127.0.0.1:") && !server.base.ends_with(":0"),
            "unexpected address line `{LISTENING}{}`",
            server.base
        );
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The server's stderr so far (for failure messages).
    pub fn log(&self) -> String {
        format!(
            "--- server stderr ({}) ---\n{}",
            self.log.display(),
            std::fs::read_to_string(&self.log).unwrap_or_default()
        )
    }

    /// GET `path`, with a bearer token when given: (status, headers, body).
    pub async fn get(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> (reqwest::StatusCode, reqwest::header::HeaderMap, String) {
        let mut req = self.http.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap_or_else(|e| panic!("GET {path} failed: {e}\n{}", self.log()));
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.text().await.unwrap_or_else(|e| panic!("GET {path}: reading the body failed: {e}"));
        (status, headers, body)
    }

    /// Polls `/healthz` until it answers 200 (bounded by [`STARTUP_TIMEOUT`]) and returns its JSON.
    pub async fn wait_healthy(&self) -> serde_json::Value {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            let last = match self.http.get(self.url("/healthz")).send().await {
                Ok(r) if r.status() == reqwest::StatusCode::OK => {
                    let body = r.text().await.expect("healthz body");
                    return serde_json::from_str(&body).unwrap_or_else(|e| panic!("healthz is not JSON ({e}): {body}"));
                }
                Ok(r) => format!("status {}", r.status()),
                Err(e) => e.to_string(),
            };
            assert!(
                Instant::now() < deadline,
                "/healthz not 200 within {STARTUP_TIMEOUT:?} (last: {last})\n{}",
                self.log()
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// Stops the server the hard way (SIGKILL), as a crash or `kill -9` would.
    pub fn kill(mut self) {
        self.child.kill().expect("killing the server");
        self.child.wait().expect("reaping the server");
    }

    /// Sends SIGINT (Ctrl-C) and waits for the graceful shutdown; returns the exit status.
    pub fn interrupt(mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let kill = Command::new("kill").args(["-INT", &pid]).status().expect("running `kill -INT`");
        assert!(kill.success(), "`kill -INT {pid}` failed");
        let status = wait_until(&mut self.child, Instant::now() + SHORT_TIMEOUT);
        status.unwrap_or_else(|| panic!("server did not stop within {SHORT_TIMEOUT:?} after SIGINT\n{}", self.log()))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}
