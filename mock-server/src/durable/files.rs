//! The state directory's files: atomic replacement (temp file, fsync, rename, fsync of the
//! directory) and the names of shops' directories.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Makes the entries of `dir` (a rename, a new or removed file) durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Replaces (or creates) `dir/name` with `bytes` so that, whatever moment a crash comes, the
/// file holds either its old content or all of the new: the bytes go to a temp file, which is
/// fsynced and renamed over the old one, and the directory is fsynced.
pub fn replace_file(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let tmp = dir.join(format!("{name}.tmp"));
    let mut f = File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    fs::rename(&tmp, dir.join(name))?;
    sync_dir(dir)
}

/// Opens a log to append to.
pub fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new().append(true).open(path)
}

/// The directory name of a shop: `s-<id>` for ids of letters, digits, `-` and `_` (all real
/// ones: six digits), `x-<hex of its bytes>` for any other, so no id can escape or collide.
pub fn shop_dir_name(shop_id: &str) -> String {
    let plain = !shop_id.is_empty()
        && shop_id.len() <= 64
        && shop_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    match plain {
        true => format!("s-{shop_id}"),
        false => format!("x-{}", shop_id.bytes().map(|b| format!("{b:02x}")).collect::<String>()),
    }
}

/// A shop's directory under the state directory.
pub fn shop_dir(root: &Path, shop_id: &str) -> PathBuf {
    root.join("shops").join(shop_dir_name(shop_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shop_ids_become_names_that_neither_escape_nor_collide() {
        assert_eq!(shop_dir_name("123456"), "s-123456");
        assert_eq!(shop_dir_name("../x"), "x-2e2e2f78");
        assert_eq!(shop_dir_name("x-41"), "s-x-41");
        assert_eq!(shop_dir_name("A"), "s-A");
        assert_ne!(shop_dir_name("x-41"), shop_dir_name("A"));
        assert_eq!(shop_dir_name(""), "x-");
    }
}
