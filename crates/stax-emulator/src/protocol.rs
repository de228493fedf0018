//! The three wire protocols on the emulator's one port, and how each answers an error:
//!
//! - Stax (`/20190206/...` once past the gateway): `{"Error": "...", "Cause"?: "..."}`, or for
//!   the operations Stax documents so, a `StaxEvent` that also carries `Error` ([`ApiError`]);
//!   the Permission Sets API (`/20210321/...`) answers `{"Error": {"Code", "Message"}}`
//!   instead ([`ErrorShape`]); [`API_VERSIONS`] holds what differs between the two APIs;
//! - API Gateway in front of it (signature checks, unknown routes, bodies too large or too
//!   slow): `{"message": "..."}` with `x-amzn-ErrorType` ([`gateway_error`]);
//! - AWS JSON 1.1 at `POST /` (Cognito): `{"__type": "...", "message": "..."}` with
//!   `x-amzn-ErrorType` ([`AwsError`]), selected by `X-Amz-Target` ([`amz_target`]).

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::store::StoreError;

/// How an API writes an error body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorShape {
    /// `{"Error": "...", "Cause"?: "..."}` (the core API).
    Text,
    /// `{"Error": {"Code": <status>, "Message": "..."}}` (the Permission Sets API).
    Coded,
}

/// How an API's own document names its operations and writes its paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Naming {
    /// `x-stax-sdk-operation-id` = `service.Operation`, paths from the host (`/20190206/...`).
    SdkIds,
    /// `operationId` = `Operation`, paths relative to the server `/<version>`.
    OperationIds,
}

/// What differs between the APIs the emulator serves, each under its version segment.
#[derive(Debug)]
pub(crate) struct ApiVersion {
    /// The first segment of every path of the API, e.g. `20190206`.
    pub version: &'static str,
    /// The title of the emulator's own document of it.
    pub title: &'static str,
    /// Where, under `/<version>`, the API serves its own document (no signature needed).
    pub document_path: &'static str,
    /// How its errors look.
    pub errors: ErrorShape,
    /// How its document names operations.
    pub naming: Naming,
}

/// The APIs Stax has: the core API and the Permission Sets API.
pub(crate) const API_VERSIONS: [ApiVersion; 2] = [
    ApiVersion {
        version: "20190206",
        title: "Stax API (emulated)",
        document_path: "/public/oas3-document",
        errors: ErrorShape::Text,
        naming: Naming::SdkIds,
    },
    ApiVersion {
        version: "20210321",
        title: "Stax Permission Sets API (emulated)",
        document_path: "/public/api-document",
        errors: ErrorShape::Coded,
        naming: Naming::OperationIds,
    },
];

/// The API of a version (the core API's facts for any other version).
pub(crate) fn api_version(version: &str) -> &'static ApiVersion {
    API_VERSIONS
        .iter()
        .find(|api| api.version == version)
        .unwrap_or(&API_VERSIONS[0])
}

/// The API a request path belongs to, by its first segment.
pub(crate) fn api_of_path(path: &str) -> &'static ApiVersion {
    api_version(path.trim_start_matches('/').split('/').next().unwrap_or(""))
}

/// An error answered in Stax's shape.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub error: String,
    pub cause: Option<String>,
    /// An answer of the operation's own shape that stands for the error, where Stax answers
    /// a status with it (`public.CheckAlias`'s 409); `{"Error"}` otherwise.
    pub answer: Option<Box<Value>>,
}

impl ApiError {
    pub fn new(status: StatusCode, error: impl Into<String>) -> Self {
        ApiError {
            status,
            error: error.into(),
            cause: None,
            answer: None,
        }
    }

    /// The error `status`, answered with `answer` itself (an operation's own shape).
    pub fn answered(status: StatusCode, error: impl Into<String>, answer: Value) -> Self {
        ApiError {
            answer: Some(Box::new(answer)),
            ..Self::new(status, error)
        }
    }

    pub fn bad_request(error: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error)
    }

    pub fn forbidden(error: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, error)
    }

    pub fn not_found(error: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, error)
    }

    pub fn conflict(error: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, error)
    }

    /// `{"Error", "Cause"?}` (or the answer standing for the error).
    fn body(&self) -> Value {
        if let Some(answer) = &self.answer {
            return Value::clone(answer);
        }
        match &self.cause {
            Some(cause) => json!({"Error": self.error, "Cause": cause}),
            None => json!({"Error": self.error}),
        }
    }

    /// The error in `shape`.
    pub fn into_response_shaped(self, shape: ErrorShape) -> Response {
        match shape {
            ErrorShape::Text => self.into_response(),
            ErrorShape::Coded => {
                let message = match &self.cause {
                    Some(cause) => format!("{} ({cause})", self.error),
                    None => self.error.clone(),
                };
                let body = json!({"Error": {"Code": self.status.as_u16(), "Message": message}});
                (self.status, Json(body)).into_response()
            }
        }
    }

    /// The error as the API of `path` writes errors.
    pub fn into_response_for(self, path: &str) -> Response {
        self.into_response_shaped(api_of_path(path).errors)
    }

    /// The error as a failed `StaxEvent` of `operation` (`workloads.CreateWorkload`), the
    /// shape Stax documents for some operations' errors. It keeps `Error` (and `Cause`), so a
    /// client reading either shape finds the reason.
    pub fn into_event_response(self, operation: &str) -> Response {
        let name = operation.replacen('.', ":", 1);
        let mut body = self.body();
        body["DetailType"] = json!(name);
        body["Detail"] = json!({
            "Message": self.error,
            "Operation": name,
            "OperationStatus": "FAILED",
            "Severity": "ERROR",
        });
        (self.status, Json(body)).into_response()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        tracing::error!(error = %err, "store failure");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
    }
}

/// Result of a Stax handler.
pub(crate) type ApiResult<T> = Result<T, ApiError>;

/// An API Gateway answer: `{"message"}` and, when given, `x-amzn-ErrorType`.
pub(crate) fn gateway_error(
    status: StatusCode,
    error_type: Option<&'static str>,
    message: &str,
) -> Response {
    let mut response = (status, Json(json!({"message": message}))).into_response();
    if let Some(kind) = error_type {
        response
            .headers_mut()
            .insert("x-amzn-errortype", HeaderValue::from_static(kind));
    }
    response
}

/// The `X-Amz-Target` prefix of Cognito user pools.
pub(crate) const USER_POOL_PREFIX: &str = "AWSCognitoIdentityProviderService.";
/// The `X-Amz-Target` prefix of Cognito identity pools.
pub(crate) const IDENTITY_POOL_PREFIX: &str = "AWSCognitoIdentityService.";

/// Which Cognito service an `X-Amz-Target` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CognitoService {
    UserPool,
    IdentityPool,
}

/// The service and operation named by `X-Amz-Target`, when it is one of Cognito's.
pub(crate) fn amz_target(headers: &HeaderMap) -> Option<(CognitoService, &str)> {
    let target = headers.get("x-amz-target")?.to_str().ok()?;
    if let Some(op) = target.strip_prefix(USER_POOL_PREFIX) {
        return Some((CognitoService::UserPool, op));
    }
    target
        .strip_prefix(IDENTITY_POOL_PREFIX)
        .map(|op| (CognitoService::IdentityPool, op))
}

/// A Cognito error: `{"__type", "message"}`, status 400 unless said otherwise.
#[derive(Debug)]
pub(crate) struct AwsError {
    pub kind: &'static str,
    pub message: String,
    pub status: StatusCode,
}

impl AwsError {
    /// A 400, or a 500 for `InternalErrorException`.
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        let status = if kind == "InternalErrorException" {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::BAD_REQUEST
        };
        AwsError {
            kind,
            message: message.into(),
            status,
        }
    }

    /// With another status (413 for a body too large, 429 for throttling, ...).
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// The answer for this error.
    pub fn response(&self) -> Response {
        aws_json(
            self.status,
            &json!({"__type": self.kind, "message": self.message}),
            Some(self.kind),
        )
    }
}

impl From<StoreError> for AwsError {
    fn from(err: StoreError) -> Self {
        tracing::error!(error = %err, "store failure in cognito");
        AwsError::new("InternalErrorException", "Internal error")
    }
}

/// A JSON 1.1 answer.
pub(crate) fn aws_json(status: StatusCode, body: &Value, error_type: Option<&str>) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        "content-type",
        HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    if let Ok(id) = HeaderValue::from_str(&crate::util::uuid()) {
        headers.insert("x-amzn-requestid", id);
    }
    if let Some(kind) = error_type.and_then(|k| HeaderValue::from_str(k).ok()) {
        headers.insert("x-amzn-errortype", kind);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_errors_keep_the_error_text() {
        let response =
            ApiError::bad_request("Name: taken").into_event_response("teams.CreateGroup");
        assert_eq!(response.status(), 400);
    }

    #[test]
    fn each_api_writes_errors_its_way() {
        assert_eq!(
            api_of_path("/20210321/permission-sets").errors,
            ErrorShape::Coded
        );
        assert_eq!(api_of_path("/20190206/accounts").errors, ErrorShape::Text);
        assert_eq!(api_of_path("/nowhere").version, "20190206");
        let response = ApiError::not_found("gone").into_response_for("/20210321/x");
        assert_eq!(response.status(), 404);
    }

    #[test]
    fn targets_name_their_service() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-amz-target",
            HeaderValue::from_static("AWSCognitoIdentityService.GetId"),
        );
        assert_eq!(
            amz_target(&headers),
            Some((CognitoService::IdentityPool, "GetId"))
        );
        headers.insert("x-amz-target", HeaderValue::from_static("Other.GetId"));
        assert_eq!(amz_target(&headers), None);
    }
}
