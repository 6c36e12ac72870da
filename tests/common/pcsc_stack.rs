//! A real PC/SC stack for end-to-end tests: pcscd (with vsmartcard's vpcd driver) started in
//! the foreground, `myna-audit emulate` serving fixtures as the card, readiness checked
//! through PC/SC. Every process is stopped by its own PID when its guard drops, also when a
//! test fails. Only one pcscd can run per machine, so [`Stack::start`] serialises its users.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use pcsc::{Context, ReaderState, Scope, State};

use super::{BIN, Run, myna};

/// The reader pcscd's vpcd driver shows for its first slot (port 35963).
pub const READER: &str = "Virtual PCD 00 00";
/// The second slot (port 35964: `emulate --vpcd 127.0.0.1:35964`).
pub const READER_2: &str = "Virtual PCD 00 01";
/// The daemon's socket: fixed at build time in pcsc-lite 1.9.9.
const PCSCD_SOCKET: &str = "/run/pcscd/pcscd.comm";
const VPCD_CONF: &str = "/etc/reader.conf.d/vpcd";
const INSTALL: &str = "install them with `sudo apt-get install pcscd vsmartcard-vpcd` \
                       (or run scripts/setup-debian.sh)";

/// Tests using pcscd take this lock for their whole run.
static PCSCD_LOCK: Mutex<()> = Mutex::new(());

/// A child process stopped (SIGTERM, then SIGKILL) when dropped.
pub struct Proc {
    pub name: String,
    child: Child,
    status: Option<ExitStatus>,
    /// Lines the process wrote to stderr so far (when captured).
    lines: Option<Arc<(Mutex<Vec<String>>, Condvar)>>,
    pub log: PathBuf,
}

impl Proc {
    pub fn pid(&self) -> Pid {
        Pid::from_raw(self.child.id() as i32)
    }

    pub fn signal(&self, sig: Signal) {
        if self.status.is_none() {
            let _ = kill(self.pid(), sig);
        }
    }

    /// The exit status if it has ended by `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(s) = self.status {
                return Some(s);
            }
            if let Ok(Some(s)) = self.child.try_wait() {
                self.status = Some(s);
                return Some(s);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until a stderr line satisfies `pred`; returns it.
    pub fn wait_line(&self, timeout: Duration, pred: impl Fn(&str) -> bool) -> Option<String> {
        let lines = self.lines.as_ref()?;
        let (lock, cv) = &**lines;
        let deadline = Instant::now() + timeout;
        let mut seen = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(l) = seen.iter().find(|l| pred(l)) {
                return Some(l.clone());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            seen = cv
                .wait_timeout(seen, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Waits until `n` output lines satisfy `pred`; returns how many did.
    pub fn wait_count(&self, n: usize, timeout: Duration, pred: impl Fn(&str) -> bool) -> usize {
        let Some(lines) = self.lines.as_ref() else {
            return 0;
        };
        let (lock, cv) = &**lines;
        let deadline = Instant::now() + timeout;
        let mut seen = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let count = seen.iter().filter(|l| pred(l)).count();
            let left = deadline.saturating_duration_since(Instant::now());
            if count >= n || left.is_zero() {
                return count;
            }
            seen = cv
                .wait_timeout(seen, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Everything written to stdout and stderr so far.
    pub fn stderr(&self) -> String {
        match &self.lines {
            Some(l) => l.0.lock().unwrap_or_else(|e| e.into_inner()).join("\n"),
            None => std::fs::read_to_string(&self.log).unwrap_or_default(),
        }
    }

    /// Stops the process: SIGTERM, then SIGKILL after a grace period.
    pub fn stop(&mut self) -> Option<ExitStatus> {
        self.signal(Signal::SIGTERM);
        if let Some(s) = self.wait_exit(Duration::from_secs(3)) {
            return Some(s);
        }
        let _ = self.child.kill();
        self.wait_exit(Duration::from_secs(3))
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.status.is_none() && self.stop().is_none() {
            eprintln!(
                "warning: {} (pid {}) did not stop",
                self.name,
                self.child.id()
            );
        }
    }
}

/// Spawns `cmd` with stdout and stderr captured line by line (also copied to `log`).
fn spawn_captured(name: &str, mut cmd: Command, log: PathBuf) -> Proc {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
    let lines = Arc::new((Mutex::new(Vec::new()), Condvar::new()));
    let file = Arc::new(Mutex::new(File::create(&log).expect("log file")));
    let streams: [Box<dyn Read + Send>; 2] = [
        Box::new(child.stdout.take().expect("piped stdout")),
        Box::new(child.stderr.take().expect("piped stderr")),
    ];
    for stream in streams {
        let sink = Arc::clone(&lines);
        let file = Arc::clone(&file);
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = writeln!(file.lock().unwrap_or_else(|e| e.into_inner()), "{line}");
                let (lock, cv) = &*sink;
                lock.lock().unwrap_or_else(|e| e.into_inner()).push(line);
                cv.notify_all();
            }
        });
    }
    Proc {
        name: name.into(),
        child,
        status: None,
        lines: Some(lines),
        log,
    }
}

/// The CLI, as a user runs it, with a clean PC/SC environment.
pub fn cli(args: &[&str]) -> super::Command {
    let mut c = myna(args);
    c.env_remove("PCSCLITE_CSOCK_NAME");
    c
}

/// [`cli`] for a process that runs in the background (signalled, waited for with
/// [`super::wait_run`]): `assert_cmd` runs a command only to its end.
pub fn cli_process(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .env("NO_COLOR", "1")
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("PCSCLITE_CSOCK_NAME");
    c
}

/// Runs a system tool, failing with an install hint when it is missing.
pub fn tool(program: &str, args: &[&str], package: &str) -> Run {
    let start = Instant::now();
    let out = Command::new(program)
        .args(args)
        .env_remove("PCSCLITE_CSOCK_NAME")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {program} ({e}): install the Debian package `{package}`")
        });
    Run::from_output(out, start.elapsed())
}

/// `$CARGO_TARGET_TMPDIR/e2e/<test>`: logs of pcscd and the emulators.
pub fn log_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("e2e")
        .join(test);
    std::fs::create_dir_all(&dir).expect("log dir");
    dir
}

/// pcscd for one test, and the lock that keeps other tests from starting theirs.
pub struct Stack {
    // Field order is drop order: the daemon stops before the lock is released.
    pub pcscd: Proc,
    pub dir: PathBuf,
    _lock: MutexGuard<'static, ()>,
}

fn pid_alive(pid: i32) -> bool {
    // A zombie still passes kill(pid, 0): read its state letter instead.
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

/// The pcscd binary: on PATH, or in an sbin directory (not on a normal user's PATH).
fn pcscd_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from))
        .map(|d| d.join("pcscd"))
        .find(|p| p.is_file())
}

/// Fails the test (with what to do) when the machine cannot host the harness's pcscd.
fn preflight() {
    assert!(pcscd_path().is_some(), "pcscd is not installed: {INSTALL}");
    assert!(
        Path::new(VPCD_CONF).exists(),
        "the vpcd driver is not installed ({VPCD_CONF} is missing): {INSTALL}"
    );
    assert!(
        std::env::var_os("PCSCLITE_CSOCK_NAME").is_none(),
        "PCSCLITE_CSOCK_NAME is set: unset it, the end-to-end tests use pcscd's default socket"
    );
    let pid = std::fs::read_to_string("/run/pcscd/pcscd.pid")
        .ok()
        .and_then(|s| {
            s.trim_matches(|c: char| c == '\0' || c.is_whitespace())
                .parse::<i32>()
                .ok()
        });
    if let Some(pid) = pid.filter(|p| pid_alive(*p)) {
        panic!(
            "a pcscd not started by the test harness is running (pid {pid}); only one pcscd can run \
             per machine. Stop it (`sudo systemctl stop pcscd.socket pcscd.service`, or `sudo kill {pid}`) \
             and run the tests again."
        );
    }
    // A socket that accepts connections with no live pcscd behind it: systemd's pcscd.socket.
    if std::os::unix::net::UnixStream::connect(PCSCD_SOCKET).is_ok() {
        panic!(
            "something (systemd's pcscd.socket?) listens on {PCSCD_SOCKET}; only one pcscd can run per \
             machine. Stop it (`sudo systemctl stop pcscd.socket pcscd.service`) and run the tests again."
        );
    }
}

impl Stack {
    /// Takes the pcscd lock, checks the machine, starts `pcscd --foreground` and waits until
    /// it lists the vpcd reader.
    pub fn start(test: &str) -> Stack {
        let lock = PCSCD_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        preflight();
        let dir = log_dir(test);
        let pcscd = start_pcscd(&dir.join("pcscd.log"), None);
        Stack {
            pcscd,
            dir,
            _lock: lock,
        }
    }

    /// Like [`Stack::start`], but pcscd reads an empty reader configuration: a pcscd
    /// without the vpcd driver.
    pub fn start_without_vpcd(test: &str) -> Stack {
        let lock = PCSCD_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        preflight();
        let dir = log_dir(test);
        let conf = dir.join("reader.conf.d");
        std::fs::create_dir_all(&conf).expect("empty reader.conf.d");
        let pcscd = start_pcscd(&dir.join("pcscd.log"), Some(&conf));
        Stack {
            pcscd,
            dir,
            _lock: lock,
        }
    }

    /// Stops pcscd and starts a new one (as a system restart of the service would).
    pub fn restart_pcscd(&mut self) {
        self.pcscd.stop();
        self.pcscd = start_pcscd(&self.dir.join("pcscd-restarted.log"), None);
    }

    /// Starts `myna-audit emulate FIXTURE EXTRA...` (stderr captured) and waits until
    /// pcscd shows the card in the reader.
    pub fn emulate(&self, fixture: &Path, extra: &[&str]) -> Proc {
        let em = self.emulate_no_wait(fixture, extra);
        if let Err(e) = wait_card(true, Duration::from_secs(10)) {
            panic!(
                "the emulated card did not appear: {e}\nemulator stderr:\n{}",
                em.stderr()
            );
        }
        em
    }

    pub fn emulate_no_wait(&self, fixture: &Path, extra: &[&str]) -> Proc {
        let stem = fixture
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut cmd = cli_process(&["emulate"]);
        cmd.arg(fixture).args(extra);
        let log = self.dir.join(format!("emulate-{stem}.log"));
        spawn_captured(&format!("emulate {stem}"), cmd, log)
    }
}

/// Starts `pcscd --foreground` and waits until it lists the vpcd reader, or (with a
/// reader.conf.d of its own) until it accepts PC/SC clients.
fn start_pcscd(log: &Path, conf_dir: Option<&Path>) -> Proc {
    let mut cmd = Command::new(pcscd_path().expect("pcscd (checked by preflight)"));
    cmd.arg("--foreground");
    if let Some(dir) = conf_dir {
        cmd.arg("--config").arg(dir);
    }
    if std::env::var_os("MYNA_E2E_PCSCD_DEBUG").is_some() {
        cmd.args(["--debug", "--apdu"]);
    }
    let mut pcscd = spawn_captured("pcscd", cmd, log.to_path_buf());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = pcscd.wait_exit(Duration::ZERO) {
            let hint = if nix::unistd::geteuid().is_root() {
                ""
            } else {
                "\npcscd must create /run/pcscd/pcscd.comm: run the tests as root (as CI does), or \
                 give your user that directory once: `sudo install -d -o $USER /run/pcscd`"
            };
            panic!(
                "pcscd exited at once ({status}); its log:\n{}{hint}",
                pcscd.stderr()
            );
        }
        let listed = Context::establish(Scope::User)
            .and_then(|c| c.list_readers_owned())
            .map(|r| r.iter().any(|n| n.to_string_lossy() == READER));
        match (&listed, conf_dir) {
            (Ok(true), None) => return pcscd,
            (Ok(_) | Err(pcsc::Error::NoReadersAvailable), Some(_)) => return pcscd,
            _ => {}
        }
        assert!(
            Instant::now() < deadline,
            "pcscd did not list the reader \"{READER}\" within 10 s ({listed:?}); is vsmartcard-vpcd \
             installed? pcscd log:\n{}",
            pcscd.stderr()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits through PC/SC (SCardGetStatusChange) until the reader has a card (`present`) or
/// is empty.
pub fn wait_card(present: bool, timeout: Duration) -> Result<Duration, String> {
    wait_reader(READER, present, timeout)
}

/// [`wait_card`] for any reader (e.g. [`READER_2`]).
pub fn wait_reader(reader: &str, present: bool, timeout: Duration) -> Result<Duration, String> {
    let start = Instant::now();
    let ctx = Context::establish(Scope::User).map_err(|e| format!("PC/SC: {e}"))?;
    let mut states = vec![ReaderState::new(
        std::ffi::CString::new(reader).expect("reader name"),
        State::UNAWARE,
    )];
    loop {
        let left = timeout.saturating_sub(start.elapsed());
        match ctx.get_status_change(left, &mut states) {
            Ok(()) => {}
            Err(pcsc::Error::Timeout) => {
                return Err(format!(
                    "reader still {:?} after {timeout:?}",
                    states[0].event_state()
                ));
            }
            Err(e) => return Err(format!("SCardGetStatusChange: {e}")),
        }
        let ev = states[0].event_state();
        let done = if present {
            ev.contains(State::PRESENT) && !ev.contains(State::MUTE)
        } else {
            ev.contains(State::EMPTY)
        };
        if done {
            return Ok(start.elapsed());
        }
        states[0].sync_current_state();
    }
}

/// Every shipped fixture, sorted.
pub fn shipped_fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("fixtures")
        .expect("fixtures/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "fixture"))
        .collect();
    v.sort();
    v
}
