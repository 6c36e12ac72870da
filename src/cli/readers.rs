//! `myna-audit readers`: every PC/SC reader, what it holds, and whether that is a My Number
//! Card.

use super::{CliError, Format, emit};
use crate::error::Exit;
use crate::report;
use crate::source::{self, ReaderRow};
use crate::transport::pcsc::Pcsc;

pub(super) fn run(format: Format) -> Result<Exit, CliError> {
    let pcsc = Pcsc::establish()?;
    let (rows, _) = source::scan(&pcsc)?;
    match format {
        Format::Json => emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(
                &serde_json::json!({ "schema_version": report::SCHEMA_VERSION, "readers": rows })
            )
            .unwrap_or_default()
        )),
        Format::Text => emit(&text(&rows)),
    }
    Ok(Exit::Ok)
}

fn text(rows: &[ReaderRow]) -> String {
    let mut s = String::new();
    for r in rows {
        let what = match (r.card_present, r.is_my_number_card) {
            (false, _) => "no card".to_string(),
            (true, Some(true)) => "My Number Card".to_string(),
            (true, Some(false)) => "another card (not a My Number Card)".to_string(),
            (true, None) => "card (not identified)".to_string(),
        };
        s.push_str(&format!("{}\n  {what}", report::text::clean(&r.name)));
        if let Some(a) = &r.atr {
            s.push_str(&format!("\n  ATR {a}"));
        }
        if let Some(p) = &r.probe {
            s.push_str(&format!("\n  {p}"));
        }
        s.push_str("\n\n");
    }
    s
}
