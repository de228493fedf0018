//! Shell completion: small scripts that ask `stax __complete` for candidates, so services,
//! operations and parameter names come from the cached document (no network).

use clap::CommandFactory;
use clap_complete::Shell;
use staxapp::Api;
use staxapp::documents::offline;

use crate::cli::{Cli, GlobalOpts};

/// Options that take a value (the word after them is not a positional).
const VALUE_OPTIONS: &[&str] = &[
    "--endpoint",
    "--region",
    "--schema",
    "--profile",
    "--output",
    "-o",
    "--query",
    "--wait-timeout",
    "--page-size",
    "--attempt-timeout",
    "--operation-timeout",
];

const BUILTINS: &[&str] = &["describe", "completions", "emulator"];

/// Prints the completion script for `shell`.
pub fn print(shell: Shell) {
    let script = match shell {
        Shell::Bash => BASH.to_owned(),
        Shell::Zsh => format!("#compdef stax\nautoload -U +X bashcompinit && bashcompinit\n{BASH}"),
        Shell::Fish => FISH.to_owned(),
        other => {
            let mut buf = Vec::new();
            clap_complete::generate(other, &mut Cli::command(), "stax", &mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        }
    };
    print!("{script}");
}

const BASH: &str = r#"_stax() {
    local IFS=$'\n'
    COMPREPLY=( $(stax __complete -- "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) )
}
complete -o default -o nospace -F _stax stax
"#;

const FISH: &str = r#"function __stax_complete
    set -l words (commandline -opc) (commandline -ct)
    stax __complete -- $words[2..-1] 2>/dev/null
end
complete -c stax -f -a '(__stax_complete)'
"#;

/// `stax __complete -- WORD...`: prints one candidate per line for the last word.
pub fn complete(global: &GlobalOpts, words: &[String]) {
    let words: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .skip_while(|w| *w == "--")
        .collect();
    let (current, before) = match words.split_last() {
        Some((last, rest)) => (*last, rest),
        None => ("", &[][..]),
    };
    for candidate in candidates(global, before, current) {
        println!("{candidate}");
    }
}

fn candidates(global: &GlobalOpts, before: &[&str], current: &str) -> Vec<String> {
    if let Some(previous) = before.last()
        && VALUE_OPTIONS.contains(previous)
    {
        return match *previous {
            "--output" | "-o" => ["json", "yaml", "table"].map(str::to_owned).to_vec(),
            _ => Vec::new(),
        }
        .into_iter()
        .filter(|c| c.starts_with(current))
        .collect();
    }
    if current.starts_with('-') {
        let cmd = Cli::command();
        return cmd
            .get_arguments()
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .filter(|c| c.starts_with(current))
            .collect();
    }
    let positionals = positionals(before);
    // Documents without network: the configuration's sources, else the on-disk cache.
    let config = crate::connect::config(global).ok();
    let document = |service: &str| {
        let config = config.as_ref()?;
        crate::describe::cached_document(config, service)
    };
    let services = || {
        let Some(config) = &config else {
            return Vec::new();
        };
        let mut names: Vec<String> = offline(config, Api::CORE)
            .map(|doc| doc.services().into_iter().map(str::to_owned).collect())
            .unwrap_or_default();
        names.extend(
            config
                .apis()
                .filter_map(|api| api.service().map(str::to_owned)),
        );
        names
    };
    let mut out: Vec<String> = match positionals.as_slice() {
        [] => {
            let mut names: Vec<String> = BUILTINS.iter().map(|s| s.to_string()).collect();
            names.extend(services());
            names
        }
        ["completions"] => ["bash", "zsh", "fish", "powershell", "elvish"]
            .map(str::to_owned)
            .to_vec(),
        ["describe"] => services(),
        ["describe", service] | [service] => document(service)
            .and_then(|d| {
                d.operations(service)
                    .ok()
                    .map(|ops| ops.iter().map(|o| o.name.clone()).collect())
            })
            .unwrap_or_default(),
        [service, operation, ..] if !BUILTINS.contains(service) => document(service)
            .and_then(|d| {
                let op = d.operation(service, operation).ok()?;
                Some(
                    crate::describe::argument_names(&d, op)
                        .into_iter()
                        .map(|n| format!("{n}="))
                        .collect(),
                )
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    out.retain(|c| c.starts_with(current));
    out.sort();
    out.dedup();
    out
}

/// The positional words, skipping options and their values.
fn positionals<'a>(words: &[&'a str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut skip_next = false;
    for word in words {
        if skip_next {
            skip_next = false;
        } else if VALUE_OPTIONS.contains(word) {
            skip_next = true;
        } else if !word.starts_with('-') {
            out.push(*word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positionals_skip_options_and_their_values() {
        assert_eq!(
            positionals(&["--output", "table", "accounts", "-v", "ReadAccounts"]),
            vec!["accounts", "ReadAccounts"]
        );
    }

    #[test]
    fn option_values_complete() {
        let g = GlobalOpts::default();
        assert_eq!(candidates(&g, &["--output"], "ta"), vec!["table"]);
        assert!(candidates(&g, &[], "--sand").contains(&"--sandbox".to_owned()));
        assert_eq!(candidates(&g, &["completions"], "ba"), vec!["bash"]);
    }
}
