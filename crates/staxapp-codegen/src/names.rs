//! Rust names for the document's names: snake_case for services, operations, fields and
//! setters, UpperCamelCase for types and enum variants (a run of capitals is one word:
//! `ListAWSManagedPolicies` is `list_aws_managed_policies`, `AWSManagedPolicyRecord` is
//! `AwsManagedPolicyRecord`), keywords as raw identifiers, and a [`Scope`] that keeps the
//! names of one namespace apart.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords that are written `r#name` when used as identifiers.
const RAW_KEYWORDS: [&str; 48] = [
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers: an underscore is appended instead.
const UNRAWABLE: [&str; 5] = ["self", "Self", "super", "crate", "_"];

/// The words of `name` for heck: ASCII letters and digits, anything else a separator; a
/// plural `s` after a run of capitals joins the run (`URLs`, `IDs` are one word each, where
/// heck alone would split `UR` + `Ls`).
fn ascii_words(name: &str) -> String {
    let chars: Vec<char> = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let mut out = String::with_capacity(chars.len());
    for (i, c) in chars.iter().enumerate() {
        let run = i >= 2 && chars[i - 1].is_ascii_uppercase() && chars[i - 2].is_ascii_uppercase();
        let ends = chars
            .get(i + 1)
            .is_none_or(|next| !next.is_ascii_lowercase());
        if *c == 's' && run && ends {
            out.push('S');
        } else {
            out.push(*c);
        }
    }
    out
}

/// `name` in snake_case, as an identifier (see [`ident`]); `fallback` when nothing is left.
pub fn snake(name: &str, fallback: &str) -> String {
    ident(&ascii_words(name).to_snake_case(), fallback)
}

/// `name` in UpperCamelCase, as an identifier; `fallback` when nothing is left.
pub fn pascal(name: &str, fallback: &str) -> String {
    ident(&ascii_words(name).to_upper_camel_case(), fallback)
}

/// `word` made a valid identifier: empty becomes `fallback`, a leading digit gets a prefix
/// (`_` for snake_case, `V` for UpperCamelCase), unrawable keywords an underscore. Raw
/// keywords are kept as they are: [`is_raw_keyword`] tells the printer to write `r#`.
fn ident(word: &str, fallback: &str) -> String {
    let word = if word.is_empty() { fallback } else { word };
    let word = match word.chars().next() {
        Some(c) if c.is_ascii_digit() => {
            if fallback.starts_with(|c: char| c.is_ascii_uppercase()) {
                format!("V{word}")
            } else {
                format!("_{word}")
            }
        }
        _ => word.to_owned(),
    };
    if UNRAWABLE.contains(&word.as_str()) {
        format!("{word}_")
    } else {
        word
    }
}

/// Whether `name` must be written as a raw identifier.
pub fn is_raw_keyword(name: &str) -> bool {
    RAW_KEYWORDS.contains(&name)
}

/// The names taken in one namespace (the items of a module, the fields of a struct, the
/// methods of a builder): a name asked for twice gets a suffix.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope where `reserved` are taken already.
    pub fn with_reserved(reserved: &[&str]) -> Scope {
        Scope {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Takes `name`, or `name` with the first of `suffixes` that is free, or `name` with a
    /// number.
    pub fn claim(&mut self, name: &str, suffixes: &[&str]) -> String {
        let joined = |suffix: &str| {
            if name.ends_with('_') || !name.contains('_') && name.starts_with(char::is_uppercase) {
                format!("{name}{suffix}")
            } else {
                format!("{name}_{}", suffix.to_snake_case())
            }
        };
        let candidates = std::iter::once(name.to_owned())
            .chain(suffixes.iter().map(|s| joined(s)))
            .chain((2..).map(|n| joined(&n.to_string())));
        for candidate in candidates {
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
        unreachable!("the numbered candidates never run out")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_of_capitals_is_one_word() {
        assert_eq!(
            snake("ListAWSManagedPolicies", "op"),
            "list_aws_managed_policies"
        );
        assert_eq!(snake("ReadAccounts", "op"), "read_accounts");
        assert_eq!(snake("GetAPIDocument", "op"), "get_api_document");
        assert_eq!(snake("permission-sets", "s"), "permission_sets");
        assert_eq!(snake("CreatedTS", "f"), "created_ts");
        assert_eq!(snake("AWSLoginURLs", "f"), "aws_login_urls");
        assert_eq!(snake("GroupIDs", "f"), "group_ids");
        assert_eq!(pascal("AWSLoginURLs", "T"), "AwsLoginUrls");
        assert_eq!(snake("IDsOfThings", "f"), "ids_of_things");
        assert_eq!(snake("EC2_INSTANCE_TAG", "f"), "ec2_instance_tag");
        assert_eq!(
            pascal("AWSManagedPolicyRecord", "T"),
            "AwsManagedPolicyRecord"
        );
        assert_eq!(pascal("ro-uuidv4", "T"), "RoUuidv4");
        assert_eq!(pascal("ID", "T"), "Id");
        assert_eq!(pascal("CREATE_IN_PROGRESS", "V"), "CreateInProgress");
        assert_eq!(pascal("ap-southeast-2", "V"), "ApSoutheast2");
    }

    #[test]
    fn identifiers_are_valid() {
        assert_eq!(snake("Type", "f"), "type");
        assert!(is_raw_keyword("type"));
        assert_eq!(snake("self", "f"), "self_");
        assert_eq!(pascal("self", "T"), "Self_");
        assert_eq!(snake("2fa", "f"), "_2fa");
        assert_eq!(pascal("1", "Value"), "V1");
        assert_eq!(snake("", "field"), "field");
        assert_eq!(snake("Ünïcode", "field"), "n_code");
        assert_eq!(pascal("", "Empty"), "Empty");
    }

    #[test]
    fn scopes_keep_names_apart() {
        let mut scope = Scope::with_reserved(&["send", "body"]);
        assert_eq!(scope.claim("name", &[]), "name");
        assert_eq!(scope.claim("name", &["body"]), "name_body");
        assert_eq!(scope.claim("name", &["body"]), "name_2");
        assert_eq!(scope.claim("send", &["field"]), "send_field");
        let mut types = Scope::default();
        assert_eq!(types.claim("Status", &[]), "Status");
        assert_eq!(types.claim("Status", &["Value"]), "StatusValue");
        assert_eq!(types.claim("Status", &[]), "Status2");
        assert!(types.contains("Status2"));
    }
}
