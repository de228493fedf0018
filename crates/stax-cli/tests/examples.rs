//! Every `stax` command shown in the documentation (the fenced `sh` blocks of README.md,
//! `docs/*.md` and CONTRIBUTING.md) and in the `--help` texts runs against an emulator, read
//! from those texts themselves: a new example is tested without anyone remembering to.
//! Commands written for a real installation are pointed at the emulator through the
//! environment (`STAX_ENDPOINT`, `AWS_ENDPOINT_URL`, the keys). The same texts are checked for
//! what the other snippet tests rely on: every fenced block names a language this project
//! knows how to check, every guide is compiled by `staxapp`'s doc tests, and every relative
//! link and anchor resolves.

mod common;

use common::Emu;
use serde_json::Value;

/// The words of one shell command line: whitespace-separated, with '...' and "..." quoting
/// and `\` escapes outside single quotes.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        q => word.push(q),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.extend(chars.next());
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The line without a trailing ` # comment` (a `#` outside quotes after whitespace).
fn strip_comment(line: &str) -> &str {
    let (mut single, mut double) = (false, false);
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && previous.is_whitespace() => return line[..i].trim_end(),
            _ => {}
        }
        previous = c;
    }
    line.trim_end()
}

#[path = "../../../testsupport/documentation.rs"]
mod documentation;

use documentation::{fenced_blocks, read};

/// The command lines of a text's fenced `sh` / `bash` / `shell` blocks, comments and empty
/// lines left out.
fn shell_lines(file: &str, text: &str) -> Vec<String> {
    fenced_blocks(file, text)
        .into_iter()
        .filter(|block| matches!(block.info.as_str(), "sh" | "bash" | "shell"))
        .flat_map(|block| block.lines)
        .map(|line| strip_comment(line.trim()).to_owned())
        .filter(|line| !line.is_empty())
        .collect()
}

/// One command of a text, as the test runs it.
#[derive(Debug)]
enum Example {
    /// `stax ARGS`, with what to write on its standard input (`echo '...' | stax ...`) and
    /// the variables set for it (`NAME=value stax ...`).
    Stax {
        args: Vec<String>,
        stdin: Option<String>,
        env: Vec<(String, String)>,
    },
    /// `stax emulator ARGS` (or `cargo run -p stax-emulator -- ARGS`): runs until stopped.
    Emulator { args: Vec<String> },
    /// A line that needs a shell (`$VAR`, `$(...)`, `| while read`, `> file`): run by bash,
    /// with this build's `stax` first on the PATH, in a directory of its own.
    Shell { line: String },
}

/// Whether a line needs a shell to run: variables, command substitution, redirections,
/// loops, or a pipe other than `echo '...' | stax`.
fn needs_a_shell(line: &str) -> bool {
    let simple_echo = line.split_once(" | ").is_none_or(|(producer, _)| {
        let words = shell_words(producer);
        words.first().map(String::as_str) == Some("echo")
            && words.len() == 2
            && !producer.contains('$')
    });
    line.contains('$') || line.contains(" > ") || line.contains(" 2> ") || !simple_echo
}

/// Lines of the documentation that are not run here, by their words (after any `NAME=value`):
/// `export`s, which the test replaces with its own environment; `cargo test`, which is what
/// runs this test; and the build, install and CI commands (`.ci/run` runs those: it builds
/// staxapp_rs's wheel and installs it, and runs fmt, clippy and doc before the tests).
fn not_run(words: &[&str]) -> bool {
    match words {
        ["export", ..] | ["cargo", "test", ..] | [".ci/run"] => true,
        ["cargo", "fmt" | "clippy" | "doc", ..] => true,
        ["pip", "install", "./crates/staxapp-py", ..] | ["maturin", "build", ..] => true,
        ["pip", "install", wheel] => wheel.ends_with(".whl"),
        _ => false,
    }
}

/// What a documentation line asks for; `None` for lines that are [`not_run`]. Anything else
/// unknown fails the test: teach it the new form.
fn example_of(line: &str) -> Option<Example> {
    if needs_a_shell(line) {
        let first = shell_words(line);
        let stax_line =
            first.first().map(String::as_str) == Some("stax") || line.contains("| stax ");
        assert!(stax_line, "a shell line that runs no stax: {line}");
        return Some(Example::Shell {
            line: line.to_owned(),
        });
    }
    let (stdin, command) = match line.split_once(" | ") {
        Some((producer, command)) => {
            let words = shell_words(producer);
            assert!(
                words.first().map(String::as_str) == Some("echo") && words.len() == 2,
                "only `echo '...' | stax ...` pipes are understood: {line}"
            );
            (Some(format!("{}\n", words[1])), command)
        }
        None => (None, line),
    };
    let words = shell_words(command);
    let mut words: Vec<&str> = words.iter().map(String::as_str).collect();
    // `NAME=value stax ...`: variables for that command alone.
    let mut env = Vec::new();
    while let Some((name, value)) = words.first().and_then(|w| w.split_once('='))
        && !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    {
        env.push((name.to_owned(), value.to_owned()));
        words.remove(0);
    }
    if not_run(&words) {
        return None;
    }
    match words.as_slice() {
        [
            "cargo",
            "run",
            "--release",
            "-p",
            "stax-emulator",
            "--",
            rest @ ..,
        ] => Some(Example::Emulator {
            args: rest.iter().map(|w| (*w).to_owned()).collect(),
        }),
        ["cargo", "run", "--release", "--", rest @ ..] | ["stax", rest @ ..] => {
            match rest.first() {
                Some(&"emulator") => Some(Example::Emulator {
                    args: rest[1..].iter().map(|w| (*w).to_owned()).collect(),
                }),
                _ => Some(Example::Stax {
                    args: rest.iter().map(|w| (*w).to_owned()).collect(),
                    stdin,
                    env,
                }),
            }
        }
        _ => panic!("the documentation shows a command this test cannot run yet: {line:?}"),
    }
}

/// Replaces placeholder values (`account_id=...`) with values from the emulator.
fn fill_placeholders(e: &Emu, args: &[String]) -> Vec<String> {
    args.iter()
        .map(|arg| match arg.split_once('=') {
            Some((name, "...")) => {
                let value = match name {
                    "account_id" => first_id(e, &["accounts", "ReadAccounts"], "Accounts"),
                    "hub_id" => first_id(e, &["networking", "ReadHubs"], "Hubs"),
                    "permission_set_id" => first_id(
                        e,
                        &["permission-sets", "ListPermissionSets"],
                        "PermissionSets",
                    ),
                    other => panic!("no value for the placeholder {other}=... : teach the test"),
                };
                format!("{name}={value}")
            }
            _ => {
                assert!(
                    !arg.contains("...") && !arg.contains('<'),
                    "a placeholder the test cannot fill: {arg}"
                );
                arg.clone()
            }
        })
        .collect()
}

/// The id of the first item of a list operation's `key` list.
fn first_id(e: &Emu, call: &[&str], key: &str) -> String {
    let out = e
        .stax()
        .args(call)
        .args(["--query", &format!("{key}[0].Id")])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice::<Value>(&out)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

/// A directory the examples of one test share: their working directory (files they write)
/// and their profile file (`stax configure` in one, `--profile` in a later one).
struct Workspace(common::TempDir);

impl Workspace {
    fn new() -> Workspace {
        Workspace(common::TempDir::new("examples"))
    }

    fn config_file(&self) -> std::path::PathBuf {
        self.0.path("config.toml")
    }
}

/// Runs one example against `e` and checks it succeeds.
fn run(e: &Emu, example: &Example, source: &str, space: &Workspace) {
    match example {
        Example::Shell { line } => {
            let mut cmd = e.command("bash");
            cmd.args(["-c", line]);
            let out = cmd
                .env("STAX_CONFIG_FILE", space.config_file())
                .current_dir(&space.0.0)
                .stdin(std::process::Stdio::null())
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{source}: `{line}` failed ({:?}): {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Example::Stax { args, stdin, env } => {
            let args = fill_placeholders(e, args);
            let mut cmd = e.stax();
            cmd.current_dir(&space.0.0)
                .env("STAX_CONFIG_FILE", space.config_file())
                .args(&args)
                .envs(env.iter().map(|(k, v)| (k, v)))
                .timeout(std::time::Duration::from_secs(300));
            if let Some(input) = stdin {
                cmd.write_stdin(input.clone());
            }
            let out = cmd.output().unwrap();
            assert!(
                out.status.success(),
                "{source}: `stax {}` failed ({:?}): {}",
                args.join(" "),
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Example::Emulator { args } => {
            // A fixed port may be taken: listen on a free one instead.
            let mut args = args.clone();
            if let Some(i) = args.iter().position(|a| a == "--listen") {
                args[i + 1] = "127.0.0.1:0".into();
            }
            let ready = common::emulator_ready_line(&args);
            assert!(ready["endpoint"].is_string(), "{source}: {args:?}: {ready}");
        }
    }
}

#[test]
fn every_command_in_the_documentation_runs() {
    let e = Emu::start(100);
    let mut summary = Vec::new();
    let mut stax_commands = 0;
    for file in documentation::files() {
        let lines = shell_lines(&file, &read(&file));
        let examples: Vec<Example> = lines.iter().filter_map(|l| example_of(l)).collect();
        stax_commands += examples
            .iter()
            .filter(|x| matches!(x, Example::Stax { .. } | Example::Shell { .. }))
            .count();
        // Each file from the seed, in a directory of its own (a profile written by one
        // command of a file is used by a later one).
        e.emulator().reset().expect("the emulator resets");
        let space = Workspace::new();
        for example in &examples {
            run(&e, example, &file, &space);
        }
        summary.push(format!(
            "{file}: {} shell lines, {} run, {} not run (build, install and CI commands, exports)",
            lines.len(),
            examples.len(),
            lines.len() - examples.len()
        ));
    }
    println!("{}", summary.join("\n"));
    assert!(
        stax_commands >= 30,
        "the documentation's examples were not found: {summary:?}"
    );
}

/// The info strings a fenced block may have, and who checks each (CONTRIBUTING.md has the
/// table). A block without one would be compiled by rustdoc as Rust.
const KNOWN_BLOCKS: &[&str] = &[
    "sh",
    "rust",
    "rust,no_run",
    "rust,ignore",
    "python",
    "python pytest",
    "python skip",
    "text",
    "toml",
];

#[test]
fn every_block_of_the_documentation_says_how_it_is_checked() {
    for file in documentation::files() {
        for block in fenced_blocks(&file, &read(&file)) {
            assert!(
                KNOWN_BLOCKS.contains(&block.info.as_str()),
                "{file}:{}: a fenced block with the info string {:?}: use one of {KNOWN_BLOCKS:?}",
                block.line,
                block.info
            );
        }
    }
}

#[test]
fn every_guide_is_compiled_by_the_sdk_doc_tests() {
    let lib = read("crates/staxapp/src/lib.rs");
    for file in documentation::files() {
        let include = format!("include_str!(\"../../../{file}\")");
        assert!(
            lib.contains(&include),
            "crates/staxapp/src/lib.rs does not include {file} in its doc tests: add `#[doc = {include}]`"
        );
    }
}

/// GitHub's anchor of a heading: lower case, punctuation dropped, spaces as `-`.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a text's headings (outside fenced blocks).
fn anchors(text: &str) -> Vec<String> {
    let mut in_block = false;
    let mut found = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
        } else if !in_block && line.starts_with('#') {
            found.push(anchor(line.trim_start_matches('#')));
        }
    }
    found
}

#[test]
fn every_link_of_the_documentation_resolves() {
    let mut links = 0;
    for file in documentation::files() {
        let text = read(&file);
        let dir = std::path::Path::new(&file).parent().unwrap().to_owned();
        for (_, rest) in text.match_indices("](").map(|(i, _)| text.split_at(i + 2)) {
            let target = &rest[..rest.find(')').expect("a link ends")];
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            links += 1;
            let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
            let linked = if path.is_empty() {
                std::path::PathBuf::from(&file)
            } else {
                dir.join(path)
            };
            let full = documentation::workspace().join(&linked);
            assert!(full.exists(), "{file}: the link ({target}) names nothing");
            if !fragment.is_empty() {
                let headings = anchors(&std::fs::read_to_string(&full).unwrap());
                assert!(
                    headings.iter().any(|h| h == fragment),
                    "{file}: the link ({target}) names no heading of {}",
                    linked.display()
                );
            }
        }
    }
    assert!(links >= 50, "the documentation's links were not found");
}

/// The `stax ...` lines of `stax <words> --help`, and the subcommands it lists.
fn help_of(words: &[&str]) -> (Vec<String>, Vec<String>) {
    let out = assert_cmd::Command::cargo_bin("stax")
        .unwrap()
        .args(words)
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&out).into_owned();
    let mut commands = Vec::new();
    let mut subcommands = Vec::new();
    let mut in_commands = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if line.starts_with("Commands:") {
            in_commands = true;
            continue;
        }
        if in_commands {
            match trimmed.split_whitespace().next() {
                Some(name) if line.starts_with("  ") => {
                    if name != "help" {
                        subcommands.push(name.to_owned());
                    }
                }
                _ => in_commands = false,
            }
        }
        if trimmed.starts_with("stax ") {
            commands.push(trimmed.to_owned());
        }
    }
    (commands, subcommands)
}

#[test]
fn every_command_in_the_help_texts_runs() {
    let e = Emu::start(100);
    let (mut lines, subcommands) = help_of(&[]);
    assert!(!subcommands.is_empty(), "no subcommands listed");
    for sub in &subcommands {
        lines.extend(help_of(&[sub]).0);
    }
    // The help of a call (`stax accounts ReadAccounts --help`) too.
    lines.extend(help_of(&["accounts", "ReadAccounts"]).0);
    lines.sort();
    lines.dedup();
    assert!(
        lines.len() >= 3,
        "the help's examples were not found: {lines:?}"
    );
    let space = Workspace::new();
    for line in &lines {
        let example = example_of(line).expect("a command");
        run(&e, &example, "--help", &space);
    }
}

#[test]
fn the_test_reads_shell_lines_as_a_shell_would() {
    assert_eq!(
        shell_words(r#"stax a 'b c' "d \" e" f\ g"#),
        ["stax", "a", "b c", "d \" e", "f g"]
    );
    assert_eq!(strip_comment("stax a   # comment"), "stax a");
    assert_eq!(
        strip_comment("stax --query 'x # y'"),
        "stax --query 'x # y'"
    );
    assert!(matches!(
        example_of("echo '{\"a\": 1}' | stax x Y @-"),
        Some(Example::Stax { stdin: Some(_), .. })
    ));
    for line in [
        "stax a B --output text | while IFS=$'\\t' read -r a b; do echo $a; done",
        "stax man > stax.1",
        "echo \"$SECRET\" | stax configure --secret-key-stdin",
    ] {
        assert!(
            matches!(example_of(line), Some(Example::Shell { .. })),
            "{line}"
        );
    }
    match example_of("STAX_CREDENTIAL_CACHE=0 stax accounts ReadAccounts") {
        Some(Example::Stax { args, env, .. }) => {
            assert_eq!(env, [("STAX_CREDENTIAL_CACHE".to_owned(), "0".to_owned())]);
            assert_eq!(args, ["accounts", "ReadAccounts"]);
        }
        other => panic!("{other:?}"),
    }
}
