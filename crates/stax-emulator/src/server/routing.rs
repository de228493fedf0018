//! The one router of the Stax APIs: path templates from the areas' operation tables and from
//! the `--openapi` documents, matched as API Gateway matches them.
//!
//! Of the templates that match a path, the one whose literal segments come earliest wins
//! (a literal beats `{name}.json`, which beats `{name}`), so `/accounts/discover` is not
//! taken by `/accounts/{account_id}`. Templates of the same shape (`/a/{x}` and `/a/{y}`) are
//! one route; on it, the first endpoint added for a method keeps it, so the areas' table,
//! added first, wins over a document's operation of the same method and path. A `HEAD`
//! without an endpoint of its own is answered by the route's `GET`.
//!
//! Pure: templates in, matches out; the server decides what an endpoint is.

/// One segment of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Literal(String),
    /// `{name}`, possibly with text around it in the same segment (`{name}.json`).
    Param {
        prefix: String,
        name: String,
        suffix: String,
    },
}

impl Segment {
    /// How well `text` (decoded) fits, higher being more specific: 2 for a literal, 1 for a
    /// parameter with text around it, 0 for a bare parameter; `None` when it does not fit.
    fn fit(&self, text: &str) -> Option<u8> {
        match self {
            Segment::Literal(lit) => (lit == text).then_some(2),
            Segment::Param { prefix, suffix, .. } => {
                let fits = text.len() > prefix.len() + suffix.len()
                    && text.starts_with(prefix.as_str())
                    && text.ends_with(suffix.as_str());
                fits.then_some(u8::from(!prefix.is_empty() || !suffix.is_empty()))
            }
        }
    }

    /// The parameter's value in `text` (which fits).
    fn value<'t>(&self, text: &'t str) -> &'t str {
        match self {
            Segment::Literal(_) => "",
            Segment::Param { prefix, suffix, .. } => &text[prefix.len()..text.len() - suffix.len()],
        }
    }
}

/// The segments of a template (`/a/{x}` is `""`, `a`, `{x}`).
pub(crate) fn split_template(template: &str) -> Vec<Segment> {
    template
        .split('/')
        .map(|segment| {
            if let (Some(open), Some(close)) = (segment.find('{'), segment.rfind('}'))
                && open < close
            {
                Segment::Param {
                    prefix: segment[..open].to_owned(),
                    name: segment[open + 1..close].to_owned(),
                    suffix: segment[close + 1..].to_owned(),
                }
            } else {
                Segment::Literal(segment.to_owned())
            }
        })
        .collect()
}

/// A template with its parameter names blanked: `/a/{x}` and `/a/{y}` are the same route.
pub(crate) fn shape(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut in_param = false;
    for c in template.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push('{');
            }
            '}' => {
                in_param = false;
                out.push('}');
            }
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// An endpoint on a route: its method, what answers it, and the names its own template
/// gives the route's parameters (in order).
struct Method<E> {
    method: String,
    endpoint: E,
    names: Vec<String>,
}

struct Route<E> {
    /// The template of the first endpoint added.
    template: String,
    shape: String,
    segments: Vec<Segment>,
    methods: Vec<Method<E>>,
}

/// Every route, built once.
pub(crate) struct Routes<E> {
    routes: Vec<Route<E>>,
}

/// What a request's method and path meet.
#[derive(Debug, PartialEq)]
pub(crate) enum Found<'a, E> {
    /// An endpoint, with the path's parameters (decoded) by the names its template gives them.
    Endpoint {
        endpoint: &'a E,
        params: Vec<(String, String)>,
    },
    /// A route, without an endpoint for the method; its template.
    NoMethod(&'a str),
    /// No route.
    Nothing,
}

impl<E> Default for Routes<E> {
    fn default() -> Self {
        Routes { routes: Vec::new() }
    }
}

impl<E> Routes<E> {
    /// Adds `endpoint` for `method` (any case) on `template`; `false` (and nothing added) when
    /// the route already has an endpoint for that method.
    pub fn add(&mut self, method: &str, template: &str, endpoint: E) -> bool {
        let method = method.to_ascii_uppercase();
        let segments = split_template(template);
        let names = segments
            .iter()
            .filter_map(|s| match s {
                Segment::Param { name, .. } => Some(name.clone()),
                Segment::Literal(_) => None,
            })
            .collect();
        let shape = shape(template);
        let index = match self.routes.iter().position(|r| r.shape == shape) {
            Some(index) => index,
            None => {
                self.routes.push(Route {
                    template: template.to_owned(),
                    shape,
                    segments,
                    methods: Vec::new(),
                });
                self.routes.len() - 1
            }
        };
        let route = &mut self.routes[index];
        if route.methods.iter().any(|m| m.method == method) {
            return false;
        }
        route.methods.push(Method {
            method,
            endpoint,
            names,
        });
        true
    }

    /// How many endpoints there are.
    pub fn len(&self) -> usize {
        self.routes.iter().map(|r| r.methods.len()).sum()
    }

    /// What `method` on `path` (as sent: percent-encoded) meets.
    pub fn find(&self, method: &str, path: &str) -> Found<'_, E> {
        let parts: Vec<String> = path
            .split('/')
            .map(|raw| {
                percent_encoding::percent_decode_str(raw)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .collect();
        let mut best: Option<(Vec<u8>, &Route<E>)> = None;
        for route in self
            .routes
            .iter()
            .filter(|r| r.segments.len() == parts.len())
        {
            let score: Option<Vec<u8>> = route
                .segments
                .iter()
                .zip(&parts)
                .map(|(segment, text)| segment.fit(text))
                .collect();
            if let Some(score) = score
                && best.as_ref().is_none_or(|(s, _)| score > *s)
            {
                best = Some((score, route));
            }
        }
        let Some((_, route)) = best else {
            return Found::Nothing;
        };
        let by = |wanted: &str| route.methods.iter().find(|m| m.method == wanted);
        let method = method.to_ascii_uppercase();
        let Some(found) = by(&method).or_else(|| (method == "HEAD").then(|| by("GET")).flatten())
        else {
            return Found::NoMethod(&route.template);
        };
        let values = route
            .segments
            .iter()
            .zip(&parts)
            .filter(|(segment, _)| matches!(segment, Segment::Param { .. }))
            .map(|(segment, text)| segment.value(text).to_owned());
        Found::Endpoint {
            endpoint: &found.endpoint,
            params: found.names.iter().cloned().zip(values).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes() -> Routes<&'static str> {
        let mut routes = Routes::default();
        assert!(routes.add("get", "/v/accounts/{account_id}", "read"));
        assert!(routes.add("put", "/v/accounts/{account_id}", "update"));
        assert!(routes.add("get", "/v/accounts/discover", "discover"));
        assert!(routes.add("get", "/v/files/{name}.json", "file"));
        // The same route and method from a document: the first keeps it; another method joins.
        assert!(!routes.add("GET", "/v/accounts/{id}", "generic read"));
        assert!(routes.add("DELETE", "/v/accounts/{id}", "generic delete"));
        routes
    }

    fn endpoint<'a>(found: Found<'a, &'static str>) -> (&'static str, Vec<(String, String)>) {
        match found {
            Found::Endpoint { endpoint, params } => (*endpoint, params),
            other => panic!("no endpoint: {other:?}"),
        }
    }

    #[test]
    fn literal_segments_win() {
        let routes = routes();
        assert_eq!(routes.len(), 5);
        let (e, params) = endpoint(routes.find("GET", "/v/accounts/discover"));
        assert_eq!(e, "discover");
        assert!(params.is_empty());
        let (e, params) = endpoint(routes.find("get", "/v/accounts/abc%20d"));
        assert_eq!(e, "read");
        assert_eq!(params, vec![("account_id".to_owned(), "abc d".to_owned())]);
        let (e, params) = endpoint(routes.find("DELETE", "/v/accounts/a1"));
        assert_eq!(e, "generic delete");
        assert_eq!(params, vec![("id".to_owned(), "a1".to_owned())]);
        let (e, params) = endpoint(routes.find("GET", "/v/files/x.json"));
        assert_eq!(e, "file");
        assert_eq!(params[0].1, "x");
        let (e, _) = endpoint(routes.find("HEAD", "/v/accounts/a1"));
        assert_eq!(e, "read", "HEAD is answered by GET");
    }

    #[test]
    fn misses_are_told_apart() {
        let routes = routes();
        assert_eq!(
            routes.find("PUT", "/v/accounts/discover"),
            Found::NoMethod("/v/accounts/discover")
        );
        assert_eq!(routes.find("GET", "/v/files/.json"), Found::Nothing);
        assert_eq!(routes.find("GET", "/v/nothing"), Found::Nothing);
        assert_eq!(routes.find("GET", "/v/accounts"), Found::Nothing);
        assert_eq!(routes.find("GET", "/v/accounts/"), Found::Nothing);
    }

    #[test]
    fn names_and_shapes() {
        assert_eq!(shape("/a/{x}/b/{y}.json"), "/a/{}/b/{}.json");
        assert_eq!(
            split_template("/a/{x}"),
            vec![
                Segment::Literal(String::new()),
                Segment::Literal("a".into()),
                Segment::Param {
                    prefix: String::new(),
                    name: "x".into(),
                    suffix: String::new()
                }
            ]
        );
        assert_eq!(split_template("/c/{")[2], Segment::Literal("{".into()));
    }
}
