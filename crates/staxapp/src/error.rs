//! Typed errors. Every error names its cause and, where one exists, the fix.
//!
//! Secrets (secret keys, session tokens, passwords) never appear in any message or `Debug`
//! output of these types.

use std::fmt;

use crate::apis::ErrorShape;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Anything that can go wrong in the SDK.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is incomplete or malformed (environment, builder, files).
    #[error("configuration error: {0}")]
    Config(ConfigError),

    /// The server's TLS certificate is not trusted. Retrying cannot help, so it is never
    /// retried; trust the certificate's issuer with `SSL_CERT_FILE` / `AWS_CA_BUNDLE`
    /// ([`ConfigBuilder::ca_bundle`](crate::ConfigBuilder::ca_bundle)).
    #[error(
        "the TLS certificate of {origin} is not trusted ({problem}); if you trust that server (the emulator's --tls, a proxy), point SSL_CERT_FILE or AWS_CA_BUNDLE at a PEM file of its CA"
    )]
    Certificate {
        /// `scheme://host:port` of the server.
        origin: String,
        /// What the TLS library found wrong with the certificate.
        problem: String,
    },

    /// Signing in with the API token failed.
    #[error(transparent)]
    Auth(#[from] AuthError),

    /// The request was refused on the client side before anything was sent.
    #[error(transparent)]
    Validation(Box<ValidationError>),

    /// The OpenAPI document could not be loaded or understood.
    #[error("schema error: {0}")]
    Schema(String),

    /// Stax answered with a non-success status.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// The request could not be sent or its answer could not be read.
    #[error("transport error: {message}")]
    Transport {
        /// What was being attempted and what went wrong.
        message: String,
        /// The underlying error, when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// A task ended in failure or could not be waited for.
    #[error(transparent)]
    Task(Box<TaskError>),

    /// The call did not finish within the operation timeout
    /// ([`Config::operation_timeout`](crate::Config::operation_timeout)), sign-in, retries and
    /// their delays included.
    #[error(
        "{operation} did not finish within the operation timeout of {limit:?} ({attempts} attempt(s) made); raise it (operation_timeout, STAX_OPERATION_TIMEOUT, --operation-timeout) or retry later"
    )]
    Timeout {
        /// The operation, as `service.Operation`.
        operation: String,
        /// The limit that ran out.
        limit: std::time::Duration,
        /// Attempts sent before it ran out.
        attempts: u32,
    },

    /// An [`Interceptor`](crate::Interceptor) refused the call (its hook returned
    /// an error); nothing more was sent.
    #[error("interceptor {hook} of {operation} failed: {source}")]
    Interceptor {
        /// The hook that failed, e.g. `before_signing`.
        hook: &'static str,
        /// The operation, as `service.Operation`.
        operation: String,
        /// What the interceptor returned.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Error::Validation(Box::new(e))
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl From<TaskError> for Error {
    fn from(e: TaskError) -> Self {
        Error::Task(Box::new(e))
    }
}

impl Error {
    /// A transport error with a message and an underlying cause.
    #[allow(dead_code)]
    pub(crate) fn transport(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Transport {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }

    /// The HTTP status when this is an [`ApiError`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            _ => None,
        }
    }

    /// The server's request id (`x-amzn-RequestId`) when this is an [`ApiError`] whose answer
    /// carried one: quote it to Stax support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            _ => None,
        }
    }
}

/// A setting that cannot be used, from the environment or from [`ConfigBuilder`](crate::ConfigBuilder).
///
/// ```
/// use staxapp::{Config, ConfigError, Error};
///
/// let err = Config::builder_without_env().region("mars1").build().unwrap_err();
/// assert!(matches!(err, Error::Config(ConfigError::InvalidInstallation { .. })));
/// assert!(err.to_string().contains("au1, us1, eu1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The installation (`STAX_REGION`, `--region`, [`ConfigBuilder::region`](crate::ConfigBuilder::region))
    /// is neither a short name nor a DNS name.
    #[error(
        "unknown installation {given:?}: use au1, us1, eu1 or a DNS name such as au1.staxapp.cloud (STAX_REGION, --region)"
    )]
    InvalidInstallation {
        /// The value given.
        given: String,
    },
    /// An endpoint is not an `http(s)://host[:port]` URL.
    #[error("the {setting} {given:?} is not an http(s) URL such as http://127.0.0.1:8080")]
    InvalidUrl {
        /// Which endpoint, as the user knows it (e.g. `STAX_ENDPOINT`).
        setting: String,
        /// The value given.
        given: String,
    },
    /// The extra CA bundle cannot be used.
    #[error("the CA bundle {path} {problem} (SSL_CERT_FILE / AWS_CA_BUNDLE)")]
    CaBundle {
        /// The file named.
        path: std::path::PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// An OpenAPI document named by path (`STAX_SCHEMA`, `STAX_PERMISSION_SETS_SCHEMA`,
    /// [`ConfigBuilder::schema`](crate::ConfigBuilder::schema)) cannot be read or is not a
    /// document: the user's setting, not the installation, is at fault. (A live document the
    /// installation serves that cannot be loaded is [`Error::Schema`].)
    #[error("{problem} (the document named by {setting})")]
    Document {
        /// The setting that named it, e.g. `STAX_SCHEMA`.
        setting: String,
        /// The file named.
        path: std::path::PathBuf,
        /// What is wrong with it: the path, the kind and the limit, or the parse error.
        problem: String,
    },
    /// Any other value out of its range.
    #[error("{setting}: {problem}")]
    InvalidValue {
        /// The setting (an environment variable or builder method).
        setting: String,
        /// What is wrong and what is expected.
        problem: String,
    },
}

/// Why signing in failed (PARITY.md A3, A4, A6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthErrorKind {
    /// No access key was configured.
    MissingAccessKey,
    /// No secret key was configured.
    MissingSecretKey,
    /// Cognito refused the secret key (`NotAuthorizedException`).
    InvalidSecretKey,
    /// Cognito does not know the access key (`UserNotFoundException`).
    UnknownAccessKey,
    /// Cognito wants the password changed before sign-in (`NEW_PASSWORD_REQUIRED`).
    NewPasswordRequired,
    /// The identity pool kept refusing a fresh token.
    RetriesExceeded,
    /// The installation's public configuration could not be read.
    PublicConfig,
    /// Any other Cognito or protocol failure.
    Unexpected,
}

/// Signing in with the API token failed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}{}", if detail.is_empty() { String::new() } else { format!(": {detail}") })]
pub struct AuthError {
    /// What kind of failure this is.
    pub kind: AuthErrorKind,
    /// What failed, with the service's own words where there are any.
    pub message: String,
    /// What to check or do about it.
    pub detail: String,
}

impl AuthError {
    /// Builds an error of `kind` with a message and guidance.
    pub fn new(kind: AuthErrorKind, message: impl Into<String>, detail: impl Into<String>) -> Self {
        AuthError {
            kind,
            message: message.into(),
            detail: detail.into(),
        }
    }
}

/// A request refused before sending: bad names, missing parameters, a body the document rejects.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// The service (class) is not in the document.
    #[error(
        "No such class: {name}. Please use one of {}{}",
        list(valid),
        did_you_mean(suggestion)
    )]
    NoSuchService {
        /// The name asked for.
        name: String,
        /// Every service of the document.
        valid: Vec<String>,
        /// The closest valid name, if one is close.
        suggestion: Option<String>,
    },
    /// The operation is not in the service.
    #[error(
        "No such operation: {name} for {service}. Please use one of {}{}",
        list(valid),
        did_you_mean(suggestion)
    )]
    NoSuchOperation {
        /// The service asked for.
        service: String,
        /// The operation asked for.
        name: String,
        /// Every operation of the service.
        valid: Vec<String>,
        /// The closest valid name, if one is close.
        suggestion: Option<String>,
    },
    /// No path variant of the operation has all its path parameters among the arguments.
    #[error("Missing one or more parameters: {}", list(parameters))]
    MissingParameters {
        /// The path parameters of the variant with the most of them.
        parameters: Vec<String>,
    },
    /// The body does not validate against its schema.
    #[error("{message} (validating against {schema})")]
    Body {
        /// The validator's message, naming the offending field.
        message: String,
        /// The component the body was validated against.
        schema: String,
        /// JSON pointer to the offending value in the body.
        instance_path: String,
    },
    /// The document has no component to validate the body against.
    #[error("SCHEMA: Does not contain {component}")]
    MissingComponent {
        /// The component that was looked for.
        component: String,
    },
    /// The document's schema for the component cannot be compiled into a validator (e.g. an
    /// invalid regular expression), so no body can be checked against it.
    #[error("SCHEMA: {component} cannot be used for validation: {reason}")]
    UnusableSchema {
        /// The component whose schema is unusable.
        component: String,
        /// What is wrong with it, as the JSON Schema compiler says.
        reason: String,
    },
    /// An argument cannot be sent as given (e.g. a path value that is an object).
    #[error("invalid argument {name}: {reason}")]
    InvalidArgument {
        /// The argument's name.
        name: String,
        /// Why it cannot be used.
        reason: String,
    },
}

fn list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    format!("[{}]", quoted.join(", "))
}

fn did_you_mean(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map(|s| format!(". Did you mean '{s}'?"))
        .unwrap_or_default()
}

/// Stax answered with a non-success status (PARITY.md O8).
#[derive(Clone, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The decoded JSON body, or the raw text as a JSON string when it was not JSON.
    pub body: serde_json::Value,
    /// `Api Exception: <status> - <Error>`, with the server's own words.
    pub message: String,
    /// The operation, as `service.Operation`, when known.
    pub operation: Option<String>,
    /// The server's id of the request (`x-amzn-RequestId`), when the answer carried one.
    pub request_id: Option<String>,
}

impl ApiError {
    /// Builds the error from a status and the response body text, reading the words of any
    /// of the APIs' error shapes.
    pub fn from_response(status: u16, text: &str, operation: Option<String>) -> Self {
        ApiError::from_answer(status, text, operation, ErrorShape::Text, None)
    }

    /// Builds the error of an answer of an API whose errors are written in `shape` (the
    /// other shapes and API Gateway's `{"message"}` are read too), with the answer's request
    /// id.
    ///
    /// ```
    /// use staxapp::ApiError;
    /// use staxapp::apis::ErrorShape;
    ///
    /// let body = r#"{"Error": {"Code": 404, "Message": "Permission set not found"}}"#;
    /// let e = ApiError::from_answer(404, body, None, ErrorShape::Coded, Some("abc-123".into()));
    /// assert_eq!(e.message, "Api Exception: 404 - Permission set not found");
    /// assert_eq!(e.request_id.as_deref(), Some("abc-123"));
    /// ```
    pub fn from_answer(
        status: u16,
        text: &str,
        operation: Option<String>,
        shape: ErrorShape,
        request_id: Option<String>,
    ) -> Self {
        let body = serde_json::from_str(text)
            .unwrap_or_else(|_| serde_json::Value::String(text.to_owned()));
        let words = match &body {
            serde_json::Value::Object(map) => shape
                .words(&body)
                .or_else(|| {
                    ["Error", "message", "Message"]
                        .iter()
                        .find_map(|key| map.get(*key).and_then(|v| v.as_str()))
                })
                .or_else(|| ErrorShape::Coded.words(&body))
                .map(str::to_owned)
                .or_else(|| Some(body.to_string())),
            serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            _ => None,
        };
        let mut message = match words {
            Some(words) => format!("Api Exception: {status} - {words}"),
            None => format!("Api Exception: {status}"),
        };
        if let Some(cause) = body.get("Cause").and_then(|c| c.as_str()) {
            message.push_str(&format!(" ({cause})"));
        }
        ApiError {
            status,
            body,
            message,
            operation,
            request_id,
        }
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("operation", &self.operation)
            .field("request_id", &self.request_id)
            .field("message", &self.message)
            .field("body", &self.body)
            .finish()
    }
}

/// A task ended badly or could not be followed to its end.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum TaskError {
    /// The task reached `FAILED`.
    #[error("task {task_id} FAILED{}", logs_suffix(logs))]
    Failed {
        /// The task's id.
        task_id: String,
        /// The task's log lines.
        logs: Vec<String>,
        /// The final `ReadTask` response.
        task: serde_json::Value,
    },
    /// The task did not reach a final state in time.
    #[error(
        "task {task_id} still {status} after {waited:?}; raise the timeout or check the task in Stax"
    )]
    Timeout {
        /// The task's id.
        task_id: String,
        /// Its last status.
        status: String,
        /// How long was waited.
        waited: std::time::Duration,
    },
    /// A response had no `TaskId` to wait for.
    #[error("the response has no TaskId to wait for")]
    NoTaskId,
    /// A permission set assignment reached `DEPLOYMENT_FAILED` or `DELETE_FAILED`.
    #[error(
        "assignment {assignment_id} of permission set {permission_set_id} ended {status}; `RedeployPermissionSetAssignment` tries again"
    )]
    AssignmentFailed {
        /// The permission set's id.
        permission_set_id: String,
        /// The assignment's id.
        assignment_id: String,
        /// Its final status.
        status: String,
        /// The assignment as last read.
        assignment: serde_json::Value,
    },
    /// A permission set assignment did not reach the awaited status in time.
    #[error(
        "assignment {assignment_id} of permission set {permission_set_id} still {status} after {waited:?}; raise the timeout or list the assignments again later"
    )]
    AssignmentTimeout {
        /// The permission set's id.
        permission_set_id: String,
        /// The assignment's id.
        assignment_id: String,
        /// Its last status.
        status: String,
        /// How long was waited.
        waited: std::time::Duration,
    },
    /// A permission set assignment awaited to deploy is not listed any more.
    #[error(
        "assignment {assignment_id} of permission set {permission_set_id} is no longer listed (deleted meanwhile?)"
    )]
    AssignmentGone {
        /// The permission set's id.
        permission_set_id: String,
        /// The assignment's id.
        assignment_id: String,
    },
    /// A response holds no permission set assignment to wait for.
    #[error("the response holds no permission set assignment to wait for")]
    NoAssignment,
}

fn logs_suffix(logs: &[String]) -> String {
    if logs.is_empty() {
        String::new()
    } else {
        format!(": {}", logs.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_error_keeps_the_servers_words() {
        let e = ApiError::from_response(404, r#"{"Error":"Account not found"}"#, None);
        assert_eq!(e.message, "Api Exception: 404 - Account not found");
        let e = ApiError::from_response(502, "Bad Gateway", None);
        assert_eq!(e.message, "Api Exception: 502 - Bad Gateway");
        assert_eq!(e.body, serde_json::json!("Bad Gateway"));
        let e = ApiError::from_response(
            404,
            r#"{"Error":{"Code":404,"Message":"Permission set not found"}}"#,
            None,
        );
        assert_eq!(e.message, "Api Exception: 404 - Permission set not found");
        let e = ApiError::from_response(403, r#"{"message":"Missing Authentication Token"}"#, None);
        assert_eq!(
            e.message,
            "Api Exception: 403 - Missing Authentication Token"
        );
    }

    #[test]
    fn validation_messages_list_choices() {
        let e = ValidationError::NoSuchService {
            name: "acounts".into(),
            valid: vec!["accounts".into(), "tasks".into()],
            suggestion: Some("accounts".into()),
        };
        assert_eq!(
            e.to_string(),
            "No such class: acounts. Please use one of ['accounts', 'tasks']. Did you mean 'accounts'?"
        );
    }
}
