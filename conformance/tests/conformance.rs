//! Runs the conformance suite (a custom harness: one server and one webhook listener for every
//! scenario). `cargo test -p pusher-conformance -- [FILTER]`.

fn main() -> std::process::ExitCode {
    pusher_conformance::run(std::env::args().skip(1).collect())
}
