//! The log signing key: 32 random bytes, hex, in a file beside the data (mode 0600).

use crate::error::{AppError, Result};
use std::path::Path;
use tiaokuai_log::LogSigner;

pub fn load_or_create(path: &Path) -> Result<LogSigner> {
    if path.exists() {
        let text = std::fs::read_to_string(path)
            .map_err(|e| AppError::Io(format!("{}: {e}", path.display())))?;
        return LogSigner::from_hex(&text)
            .map_err(|e| AppError::Io(format!("{}: {e}", path.display())));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| AppError::Io(format!("{}: {e}", dir.display())))?;
    }
    let secret: [u8; 32] = rand::random();
    write_private(path, &hex::encode(secret))?;
    tracing::info!(path = %path.display(), "created a new log signing key");
    Ok(LogSigner::from_bytes(&secret))
}

fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .map_err(|e| AppError::Io(format!("{}: {e}", path.display())))?;
    f.write_all(text.as_bytes())
        .map_err(|e| AppError::Io(format!("{}: {e}", path.display())))?;
    f.sync_all()
        .map_err(|e| AppError::Io(format!("{}: {e}", path.display())))?;
    Ok(())
}
