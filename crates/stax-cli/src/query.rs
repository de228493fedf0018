//! `--query`: a JMESPath expression, compiled and its depth bounded before anything is sent,
//! then applied to the answer.
//!
//! The `jmespath` crate parses, evaluates and drops expressions recursively, so an expression
//! nested thousands of levels deep (`!!!!…a`, `((((…))))`, `a[0][0]…`, `a.a.a…`) would
//! overflow the stack. [`nesting`] bounds the depth of the syntax tree from the text alone,
//! before the crate sees it: a chain of operators counts as deep as it is long, a list of
//! items (`[a, b]`, `{k: v, …}`, function arguments) as deep as its deepest item.

use serde_json::Value;

/// The most levels of nesting a `--query` may have (see [`nesting`]).
pub const MAX_DEPTH: usize = 200;

/// How much of an expression an error message shows.
const SHOWN: usize = 60;

/// A compiled `--query`.
pub struct Query {
    shown: String,
    compiled: jmespath::Expression<'static>,
}

impl Query {
    /// Compiles `expression`, refusing one nested more than [`MAX_DEPTH`] levels or that is
    /// not JMESPath; the error is a usage error's message.
    pub fn compile(expression: &str) -> Result<Query, String> {
        let shown = shorten(expression);
        let depth = nesting(expression);
        if depth > MAX_DEPTH {
            return Err(format!(
                "--query {shown} is nested about {depth} levels deep (each operator of a chain and each bracket counts); at most {MAX_DEPTH} are allowed"
            ));
        }
        let compiled = jmespath::compile(expression).map_err(|e| {
            format!(
                "--query {shown} is not valid JMESPath: {} at column {}",
                e.reason, e.column
            )
        })?;
        // The parser leaves function names and argument counts to the evaluation, which
        // comes after the call: check them now.
        calls(compiled.as_ast())
            .map_err(|problem| format!("--query {shown} is not valid JMESPath: {problem}"))?;
        Ok(Query { shown, compiled })
    }

    /// The expression's result on `value`.
    pub fn apply(&self, value: &Value) -> Result<Value, String> {
        let result = self
            .compiled
            .search(value)
            .map_err(|e| format!("--query {} failed on the answer: {}", self.shown, e.reason))?;
        serde_json::to_value(&*result).map_err(|e| format!("cannot convert the query result: {e}"))
    }
}

/// The number of arguments each JMESPath function takes (JMESPath specification): at least
/// the first number, at most the second (`None`: any number more).
fn arity(name: &str) -> Option<(usize, Option<usize>)> {
    Some(match name {
        "contains" | "ends_with" | "join" | "map" | "max_by" | "min_by" | "sort_by"
        | "starts_with" => (2, Some(2)),
        "merge" | "not_null" => (1, None),
        "abs" | "avg" | "ceil" | "floor" | "keys" | "length" | "max" | "min" | "reverse"
        | "sort" | "sum" | "to_array" | "to_number" | "to_string" | "type" | "values" => {
            (1, Some(1))
        }
        _ => return None,
    })
}

/// Checks every function call of `ast`: a function JMESPath has, with as many arguments as it
/// takes. Recursive over a tree whose depth [`nesting`] bounded.
fn calls(ast: &jmespath::ast::Ast) -> Result<(), String> {
    use jmespath::ast::Ast;
    match ast {
        Ast::Function { name, args, offset } => {
            let Some((least, most)) = arity(name) else {
                return Err(format!(
                    "no function named {name:?} (at character {offset})"
                ));
            };
            let given = args.len();
            if given < least || most.is_some_and(|most| given > most) {
                let expected = match most {
                    Some(most) if most == least => format!("{least}"),
                    Some(most) => format!("{least} to {most}"),
                    None => format!("at least {least}"),
                };
                return Err(format!(
                    "{name}() takes {expected} argument(s), not {given} (at character {offset})"
                ));
            }
            args.iter().try_for_each(calls)
        }
        Ast::Comparison { lhs, rhs, .. }
        | Ast::Projection { lhs, rhs, .. }
        | Ast::And { lhs, rhs, .. }
        | Ast::Or { lhs, rhs, .. }
        | Ast::Subexpr { lhs, rhs, .. } => calls(lhs).and_then(|()| calls(rhs)),
        Ast::Condition {
            predicate, then, ..
        } => calls(predicate).and_then(|()| calls(then)),
        Ast::Expref { ast: node, .. }
        | Ast::Flatten { node, .. }
        | Ast::Not { node, .. }
        | Ast::ObjectValues { node, .. } => calls(node),
        Ast::MultiList { elements, .. } => elements.iter().try_for_each(calls),
        Ast::MultiHash { elements, .. } => elements.iter().try_for_each(|kv| calls(&kv.value)),
        Ast::Identity { .. }
        | Ast::Field { .. }
        | Ast::Index { .. }
        | Ast::Literal { .. }
        | Ast::Slice { .. } => Ok(()),
    }
}

/// The expression as error messages show it: quoted, cut after [`SHOWN`] characters.
fn shorten(expression: &str) -> String {
    if expression.chars().count() <= SHOWN {
        format!("{expression:?}")
    } else {
        let head: String = expression.chars().take(SHOWN).collect();
        format!("{head:?}… ({} characters)", expression.chars().count())
    }
}

/// One open bracket of [`nesting`]'s scan.
struct Group {
    /// Levels the bracket itself adds (a filter or an index makes two nodes).
    weight: usize,
    /// Levels of the current item: its operators and the brackets in it, added up.
    item: usize,
    /// The deepest item before the current one (items are separated by commas).
    deepest: usize,
}

impl Group {
    fn new(weight: usize) -> Group {
        Group {
            weight,
            item: 0,
            deepest: 0,
        }
    }

    fn depth(&self) -> usize {
        self.weight + self.item.max(self.deepest)
    }
}

/// An upper bound of the depth of `expression`'s syntax tree, from its text: within one
/// item, every operator adds a level (two for `*`, which projects) and every bracket adds its
/// own depth; the items of a list, a hash or a function call count as deep as the deepest.
/// Strings (`'…'`, `"…"`) and JSON literals (`` `…` ``) count nothing (their own depth is
/// bounded by the JSON parser). Linear in the length; no recursion.
///
/// ```text
/// nesting("Accounts[].Name") == 5     nesting("!!!a") == 3     nesting("[a, b.c]") == 3
/// ```
pub fn nesting(expression: &str) -> usize {
    let mut groups = vec![Group::new(0)];
    let mut chars = expression.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' | '`' => {
                // To the closing quote; a backslash escapes the next character.
                while let Some(inner) = chars.next() {
                    match inner {
                        '\\' => {
                            chars.next();
                        }
                        _ if inner == c => break,
                        _ => {}
                    }
                }
            }
            '[' => match chars.peek() {
                // `[]` flattens: an operator that projects.
                Some(']') => {
                    chars.next();
                    add(&mut groups, 2);
                }
                // `[?`: a filter, a projection around a condition.
                Some('?') => {
                    chars.next();
                    groups.push(Group::new(2));
                }
                _ => groups.push(Group::new(2)),
            },
            '(' | '{' => groups.push(Group::new(1)),
            ')' | ']' | '}' if groups.len() > 1 => {
                let closed = groups.pop().map_or(0, |g| g.depth());
                add(&mut groups, closed);
            }
            ',' => {
                if let Some(group) = groups.last_mut() {
                    group.deepest = group.deepest.max(group.item);
                    group.item = 0;
                }
            }
            '*' => add(&mut groups, 2),
            '.' | '|' | '&' | '!' | '<' | '>' | '=' => add(&mut groups, 1),
            _ => {}
        }
    }
    // Brackets left open (the parser refuses them) close here.
    while groups.len() > 1 {
        let closed = groups.pop().map_or(0, |g| g.depth());
        add(&mut groups, closed);
    }
    groups.pop().map_or(0, |g| g.depth())
}

/// Adds `levels` to the current item of the innermost open bracket.
fn add(groups: &mut [Group], levels: usize) {
    if let Some(group) = groups.last_mut() {
        group.item = group.item.saturating_add(levels);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn queries_apply_and_bad_ones_name_the_problem() {
        let v = json!({"Accounts": [{"Name": "a"}, {"Name": "b"}]});
        let q = Query::compile("Accounts[].Name").unwrap();
        assert_eq!(q.apply(&v).unwrap(), json!(["a", "b"]));
        let err = Query::compile("[[[").err().unwrap();
        assert!(err.contains("not valid JMESPath"), "{err}");
        let err = Query::compile("AccountType[?").err().unwrap();
        assert!(err.contains("not valid JMESPath"), "{err}");
        // What the evaluation would find only after the call: unknown functions, arity.
        let err = Query::compile("Accounts[].sizeof(Name)").err().unwrap();
        assert!(err.contains("no function named \"sizeof\""), "{err}");
        let err = Query::compile("length(a, b)").err().unwrap();
        assert!(err.contains("length() takes 1 argument(s), not 2"), "{err}");
        let err = Query::compile("[?contains(Name)]").err().unwrap();
        assert!(err.contains("contains() takes 2"), "{err}");
        assert!(Query::compile("merge(a, b, c) | not_null(x)").is_ok());
        assert!(Query::compile("sort_by(Accounts, &Name)[].{N: Name}").is_ok());
    }

    #[test]
    fn chains_count_their_length_and_lists_their_deepest_item() {
        assert_eq!(nesting("a"), 0);
        assert_eq!(nesting("!!!a"), 3);
        assert_eq!(nesting("a.b.c"), 2);
        assert_eq!(nesting("[a, b.c]"), 3);
        assert_eq!(nesting("{x: a.b.c, y: d}"), 3);
        assert_eq!(nesting("a[0][1]"), 4);
        assert_eq!(nesting("((a))"), 2);
        // Quotes and literals count nothing, escaped quotes included.
        assert_eq!(nesting(r#"'a.b\'.c' == `[[[1]]]` && "x\"((""#), 4);
        // Unbalanced brackets neither panic nor undercount.
        assert_eq!(nesting("((("), 3);
        assert_eq!(nesting(")))a.b"), 1);
    }

    /// Every construct nested 20,000 deep is refused from its text, before the parser (which
    /// would overflow the stack) sees it; nested as deep as the bound allows, each compiles
    /// and runs (on a test thread's 2 MiB stack, a quarter of the main thread's).
    #[test]
    fn deep_expressions_are_refused_and_the_bound_is_safe() {
        let constructs: [fn(usize) -> String; 8] = [
            |n| format!("{}a", "!".repeat(n)),
            |n| format!("{}a{}", "(".repeat(n), ")".repeat(n)),
            |n| format!("a{}", "[0]".repeat(n)),
            |n| format!("a{}", ".a".repeat(n)),
            |n| format!("a{}", "[*]".repeat(n)),
            |n| format!("{}a{}", "[".repeat(n), "]".repeat(n)),
            |n| format!("a{}", " || a".repeat(n)),
            |n| format!("{}a{}", "f(".repeat(n), ")".repeat(n)),
        ];
        let value = json!({"a": [[1]]});
        for construct in constructs {
            let err = Query::compile(&construct(20_000)).err().expect("refused");
            assert!(err.contains("at most 200"), "{err}");
            assert!(err.len() < 300, "the message stays short: {err}");
            let n = (1..=MAX_DEPTH)
                .rev()
                .find(|n| nesting(&construct(*n)) <= MAX_DEPTH)
                .unwrap();
            assert!(n >= MAX_DEPTH / 4, "{n}: {}", construct(1));
            if let Ok(query) = Query::compile(&construct(n)) {
                let _ = query.apply(&value);
            }
        }
    }
}
