//! `myna-audit doctor`: the checklist of [`crate::doctor`], printed as text or JSON, its
//! verdict as the exit status (0 all ok, 1 something to fix, 2 PC/SC unreachable).

use super::{DoctorArgs, Format, emit};
use crate::doctor::{self, Options};
use crate::error::Exit;
use crate::lang::Lang;

pub(super) fn run(args: &DoctorArgs) -> Exit {
    let report = doctor::run(&Options {
        reader: args.reader.clone(),
        round_trips: args.round_trips,
    });
    match args.format {
        Format::Json => emit(&format!("{}\n", doctor::render_json(&report))),
        Format::Text => {
            // The language asked for, else the locale's.
            let lang = args.lang.map_or_else(Lang::from_env, Lang::from);
            emit(&doctor::render_text(&report, lang))
        }
    }
    exit(report.exit_code())
}

fn exit(code: u8) -> Exit {
    match code {
        0 => Exit::Ok,
        1 => Exit::Findings,
        _ => Exit::Failed,
    }
}
