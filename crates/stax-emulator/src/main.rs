//! `stax-emulator`: runs a local Stax until SIGINT or SIGTERM.
//!
//! The first line on stdout is the ready line: one JSON object with `endpoint`, `access_key`,
//! `secret_key` and `ca_cert`. Logs go to stderr (`RUST_LOG` filters them).
//!
//! Its flags, control routes and rules: [docs/emulator.md](https://github.com/staxapp-rs/staxapp-rs/blob/main/docs/emulator.md).

fn main() -> std::process::ExitCode {
    stax_emulator::cli::main_with_args(std::env::args_os())
}
