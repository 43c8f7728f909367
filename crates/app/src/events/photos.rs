//! Photos as evidence: checked to be images, stored once under their SHA-256, referenced by
//! that hash from the log.

use crate::engine::Engine;
use crate::error::{AppError, Result};
use sha2::{Digest, Sha256};
use tiaokuai_core::error::{DataReason, ImportReason};
use tiaokuai_core::Reason;
use tiaokuai_core::{DomainError, FieldError};

/// Largest photo accepted (phones send 2–6 MB JPEGs).
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
const IMAGE_TYPES: [&str; 5] = [
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "image/heif",
];

/// The image type of `bytes` judged from their content (never from the file name).
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    let t = infer::get(bytes)?;
    IMAGE_TYPES.iter().copied().find(|m| *m == t.mime_type())
}

impl Engine {
    /// Stores a photo and returns its hash. `field` names the form field in errors.
    pub async fn put_photo(
        &self,
        field: &str,
        name: &str,
        bytes: &[u8],
        now_ms: i64,
    ) -> Result<String> {
        let bad = |r: Reason| {
            AppError::Domain(DomainError::Invalid(vec![FieldError::new(name, field, r)]))
        };
        if bytes.is_empty() {
            return Err(bad(DataReason::EmptyFile.into()));
        }
        if bytes.len() > MAX_PHOTO_BYTES {
            return Err(bad(ImportReason::PhotoTooLarge {
                mb: format!("{:.1}", bytes.len() as f64 / 1_048_576.0),
                max: MAX_PHOTO_BYTES / 1_048_576,
            }
            .into()));
        }
        let mime = image_type(bytes).ok_or_else(|| bad(ImportReason::NotAnImage.into()))?;
        let hash = hex::encode(Sha256::digest(bytes));
        self.store().put_blob(&hash, mime, bytes, now_ms).await?;
        Ok(hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_images_by_content() {
        let png = [
            0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d,
        ];
        assert_eq!(image_type(&png), Some("image/png"));
        assert_eq!(image_type(b"%PDF-1.4 hello"), None);
        assert_eq!(image_type(b""), None);
    }
}
