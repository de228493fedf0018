//! Every Python block of the documentation (README.md, `docs/*.md`, CONTRIBUTING.md) runs
//! against the emulator, read from the texts themselves. A block's info string says how:
//!
//! - ```` ```python ````: a script, run as a program with the endpoint and keys of an emulator
//!   (reset before each) in `STAX_ENDPOINT`, `AWS_ENDPOINT_URL`, `STAX_ACCESS_KEY` and
//!   `STAX_SECRET_KEY`;
//! - ```` ```python pytest ````: a test module, run by pytest with the package's
//!   `stax_emulator` fixture (loaded through the `pytest11` entry point: the block imports
//!   nothing for it);
//! - ```` ```python skip ````: not run, counted and named in the output.
//!
//! Any other `python` info string fails the test. `tests/doc_snippets.py` runs the blocks in
//! the interop venv's Python (staxapp 1.4.1 and pytest are in it; see `support`), where
//! `staxapp_rs.testing` starts the emulator.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

#[path = "../../../testsupport/documentation.rs"]
mod documentation;
mod support;

/// How a Python block is checked.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Script,
    Pytest,
    Skip,
}

/// One Python block: where it is, how it is checked, its code.
struct Block {
    source: String,
    kind: Kind,
    code: String,
}

/// The Python blocks of `text` (from `file`), by their info strings.
fn python_blocks(file: &str, text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    for block in documentation::fenced_blocks(file, text) {
        let kind = match block.info.as_str() {
            "python" => Kind::Script,
            "python pytest" => Kind::Pytest,
            "python skip" => Kind::Skip,
            other if other.starts_with("python") => panic!(
                "{file}:{}: the block's info string {other:?} is none of `python`, `python pytest`, `python skip`",
                block.line
            ),
            _ => continue,
        };
        blocks.push(Block {
            source: format!("{file}:{}", block.line),
            kind,
            code: block.code(),
        });
    }
    blocks
}

#[test]
fn every_python_block_of_the_documentation_runs() {
    let mut blocks = Vec::new();
    for file in documentation::files() {
        let text = documentation::read(&file);
        blocks.extend(python_blocks(&file, &text));
    }
    let count = |kind| blocks.iter().filter(|b| b.kind == kind).count();
    let mut summary = Vec::new();
    for file in documentation::files() {
        let of = |kind| {
            blocks
                .iter()
                .filter(|b| b.kind == kind && b.source.starts_with(&format!("{file}:")))
                .count()
        };
        let (scripts, tests, skipped) = (of(Kind::Script), of(Kind::Pytest), of(Kind::Skip));
        if scripts + tests + skipped > 0 {
            summary.push(format!(
                "{file}: {scripts} run as scripts, {tests} run by pytest, {skipped} skipped"
            ));
        }
    }
    for block in blocks.iter().filter(|b| b.kind == Kind::Skip) {
        summary.push(format!("skipped (`python skip`): {}", block.source));
    }
    println!("{}", summary.join("\n"));
    assert!(
        count(Kind::Script) >= 3 && count(Kind::Pytest) >= 2,
        "the documentation's Python blocks were not found: {summary:?}"
    );

    let Some(python) = support::python_with_staxapp_rs() else {
        return;
    };
    let work = std::env::temp_dir().join(format!("staxapp-rs-doc-snippets-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let mut manifest = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let kind = match block.kind {
            Kind::Script => "script",
            Kind::Pytest => "pytest",
            Kind::Skip => continue,
        };
        // Each block in a directory of its own (pytest takes a module's directory as its
        // root; a script may write files).
        let dir = work.join(format!("block{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("test_doc_block{i}.py"));
        std::fs::write(&path, &block.code).unwrap();
        manifest.push(json!({"kind": kind, "path": path, "source": block.source}));
    }
    let manifest_path = work.join("manifest.json");
    std::fs::write(&manifest_path, serde_json::to_vec(&manifest).unwrap()).unwrap();

    let mut command = Command::new(&python);
    command
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/doc_snippets.py"))
        .arg(&manifest_path);
    support::isolate(&mut command, &work.join("cache"));
    let output = command.output().expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "doc_snippets.py failed ({}):\n{stdout}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert_eq!(results.len(), manifest.len(), "every block ran: {stdout}");
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r["ok"] != true)
        .map(|r| {
            format!(
                "{} ({}) failed:\n{}",
                r["source"].as_str().unwrap(),
                r["kind"].as_str().unwrap(),
                r["output"].as_str().unwrap()
            )
        })
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
    for result in &results {
        println!(
            "{} ({}): ok",
            result["source"].as_str().unwrap(),
            result["kind"].as_str().unwrap()
        );
    }
    let _ = std::fs::remove_dir_all(&work);
}

#[test]
fn the_blocks_are_read_by_their_info_strings() {
    let text = "```python\na = 1\n```\n\n```python pytest\ndef test_a(): pass\n```\n```python skip\nx\n```\n```sh\nstax\n```\n";
    let blocks = python_blocks("t.md", text);
    let kinds: Vec<Kind> = blocks.iter().map(|b| b.kind).collect();
    assert_eq!(kinds, [Kind::Script, Kind::Pytest, Kind::Skip]);
    assert_eq!(blocks[0].source, "t.md:1");
    assert_eq!(blocks[0].code, "a = 1\n");
}
