//! Hardening: every error of every route in that route's protocol, bounded stats, bounded
//! option values, timeouts on slow clients, and a served document that answers conditional
//! requests.

mod common;

use std::time::Duration;

use common::{Client, emulator, get, send, setup};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An answer read off a raw connection.
struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("{} is not JSON ({e}): {}", self.status, self.body))
    }
}

/// Sends `request` as is on a new connection and reads until the server closes it; `None`
/// when no answer came. A server that closes before reading the whole request (as it does
/// after refusing one hyper cannot parse) is no error. A guard (not an assertion on speed)
/// turns a connection that never closes into a failure.
async fn raw(endpoint: &str, request: &[u8]) -> Option<Raw> {
    let host = endpoint.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).await.unwrap();
    let _ = stream.write_all(request).await;
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(60), async {
        // Until the end, or a reset after the answer.
        while let Ok(n @ 1..) = stream.read(&mut chunk).await {
            bytes.extend_from_slice(&chunk[..n]);
        }
    })
    .await;
    assert!(read.is_ok(), "the server never closed the connection");
    parsed(&bytes)
}

/// An answer's status, headers and body; `None` when `bytes` hold none.
fn parsed(bytes: &[u8]) -> Option<Raw> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut lines = head.lines();
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Some(Raw {
        status,
        headers,
        body: body.to_owned(),
    })
}

fn assert_aws_json(answer: &Raw, status: u16, kind: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(
        answer.header("content-type"),
        Some("application/x-amz-json-1.1")
    );
    assert_eq!(answer.header("x-amzn-errortype"), Some(kind));
    let body = answer.json();
    assert_eq!(body["__type"], kind);
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[tokio::test]
async fn cognito_errors_are_aws_json_even_for_bodies_too_large_or_broken() {
    let emu = emulator(|_| {}).await;
    let endpoint = emu.endpoint();
    let http = reqwest::Client::new();
    let target = "AWSCognitoIdentityProviderService.InitiateAuth";
    let big = http
        .post(format!("{endpoint}/"))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", target)
        .body(vec![b' '; 20 * 1024 * 1024])
        .send()
        .await;
    // The emulator may answer before the whole body is sent, or close after answering.
    if let Ok(big) = big {
        assert_eq!(big.status(), 413);
        assert_eq!(
            big.headers()["x-amzn-errortype"],
            "RequestEntityTooLargeException"
        );
        let body: Value = big.json().await.unwrap();
        assert_eq!(body["__type"], "RequestEntityTooLargeException");
    }
    let chunked = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: {target}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
         zz\r\n{{}}\r\n0\r\n\r\n"
    );
    let answer = raw(endpoint, chunked.as_bytes()).await.expect("an answer");
    assert_aws_json(&answer, 400, "SerializationException");
    let get = raw(
        endpoint,
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await
    .expect("an answer");
    assert_aws_json(&get, 404, "UnknownOperationException");
    let unknown = http
        .post(format!("{endpoint}/"))
        .header("x-amz-target", "AWSCognitoIdentityProviderService.SignUp")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
    assert_eq!(
        unknown.headers()["x-amzn-errortype"],
        "UnknownOperationException"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn api_errors_are_json_in_the_gateways_and_staxs_shapes() {
    let (emu, client, creds) = setup(50).await;
    let endpoint = emu.endpoint();
    // A body too large: API Gateway's 413.
    let big = client
        .http
        .post(format!("{endpoint}/20190206/accounts/types"))
        .body(vec![b' '; 11 * 1024 * 1024])
        .send()
        .await;
    if let Ok(big) = big {
        assert_eq!(big.status(), 413);
        let body: Value = big.json().await.unwrap();
        assert!(body["message"].is_string(), "{body}");
    }
    // A broken chunk: a 400 with {"message"}.
    let answer = raw(
        endpoint,
        b"POST /20190206/accounts/types HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\
          Connection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    )
    .await
    .expect("an answer");
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(answer.json()["message"].is_string());
    // Unknown routes and methods: API Gateway's 403; unknown admin routes: a JSON 404.
    for (method, path, status) in [
        ("GET", "/20190206/nowhere", 403),
        ("PATCH", "/20190206/accounts", 403),
        ("GET", "/_emulator/nowhere", 404),
        ("GET", "/nowhere", 404),
    ] {
        let response = client
            .http
            .request(method.parse().unwrap(), format!("{endpoint}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{method} {path}");
        let body: Value = response.json().await.expect("JSON");
        assert!(body["message"].is_string(), "{method} {path}: {body}");
    }
    // Stax's own errors: {"Error"}, and a failed StaxEvent where Stax documents one.
    let (status, body) = client
        .call(&creds, "POST", "/20190206/accounts/types", Some(json!({})))
        .await;
    assert_eq!(status, 400);
    assert!(body["Error"].is_string(), "{body}");
    assert!(body.get("DetailType").is_none(), "{body}");
    let (status, body) = client
        .call(&creds, "POST", "/20190206/workloads", Some(json!({})))
        .await;
    assert_eq!(status, 400);
    assert!(body["Error"].is_string(), "{body}");
    assert_eq!(body["DetailType"], "workloads:CreateWorkload");
    assert_eq!(body["Detail"]["OperationStatus"], "FAILED");
    assert_eq!(body["Detail"]["Operation"], "workloads:CreateWorkload");
    // Bad path ids: the handler's 400, not the router's text.
    let (status, body) = client
        .call(&creds, "GET", "/20190206/accounts/%FF%FE", None)
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["Error"].is_string(), "{body}");
    emu.shutdown().await;
}

#[tokio::test]
async fn stats_keep_only_known_operations() {
    let emu = emulator(|_| {}).await;
    let http = reqwest::Client::new();
    for i in 0..300 {
        let target = if i % 2 == 0 {
            format!("AWSCognitoIdentityProviderService.MadeUp{i}")
        } else {
            format!("Nonsense.Target{i}")
        };
        let response = http
            .post(format!("{}/", emu.endpoint()))
            .header("x-amz-target", target)
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
    }
    let stats = emu.stats();
    let cognito = stats["cognito"].as_object().unwrap();
    assert_eq!(cognito["other"], 300, "{stats}");
    assert_eq!(cognito.len(), 5, "the four calls and other: {stats}");
    emu.shutdown().await;
}

#[tokio::test]
async fn option_values_out_of_bounds_are_refused() {
    for (edit, words) in [
        (
            Box::new(|o: &mut stax_emulator::EmulatorOptions| {
                o.credential_ttl = Duration::from_secs(u64::MAX)
            }) as Box<dyn Fn(&mut stax_emulator::EmulatorOptions)>,
            "credential TTL",
        ),
        (
            Box::new(|o| o.credential_ttl = Duration::ZERO),
            "credential TTL",
        ),
        (
            Box::new(|o| o.task_delay = Duration::from_secs(u64::MAX)),
            "task delay",
        ),
        (
            Box::new(|o| o.read_timeout = Duration::from_millis(1)),
            "read timeout",
        ),
        (
            Box::new(|o| o.faults = Some("latency=99999999:0.1".into())),
            "latency",
        ),
    ] {
        let mut opts = stax_emulator::EmulatorOptions::default();
        edit(&mut opts);
        let err = stax_emulator::start(opts).await.unwrap_err();
        assert!(err.to_string().contains(words), "{err}");
    }
    // The largest allowed values work.
    let emu = emulator(|o| {
        o.credential_ttl = stax_emulator::MAX_CREDENTIAL_TTL;
        o.task_delay = stax_emulator::MAX_TASK_DELAY;
    })
    .await;
    let client = Client::new(emu.endpoint()).await;
    let token = client.sign_in(emu.access_key(), emu.secret_key()).await;
    let creds = client.credentials_for(&token.unwrap()).await.unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(creds.expiration > now + 3600, "credentials last 12 hours");
    emu.shutdown().await;
}

#[tokio::test]
async fn half_sent_requests_are_closed_or_answered() {
    let emu = emulator(|o| o.read_timeout = Duration::from_millis(300)).await;
    let endpoint = emu.endpoint();
    // Headers that never end: the connection is closed without an answer.
    let nothing = raw(
        endpoint,
        b"GET /20190206/public/config HTTP/1.1\r\nHost: x\r\nX-Half: ",
    )
    .await;
    assert!(nothing.is_none(), "closed without an answer");
    // A connection that sends nothing at all is closed too.
    assert!(raw(endpoint, b"").await.is_none());
    // A body that stops short: 408 in the route's protocol, then closed.
    let api = raw(
        endpoint,
        b"POST /20190206/accounts/types HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"Na",
    )
    .await
    .expect("an answer");
    assert_eq!(api.status, 408, "{}", api.body);
    assert!(api.json()["message"].is_string());
    let cognito = raw(
        endpoint,
        b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSCognitoIdentityService.GetId\r\n\
          Content-Length: 100\r\n\r\n{\"Id",
    )
    .await
    .expect("an answer");
    assert_aws_json(&cognito, 408, "RequestTimeoutException");
    // A client that keeps its connection idle after an answer is disconnected too.
    let kept = raw(
        endpoint,
        b"GET /20190206/public/config HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    .await
    .expect("an answer");
    assert_eq!(kept.status, 200);
    // Normal clients are unaffected.
    let client = Client::new(endpoint).await;
    client.login(emu.access_key(), emu.secret_key()).await;
    emu.shutdown().await;
}

#[tokio::test]
async fn the_served_document_answers_conditional_requests() {
    let (emu, client, creds) = setup(50).await;
    let url = format!("{}/20190206/public/oas3-document", emu.endpoint());
    let first = client.http.get(&url).send().await.unwrap();
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let modified = first.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    let doc: Value = first.json().await.unwrap();
    assert!(doc["paths"].is_object());
    for request in [
        client.http.get(&url).header("if-none-match", &etag),
        client
            .http
            .get(&url)
            .header("if-none-match", format!("\"other\", W/{etag}")),
        client.http.get(&url).header("if-modified-since", &modified),
    ] {
        let again = request.send().await.unwrap();
        assert_eq!(again.status(), 304);
        assert_eq!(again.headers()["etag"], etag.as_str());
        assert!(again.bytes().await.unwrap().is_empty());
    }
    let changed = client
        .http
        .get(&url)
        .header("if-none-match", "\"stale\"")
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_eq!(
        emu.stats()["document"],
        json!({"sent": 2, "not_modified": 3})
    );
    // The document does not change while the emulator runs, whatever the state does.
    send(
        &client,
        &creds,
        "POST",
        "/20190206/accounts/types",
        Some(json!({"Name": "more"})),
    )
    .await;
    let later = client
        .http
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(later.status(), 304);
    get(&client, &creds, "/20190206/accounts/types").await;
    emu.shutdown().await;
}

#[tokio::test]
async fn every_answer_carries_a_request_id_as_api_gateway_and_cognito_do() {
    let (emu, client, creds) = setup(50).await;
    let endpoint = emu.endpoint();
    let mut seen = std::collections::HashSet::new();
    let mut check = |response: &reqwest::Response, what: &str| {
        let id = response
            .headers()
            .get("x-amzn-RequestId")
            .unwrap_or_else(|| panic!("{what}: no x-amzn-RequestId"))
            .to_str()
            .unwrap()
            .to_owned();
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{what}: {id}");
        assert!(seen.insert(id), "{what}: a request id answered twice");
    };
    // A signed call, an unsigned one (API Gateway's 403), an unknown route, a public route,
    // a Cognito call and an admin route.
    let request = client.signed(
        &creds,
        "GET",
        "/20190206/accounts",
        None,
        std::time::SystemTime::now(),
    );
    let signed = client.http.execute(request).await.unwrap();
    assert_eq!(signed.status(), 200);
    check(&signed, "signed call");
    for (method, path) in [
        ("GET", "/20190206/accounts"),
        ("GET", "/20190206/nowhere"),
        ("GET", "/20190206/public/config"),
        ("GET", "/_emulator/stats"),
        ("POST", "/"),
    ] {
        let response = client
            .http
            .request(method.parse().unwrap(), format!("{endpoint}{path}"))
            .send()
            .await
            .unwrap();
        check(&response, &format!("{method} {path}"));
    }
    emu.shutdown().await;
}

/// What hyper refuses before any route is answered in API Gateway's shape: JSON
/// `{"message"}`, with a request id, never an empty body.
fn assert_gateway_json(case: &str, answer: &Raw, status: u16, says: &str) {
    assert_eq!(answer.status, status, "{case}: {}", answer.body);
    assert_eq!(
        answer.header("content-type"),
        Some("application/json"),
        "{case}"
    );
    assert!(answer.header("x-amzn-requestid").is_some(), "{case}");
    let message = answer.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(message.contains(says), "{case}: {message}");
}

#[tokio::test]
async fn two_thousand_headers_get_a_json_431() {
    let emu = emulator(|_| {}).await;
    let mut request = b"GET /20190206/accounts HTTP/1.1\r\nHost: x\r\n".to_vec();
    for i in 0..2000 {
        request.extend_from_slice(format!("x-h{i}: v\r\n").as_bytes());
    }
    request.extend_from_slice(b"\r\n");
    let answer = raw(emu.endpoint(), &request).await.expect("an answer");
    assert_gateway_json("2000 headers", &answer, 431, "Too Large");
    emu.shutdown().await;
}

#[tokio::test]
async fn a_garbage_request_line_gets_a_json_400() {
    let emu = emulator(|_| {}).await;
    for line in [
        &b"\x01\x02 garbage \xff\r\n\r\n"[..],
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
        b"G(T / HTTP/1.1\r\nHost: x\r\n\r\n",
    ] {
        let case = String::from_utf8_lossy(line).into_owned();
        let answer = raw(emu.endpoint(), line).await.expect("an answer");
        assert_gateway_json(&case, &answer, 400, "Bad Request");
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn a_negative_content_length_gets_a_json_400() {
    let emu = emulator(|_| {}).await;
    let answer = raw(
        emu.endpoint(),
        b"POST /20190206/accounts/types HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n{}",
    )
    .await
    .expect("an answer");
    assert_gateway_json("Content-Length: -1", &answer, 400, "Content-Length");
    emu.shutdown().await;
}

#[tokio::test]
async fn a_content_length_of_twenty_digits_gets_a_json_400() {
    let emu = emulator(|_| {}).await;
    let answer = raw(
        emu.endpoint(),
        b"POST /20190206/accounts/types HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n{}",
    )
    .await
    .expect("an answer");
    assert_gateway_json("Content-Length: 20 digits", &answer, 400, "Content-Length");
    emu.shutdown().await;
}

#[tokio::test]
async fn a_path_that_is_not_utf8_gets_a_json_answer() {
    let emu = emulator(|_| {}).await;
    let answer = raw(
        emu.endpoint(),
        b"GET /20190206/accounts/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await
    .expect("an answer");
    assert_gateway_json("non-UTF-8 path", &answer, 400, "Bad Request");
    emu.shutdown().await;
}

#[tokio::test]
async fn over_tls_too_what_hyper_cannot_parse_gets_a_json_answer() {
    use std::io::{Read as _, Write as _};
    use std::sync::Arc;
    let emu = emulator(|o| o.tls = true).await;
    let pem = std::fs::read(emu.ca_cert().unwrap()).unwrap();
    let addr = emu.endpoint().trim_start_matches("https://").to_owned();
    let bytes = tokio::task::spawn_blocking(move || {
        use rustls::pki_types::pem::PemObject as _;
        use rustls::pki_types::{CertificateDer, ServerName};
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(&pem) {
            roots.add(cert.unwrap()).unwrap();
        }
        let config = rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = ServerName::try_from("localhost").unwrap();
        let connection = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
        let tcp = std::net::TcpStream::connect(&addr).unwrap();
        // A guard against a server that never closes, not a measure of speed.
        tcp.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut tls = rustls::StreamOwned::new(connection, tcp);
        tls.write_all(
            b"POST /20190206/accounts/types HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        )
        .unwrap();
        let mut bytes = Vec::new();
        // The server may close without TLS's close_notify: what was read counts.
        let _ = tls.read_to_end(&mut bytes);
        bytes
    })
    .await
    .unwrap();
    assert_gateway_json(
        "TLS, Content-Length: -1",
        &parsed(&bytes).expect("an answer"),
        400,
        "Content-Length",
    );
    emu.shutdown().await;
}
