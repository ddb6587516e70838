//! `zab-locales <locales dir> <out dir>`: writes `<out dir>/<locale>.json` for every
//! language of `<locales dir>/*.yml` (run by trunk's pre-build hook, `Trunk.toml`).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [from, to] = args.as_slice() else {
        eprintln!("usage: zab-locales <locales dir> <out dir>");
        return ExitCode::FAILURE;
    };
    let run = || -> Result<(), String> {
        let tables = zab_locales::load(from)?;
        if tables.is_empty() {
            return Err(format!("no translations under {}", from.display()));
        }
        std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
        for (locale, table) in &tables {
            let path = to.join(zab_locales::file_name(locale));
            std::fs::write(&path, zab_locales::to_json(table))
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zab-locales: {e}");
            ExitCode::FAILURE
        }
    }
}
