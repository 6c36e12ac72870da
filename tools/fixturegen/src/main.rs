//! `fixturegen write DIR` writes the synthetic fixtures; `fixturegen check DIR` exits 1
//! naming every file in DIR that differs from a fresh generation.
#![forbid(unsafe_code)]

use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: fixturegen write DIR | fixturegen check DIR";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, dir) = match args.as_slice() {
        [cmd, dir] if cmd == "write" || cmd == "check" => (cmd.as_str(), Path::new(dir)),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let outputs = match fixturegen::generate() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("fixturegen: {e}");
            return ExitCode::from(2);
        }
    };
    let result = if cmd == "write" {
        write(dir, &outputs)
    } else {
        check(dir, &outputs)
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("fixturegen: {}: {e}", dir.display());
            ExitCode::from(2)
        }
    }
}

fn write(dir: &Path, outputs: &[fixturegen::Output]) -> std::io::Result<ExitCode> {
    std::fs::create_dir_all(dir)?;
    for o in outputs {
        let path = dir.join(&o.name);
        std::fs::write(&path, &o.text)?;
        println!("wrote {} ({} bytes)", path.display(), o.text.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn check(dir: &Path, outputs: &[fixturegen::Output]) -> std::io::Result<ExitCode> {
    let problems = fixturegen::differences(dir, outputs)?;
    for p in &problems {
        eprintln!("{p}");
    }
    if problems.is_empty() {
        println!("{} fixtures in {} match", outputs.len(), dir.display());
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("run `cargo run -p fixturegen -- write {}`", dir.display());
        Ok(ExitCode::from(1))
    }
}
