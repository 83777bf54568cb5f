//! The data directory's owner lock: one verifyd per `--data-dir`.
//!
//! Before anything in the directory is opened, `lock` takes an exclusive advisory lock
//! (`flock`) on `<data-dir>/verifyd.lock` and writes the holder's pid into it. A second
//! server on the same directory, in another process or in the same one, fails at once
//! with an error that names the directory and the pid of the holder, instead of sled's
//! raw `WouldBlock`. The lock belongs to the open file: it is released when the
//! returned `DataDirLock` is dropped, or by the kernel when the process dies (even by
//! `kill -9`), so a stale lock file never blocks a restart. The pid in the file is only
//! information for people; the lock itself is the truth.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The lock file's name inside the data directory.
pub const LOCK_FILE: &str = "verifyd.lock";

/// Holds the data directory until dropped.
#[derive(Debug)]
pub struct DataDirLock {
    // Never read: the open file is the lock.
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum DataDirError {
    /// Another server (or another `Running` in this process) holds the directory.
    #[error(
        "another verifyd{} holds --data-dir {}; stop it or choose another --data-dir",
        pid.map(|p| format!(" (pid {p})")).unwrap_or_default(),
        dir.display()
    )]
    Held { dir: PathBuf, pid: Option<u32> },
    #[error("cannot use --data-dir {}: {what}: {source}", dir.display())]
    Io {
        dir: PathBuf,
        what: &'static str,
        source: std::io::Error,
    },
}

/// Creates `dir` if needed and takes its lock, or says who holds it.
pub fn lock(dir: &Path) -> Result<DataDirLock, DataDirError> {
    let io = |what| {
        move |source| DataDirError::Io {
            dir: dir.to_owned(),
            what,
            source,
        }
    };
    std::fs::create_dir_all(dir).map_err(io("creating it"))?;
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(dir.join(LOCK_FILE))
        .map_err(io("opening its lock file"))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            // The holder may be between taking the lock and writing its pid.
            let pid = file
                .read_to_string(&mut text)
                .ok()
                .and_then(|_| text.trim().parse().ok());
            return Err(DataDirError::Held {
                dir: dir.to_owned(),
                pid,
            });
        }
        Err(TryLockError::Error(e)) => return Err(io("locking it")(e)),
    }
    file.set_len(0).map_err(io("writing its lock file"))?;
    file.seek(SeekFrom::Start(0))
        .map_err(io("writing its lock file"))?;
    writeln!(file, "{}", std::process::id()).map_err(io("writing its lock file"))?;
    Ok(DataDirLock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_names_the_dir_and_the_pid_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = lock(&data).expect("first lock");
        let err = lock(&data).expect_err("second lock must fail");
        match &err {
            DataDirError::Held { dir: d, pid } => {
                assert_eq!(d, &data);
                assert_eq!(*pid, Some(std::process::id()));
            }
            other => panic!("unexpected {other:?}"),
        }
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("pid {}", std::process::id())),
            "{msg}"
        );
        assert!(
            msg.contains(&format!("--data-dir {}", data.display())),
            "{msg}"
        );
        drop(first);
        let again = lock(&data).expect("lock after release");
        let text = std::fs::read_to_string(data.join(LOCK_FILE)).unwrap();
        assert_eq!(text, format!("{}\n", std::process::id()));
        drop(again);
    }

    #[test]
    fn a_data_dir_that_is_a_file_is_an_io_error_naming_the_dir() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, "x").unwrap();
        let msg = lock(&file).expect_err("a file is not a dir").to_string();
        assert!(
            msg.starts_with(&format!("cannot use --data-dir {}", file.display())),
            "{msg}"
        );
    }
}
