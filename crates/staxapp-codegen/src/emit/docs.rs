//! Documentation from the document's words, made safe for rustdoc: the text shows as
//! written, and nothing in it becomes a link, an HTML tag, a heading or a code block (which
//! rustdoc would run as a doctest). Bare URLs become autolinks.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes, one per line; blank lines separate paragraphs.
pub fn attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

/// The document's text as paragraphs of documentation lines: trimmed, escaped, blank lines
/// kept as paragraph breaks.
pub fn prose(text: &str) -> Vec<String> {
    // HTML line breaks, which descriptions use, become line breaks.
    let text = ["<br/>", "<br />", "<br>", "<BR>", "<BR/>"]
        .iter()
        .fold(text.to_owned(), |t, br| t.replace(br, "\n"));
    let mut out: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            if out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
        } else {
            out.push(escape(line));
        }
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

/// `text` as inline code, or escaped text when it holds a backtick.
pub fn code(text: &str) -> String {
    if text.contains('`') || text.contains('\n') {
        escape(text)
    } else {
        format!("`{text}`")
    }
}

/// One line of the document's text, escaped for Markdown: brackets, angle brackets,
/// backticks, backslashes and a leading `#` lose their meaning; URLs become autolinks.
pub fn escape(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    for (i, word) in line.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if let Some(start) = word.find("https://").or_else(|| word.find("http://")) {
            let (before, url) = word.split_at(start);
            let end = url.trim_end_matches(['.', ',', ';', ':', ')', '(', '"', '\'', '>', ']']);
            let rest = &url[end.len()..];
            if end
                .chars()
                .all(|c| c.is_ascii_graphic() && !"<>`\"".contains(c))
            {
                out.push_str(&escape_plain(before));
                out.push('<');
                out.push_str(end);
                out.push('>');
                out.push_str(&escape_plain(rest));
                continue;
            }
        }
        out.push_str(&escape_plain(word));
    }
    if out.starts_with('#') {
        out.insert(0, '\\');
    }
    out
}

fn escape_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '[' | ']' | '`' | '*' | '_' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_loses_its_meaning() {
        assert_eq!(
            escape("[ACTIVE] <b>x</b> `y`"),
            "\\[ACTIVE\\] &lt;b&gt;x&lt;/b&gt; \\`y\\`"
        );
        assert_eq!(escape("# not a heading"), "\\# not a heading");
        assert_eq!(escape("```"), "\\`\\`\\`");
        assert_eq!(escape("a_b*c"), "a\\_b\\*c");
    }

    #[test]
    fn urls_become_autolinks() {
        assert_eq!(
            escape("See https://docs.stax.io/x_y.html."),
            "See <https://docs.stax.io/x_y.html>."
        );
        assert_eq!(escape("(http://a.b/c)"), "(<http://a.b/c>)");
    }

    #[test]
    fn paragraphs_are_trimmed() {
        assert_eq!(
            prose("\n  first\n    indented\n\n\n second \n\n"),
            vec!["first", "indented", "", "second"]
        );
        assert_eq!(prose("one.<br/>two<br>"), vec!["one.", "two"]);
        assert_eq!(code("^[a-z]+$"), "`^[a-z]+$`");
        assert_eq!(code("a`b"), "a\\`b");
    }
}
