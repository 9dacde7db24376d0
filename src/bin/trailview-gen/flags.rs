//! `--name value` command-line flags, shared by `trailview-gen` and the `query_latency` bench
//! (which includes this file by path).

/// The command line's flags, read in order.
pub struct Flags {
    args: std::vec::IntoIter<String>,
    usage: &'static str,
}

impl Flags {
    /// The flags this process was given.
    pub fn from_env(usage: &'static str) -> Self {
        Flags {
            args: std::env::args().skip(1).collect::<Vec<_>>().into_iter(),
            usage,
        }
    }

    /// The next flag name. `cargo bench` passes `--bench` to every bench binary; it is skipped.
    pub fn next_flag(&mut self) -> Option<String> {
        self.args.by_ref().find(|flag| flag != "--bench")
    }

    /// The value after `flag`.
    pub fn value(&mut self, flag: &str) -> Result<String, String> {
        self.args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{}", self.usage))
    }

    /// The whole number after `flag` (`_` separators allowed).
    pub fn number(&mut self, flag: &str) -> Result<u64, String> {
        let value = self.value(flag)?;
        value
            .replace('_', "")
            .parse::<u64>()
            .map_err(|_| format!("{flag}: not a whole number: {value}"))
    }

    /// An error for a flag nobody knows.
    pub fn unknown(&self, flag: &str) -> String {
        format!("unknown option {flag}\n{}", self.usage)
    }
}
