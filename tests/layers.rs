//! The CLI sits on top of the library and nothing below it uses it: outside `src/cli/`
//! and `src/main.rs`, no source file names `crate::cli` (docs: lib.rs, "Layers").

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_the_cli_and_main_use_the_cli() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 20, "{files:?}");
    assert!(files.contains(&src.join("cli/mod.rs")), "{files:?}");
    let offenders: Vec<String> = files
        .iter()
        .filter(|p| !p.starts_with(src.join("cli")) && *p != &src.join("main.rs"))
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            // A path (`crate::cli::...`) or a grouped import (`crate::{cli, ...}`).
            text.contains("crate::cli") || text.contains("crate::{cli")
        })
        .map(|p| p.strip_prefix(&src).unwrap().display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "the library must not use the CLI (return a typed error or take options instead): {offenders:?}"
    );
}
