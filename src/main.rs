//! The `verifyd` binary; everything it does lives in `verifyd::cli`.

fn main() -> std::process::ExitCode {
    verifyd::cli::main()
}
