//! `record`: the audit, recorded into a fixture that is safe to share.
//!
//! The audit runs exactly as `audit` runs it, with a [`Recorder`] under the read-only
//! guard. The recording is redacted in memory ([`redact`]) and only then written, to a
//! temporary file in the output's directory that is renamed into place: a failed
//! recording leaves no file behind.

pub mod redact;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use thiserror::Error;
use time::Date;

use crate::audit::{self, AuditOptions, AuditRun};
use crate::card::Session;
use crate::error::Diagnose;
use crate::fixture::{Fixture, FixtureKind};
use crate::transport::record::{Recorder, Recording};
use crate::transport::{ReadOnly, Transport};
pub use redact::RedactError;

/// Why a recording was not written.
#[derive(Debug, Error)]
pub enum RecordError {
    #[error("{} already exists", .path.display())]
    OutputExists { path: PathBuf },
    #[error("cannot write {}: {message}", .path.display())]
    Write { path: PathBuf, message: String },
    #[error("nothing was written to {}: {source}", .path.display())]
    Refused {
        path: PathBuf,
        #[source]
        source: RedactError,
    },
}

impl Diagnose for RecordError {
    fn code(&self) -> &'static str {
        match self {
            RecordError::OutputExists { .. } => "output-exists",
            RecordError::Write { .. } => "write-failed",
            RecordError::Refused { source, .. } => match source {
                RedactError::Personal { .. } => "personal-data",
                RedactError::Unrecognised { .. } => "unrecognised-structure",
                RedactError::SecretSent(_) => "secret-in-recording",
                RedactError::Leftover(_) => "redaction-incomplete",
            },
        }
    }

    fn hint(&self) -> &'static str {
        match self {
            RecordError::OutputExists { .. } => {
                "Choose another --output file, or pass --force to replace it."
            }
            RecordError::Write { .. } => {
                "Check that the output directory exists and is writable, and that the disk is not full."
            }
            RecordError::Refused { source, .. } => match source {
                RedactError::Personal { .. } => {
                    "The card answered, without any PIN, data that looks personal and that the redactor has no \
                     rule to replace, so no fixture was written (not even with --keep-identifiers). Please report \
                     which file the message names, never the data itself."
                }
                RedactError::Unrecognised { .. } => {
                    "A file that holds identifiers has a layout the redactor does not know. Record a private \
                     fixture with --keep-identifiers (never share it), and report the layout difference."
                }
                RedactError::SecretSent(_) => {
                    "This is a safety stop inside myna-audit: a PIN must never pass while recording. Please report it."
                }
                RedactError::Leftover(_) => {
                    "This is a safety stop inside myna-audit: redaction did not remove every identifier. Please report it."
                }
            },
        }
    }
}

/// How to build the fixture.
#[derive(Debug, Clone)]
pub struct RecordOptions {
    /// Keep the card's identifiers (a private fixture).
    pub keep_identifiers: bool,
    /// The recording date for the header.
    pub date: Date,
}

/// Where the fixture is written.
#[derive(Debug, Clone)]
pub struct Output {
    /// The fixture file.
    pub path: PathBuf,
    /// Replace an existing file.
    pub force: bool,
}

/// Runs the audit over `transport` while recording it; returns the audit and the fixture,
/// or why no fixture may be written.
pub fn record_audit<T: Transport>(
    transport: T,
    audit_opts: &AuditOptions,
    opts: &RecordOptions,
) -> (AuditRun, Result<Fixture, RedactError>) {
    // The recorder sits under the read-only guard: it sees only what may reach the card.
    let mut session = Session::new(ReadOnly::new(Recorder::new(transport)));
    let run = audit::run(&mut session, audit_opts);
    let recording = session.into_transport().into_recording();
    (run, build_fixture(recording, opts))
}

/// Turns a recording into a fixture: redacted, or checked and kept as is (private).
pub fn build_fixture(rec: Recording, opts: &RecordOptions) -> Result<Fixture, RedactError> {
    let mut notes = vec![format!(
        "Recorded from a card by `myna-audit record` ({} exchanges).",
        rec.exchanges.len()
    )];
    let (kind, exchanges, redacted) = if opts.keep_identifiers {
        redact::inspect(&rec.exchanges, rec.withheld_secrets)?;
        notes.push(
            "PRIVATE: recorded with --keep-identifiers, so it holds the card's real identifiers. \
             Keep it on your own machine; never commit or share it."
                .into(),
        );
        (FixtureKind::RecordedPrivate, rec.exchanges, Vec::new())
    } else {
        let r = redact::redact(&rec.exchanges, rec.withheld_secrets)?;
        notes.push(
            "Identifying values were replaced by synthetic ones of the same length and structure \
             (the redacted: lines). Run `myna-audit fixture check` on this file before sharing it."
                .into(),
        );
        (FixtureKind::RecordedRedacted, r.exchanges, r.declared)
    };
    Ok(Fixture {
        kind,
        reader: rec.reader,
        atr: rec.atr,
        notes,
        tool: Some(format!(
            "{} {}",
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION")
        )),
        date: Some(crate::decode::cert::iso_date(opts.date)),
        fictional: Vec::new(),
        redacted,
        exchanges,
    })
}

/// Refuses early (before the card is touched) an output that exists or has no directory.
pub fn check_output(output: &Output) -> Result<(), RecordError> {
    let path = output.path.as_path();
    if path.exists() && !output.force {
        return Err(RecordError::OutputExists {
            path: path.to_path_buf(),
        });
    }
    if path.is_dir() {
        return Err(RecordError::Write {
            path: path.to_path_buf(),
            message: "it is a directory".into(),
        });
    }
    let dir = directory(path);
    if !dir.is_dir() {
        return Err(RecordError::Write {
            path: path.to_path_buf(),
            message: format!("directory {} does not exist", dir.display()),
        });
    }
    Ok(())
}

fn directory(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes `text` to `path` through a temporary file in the same directory, renamed into
/// place; on any failure the temporary file is removed.
pub fn write_fixture(
    path: &Path,
    text: &str,
    force: bool,
    private: bool,
) -> Result<(), RecordError> {
    let fail = |message: String| RecordError::Write {
        path: path.to_path_buf(),
        message,
    };
    let name = path
        .file_name()
        .ok_or_else(|| fail("not a file name".into()))?;
    let tmp = directory(path).join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| -> std::io::Result<()> {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        if private {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = private;
        let mut f = o.open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()
    })();
    let result = written.map_err(|e| fail(e.to_string())).and_then(|()| {
        if !force && path.exists() {
            return Err(RecordError::OutputExists {
                path: path.to_path_buf(),
            });
        }
        std::fs::rename(&tmp, path).map_err(|e| fail(e.to_string()))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `record` once the card is open: audit, redact, write. Returns the audit and the fixture
/// written (`None` when the audit did not finish: then nothing is written), or why no
/// fixture could be written. Prints nothing.
pub fn record_to_file<T: Transport>(
    transport: T,
    audit_opts: &AuditOptions,
    opts: &RecordOptions,
    output: &Output,
) -> (AuditRun, Result<Option<Fixture>, RecordError>) {
    let (run, fixture) = record_audit(transport, audit_opts, opts);
    if run.error.is_some() {
        return (run, Ok(None));
    }
    let written = fixture
        .map_err(|source| RecordError::Refused {
            path: output.path.clone(),
            source,
        })
        .and_then(|f| {
            write_fixture(
                &output.path,
                &f.to_text(),
                output.force,
                opts.keep_identifiers,
            )?;
            Ok(Some(f))
        });
    (run, written)
}
