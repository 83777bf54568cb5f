//! The `verifyd` binary; everything it does lives in `verifyd::cli`.

// mimalloc: glibc's malloc took a tenth of the server's CPU under load.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    verifyd::cli::main()
}
