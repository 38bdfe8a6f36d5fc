//! The integration tests against the emulator, the CLI and the Secret Service: one binary (each
//! test binary links the whole AWS SDK again), one module per area. Run one area with
//! `cargo test -p pipewright-tests --test integration apply::`.

mod apply;
mod cli;
mod emulator;
mod history;
mod keyring;
mod release;
mod rollout;
