//! What stands between the port and the Stax API, as API Gateway does: fault injection (for
//! tests of clients' retries) and the SigV4 check, which names the caller (its API token, its
//! role and its organisation). Each takes only what it needs (the store, the counters), not
//! the emulator's state.

pub(crate) mod faults;
pub(crate) mod sigv4;
