//! `myna-audit completions SHELL` and `myna-audit man`, run through the real binary: every
//! script names every command (and bash's every option) and is valid bash; the manual page
//! has a section for every command and formats without a warning under groff and man.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use clap::CommandFactory;
use common::{Run, myna, run};
use myna_audit::cli::Cli;

/// Every command, nested ones as "fixture check", from the CLI's own definition.
fn commands() -> Vec<(String, clap::Command)> {
    fn walk(prefix: &str, cmd: &clap::Command, out: &mut Vec<(String, clap::Command)>) {
        for sub in cmd.get_subcommands() {
            let name = format!("{prefix}{}", sub.get_name()).trim().to_string();
            out.push((name.clone(), sub.clone()));
            walk(&format!("{name} "), sub, out);
        }
    }
    let mut out = Vec::new();
    walk("", &Cli::command(), &mut out);
    assert!(
        out.len() >= 8,
        "{:?}",
        out.iter().map(|c| &c.0).collect::<Vec<_>>()
    );
    out
}

fn completions(shell: &str) -> Run {
    let r = run(myna(&["completions", shell]));
    assert_eq!(r.code, 0, "completions {shell}: {}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    r
}

/// Feeds `input` to a program; returns (status, stdout, stderr).
fn pipe(program: &str, args: &[&str], input: &str, package: &str) -> (i32, String, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("LANG", "C.UTF-8")
        .env("MANWIDTH", "100")
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}): install the Debian package `{package}` (scripts/setup-debian.sh)"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_completion_script_names_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = completions(shell).stdout;
        assert!(script.len() > 1000, "{shell}: {} bytes", script.len());
        assert!(script.contains("myna-audit"), "{shell}");
        for (name, _) in commands() {
            let last = name.rsplit(' ').next().unwrap();
            assert!(script.contains(last), "{shell} lacks the command {name}");
        }
    }
}

#[test]
fn bash_completion_is_valid_bash_and_offers_every_option() {
    let script = completions("bash").stdout;
    let (code, _, err) = pipe("bash", &["-n"], &script, "bash");
    assert_eq!(code, 0, "bash -n: {err}");
    for (name, cmd) in commands() {
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                assert!(
                    script.contains(&format!("--{long}")),
                    "bash completion lacks --{long} of {name}"
                );
            }
        }
    }
    // The completion function really completes: load it in bash and ask for `myna-audit au`.
    // The function is the one the script registers with `complete -F`.
    let probe = format!(
        "{script}\nf=$(complete -p myna-audit | sed -E 's/.*-F ([^ ]+).*/\\1/')\n\
         COMP_WORDS=(myna-audit au); COMP_CWORD=1; COMP_LINE='myna-audit au'; COMP_POINT=13\n\
         \"$f\" myna-audit au myna-audit\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n"
    );
    let (code, out, err) = pipe("bash", &[], &probe, "bash");
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "audit", "{out:?} {err}");
}

#[test]
fn an_unknown_shell_is_refused() {
    let r = run(myna(&["completions", "tcsh"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("tcsh") && r.stdout.is_empty(),
        "{}",
        r.stderr
    );
}

fn page() -> String {
    let r = run(myna(&["man"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    r.stdout
}

#[test]
fn the_man_page_has_a_title_and_a_section_per_command() {
    let roff = page();
    let th = roff
        .lines()
        .find(|l| l.starts_with(".TH "))
        .expect(".TH header");
    assert!(th.starts_with(".TH myna-audit 1 "), "{th}");
    assert_eq!(
        roff.matches(".TH ").count(),
        1,
        "one page, one title: {roff}"
    );
    assert!(
        roff.is_ascii(),
        "roff in ASCII (groff escapes for the rest)"
    );
    for (name, _) in commands().into_iter().filter(|(n, _)| n != "help") {
        let section = format!(".SH \"MYNA-AUDIT {}\"", name.to_uppercase());
        assert!(roff.contains(&section), "no {section}");
    }
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH \"EXIT STATUS\""] {
        assert!(roff.contains(section), "no {section}");
    }
    // The options of the commands are there too.
    assert!(
        roff.contains("\\-\\-replay") && roff.contains("\\-\\-lang"),
        "{roff}"
    );
    // The commands list points to this page's sections, not to pages that do not exist.
    assert!(!roff.contains("myna\\-audit\\-audit(1)"), "{roff}");
}

#[test]
fn the_man_page_formats_without_warnings() {
    let roff = page();
    let (code, _, err) = pipe(
        "groff",
        &["-man", "-Tutf8", "-z", "-ww"],
        &roff,
        "groff-base",
    );
    assert_eq!(code, 0, "groff: {err}");
    assert!(err.is_empty(), "groff warnings:\n{err}");

    let (code, text, err) = pipe("man", &["-l", "-"], &roff, "man-db");
    assert_eq!(code, 0, "man -l: {err}");
    assert!(err.is_empty(), "man -l:\n{err}");
    // The Japanese in the description comes through the escapes.
    assert!(text.contains("マイナンバーカード"), "{text}");
    assert!(text.contains("MYNA-AUDIT AUDIT"), "{text}");
    assert!(
        text.contains("audit complete, nothing needs attention"),
        "{text}"
    );
}
