//! Signature verifications on a background thread, for the chain layer's optimistic import
//! (`chain/optimistic.ts`): the JavaScript thread goes on with the block while one worker thread
//! (the second core of a two-core machine) verifies its signatures; `PendingVerdicts.join` waits
//! for the verdicts. The verdicts are those of the synchronous `ed25519VerifyEach` and
//! `bandersnatchIetfVerify` (the same functions, run elsewhere), so deferring changes no answer.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, LazyLock, Mutex, MutexGuard};

use napi::bindgen_prelude::Uint8Array;
use napi::Result;

use crate::crypto::fixed;
use napi_derive::napi;

type Verify = Box<dyn FnOnce() -> Vec<bool> + Send>;

/// A batch's state: waiting for a thread, being verified, or decided.
enum State {
    Queued(Verify, usize),
    Running,
    Done(Vec<bool>),
}

/// One batch, shared by the queue and its `PendingVerdicts`.
type Batch = Arc<(Mutex<State>, Condvar)>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The batches not yet taken, in the order they were given, and the worker's wake-up.
struct Queue {
    batches: Mutex<VecDeque<Batch>>,
    given: Condvar,
}

/// The queue and its one worker thread, started on first use.
static QUEUE: LazyLock<Arc<Queue>> = LazyLock::new(|| {
    let queue = Arc::new(Queue { batches: Mutex::new(VecDeque::new()), given: Condvar::new() });
    let theirs = queue.clone();
    std::thread::Builder::new()
        .name("jam-verify".into())
        .spawn(move || loop {
            let batch = {
                let mut batches = lock(&theirs.batches);
                loop {
                    match batches.pop_front() {
                        Some(b) => break b,
                        None => batches = theirs.given.wait(batches).unwrap_or_else(|e| e.into_inner()),
                    }
                }
            };
            run(&batch);
        })
        .expect("the verification thread starts");
    queue
});

/// Verifies a batch on this thread, unless another thread took it first. A panic there (a bug,
/// never an answer) makes every verdict false, so that the caller imports again synchronously
/// and meets the same bug there.
fn run(batch: &Batch) {
    let (state, done) = &**batch;
    let (verify, items) = {
        let mut s = lock(state);
        match std::mem::replace(&mut *s, State::Running) {
            State::Queued(verify, items) => (verify, items),
            taken => {
                *s = taken;
                return;
            }
        }
    };
    let verdicts = catch_unwind(AssertUnwindSafe(verify)).unwrap_or_else(|_| vec![false; items]);
    *lock(state) = State::Done(verdicts);
    done.notify_all();
}

/// The verdicts of one batch handed to the worker, in the order of its items.
#[napi]
pub struct PendingVerdicts {
    batch: Batch,
}

#[napi]
impl PendingVerdicts {
    /// The verdicts in order: verified on this thread if the worker has not started them (so both
    /// cores verify while the caller waits), else waited for.
    #[napi]
    pub fn join(&self) -> Vec<bool> {
        run(&self.batch);
        let (state, done) = &*self.batch;
        let mut s = lock(state);
        loop {
            match &*s {
                State::Done(verdicts) => return verdicts.clone(),
                _ => s = done.wait(s).unwrap_or_else(|e| e.into_inner()),
            }
        }
    }
}

/// Queues `verify` (of `items` verdicts) for the worker.
fn start(items: usize, verify: impl FnOnce() -> Vec<bool> + Send + 'static) -> PendingVerdicts {
    let batch: Batch = Arc::new((Mutex::new(State::Queued(Box::new(verify), items)), Condvar::new()));
    lock(&QUEUE.batches).push_back(batch.clone());
    QUEUE.given.notify_one();
    PendingVerdicts { batch }
}

/** `ed25519VerifyEach` on the worker: the verdicts of each (key, message, signature), in order, when joined. */
#[napi]
pub fn ed25519_verify_each_deferred(keys: Vec<Uint8Array>, messages: Vec<Uint8Array>, signatures: Vec<Uint8Array>) -> Result<PendingVerdicts> {
    let items = crate::ed25519::items(&keys, &messages, &signatures)?;
    Ok(start(items.len(), move || crate::ed25519::verify_items(&items)))
}

/** `bandersnatchIetfVerify` on the worker: one verdict, whether the signature verifies, when joined. */
#[napi]
pub fn bandersnatch_ietf_verify_deferred(key: Uint8Array, context: Uint8Array, message: Uint8Array, signature: Uint8Array) -> Result<PendingVerdicts> {
    let key = *fixed::<{ jam_crypto::KEY_LEN }>("key", &key)?;
    let signature = *fixed::<{ jam_crypto::SIGNATURE_LEN }>("signature", &signature)?;
    let (context, message) = (context.to_vec(), message.to_vec());
    Ok(start(1, move || vec![jam_crypto::ietf::verify(&key, &context, &message, &signature).is_ok()]))
}
