//! Keeps generated documentation equal to the code it describes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

#[test]
fn chip_map_doc_is_current() {
    let want = myna_audit::card::chipmap::markdown();
    let path = "docs/chip-map.md";
    if std::env::var_os("MYNA_AUDIT_UPDATE_DOCS").is_some() {
        std::fs::write(path, &want).expect("write docs/chip-map.md");
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "docs/chip-map.md is out of date with src/chipmap.rs: run `MYNA_AUDIT_UPDATE_DOCS=1 cargo test --test docs`"
    );
}
