//! Requests hyper cannot parse (a garbage request line, thousands of headers, a
//! `Content-Length` of `-1` or of twenty digits, bytes outside ASCII in the path) never reach
//! the router: hyper answers them itself, 400, 414 or 431 with an empty body, and closes the
//! connection. [`UnparsedAsJson`] wraps each connection and puts API Gateway's answer in place
//! of that one, `{"message": ...}` with `x-amzn-RequestId`, as every other answer of the
//! emulator is JSON.
//!
//! hyper offers no hook for those answers, so the wrapper recognises them on their way out:
//! a status line of 4xx or 5xx followed only by `connection: close`, `content-length: 0` and
//! `date`, nothing after
//! the head, written in one piece (the wrapper declares no vectored writes, so hyper writes
//! each message from one buffer). Every answer of the router carries `x-amzn-RequestId` and a
//! content type, so none of them looks so.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use axum_server::accept::Accept;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// An acceptor that wraps each connection of `inner` in [`UnparsedAsJson`]. Stacked last, so
/// it sees plain HTTP (after TLS).
#[derive(Clone, Debug)]
pub(crate) struct UnparsedAsJsonAcceptor<A>(pub A);

impl<A, I, S> Accept<I, S> for UnparsedAsJsonAcceptor<A>
where
    A: Accept<I, S>,
    A::Future: Send + 'static,
{
    type Stream = UnparsedAsJson<A::Stream>;
    type Service = A::Service;
    type Future = Pin<Box<dyn Future<Output = io::Result<(Self::Stream, Self::Service)>> + Send>>;

    fn accept(&self, stream: I, service: S) -> Self::Future {
        let accepted = self.0.accept(stream, service);
        Box::pin(async move {
            let (stream, service) = accepted.await?;
            Ok((UnparsedAsJson::new(stream), service))
        })
    }
}

/// A connection whose parse-error answers from hyper become API Gateway's JSON ones.
#[derive(Debug)]
pub(crate) struct UnparsedAsJson<S> {
    inner: S,
    /// The JSON answer being written in place of hyper's, and how much of it is written.
    pending: Vec<u8>,
    written: usize,
}

impl<S> UnparsedAsJson<S> {
    fn new(inner: S) -> Self {
        UnparsedAsJson {
            inner,
            pending: Vec::new(),
            written: 0,
        }
    }
}

impl<S: AsyncWrite + Unpin> UnparsedAsJson<S> {
    /// Writes what is left of a replacement answer.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.pending.len() {
            let n =
                ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        self.pending.clear();
        self.written = 0;
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for UnparsedAsJson<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for UnparsedAsJson<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        ready!(this.drain(cx))?;
        if let Some(answer) = replacement(buf) {
            // hyper's bytes count as written; ours go out now or at the next flush.
            this.pending = answer;
            if let Poll::Ready(Err(e)) = this.drain(cx) {
                return Poll::Ready(Err(e));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        // One buffer per message (hyper's "flatten" strategy), so an answer is seen whole.
        false
    }
}

/// API Gateway's answer in place of `written`, when `written` is exactly hyper's answer to a
/// request it could not parse.
fn replacement(written: &[u8]) -> Option<Vec<u8>> {
    let head = written.strip_suffix(b"\r\n\r\n")?;
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let code = status_line
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| status_line.strip_prefix("HTTP/1.0 "))?
        .get(..3)?;
    let status = http::StatusCode::from_bytes(code.as_bytes()).ok()?;
    if !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    let mut date = None;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" if value.trim() == "0" => {}
            "connection" if value.trim().eq_ignore_ascii_case("close") => {}
            "date" => date = Some(value.trim()),
            _ => return None,
        }
    }
    let message = match status.as_u16() {
        431 => {
            "Request Header Fields Too Large: the request line and headers are too many or too long"
        }
        414 => "Request-URI Too Long",
        400 => {
            "Bad Request: the request is not valid HTTP/1.1 (its request line, a header name or value, or its Content-Length)"
        }
        _ => status.canonical_reason().unwrap_or("Bad Request"),
    };
    let body = serde_json::json!({ "message": message }).to_string();
    let mut answer = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-amzn-requestid: {}\r\nconnection: close\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len(),
        uuid::Uuid::new_v4()
    );
    if let Some(date) = date {
        answer.push_str(&format!("date: {date}\r\n"));
    }
    answer.push_str("\r\n");
    answer.push_str(&body);
    Some(answer.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_own_error_answers_are_replaced() {
        let hyper_400 = b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\ndate: Mon, 01 Jan 2024 00:00:00 GMT\r\n\r\n";
        let answer = String::from_utf8(replacement(hyper_400).unwrap()).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{head}");
        assert!(head.contains("content-type: application/json"), "{head}");
        assert!(head.contains("x-amzn-requestid: "), "{head}");
        assert!(
            head.contains("date: Mon, 01 Jan 2024 00:00:00 GMT"),
            "{head}"
        );
        assert!(
            head.contains(&format!("content-length: {}", body.len())),
            "{head}"
        );
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert!(json["message"].as_str().unwrap().starts_with("Bad Request"));
        let hyper_431 =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n";
        assert!(replacement(hyper_431).is_some());
        for kept in [
            // The router's answers: a content type, a request id, a body.
            &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"[..],
            b"HTTP/1.1 404 Not Found\r\nx-amzn-requestid: x\r\ncontent-length: 0\r\n\r\n",
            // Not an error, not a head, or more than a head.
            b"HTTP/1.1 100 Continue\r\n\r\n",
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nmore",
            b"{\"message\": \"HTTP/1.1 400\"}",
            b"",
        ] {
            assert!(replacement(kept).is_none(), "{}", String::from_utf8_lossy(kept));
        }
    }
}
