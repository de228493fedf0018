//! Reading a request body with a size limit and a deadline, so that every route can answer
//! a body too large, too slow or broken (a bad chunk) in its own protocol.

use std::time::Duration;

use axum::body::{Body, Bytes, to_bytes};

/// Why a body could not be read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Longer than the limit (bytes).
    TooLarge(usize),
    /// Not all there before the deadline.
    TooSlow(Duration),
    /// The framing broke (a bad chunk, a connection reset, ...).
    Broken(String),
}

impl BodyError {
    /// A sentence naming the problem.
    pub fn message(&self) -> String {
        match self {
            BodyError::TooLarge(limit) => {
                format!("The request body is larger than {limit} bytes")
            }
            BodyError::TooSlow(after) => format!(
                "The request body did not arrive within {} ms",
                after.as_millis()
            ),
            BodyError::Broken(why) => format!("The request body could not be read: {why}"),
        }
    }
}

/// Reads the whole body: at most `limit` bytes, within `deadline`.
pub(crate) async fn read(body: Body, limit: usize, deadline: Duration) -> Result<Bytes, BodyError> {
    match tokio::time::timeout(deadline, to_bytes(body, limit)).await {
        Err(_) => Err(BodyError::TooSlow(deadline)),
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(err)) => {
            let inner = err.into_inner();
            let too_large =
                std::iter::successors(Some(&*inner as &(dyn std::error::Error + 'static)), |e| {
                    e.source()
                })
                .any(|e| e.is::<http_body_util::LengthLimitError>());
            if too_large {
                Err(BodyError::TooLarge(limit))
            } else {
                Err(BodyError::Broken(inner.to_string()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn limits_and_reads() {
        let ok = read(Body::from("abc"), 10, Duration::from_secs(5)).await;
        assert_eq!(ok.unwrap(), Bytes::from("abc"));
        let big = read(Body::from("abcdef"), 3, Duration::from_secs(5)).await;
        assert_eq!(big.unwrap_err(), BodyError::TooLarge(3));
        assert!(BodyError::TooLarge(3).message().contains("3 bytes"));
    }
}
