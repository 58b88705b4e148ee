//! When a command that runs until interrupted (`subscribe`, `webhook listen`, `auth-server`,
//! `emulator`) stops: on Ctrl-C or SIGTERM, when `--timeout` has passed, or after `--count`
//! results.

use std::cell::Cell;
use std::time::Duration;

use tokio::time::Instant;

use crate::failure::Failure;

/// Why a command stopped waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// Ctrl-C or SIGTERM.
    Interrupted,
    /// `--timeout` passed.
    Deadline,
}

/// The end of a command that runs until interrupted.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Until {
    timeout: Option<Duration>,
    deadline: Option<Instant>,
    count: Option<u64>,
}

/// The results a command printed, counted against `--count`.
#[derive(Debug)]
pub(crate) struct Tally {
    seen: Cell<u64>,
    count: Option<u64>,
}

impl Tally {
    /// Counts one result; whether that makes all that `--count` asks for.
    pub(crate) fn add(&self) -> bool {
        self.seen.set(self.seen.get() + 1);
        self.is_full()
    }

    fn is_full(&self) -> bool {
        self.count.is_some_and(|count| self.seen.get() >= count)
    }
}

impl Until {
    /// Runs until interrupted, for at most `timeout` (from now), and until `count` results.
    pub(crate) fn new(timeout: Option<Duration>, count: Option<u64>) -> Self {
        Self {
            timeout,
            deadline: timeout.map(|timeout| Instant::now() + timeout),
            count,
        }
    }

    /// Resolves on Ctrl-C, SIGTERM or the deadline.
    pub(crate) async fn stopped(&self) -> Stop {
        let deadline = async {
            match self.deadline {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = interrupted() => Stop::Interrupted,
            () = deadline => Stop::Deadline,
        }
    }

    /// Runs `step` again and again, each time counting in the tally the results it prints, until
    /// interrupted, `--timeout`, all the results `--count` asks for, or a failure. A step stopped
    /// halfway is dropped. `what` names the results.
    ///
    /// It ends successfully, unless `step` fails or `--count` results were asked for and the
    /// deadline came first (exit 4).
    pub(crate) async fn run(
        &self,
        what: &str,
        mut step: impl AsyncFnMut(&Tally) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        let tally = Tally {
            seen: Cell::new(0),
            count: self.count,
        };
        // Made once, so that no signal is missed between two steps.
        let stopped = self.stopped();
        tokio::pin!(stopped);
        while !tally.is_full() {
            tokio::select! {
                stop = &mut stopped => return self.outcome(stop, tally.seen.get(), what),
                stepped = step(&tally) => stepped?,
            }
        }
        Ok(())
    }

    /// How a command that stopped for `stop` with `seen` results ends.
    fn outcome(&self, stop: Stop, seen: u64, what: &str) -> Result<(), Failure> {
        match (stop, self.count, self.timeout) {
            (Stop::Deadline, Some(count), Some(timeout)) if seen < count => Err(Failure::network(format!(
                "timed out after {timeout:?} with {seen} of the {count} {what} asked for with --count"
            ))),
            _ => Ok(()),
        }
    }
}

/// Resolves on Ctrl-C (SIGINT) or, on Unix, SIGTERM; never when they cannot be listened to.
async fn interrupted() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `until` over steps that each print one result after `every`.
    async fn count_steps(until: Until, every: Duration) -> (Result<(), Failure>, u64) {
        let mut steps = 0;
        let result = until
            .run("events", async |tally| {
                tokio::time::sleep(every).await;
                steps += 1;
                tally.add();
                Ok(())
            })
            .await;
        (result, steps)
    }

    #[tokio::test(start_paused = true)]
    async fn the_count_stops_it() {
        let until = Until::new(Some(Duration::from_secs(10)), Some(3));
        let (result, steps) = count_steps(until, Duration::from_secs(1)).await;
        assert!(result.is_ok());
        assert_eq!(steps, 3);
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_stops_it_and_fails_a_count_not_reached() {
        let (result, steps) = count_steps(
            Until::new(Some(Duration::from_millis(3500)), None),
            Duration::from_secs(1),
        )
        .await;
        assert!(result.is_ok());
        assert_eq!(steps, 3);
        let until = Until::new(Some(Duration::from_millis(2500)), Some(5));
        let (result, steps) = count_steps(until, Duration::from_secs(1)).await;
        assert_eq!(steps, 2);
        assert_eq!(
            result.unwrap_err().to_string(),
            "timed out after 2.5s with 2 of the 5 events asked for with --count"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_failing_step_ends_it() {
        let until = Until::new(None, None);
        let result = until.run("events", async |_| Err(Failure::invalid("bad"))).await;
        assert_eq!(result.unwrap_err().to_string(), "bad");
    }
}
