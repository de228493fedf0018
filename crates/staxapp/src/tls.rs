//! Which servers a client trusts, without paying for the platform's trust store up front.
//!
//! Stax's and AWS's endpoints chain to public roots, which Mozilla's list (the `webpki-roots`
//! crate, compiled in: nothing to read or parse) holds, as `certifi` does for the Python SDK.
//! A certificate those roots do not vouch for is then checked against the operating system's
//! store (through `rustls-platform-verifier`, as reqwest does by default), loaded the first
//! time it is needed and kept for the life of the client: a company proxy's CA installed in
//! the system store is still trusted. The extra CAs of the configuration (`SSL_CERT_FILE` /
//! `AWS_CA_BUNDLE`, [`ConfigBuilder::ca_bundle`](crate::ConfigBuilder::ca_bundle)) are trusted
//! by both.
//!
//! Why: on a Linux machine the platform store is a directory of a few hundred PEM files, and
//! reading and decoding them took about 5 ms of CPU per process, 40% of a cached `stax`
//! call. Every verification is still rustls' WebPKI path validation with the session's crypto
//! provider; only the order in which the two sets of roots are consulted changes.

use std::fmt;
use std::sync::{Arc, OnceLock};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// The TLS settings of a session's HTTP client: [`Trust`] as the certificate verifier, ALPN
/// for HTTP/2 and HTTP/1.1, the protocol versions rustls considers safe.
pub(crate) fn client_config(
    provider: Arc<CryptoProvider>,
    extra_roots: Vec<CertificateDer<'static>>,
) -> Result<rustls::ClientConfig, rustls::Error> {
    let trust = Trust::new(provider.clone(), extra_roots)?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(trust))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// Mozilla's roots and the extra CAs first; the platform's store, loaded on first need, for
/// a certificate whose issuer those do not know.
pub(crate) struct Trust {
    provider: Arc<CryptoProvider>,
    /// Mozilla's roots plus the extra CAs.
    bundled: Arc<WebPkiServerVerifier>,
    /// The extra CAs, for the platform verifier too.
    extra_roots: Vec<CertificateDer<'static>>,
    platform: OnceLock<Result<Arc<rustls_platform_verifier::Verifier>, rustls::Error>>,
}

impl fmt::Debug for Trust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trust")
            .field("extra_roots", &self.extra_roots.len())
            .field("platform_loaded", &self.platform_loaded())
            .finish()
    }
}

impl Trust {
    pub(crate) fn new(
        provider: Arc<CryptoProvider>,
        extra_roots: Vec<CertificateDer<'static>>,
    ) -> Result<Trust, rustls::Error> {
        let mut roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        for cert in &extra_roots {
            roots.add(cert.clone())?;
        }
        let bundled =
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| rustls::Error::General(format!("cannot build the verifier: {e}")))?;
        Ok(Trust {
            provider,
            bundled,
            extra_roots,
            platform: OnceLock::new(),
        })
    }

    /// True once the platform's store has been loaded (a certificate needed it).
    pub(crate) fn platform_loaded(&self) -> bool {
        self.platform.get().is_some()
    }

    fn platform(&self) -> Result<&rustls_platform_verifier::Verifier, rustls::Error> {
        self.platform
            .get_or_init(|| {
                rustls_platform_verifier::Verifier::new_with_extra_roots(
                    self.extra_roots.iter().cloned(),
                    self.provider.clone(),
                )
                .map(Arc::new)
            })
            .as_deref()
            .map_err(Clone::clone)
    }
}

impl ServerCertVerifier for Trust {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.bundled.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)) => {
                match self.platform() {
                    Ok(platform) => platform.verify_server_cert(
                        end_entity,
                        intermediates,
                        server_name,
                        ocsp_response,
                        now,
                    ),
                    // No usable system store: the certificate's issuer is still unknown.
                    Err(_) => Err(rustls::Error::InvalidCertificate(
                        CertificateError::UnknownIssuer,
                    )),
                }
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider() -> Arc<CryptoProvider> {
        Arc::new(rustls::crypto::ring::default_provider())
    }

    /// A CA and a certificate it issued for `localhost`.
    fn chain() -> (CertificateDer<'static>, CertificateDer<'static>) {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca = ca.self_signed(&ca_key).unwrap();
        let leaf_key = rcgen::KeyPair::generate().unwrap();
        let issuer = rcgen::Issuer::new(
            rcgen::CertificateParams::new(Vec::<String>::new()).unwrap(),
            &ca_key,
        );
        let leaf = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
            .unwrap()
            .signed_by(&leaf_key, &issuer)
            .unwrap();
        (ca.der().clone(), leaf.der().clone())
    }

    fn verify(
        trust: &Trust,
        leaf: &CertificateDer<'_>,
    ) -> Result<ServerCertVerified, rustls::Error> {
        trust.verify_server_cert(
            leaf,
            &[],
            &ServerName::try_from("localhost").unwrap(),
            &[],
            UnixTime::now(),
        )
    }

    #[test]
    fn an_extra_ca_is_trusted_without_loading_the_platform_store() {
        let (ca, leaf) = chain();
        let trust = Trust::new(provider(), vec![ca]).unwrap();
        verify(&trust, &leaf).expect("issued by the extra CA");
        assert!(!trust.platform_loaded());
    }

    #[test]
    fn an_unknown_issuer_is_looked_up_in_the_platform_store_once_and_refused() {
        let (_, leaf) = chain();
        let trust = Trust::new(provider(), Vec::new()).unwrap();
        for _ in 0..2 {
            match verify(&trust, &leaf) {
                Err(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)) => {}
                other => panic!("{other:?}"),
            }
            assert!(trust.platform_loaded());
        }
    }

    #[test]
    fn other_failures_do_not_consult_the_platform_store() {
        let (ca, leaf) = chain();
        let trust = Trust::new(provider(), vec![ca]).unwrap();
        let wrong_name = trust.verify_server_cert(
            &leaf,
            &[],
            &ServerName::try_from("example.com").unwrap(),
            &[],
            UnixTime::now(),
        );
        assert!(matches!(
            wrong_name,
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
            ))
        ));
        assert!(!trust.platform_loaded());
    }
}
