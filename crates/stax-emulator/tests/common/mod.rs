//! A small real client for the wire tests: SRP sign-in over Cognito JSON 1.1, the identity
//! pool, and SigV4-signed Stax calls with `aws-sigv4`. No mocks: everything goes over loopback.

#![allow(dead_code)]

use std::time::SystemTime;

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};
use stax_emulator::{EmulatorOptions, RunningEmulator};

#[path = "../../../../testsupport/shared_dir.rs"]
mod shared_dir;
#[allow(unused_imports)]
pub use shared_dir::{interop_python, missing, shared_file};

pub struct Creds {
    pub access_key_id: String,
    pub secret_key: String,
    pub session_token: String,
    pub expiration: i64,
}

pub struct Client {
    pub http: reqwest::Client,
    pub endpoint: String,
    pub config: Value,
}

/// Starts an emulator with `edit` applied to the default options.
pub async fn emulator(edit: impl FnOnce(&mut EmulatorOptions)) -> RunningEmulator {
    install_crypto_provider();
    let mut opts = EmulatorOptions::default();
    edit(&mut opts);
    stax_emulator::start(opts).await.expect("emulator starts")
}

/// reqwest is built without a TLS crypto provider of its own (the workspace uses ring only):
/// install ring as the process default before any client is built.
pub fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// An emulator whose tasks take `delay_ms` (long enough, in tests that look at a change under
/// way, for it to be seen), a client of it and the ready-line token's credentials.
pub async fn setup(delay_ms: u64) -> (RunningEmulator, Client, Creds) {
    let emu = emulator(|o| o.task_delay = std::time::Duration::from_millis(delay_ms)).await;
    let client = Client::new(emu.endpoint()).await;
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    (emu, client, creds)
}

/// An unsigned GET of a public path (a served document) that must answer JSON; its body.
pub async fn public(client: &Client, path: &str) -> Value {
    client
        .http
        .get(format!("{}{path}", client.endpoint))
        .send()
        .await
        .expect("the emulator answers")
        .json()
        .await
        .expect("a JSON answer")
}

/// A signed GET that must answer 200; its body.
pub async fn get(client: &Client, creds: &Creds, path: &str) -> Value {
    let (status, body) = client.call(creds, "GET", path, None).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

/// A signed call that must answer 200; its body.
pub async fn send(
    client: &Client,
    creds: &Creds,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Value {
    let (status, answer) = client.call(creds, method, path, body).await;
    assert_eq!(status, 200, "{method} {path}: {answer}");
    answer
}

/// The task id a change's answer names: its `TaskId`, else `Detail.TaskId`.
pub fn task_of(answer: &Value) -> String {
    answer["TaskId"]
        .as_str()
        .or_else(|| answer["Detail"]["TaskId"].as_str())
        .unwrap_or_else(|| panic!("a task id in {answer}"))
        .to_owned()
}

/// Waits for the task an answer names ([`task_of`]); the final task.
pub async fn settle(client: &Client, creds: &Creds, answer: &Value) -> Value {
    client.wait_task(creds, &task_of(answer)).await.0
}

/// Asks for an account named `name` of `account_type` (200 expected); the answer.
pub async fn create_account(
    client: &Client,
    creds: &Creds,
    name: &str,
    account_type: &str,
) -> Value {
    let body = json!({"Name": name, "AccountType": account_type});
    send(client, creds, "POST", "/20190206/accounts", Some(body)).await
}

/// Makes an API token named `name` with `role` (200 expected); its access key and secret.
pub async fn create_token(
    client: &Client,
    creds: &Creds,
    name: &str,
    role: &str,
) -> (String, String) {
    let body = json!({"Name": name, "Role": role});
    let answer = send(client, creds, "POST", "/20190206/api-tokens", Some(body)).await;
    let field = |key: &str| answer["ApiTokens"][0][key].as_str().unwrap().to_owned();
    (field("AccessKey"), field("SecretKey"))
}

/// Makes an account type named `name` (200 expected); the answer.
pub async fn create_account_type(client: &Client, creds: &Creds, name: &str) -> Value {
    let body = json!({"Name": name});
    send(
        client,
        creds,
        "POST",
        "/20190206/accounts/types",
        Some(body),
    )
    .await
}

/// Sends a change (200 expected) and waits for its task; returns the answer and the task.
pub async fn change(
    client: &Client,
    creds: &Creds,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (Value, Value) {
    let answer = send(client, creds, method, path, body).await;
    let task = settle(client, creds, &answer).await;
    (answer, task)
}

/// A new API token of `role` made by `admin`, signed in: its access key and credentials.
pub async fn token_of(client: &Client, admin: &Creds, role: &str) -> (String, Creds) {
    let made = send(
        client,
        admin,
        "POST",
        "/20190206/api-tokens",
        Some(json!({"Name": format!("role-{}", role.replace('_', "-")), "Role": role})),
    )
    .await;
    let token = &made["ApiTokens"][0];
    let access = token["AccessKey"].as_str().unwrap().to_owned();
    let creds = client
        .login(&access, token["SecretKey"].as_str().unwrap())
        .await;
    (access, creds)
}

/// The path segment of every service configuration (`/20190206/services/<service>/configuration`).
pub const SERVICES: [&str; 7] = [
    "account",
    "guardduty",
    "guardrails",
    "organization",
    "regions",
    "securityhub",
    "sso",
];

/// The body of a change of a service's configuration `now` to what it already is (`None` for
/// SSO, which is only read).
pub fn unchanged(service: &str, now: &Value) -> Option<Value> {
    if service == "sso" {
        return None;
    }
    let mut body = json!({"Configuration": now["Configuration"]});
    if service == "guardduty" || service == "securityhub" {
        body["Enabled"] = now["Enabled"].clone();
    }
    Some(body)
}

/// Outcome of a Cognito call: the JSON body, or the `__type` and message.
pub type AwsResult = Result<Value, (String, String)>;

impl Client {
    pub async fn new(endpoint: &str) -> Client {
        install_crypto_provider();
        Self::with_http(endpoint, reqwest::Client::new()).await
    }

    /// `POST /_emulator/<route>` (an admin route: no signature), its JSON answer.
    pub async fn admin_post(&self, route: &str) -> Value {
        self.http
            .post(format!("{}/_emulator/{route}", self.endpoint))
            .send()
            .await
            .expect("admin route reachable")
            .json()
            .await
            .expect("admin answers are JSON")
    }

    /// A control route `/_emulator/<route>` with an optional JSON body: its status and JSON
    /// answer.
    pub async fn admin(&self, method: &str, route: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self.http.request(
            method.parse().expect("a method"),
            format!("{}/_emulator/{route}", self.endpoint),
        );
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.expect("control route reachable");
        let status = response.status().as_u16();
        let body = response.json().await.expect("control answers are JSON");
        (status, body)
    }

    /// The paths of the signed list operations the emulator serves (GETs without path
    /// parameters), of both APIs, from its own documents.
    pub async fn list_paths(&self) -> Vec<String> {
        let mut paths = Vec::new();
        for (version, document) in [("20190206", "oas3-document"), ("20210321", "api-document")] {
            let doc = public(self, &format!("/{version}/public/{document}")).await;
            let server = doc["servers"][0]["url"].as_str().unwrap_or("");
            let prefix = if server.ends_with(version) {
                format!("/{version}")
            } else {
                String::new()
            };
            for (path, item) in doc["paths"].as_object().expect("paths") {
                if item.get("get").is_some() && !path.contains('{') && !path.contains("/public/") {
                    paths.push(format!("{prefix}{path}"));
                }
            }
        }
        paths
    }

    /// A client over a given HTTP client (e.g. one trusting the emulator's certificate).
    pub async fn with_http(endpoint: &str, http: reqwest::Client) -> Client {
        let config = http
            .get(format!("{endpoint}/20190206/public/config"))
            .send()
            .await
            .expect("config reachable")
            .json::<Value>()
            .await
            .expect("config is JSON");
        Client {
            http,
            endpoint: endpoint.to_owned(),
            config,
        }
    }

    pub fn auth(&self, key: &str) -> String {
        self.config["ApiAuth"][key].as_str().unwrap().to_owned()
    }

    pub async fn cognito(&self, target: &str, body: Value) -> AwsResult {
        let response = self
            .http
            .post(format!("{}/", self.endpoint))
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", target)
            .body(body.to_string())
            .send()
            .await
            .expect("cognito reachable");
        let status = response.status();
        let body: Value = response.json().await.expect("cognito answers JSON");
        if status.is_success() {
            Ok(body)
        } else {
            assert!(
                status == 400 || status == 429,
                "cognito errors are 400 (429 when throttled): {status} {body}"
            );
            Err((
                body["__type"].as_str().unwrap_or_default().to_owned(),
                body["message"].as_str().unwrap_or_default().to_owned(),
            ))
        }
    }

    /// SRP sign-in; returns the ID token.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> Result<String, (String, String)> {
        self.sign_in_at(username, password, time::OffsetDateTime::now_utc())
            .await
    }

    /// SRP sign-in claiming the given time in `TIMESTAMP`.
    pub async fn sign_in_at(
        &self,
        username: &str,
        password: &str,
        at: time::OffsetDateTime,
    ) -> Result<String, (String, String)> {
        let pool = self.auth("userPoolId");
        let client_id = self.auth("userPoolWebClientId");
        let srp = stax_srp::Client::new();
        let challenge = self
            .cognito(
                "AWSCognitoIdentityProviderService.InitiateAuth",
                json!({
                    "AuthFlow": "USER_SRP_AUTH",
                    "ClientId": client_id,
                    "AuthParameters": {"USERNAME": username, "SRP_A": srp.public_hex()},
                }),
            )
            .await?;
        assert_eq!(challenge["ChallengeName"], "PASSWORD_VERIFIER");
        let params = &challenge["ChallengeParameters"];
        let text = |k: &str| params[k].as_str().unwrap().to_owned();
        let user_id = text("USER_ID_FOR_SRP");
        let salt = text("SALT");
        let srp_b = text("SRP_B");
        let block_b64 = text("SECRET_BLOCK");
        let block = B64.decode(&block_b64).unwrap();
        let challenge = stax_srp::Challenge {
            salt: &salt,
            srp_b: &srp_b,
            secret_block: &block,
            user_id: &user_id,
        };
        let stax_srp::Answer {
            timestamp,
            signature,
        } = srp.answer(&challenge, &pool, password, at).unwrap();
        let result = self
            .cognito(
                "AWSCognitoIdentityProviderService.RespondToAuthChallenge",
                json!({
                    "ChallengeName": "PASSWORD_VERIFIER",
                    "ClientId": client_id,
                    "ChallengeResponses": {
                        "USERNAME": user_id,
                        "TIMESTAMP": timestamp,
                        "PASSWORD_CLAIM_SECRET_BLOCK": block_b64,
                        "PASSWORD_CLAIM_SIGNATURE": signature,
                    },
                }),
            )
            .await?;
        Ok(result["AuthenticationResult"]["IdToken"]
            .as_str()
            .unwrap()
            .to_owned())
    }

    pub fn logins(&self, id_token: &str) -> Value {
        let provider = format!(
            "cognito-idp.{}.amazonaws.com/{}",
            self.auth("region"),
            self.auth("userPoolId")
        );
        json!({ provider: id_token })
    }

    /// GetId then GetCredentialsForIdentity.
    pub async fn credentials_for(&self, id_token: &str) -> Result<Creds, (String, String)> {
        let id = self
            .cognito(
                "AWSCognitoIdentityService.GetId",
                json!({"IdentityPoolId": self.auth("identityPoolId"), "Logins": self.logins(id_token)}),
            )
            .await?;
        let identity = id["IdentityId"].as_str().unwrap().to_owned();
        let creds = self
            .cognito(
                "AWSCognitoIdentityService.GetCredentialsForIdentity",
                json!({"IdentityId": identity, "Logins": self.logins(id_token)}),
            )
            .await?;
        let c = &creds["Credentials"];
        Ok(Creds {
            access_key_id: c["AccessKeyId"].as_str().unwrap().to_owned(),
            secret_key: c["SecretKey"].as_str().unwrap().to_owned(),
            session_token: c["SessionToken"].as_str().unwrap().to_owned(),
            expiration: c["Expiration"].as_i64().unwrap(),
        })
    }

    /// Full sign-in: SRP, then the identity pool.
    pub async fn login(&self, access_key: &str, secret_key: &str) -> Creds {
        let token = self
            .sign_in(access_key, secret_key)
            .await
            .expect("sign-in succeeds");
        self.credentials_for(&token)
            .await
            .expect("identity pool answers")
    }

    /// Signs and sends a Stax call. `path_and_query` starts with `/20190206/`.
    pub async fn call(
        &self,
        creds: &Creds,
        method: &str,
        path_and_query: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        self.call_at(creds, method, path_and_query, body, SystemTime::now())
            .await
    }

    pub async fn call_at(
        &self,
        creds: &Creds,
        method: &str,
        path_and_query: &str,
        body: Option<Value>,
        at: SystemTime,
    ) -> (u16, Value) {
        let request = self.signed(creds, method, path_and_query, body, at);
        let response = self.http.execute(request).await.expect("api reachable");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    /// Builds a request signed with aws-sigv4, as the Rust SDK does.
    pub fn signed(
        &self,
        creds: &Creds,
        method: &str,
        path_and_query: &str,
        body: Option<Value>,
        at: SystemTime,
    ) -> reqwest::Request {
        let url = format!("{}{}", self.endpoint, path_and_query);
        let body_bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let host = url
            .split("://")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_owned();
        let mut headers = vec![("host".to_owned(), host)];
        if !body_bytes.is_empty() {
            headers.push(("content-type".to_owned(), "application/json".to_owned()));
        }
        let identity = aws_credential_types::Credentials::new(
            &creds.access_key_id,
            &creds.secret_key,
            Some(creds.session_token.clone()),
            None,
            "test",
        )
        .into();
        let region = self.auth("region");
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&region)
            .name("execute-api")
            .time(at)
            .settings(SigningSettings::default())
            .build()
            .unwrap()
            .into();
        let signable = SignableRequest::new(
            method,
            url.clone(),
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SignableBody::Bytes(&body_bytes),
        )
        .unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        let mut builder = self.http.request(method.parse().unwrap(), &url);
        for (k, v) in &headers {
            if k != "host" {
                builder = builder.header(k, v);
            }
        }
        for (k, v) in instructions.headers() {
            builder = builder.header(k, v);
        }
        builder.body(body_bytes).build().unwrap()
    }
}

/// Signs like the Python SDK's `aws_requests_auth`: SignedHeaders `host;x-amz-date;x-amz-security-token`,
/// the path quoted once more, the raw query pairs sorted as text. Returns the headers to send.
pub fn python_style_headers(
    creds: &Creds,
    region: &str,
    host: &str,
    method: &str,
    path: &str,
    raw_query: &str,
    body: &[u8],
) -> Vec<(String, String)> {
    use hmac::{Hmac, Mac};
    use sha2::{Digest, Sha256};
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let hmac = |key: &[u8], msg: &str| {
        let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
        m.update(msg.as_bytes());
        m.finalize().into_bytes().to_vec()
    };
    let now = time::OffsetDateTime::now_utc();
    let amz_date = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        now.year(),
        now.month() as u8,
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    let datestamp = &amz_date[..8];
    const QUOTE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    let canonical_uri = percent_encoding::utf8_percent_encode(path, QUOTE).to_string();
    let mut pairs: Vec<&str> = raw_query.split('&').filter(|p| !p.is_empty()).collect();
    pairs.sort();
    let canonical_query = pairs
        .iter()
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join("&");
    let canonical_headers = format!(
        "host:{host}\nx-amz-date:{amz_date}\nx-amz-security-token:{}\n",
        creds.session_token
    );
    let signed_headers = "host;x-amz-date;x-amz-security-token";
    let payload_hash = hex(&Sha256::digest(body));
    let creq = format!(
        "{method}\n{canonical_uri}\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{payload_hash}"
    );
    let scope = format!("{datestamp}/{region}/execute-api/aws4_request");
    let sts = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex(&Sha256::digest(creq.as_bytes()))
    );
    let k_date = hmac(format!("AWS4{}", creds.secret_key).as_bytes(), datestamp);
    let k_region = hmac(&k_date, region);
    let k_service = hmac(&k_region, "execute-api");
    let k_signing = hmac(&k_service, "aws4_request");
    let signature = hex(&hmac(&k_signing, &sts));
    vec![
        (
            "authorization".into(),
            format!(
                "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
                creds.access_key_id
            ),
        ),
        ("x-amz-date".into(), amz_date),
        ("x-amz-content-sha256".into(), payload_hash),
        ("x-amz-security-token".into(), creds.session_token.clone()),
    ]
}

impl Client {
    /// Sends a GET signed like the Python SDK, with the query exactly as given.
    pub async fn python_style_get(
        &self,
        creds: &Creds,
        path: &str,
        raw_query: &str,
    ) -> (u16, Value) {
        let host = self.endpoint.split("://").nth(1).unwrap().to_owned();
        let headers = python_style_headers(
            creds,
            &self.auth("region"),
            &host,
            "GET",
            path,
            raw_query,
            b"",
        );
        let url = if raw_query.is_empty() {
            format!("{}{path}", self.endpoint)
        } else {
            format!("{}{path}?{raw_query}", self.endpoint)
        };
        let mut builder = self.http.get(url);
        for (k, v) in headers {
            builder = builder.header(k, v);
        }
        let response = builder.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

impl Client {
    /// Polls `tasks.ReadTask` until the task ends; returns its final body and every status seen.
    pub async fn wait_task(&self, creds: &Creds, task_id: &str) -> (Value, Vec<String>) {
        let mut seen: Vec<String> = Vec::new();
        // Bounded by count, not time: each round sleeps briefly.
        for _ in 0..2000 {
            let (status, body) = self
                .call(creds, "GET", &format!("/20190206/task/{task_id}"), None)
                .await;
            assert_eq!(status, 200, "{body}");
            let s = body["Status"].as_str().unwrap().to_owned();
            if seen.last() != Some(&s) {
                seen.push(s.clone());
            }
            if s == "SUCCEEDED" || s == "FAILED" {
                return (body, seen);
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("task {task_id} never ended: {seen:?}");
    }
}

/// A `stax-emulator` process, killed (by its own id) if a test ends without stopping it.
pub struct Process {
    child: std::process::Child,
    /// Its ready line.
    pub ready: Value,
}

impl Process {
    /// Runs the binary with `args` and reads its ready line.
    pub fn spawn(args: &[&str]) -> Process {
        use std::io::BufRead as _;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_stax-emulator"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("binary starts");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("a ready line");
        let ready: Value = serde_json::from_str(&line).expect("the first line is JSON");
        Process { child, ready }
    }

    /// A field of the ready line.
    pub fn ready(&self, key: &str) -> &str {
        self.ready[key].as_str().unwrap_or_default()
    }

    /// Sends SIGTERM and waits for the exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        self.child.wait().unwrap()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A fresh path under the temp dir for a test database; removes leftovers of the same name.
pub fn temp_db(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("stax-emulator-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("state.db")
}
