//! The retry quota: AWS standard retry mode's token bucket, so that an outage does not
//! multiply the traffic a struggling service gets.
//!
//! One bucket per [`Session`](crate::Session), shared by every client (and every concurrent
//! call) of it, for the requests the session sends to Stax. It starts full with
//! [`CAPACITY`] tokens. A retry takes [`RETRY_COST`] tokens ([`TIMEOUT_RETRY_COST`] after
//! a timed-out attempt); when the bucket cannot pay, the request is not retried: the call
//! fails at once with what the last attempt got. A request answered 2xx on its first attempt
//! puts [`SUCCESS_REWARD`] token back; one answered 2xx after retries puts back what its last
//! retry took. The figures are AWS's (botocore's `standard` mode, the AWS SDK for Rust's
//! standard retry strategy). Turn it off with
//! [`ConfigBuilder::retry_quota(false)`](crate::ConfigBuilder::retry_quota).
//!
//! ```
//! use staxapp::quota::{RetryQuota, CAPACITY, RETRY_COST};
//! use staxapp::transport::OutcomeClass;
//!
//! let quota = RetryQuota::new();
//! let status = OutcomeClass::RetryableStatus { status: 500, retry_after: None };
//! let taken = quota.acquire(&status).expect("a full bucket pays");
//! assert_eq!(taken, RETRY_COST);
//! assert_eq!(quota.available(), CAPACITY - RETRY_COST);
//! quota.succeeded(taken); // the retry worked: its cost comes back
//! assert_eq!(quota.available(), CAPACITY);
//! ```

use std::sync::atomic::{AtomicU32, Ordering};

use crate::transport::OutcomeClass;

/// Tokens in a full bucket.
pub const CAPACITY: u32 = 500;
/// Tokens a retry takes.
pub const RETRY_COST: u32 = 5;
/// Tokens a retry after a timed-out attempt takes.
pub const TIMEOUT_RETRY_COST: u32 = 10;
/// Tokens a request answered on its first attempt puts back.
pub const SUCCESS_REWARD: u32 = 1;

/// A token bucket of retries (see the module).
#[derive(Debug)]
pub struct RetryQuota {
    capacity: u32,
    available: AtomicU32,
}

impl Default for RetryQuota {
    fn default() -> Self {
        RetryQuota::new()
    }
}

impl RetryQuota {
    /// A full bucket of [`CAPACITY`] tokens.
    pub fn new() -> RetryQuota {
        RetryQuota::with_capacity(CAPACITY)
    }

    /// A full bucket of `capacity` tokens.
    pub fn with_capacity(capacity: u32) -> RetryQuota {
        RetryQuota {
            capacity,
            available: AtomicU32::new(capacity),
        }
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        self.available.load(Ordering::Acquire)
    }

    /// What a retry after `class` costs.
    pub fn cost(class: &OutcomeClass) -> u32 {
        match class {
            OutcomeClass::TimedOut => TIMEOUT_RETRY_COST,
            _ => RETRY_COST,
        }
    }

    /// Takes the cost of a retry after `class`; `None` (nothing taken) when the bucket cannot
    /// pay it: the request must not be retried.
    pub fn acquire(&self, class: &OutcomeClass) -> Option<u32> {
        let cost = RetryQuota::cost(class);
        self.available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                left.checked_sub(cost)
            })
            .ok()
            .map(|_| cost)
    }

    /// A request was answered 2xx; `taken` is what its last retry took (0 when it had no
    /// retry, which earns [`SUCCESS_REWARD`]). The bucket never holds more than its capacity.
    pub fn succeeded(&self, taken: u32) {
        let back = if taken == 0 { SUCCESS_REWARD } else { taken };
        let capacity = self.capacity;
        let _ = self
            .available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                Some(left.saturating_add(back).min(capacity))
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_empties_and_refills_by_awss_figures() {
        let quota = RetryQuota::new();
        let status = OutcomeClass::RetryableStatus {
            status: 503,
            retry_after: None,
        };
        // 500 / 5: a hundred retries, then none.
        for _ in 0..100 {
            assert_eq!(quota.acquire(&status), Some(5));
        }
        assert_eq!(quota.available(), 0);
        assert_eq!(quota.acquire(&status), None);
        // A first-try success gives one token: not yet a retry's worth.
        quota.succeeded(0);
        assert_eq!(quota.available(), 1);
        assert_eq!(quota.acquire(&status), None);
        for _ in 0..4 {
            quota.succeeded(0);
        }
        assert_eq!(quota.acquire(&status), Some(5));
        // A timeout retry costs ten; the bucket never overflows.
        let quota = RetryQuota::with_capacity(12);
        assert_eq!(quota.acquire(&OutcomeClass::TimedOut), Some(10));
        assert_eq!(quota.acquire(&OutcomeClass::TimedOut), None);
        quota.succeeded(10);
        quota.succeeded(0);
        assert_eq!(quota.available(), 12);
    }
}
