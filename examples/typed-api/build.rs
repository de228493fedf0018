fn main() -> Result<(), staxapp_codegen::Error> {
    staxapp_codegen::generate_from_env("STAX_DOCUMENTS", "stax.rs")
}
