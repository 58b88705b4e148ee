//! pusher-js, the browser library, against the emulator with this library's authorizations.
//! `cargo test -p pusher-conformance --test pusher_js`.

fn main() -> std::process::ExitCode {
    pusher_conformance::run_pusher_js()
}
