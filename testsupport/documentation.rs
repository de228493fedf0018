//! The documentation whose snippets the tests check, and its fenced blocks: one reader for
//! `crates/stax-cli/tests/examples.rs` (shell blocks, info strings, links),
//! `crates/staxapp-py/tests/doc_snippets.rs` (Python blocks) and
//! `crates/staxapp-typed-tests/tests/example.rs` (typed Rust blocks). CONTRIBUTING.md's
//! "Documentation and its snippets" says which info string is checked by whom.
#![allow(dead_code)] // each test uses the part it needs

use std::path::{Path, PathBuf};

/// The workspace's root (every crate of the workspace is at `crates/<name>`).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace")
}

/// README.md, every `docs/*.md` (sorted) and CONTRIBUTING.md, by path from the workspace.
pub fn files() -> Vec<String> {
    let mut guides: Vec<String> = std::fs::read_dir(workspace().join("docs"))
        .expect("docs/")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("docs/{name}"))
        .collect();
    guides.sort();
    let mut files = vec!["README.md".to_owned()];
    files.extend(guides);
    files.push("CONTRIBUTING.md".to_owned());
    files
}

/// The text of a file of the workspace.
pub fn read(file: &str) -> String {
    std::fs::read_to_string(workspace().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// One fenced block: its info string, the line its fence opens on, and its lines without the
/// fence's indentation (a block in a list item is indented with it).
pub struct Block {
    pub info: String,
    pub line: usize,
    pub lines: Vec<String>,
}

impl Block {
    /// The block's code, a line break after each line.
    pub fn code(&self) -> String {
        self.lines.iter().map(|l| format!("{l}\n")).collect()
    }
}

/// The fenced blocks (three backticks, indented or not) of `text`, read from `file`.
pub fn fenced_blocks(file: &str, text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, Block)> = None;
    for (n, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        if let Some(info) = line.trim().strip_prefix("```") {
            match open.take() {
                Some((_, block)) => blocks.push(block),
                None => {
                    let block = Block {
                        info: info.trim().to_owned(),
                        line: n + 1,
                        lines: Vec::new(),
                    };
                    open = Some((indent, block));
                }
            }
            continue;
        }
        if let Some((fence_indent, block)) = open.as_mut() {
            let strip = indent.min(*fence_indent);
            block.lines.push(line[strip..].to_owned());
        }
    }
    assert!(open.is_none(), "{file}: a fenced block is not closed");
    blocks
}
