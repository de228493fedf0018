//! Strings that match a regular expression, made from its syntax tree.
//!
//! The pattern is parsed with `regex-syntax`; look-around groups (which it does not support)
//! are removed first, so a result may not match the original pattern: callers check every
//! candidate with the validator. Each candidate is built with a knob (`extra` repetitions on
//! top of each quantifier's minimum, and which branch of an alternation to take), so a caller
//! can walk the knobs until one meets its length bounds.

use regex_syntax::hir::{Class, Hir, HirKind};

/// The longest string a pattern is expanded to.
const MAX_LEN: usize = 4096;

/// Characters tried first when a class allows them, in turn, so outputs read like words.
const PREFERRED: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// A pattern ready to generate from.
pub(crate) struct PatternGen {
    hir: Hir,
}

/// Which branch an alternation takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Branch {
    First,
    Last,
}

impl PatternGen {
    /// Parses `pattern` (ECMA 262 flavoured, as OpenAPI documents write them); `None` when even
    /// the pattern without look-arounds does not parse.
    pub fn new(pattern: &str) -> Option<PatternGen> {
        let stripped = strip_lookaround(pattern);
        let parse = |text: &str| regex_syntax::ParserBuilder::new().build().parse(text).ok();
        let hir = parse(&stripped).or_else(|| parse(&ecma_escapes(&stripped)))?;
        Some(PatternGen { hir })
    }

    /// A string from the pattern with each repetition run `min + extra` times (within its max).
    pub fn sample(&self, extra: u32, branch: Branch) -> Option<String> {
        let mut out = Output {
            text: String::new(),
            turn: 0,
        };
        emit(&self.hir, extra, branch, &mut out)?;
        Some(out.text)
    }

    /// Candidates for the knobs a caller usually walks: few to many repetitions, both branches.
    pub fn samples(&self) -> Vec<String> {
        let mut seen = Vec::new();
        for extra in [0u32, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 128, 256] {
            for branch in [Branch::First, Branch::Last] {
                if let Some(s) = self.sample(extra, branch)
                    && !seen.contains(&s)
                {
                    seen.push(s);
                }
            }
        }
        seen
    }
}

struct Output {
    text: String,
    turn: usize,
}

impl Output {
    fn push(&mut self, c: char) -> Option<()> {
        if self.text.len() >= MAX_LEN {
            return None;
        }
        self.text.push(c);
        self.turn += 1;
        Some(())
    }
}

fn emit(hir: &Hir, extra: u32, branch: Branch, out: &mut Output) -> Option<()> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(()),
        HirKind::Literal(lit) => {
            for c in String::from_utf8_lossy(&lit.0).chars() {
                out.push(c)?;
            }
            Some(())
        }
        HirKind::Class(Class::Unicode(class)) => {
            let ranges: Vec<(char, char)> = class
                .ranges()
                .iter()
                .map(|r| (r.start(), r.end()))
                .collect();
            let c = pick(&ranges, out.turn)?;
            out.push(c)
        }
        HirKind::Class(Class::Bytes(class)) => {
            let ranges: Vec<(char, char)> = class
                .ranges()
                .iter()
                .filter(|r| r.start() < 0x80)
                .map(|r| (char::from(r.start()), char::from(r.end().min(0x7f))))
                .collect();
            let c = pick(&ranges, out.turn)?;
            out.push(c)
        }
        HirKind::Repetition(rep) => {
            let wanted = rep.min.saturating_add(extra);
            let count = rep.max.map_or(wanted, |max| wanted.min(max)).max(rep.min);
            for _ in 0..count {
                emit(&rep.sub, extra, branch, out)?;
            }
            Some(())
        }
        HirKind::Capture(cap) => emit(&cap.sub, extra, branch, out),
        HirKind::Concat(subs) => {
            for sub in subs {
                emit(sub, extra, branch, out)?;
            }
            Some(())
        }
        HirKind::Alternation(subs) => {
            let sub = match branch {
                Branch::First => subs.first(),
                Branch::Last => subs.last(),
            }?;
            emit(sub, extra, branch, out)
        }
    }
}

/// A character of the class: a letter or digit in turn when it has any, else its first
/// printable character, else its first character.
fn pick(ranges: &[(char, char)], turn: usize) -> Option<char> {
    let inside = |c: char| ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
    let allowed: Vec<char> = PREFERRED.chars().filter(|&c| inside(c)).collect();
    if !allowed.is_empty() {
        return Some(allowed[turn % allowed.len()]);
    }
    for &(lo, hi) in ranges {
        let mut c = lo;
        // Look a little way into each range for something printable.
        for _ in 0..128 {
            if !c.is_control() && !c.is_whitespace() {
                return Some(c);
            }
            if c >= hi {
                break;
            }
            c = char::from_u32(c as u32 + 1)?;
        }
    }
    ranges.first().map(|&(lo, _)| lo)
}

/// Removes `(?=...)`, `(?!...)`, `(?<=...)` and `(?<!...)` groups, minding escapes and
/// character classes.
pub(crate) fn strip_lookaround(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len());
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            out.push(c);
            if let Some(&next) = chars.get(i + 1) {
                out.push(next);
            }
            i += 2;
            continue;
        }
        if in_class {
            if c == ']' {
                in_class = false;
            }
            out.push(c);
            i += 1;
            continue;
        }
        if c == '[' {
            in_class = true;
            out.push(c);
            i += 1;
            continue;
        }
        let rest: String = chars[i..chars.len().min(i + 4)].iter().collect();
        if rest.starts_with("(?=")
            || rest.starts_with("(?!")
            || rest.starts_with("(?<=")
            || rest.starts_with("(?<!")
        {
            i = skip_group(&chars, i);
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The index just past the group opening at `start`.
fn skip_group(chars: &[char], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    let mut in_class = false;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                i += 2;
                continue;
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    chars.len()
}

/// Rewrites ECMA-only escapes `regex-syntax` refuses (`\/`, `\-` outside classes, ...) by
/// dropping the backslash before punctuation it does not know.
fn ecma_escapes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && next.is_ascii_punctuation()
            && !regex_syntax::is_meta_character(next)
        {
            chars.next();
            out.push(next);
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(pattern: &str) -> String {
        PatternGen::new(pattern)
            .unwrap()
            .sample(0, Branch::First)
            .unwrap()
    }

    #[test]
    fn classes_literals_and_quantifiers() {
        assert_eq!(first("^\\d{12,12}$"), "012345678901");
        assert_eq!(first("^tgw-[a-zA-Z0-9]*$"), "tgw-");
        let uuid =
            first("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
        assert_eq!(uuid.len(), 36);
        assert_eq!(uuid.matches('-').count(), 4);
        let generator = PatternGen::new("^[a-zA-Z0-9-_ ]*$").unwrap();
        assert_eq!(generator.sample(3, Branch::First).unwrap().len(), 3);
    }

    #[test]
    fn lookarounds_are_dropped() {
        assert_eq!(
            strip_lookaround("^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$"),
            "^[a-z0-9](([a-z0-9]|-)*[a-z0-9])?$"
        );
        assert_eq!(
            strip_lookaround("(?!^[0-9]$)([a-zA-Z0-9-_' '])"),
            "([a-zA-Z0-9-_' '])"
        );
        assert_eq!(strip_lookaround("[(?!]x"), "[(?!]x");
        assert!(PatternGen::new("(?!^[0-9]$)([a-zA-Z0-9-_' '])").is_some());
    }

    #[test]
    fn negated_classes_pick_printable() {
        let s = first("^[^<>&\"$%!#?§;*~/\\\\|^=\\[\\]{}()\\u0000-\\u001F\\u007F]+$");
        assert_eq!(s.chars().count(), 1);
        assert!(!s.chars().next().unwrap().is_control());
    }

    #[test]
    fn bad_patterns_do_not_panic() {
        for p in ["(", "[", "\\", "(?<!", "a{99999999}", "(?P<x>", "\\u{zz}"] {
            if let Some(g) = PatternGen::new(p) {
                let _ = g.samples();
            }
        }
        let huge = PatternGen::new("a{4000}b{4000}").unwrap();
        assert!(huge.sample(0, Branch::First).is_none());
    }
}
