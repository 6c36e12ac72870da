//! `myna-audit man`: one manual page (roff, clap_mangen) on stdout, with a section for every
//! command and its options, then the exit statuses and the read-only promise.

use std::io::{self, Write};

use clap::CommandFactory;
use clap_mangen::Man;

use super::Cli;
use crate::error::Exit;

/// The whole page.
pub(super) fn page() -> io::Result<Vec<u8>> {
    let cmd = Cli::command();
    let man = Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_subcommands_section(&mut out)?;
    for sub in cmd.get_subcommands() {
        command_section(&mut out, &format!("myna-audit {}", sub.get_name()), sub)?;
    }
    let mut extra = Vec::new();
    man.render_extra_section(&mut extra)?;
    out.extend(retitle(&extra, ".SH EXTRA", ".SH \"EXIT STATUS\""));
    man.render_version_section(&mut out)?;
    Ok(tidy(&out))
}

/// One page from several renders, in ASCII: the quote-string preamble each render starts
/// with kept once, other characters (the Japanese in the description) as groff's `\\[uXXXX]`
/// escapes, so that any troff reads the page without a preprocessor; and the list of commands pointing to this page's sections (`myna-audit audit`)
/// rather than to separate pages (`myna-audit-audit(1)`) that are not installed.
fn tidy(roff: &[u8]) -> Vec<u8> {
    const PREAMBLE: [&str; 2] = [".ie \\n(.g .ds Aq \\(aq", ".el .ds Aq '"];
    let text = String::from_utf8_lossy(roff);
    let mut out = String::with_capacity(text.len());
    let mut seen_title = false;
    for line in text.lines() {
        if seen_title && PREAMBLE.contains(&line) {
            continue;
        }
        seen_title |= line.starts_with(".TH ");
        let page_ref = line
            .strip_prefix("myna\\-audit\\-")
            .and_then(|rest| rest.strip_suffix("(1)"));
        match page_ref {
            Some(name) => out.push_str(&format!("\\fBmyna\\-audit {name}\\fR")),
            None => ascii(&mut out, line),
        }
        out.push('\n');
    }
    out.into_bytes()
}

/// `.SH "MYNA-AUDIT AUDIT"`, then the command's synopsis, description and options as
/// subsections; a command's own subcommands (`fixture check`) follow as sections of their own.
fn command_section(out: &mut Vec<u8>, full_name: &str, cmd: &clap::Command) -> io::Result<()> {
    let subs: Vec<&clap::Command> = cmd.get_subcommands().collect();
    writeln!(out, ".SH \"{}\"", full_name.to_uppercase())?;
    let man = Man::new(cmd.clone().bin_name(full_name));
    let mut body = Vec::new();
    man.render_synopsis_section(&mut body)?;
    man.render_description_section(&mut body)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut body)?;
    }
    out.extend(retitle(&body, ".SH ", ".SS "));
    for sub in subs {
        command_section(out, &format!("{full_name} {}", sub.get_name()), sub)?;
    }
    Ok(())
}

/// `roff` with every control line starting `from` starting `to` instead.
fn retitle(roff: &[u8], from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(roff);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        match line.strip_prefix(from) {
            Some(rest) => {
                out.push_str(to);
                out.push_str(rest);
            }
            None => out.push_str(line),
        }
    }
    out.into_bytes()
}

pub(super) fn run() -> Exit {
    match page() {
        Ok(roff) => {
            super::emit_bytes(&roff);
            Exit::Ok
        }
        Err(e) => {
            eprintln!("myna-audit: error: cannot render the manual page: {e}");
            Exit::Failed
        }
    }
}

/// `line` with every character outside ASCII written as a groff Unicode escape.
fn ascii(out: &mut String, line: &str) {
    for c in line.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
}
