//! What an SRP step refuses.

/// Why an SRP step refused its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SrpError {
    /// `SALT` is not hexadecimal.
    #[error("the challenge's SALT is not hexadecimal")]
    Salt,
    /// `SRP_B` is not a hexadecimal number of at most 3072 bits.
    #[error("the challenge's SRP_B is not a hexadecimal number of at most 3072 bits")]
    PublicB,
    /// `B mod N` is 0: a malicious or broken server.
    #[error("the challenge's SRP_B is 0 mod N: refusing it")]
    DegenerateB,
    /// The scrambler `u` is 0.
    #[error("the SRP scrambler u is 0: refusing the challenge")]
    DegenerateU,
    /// `SRP_A` is not a hexadecimal number of at most 3072 bits.
    #[error("SRP_A is not a hexadecimal number of at most 3072 bits")]
    PublicA,
    /// `A mod N` is 0: a malicious or broken client.
    #[error("SRP_A is 0 mod N")]
    DegenerateA,
    /// A stored verifier is not hexadecimal.
    #[error("the stored verifier is not a hexadecimal number of at most 3072 bits")]
    Verifier,
    /// A secret of more than 384 bytes.
    #[error("an SRP secret has at most 384 bytes")]
    Secret,
}
