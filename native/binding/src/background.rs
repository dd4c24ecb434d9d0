//! Signature verifications off the JavaScript thread, for the chain layer's optimistic import
//! (`optimistic` in `chain/chain.ts`): the JavaScript thread goes on with the block while one
//! worker thread (the second core of a two-core machine) verifies its signatures, and the thread
//! pool a tickets extrinsic's ring proofs; `PendingVerdicts.join` waits for the verdicts. The
//! verdicts are those of the synchronous `ed25519VerifyEach`, `bandersnatchIetfVerify` and
//! `ringVerifyEach` (the same functions, run elsewhere), so deferring changes no answer.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, LazyLock, Mutex, MutexGuard};

use napi::bindgen_prelude::Uint8Array;
use napi::Result;
use napi_derive::napi;

use crate::crypto::fixed;

/// A check: the verdicts of one or more signatures.
type Verify = Box<dyn FnOnce() -> Vec<bool> + Send>;

/// A check's state: waiting for a thread, being verified, or decided.
enum State {
    Queued(Verify),
    Running,
    Done(Vec<bool>),
}

/// One check (a VRF signature, or a set of Ed25519 signatures verified together), shared by the
/// queue and its `PendingVerdicts`.
type Check = Arc<(Mutex<State>, Condvar)>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The checks not yet taken, in the order they were given, and the worker's wake-up. The worker
/// takes the newest, the joining thread the oldest (`join` runs a check still queued): the two
/// work from opposite ends, so a block's seal and entropy-source signatures, given one after the
/// other, are verified side by side once the block's other work is done rather than one after
/// the other on the worker.
struct Queue {
    checks: Mutex<VecDeque<Check>>,
    given: Condvar,
}

/// The queue and its one worker thread, started on first use.
static QUEUE: LazyLock<Arc<Queue>> = LazyLock::new(|| {
    let queue = Arc::new(Queue { checks: Mutex::new(VecDeque::new()), given: Condvar::new() });
    let theirs = queue.clone();
    std::thread::Builder::new()
        .name("jam-verify".into())
        .spawn(move || loop {
            let check = {
                let mut checks = lock(&theirs.checks);
                loop {
                    match checks.pop_back() {
                        Some(c) => break c,
                        None => checks = theirs.given.wait(checks).unwrap_or_else(|e| e.into_inner()),
                    }
                }
            };
            run(&check);
        })
        .expect("the verification thread starts");
    queue
});

/// Runs a check on this thread, unless another thread took it first. A panic there (a bug, never
/// an answer) is no verdict, which `join` reads as false, so that the caller imports again
/// synchronously and meets the same bug there.
fn run(check: &Check) {
    let (state, done) = &**check;
    let verify = {
        let mut s = lock(state);
        match std::mem::replace(&mut *s, State::Running) {
            State::Queued(verify) => verify,
            taken => {
                *s = taken;
                return;
            }
        }
    };
    let verdicts = catch_unwind(AssertUnwindSafe(verify)).unwrap_or_default();
    *lock(state) = State::Done(verdicts);
    done.notify_all();
}

/// The verdicts of signatures handed to the worker, in order.
#[napi]
pub struct PendingVerdicts {
    check: Check,
    /// How many signatures the check decides.
    signatures: usize,
}

#[napi]
impl PendingVerdicts {
    /// The verdicts in order: run on this thread if the worker has not started the check (so
    /// both cores verify while the caller waits), else waited for. A check that panicked answers
    /// false for each of its signatures.
    #[napi]
    pub fn join(&self) -> Vec<bool> {
        run(&self.check);
        let (state, done) = &*self.check;
        let mut s = lock(state);
        loop {
            match &*s {
                State::Done(v) => {
                    let mut verdicts = v.clone();
                    verdicts.resize(self.signatures, false);
                    return verdicts;
                }
                _ => s = done.wait(s).unwrap_or_else(|e| e.into_inner()),
            }
        }
    }
}

/// A check of `signatures` signatures not yet taken, handed to a thread by `hand`, and what joins it.
fn begin(signatures: usize, verify: Verify, hand: impl FnOnce(Check)) -> PendingVerdicts {
    let check: Check = Arc::new((Mutex::new(State::Queued(verify)), Condvar::new()));
    hand(check.clone());
    PendingVerdicts { check, signatures }
}

/// Queues one check of `signatures` signatures for the worker (a joining thread takes it if the
/// worker has not reached it).
fn start(signatures: usize, verify: Verify) -> PendingVerdicts {
    begin(signatures, verify, |check| {
        lock(&QUEUE.checks).push_back(check);
        QUEUE.given.notify_one();
    })
}

/**
 * Begins one check of `signatures` signatures on the thread pool at once, beside the worker's
 * queue: for a check long enough to be worth a thread of its own (a tickets extrinsic's ring
 * proofs, milliseconds where a block's other checks take tenths). A joining thread takes it if
 * no pool thread has yet.
 */
pub(crate) fn start_now(signatures: usize, verify: Verify) -> PendingVerdicts {
    begin(signatures, verify, |check| rayon::spawn(move || run(&check)))
}

/** `ed25519VerifyEach` on the worker: the verdicts of each (key, message, signature), in order, when joined. */
#[napi]
pub fn ed25519_verify_each_deferred(keys: Vec<Uint8Array>, messages: Vec<Uint8Array>, signatures: Vec<Uint8Array>) -> Result<PendingVerdicts> {
    let items = crate::ed25519::items(&keys, &messages, &signatures)?;
    Ok(start(items.len(), Box::new(move || crate::ed25519::verify_items(&items))))
}

/**
 * `bandersnatchIetfVerify` on the worker: one verdict, when joined, whether the signature verifies
 * and its output point is in the form encoding gives it (so that its `Y` read from the octets,
 * `bandersnatchVrfOutputOfOctets`, is the signature's).
 */
#[napi]
pub fn bandersnatch_ietf_verify_deferred(key: Uint8Array, context: Uint8Array, message: Uint8Array, signature: Uint8Array) -> Result<PendingVerdicts> {
    let key = *fixed::<{ jam_crypto::KEY_LEN }>("key", &key)?;
    let signature = *fixed::<{ jam_crypto::SIGNATURE_LEN }>("signature", &signature)?;
    let (context, message) = (context.to_vec(), message.to_vec());
    Ok(start(1, Box::new(move || {
        vec![jam_crypto::ietf::verify(&key, &context, &message, &signature).is_ok() && jam_crypto::opens_with_canonical_point(&signature)]
    })))
}

/** On the worker: one verdict, when joined, whether the octets are a point's encoding (`jam_crypto::is_canonical_point`). */
#[napi]
pub fn bandersnatch_point_check_deferred(point: Uint8Array) -> Result<PendingVerdicts> {
    let point = *fixed::<32>("output point", &point)?;
    Ok(start(1, Box::new(move || vec![jam_crypto::is_canonical_point(&point)])))
}
