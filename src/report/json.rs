//! The JSON renderer: the report model as is (docs/json.md).

use super::Report;

pub fn render(report: &Report) -> String {
    // Serialising plain structs of strings, numbers and enums cannot fail.
    let mut s =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
