//! Deterministic generator of the synthetic My Number Card fixtures in `fixtures/`.
//!
//! Everything is derived from fixed labels (see [`keys`]): no clock, no OS randomness, so
//! `generate()` returns the same bytes on every run and the committed files can be checked.
#![forbid(unsafe_code)]

pub mod cards;
pub mod content;
pub mod date;
pub mod der;
pub mod dump;
pub mod fixture;
pub mod jlis;
pub mod keys;
pub mod mynumber;
pub mod x509;

use std::fmt;

use rsa::RsaPrivateKey;

/// Why generation failed.
#[derive(Debug)]
pub enum Error {
    /// Key generation or signing failed for the key with this seed label.
    Rsa { label: String, source: rsa::Error },
    /// A card's dates are out of the calendar's range.
    Date {
        label: String,
        source: time::error::ComponentRange,
    },
    /// A key-generation thread died.
    Thread { label: String },
    /// A compiled-in PEM file did not decode.
    Pem { label: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Rsa { label, source } => write!(f, "RSA operation for {label:?}: {source}"),
            Error::Date { label, source } => write!(f, "dates of {label:?}: {source}"),
            Error::Thread { label } => write!(f, "key generation thread for {label:?} died"),
            Error::Pem { label } => write!(f, "{label} does not decode as one PEM certificate"),
        }
    }
}

impl std::error::Error for Error {}

/// One generated file: its name under `fixtures/` and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub name: String,
    pub text: String,
}

/// Generate RSA-2048 keys for `labels`, two at a time (keygen dominates the run time).
fn keygen_all(labels: &[String]) -> Result<Vec<RsaPrivateKey>, Error> {
    let mut keys = Vec::with_capacity(labels.len());
    for pair in labels.chunks(2) {
        let results: Vec<Result<RsaPrivateKey, Error>> = std::thread::scope(|s| {
            let handles: Vec<_> = pair
                .iter()
                .map(|label| (label, s.spawn(move || keys::rsa2048(label))))
                .collect();
            handles
                .into_iter()
                .map(|(label, h)| match h.join() {
                    Ok(Ok(key)) => Ok(key),
                    Ok(Err(source)) => Err(Error::Rsa {
                        label: label.clone(),
                        source,
                    }),
                    Err(_) => Err(Error::Thread {
                        label: label.clone(),
                    }),
                })
                .collect()
        });
        for r in results {
            keys.push(r?);
        }
    }
    Ok(keys)
}

/// Every fixture, in file-name order.
pub fn generate() -> Result<Vec<Output>, Error> {
    let cards = cards::myna_cards();
    let mut labels: Vec<String> = dump::CA_KEY_LABELS
        .iter()
        .map(|l| (*l).to_owned())
        .collect();
    labels.extend(cards.iter().map(dump::auth_key_label));
    let mut keys = keygen_all(&labels)?.into_iter();
    let (Some(auth), Some(sign), Some(test_auth), Some(test_sign)) =
        (keys.next(), keys.next(), keys.next(), keys.next())
    else {
        return Err(Error::Thread {
            label: "ca".to_owned(),
        });
    };
    let ca = dump::Authorities::new(dump::CaKeys {
        auth,
        sign,
        test_auth,
        test_sign,
    })?;

    let mut out = Vec::new();
    for (card, key) in cards.iter().zip(keys) {
        let text = dump::myna_card(card, &ca, &key)?;
        out.push(Output {
            name: card.file.to_owned(),
            text,
        });
    }
    out.push(Output {
        name: "not-my-number.fixture".to_owned(),
        text: dump::not_my_number(),
    });
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// What in `dir` differs from `outputs`: one line per file, empty when all match.
///
/// A generated file that is missing or differs is named, with the first differing line. A
/// `.fixture` file that says it was made by tools/fixturegen but is no longer generated is
/// named too; other files (e.g. redacted recordings) are left alone.
pub fn differences(dir: &std::path::Path, outputs: &[Output]) -> std::io::Result<Vec<String>> {
    let mut problems = Vec::new();
    for o in outputs {
        let path = dir.join(&o.name);
        match std::fs::read_to_string(&path) {
            Ok(on_disk) if on_disk == o.text => {}
            Ok(on_disk) => {
                let line = on_disk
                    .lines()
                    .zip(o.text.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or_else(|| on_disk.lines().count().min(o.text.lines().count()))
                    + 1;
                problems.push(format!(
                    "{}: differs from a fresh generation (first at line {line})",
                    path.display()
                ));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                problems.push(format!("{}: missing", path.display()));
            }
            Err(e) => return Err(e),
        }
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !name.ends_with(".fixture") || outputs.iter().any(|o| o.name == name) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if text.lines().any(|l| l == "kind: synthetic") && text.contains("tools/fixturegen") {
            problems.push(format!(
                "{}: made by tools/fixturegen but no longer generated",
                path.display()
            ));
        }
    }
    Ok(problems)
}
