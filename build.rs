//! Compiles the bundled rule set into the program: every `.toml` file under `rules/`,
//! listed with its path relative to that folder, so that an installed `aisi` works in any
//! folder. The list is generated here; the bytes are included with `include_str!`, so the
//! program holds exactly the files of `rules/`.

use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let rules = root.join("rules");
    // A folder here makes cargo look at every file under it, new ones included.
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&rules, &rules, &mut files);
    files.sort();
    let mut src = String::from("/// The bundled rule files: (path relative to `rules/`, text).\n");
    src.push_str("pub static FILES: &[(&str, &str)] = &[\n");
    for (rel, path) in &files {
        src.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    src.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    std::fs::write(out.join("bundled_rules.rs"), src).expect("OUT_DIR is writable");
}

/// Every `.toml` file under `dir`, as (path relative to `root` with `/`, absolute path):
/// the same files `rules::toml_files` reads from a folder.
fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(root, &p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            let rel = p
                .strip_prefix(root)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, p));
        }
    }
}
