//! `myna-audit fixture check FILE...`: the leak check (the library's
//! [`crate::fixture_check`]). Exit 0 clean, 1 on any leak, else 2 on any malformed or
//! unreadable file.

use std::path::PathBuf;

use super::emit;
use crate::error::Exit;
use crate::fixture_check::{Tally, check_file};

pub(super) fn check(files: &[PathBuf]) -> Exit {
    let mut tally = Tally::default();
    let mut out = String::new();
    for path in files {
        let problems = check_file(path);
        if problems.is_empty() {
            out.push_str(&format!("{}: ok\n", path.display()));
        }
        for p in &problems {
            let what = if p.leak { "leak" } else { "malformed" };
            eprintln!("{}:{}: {what}: {}", path.display(), p.line, p.message);
        }
        tally.add(&problems);
    }
    emit(&out);
    eprintln!(
        "fixture check: {} file(s), {} leak(s), {} format problem(s)",
        files.len(),
        tally.leaks,
        tally.malformed
    );
    tally.exit()
}
