//! What one uploaded spreadsheet may expand to. A 1 MB .xlsx can inflate to gigabytes (a zip
//! bomb), and a sheet with two far-apart cells becomes a dense grid of billions; both are
//! refused before anything large is built, with the limit named.

use std::io::Read;
use std::path::Path;

/// Total bytes the members of a zip-based workbook (.xlsx, .ods) may inflate to.
pub const MAX_INFLATED_BYTES: u64 = 50 * 1024 * 1024;
/// Non-empty cells in one file, over all sheets.
pub const MAX_CELLS: usize = 1_000_000;
/// Highest row and column a cell may sit in (1-based). Published lists have tens of columns
/// and at most tens of thousands of rows.
pub const MAX_ROWS: u32 = 200_000;
pub const MAX_COLUMNS: u32 = 256;

/// Inflates every member without keeping it and refuses when the total passes
/// [`MAX_INFLATED_BYTES`]. The sizes a zip declares can lie, so real bytes are counted.
pub fn check_zip(path: &Path) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut zip =
        zip::ZipArchive::new(file).map_err(|e| format!("not a readable workbook: {e}"))?;
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut member = zip
            .by_index(i)
            .map_err(|e| format!("not a readable workbook: {e}"))?;
        // zip 5+ decodes member names on demand; undecodable ones read lossily, as before.
        let name = member
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| String::from_utf8_lossy(member.name_raw()).into_owned());
        let declared = member.size();
        if total.saturating_add(declared) > MAX_INFLATED_BYTES {
            return Err(too_big(&name));
        }
        loop {
            let n = member
                .read(&mut buf)
                .map_err(|e| format!("not a readable workbook ({name}): {e}"))?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > MAX_INFLATED_BYTES {
                return Err(too_big(&name));
            }
        }
    }
    Ok(())
}

fn too_big(member: &str) -> String {
    format!(
        "the workbook unpacks to more than {} MiB (at part {member}); the limit is {} MiB — \
         split it or remove unused sheets",
        MAX_INFLATED_BYTES / 1024 / 1024,
        MAX_INFLATED_BYTES / 1024 / 1024
    )
}

/// Counts cells as they are read and refuses a position past the limits.
#[derive(Debug, Default)]
pub struct CellBudget {
    cells: usize,
}

impl CellBudget {
    /// `row` and `col` are 0-based; `where_` names the sheet for the message.
    pub fn take(&mut self, where_: &str, row: u32, col: u32) -> Result<(), String> {
        if row >= MAX_ROWS {
            return Err(format!(
                "{where_}: a cell in row {} is past the limit of {MAX_ROWS} rows",
                row as u64 + 1
            ));
        }
        if col >= MAX_COLUMNS {
            return Err(format!(
                "{where_} row {}: a cell in column {} is past the limit of {MAX_COLUMNS} columns",
                row as u64 + 1,
                col as u64 + 1
            ));
        }
        self.cells += 1;
        if self.cells > MAX_CELLS {
            return Err(format!(
                "{where_}: the file has more than {MAX_CELLS} filled cells, the limit"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::read_raw;
    use super::*;
    use std::io::Write;

    fn workbook(dir: &Path, cells: &[(u32, u16, &str)]) -> std::path::PathBuf {
        let path = dir.join("book.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (r, c, t) in cells {
            ws.write_string(*r, *c, *t).unwrap();
        }
        wb.save(&path).unwrap();
        path
    }

    #[test]
    fn an_ordinary_workbook_reads_with_its_cells_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = workbook(dir.path(), &[(0, 0, "单位名称"), (2, 3, "青山镇")]);
        let tables = read_raw(&path).unwrap();
        assert_eq!(tables.len(), 1);
        let grid = &tables[0].1;
        assert_eq!(grid[0][0], "单位名称");
        assert_eq!(grid[2][3], "青山镇");
    }

    #[test]
    fn a_zip_bomb_is_refused_naming_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = workbook(dir.path(), &[(0, 0, "x")]);
        // Copy the real workbook and add one part that inflates past the limit.
        let src = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        let bomb = dir.path().join("bomb.xlsx");
        let mut out = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
        let mut src = src;
        for i in 0..src.len() {
            out.raw_copy_file(src.by_index(i).unwrap()).unwrap();
        }
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        out.start_file("xl/media/padding.bin", opts).unwrap();
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..(MAX_INFLATED_BYTES / zeros.len() as u64 + 2) {
            out.write_all(&zeros).unwrap();
        }
        out.finish().unwrap();
        assert!(std::fs::metadata(&bomb).unwrap().len() < 1024 * 1024);
        let err = read_raw(&bomb).unwrap_err();
        assert!(err[0].message().contains("50 MiB"), "{err:?}");
        assert_eq!(err[0].field, "file");
    }

    #[test]
    fn a_cell_far_away_is_refused_instead_of_making_a_huge_grid() {
        let dir = tempfile::tempdir().unwrap();
        let path = workbook(dir.path(), &[(0, 0, "a"), (1_000_000, 0, "b")]);
        let err = read_raw(&path).unwrap_err();
        assert!(err[0].message().contains("row 1000001"), "{err:?}");
        let path = workbook(dir.path(), &[(0, 0, "a"), (3, 300, "b")]);
        let err = read_raw(&path).unwrap_err();
        assert!(err[0].message().contains("column 301"), "{err:?}");
        assert!(err[0].message().contains("row 4"), "{err:?}");
    }

    #[test]
    fn too_many_cells_in_a_csv_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("units.csv");
        let row = vec!["x"; 200].join(",");
        let mut text = String::new();
        for _ in 0..(MAX_CELLS / 200 + 1) {
            text.push_str(&row);
            text.push('\n');
        }
        std::fs::write(&path, text).unwrap();
        let err = read_raw(&path).unwrap_err();
        assert!(err[0].message().contains("1000000 filled cells"), "{err:?}");
    }
}
