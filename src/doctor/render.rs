//! The doctor's two renderings: text for people, in the language asked for, and JSON
//! (schema 1, English sentences). They lay out; the sentences come from the report.

use super::model::{CHECKS, DoctorReport, Status, row};
use super::say;
use super::say::{pad, width};
use crate::lang::{Lang, Text};
use crate::sanitize::sanitize;

/// The sentence in `lang`; `Both` is Japanese, then ` / `, then English.
fn pick(t: &Text, lang: Lang) -> String {
    t.get(lang, " / ")
}

/// The widths of the status and name columns in `lang`: one more than the widest entry
/// (English: 5 and 17).
fn columns(lang: Lang) -> (usize, usize) {
    let statuses = [Status::Ok, Status::Warn, Status::Fail, Status::Skip];
    let status_w = statuses
        .iter()
        .map(|s| width(&pick(&s.word().text(), lang)))
        .max()
        .unwrap_or(0);
    let name_w = CHECKS
        .iter()
        .map(|r| width(&pick(&r.name.text(), lang)))
        .max()
        .unwrap_or(0);
    (status_w + 1, name_w + 1)
}

/// The text rendering: one line per check, its details, and the fix for anything not ok.
/// Every line passes the one sanitizer: reader names, ATRs and error texts come from outside.
pub fn render_text(r: &DoctorReport, lang: Lang) -> String {
    let (status_w, name_w) = columns(lang);
    let indent = " ".repeat(status_w + 1 + name_w);
    let mut out = String::from("myna-audit doctor\n");
    for c in &r.checks {
        let name = row(c.id).map_or_else(|| c.id.to_string(), |row| pick(&row.name.text(), lang));
        out.push_str(&format!(
            "{} {} {}\n",
            pad(&pick(&c.status.word().text(), lang), status_w),
            pad(&name, name_w),
            sanitize(&pick(&c.summary, lang))
        ));
        for d in &c.details {
            out.push_str(&format!("{indent}{}\n", sanitize(&pick(d, lang))));
        }
        if c.status != Status::Ok {
            if let Some(fix) = &c.fix {
                out.push_str(&format!(
                    "{indent}{}: {}\n",
                    pick(&say::FIX_LABEL.text(), lang),
                    sanitize(&pick(fix, lang))
                ));
            }
        }
    }
    out.push_str(&pick(&say::footer(r.apdus_sent, r.elapsed_ms), lang));
    out.push('\n');
    out
}

/// The JSON rendering (docs/doctor.md; schema_version 1): the sentences in English.
pub fn render_json(r: &DoctorReport) -> String {
    serde_json::to_string_pretty(r).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
