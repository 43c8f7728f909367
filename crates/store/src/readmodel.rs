//! Queries over the read models. Every function takes the county: a province shards by county.

use crate::{Result, Store, StoreError};
use sqlx::Row;
use tiaokuai_core::org::{Grid, GridKind, Person, RoleGrant, RoleKind, Unit, UnitKind};

/// Tables derived from the log, in the order `rebuild` clears them.
pub const READ_MODEL_TABLES: [&str; 14] = [
    "stat_events",
    "stat_hops",
    "events",
    "assignments",
    "accountability_cases",
    "public_feedback",
    "calendar_days",
    "role_grants",
    "grids",
    "people",
    "units",
    "list_versions",
    "list_items",
    "list_adjustments",
];

/// A person as stored, with the password hash kept apart from the public record.
#[derive(Debug, Clone)]
pub struct PersonRow {
    pub person: Person,
    pub password_hash: Option<String>,
}

fn opt_nonempty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

fn row_to_unit(r: &sqlx::any::AnyRow) -> Result<Unit> {
    let kind: String = r.try_get("kind")?;
    let aliases: String = r.try_get("aliases")?;
    Ok(Unit {
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        short_name: r.try_get("short_name")?,
        aliases: aliases
            .split('、')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        kind: UnitKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("unit kind '{kind}'")))?,
        parent: opt_nonempty(r.try_get("parent")?),
        owner_department: opt_nonempty(r.try_get("owner_department")?),
        township: opt_nonempty(r.try_get("township")?),
    })
}

fn row_to_person(r: &sqlx::any::AnyRow) -> Result<PersonRow> {
    let active: i64 = r.try_get("active")?;
    Ok(PersonRow {
        person: Person {
            username: r.try_get("username")?,
            name: r.try_get("name")?,
            phone: r.try_get("phone")?,
            unit: r.try_get("unit")?,
            active: active != 0,
        },
        password_hash: r.try_get("password_hash")?,
    })
}

fn row_to_grid(r: &sqlx::any::AnyRow) -> Result<Grid> {
    let kind: String = r.try_get("kind")?;
    let workers: String = r.try_get("workers")?;
    Ok(Grid {
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        kind: GridKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("grid kind '{kind}'")))?,
        village: r.try_get("village")?,
        leader: opt_nonempty(r.try_get("leader")?),
        workers: workers
            .split(';')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        geometry: r.try_get("geometry")?,
    })
}

const UNIT_COLS: &str = "code, kind, parent, name, short_name, aliases, owner_department, township";
const PERSON_COLS: &str = "username, name, phone, unit, active, password_hash";
const GRID_COLS: &str = "code, name, kind, village, leader, workers, geometry";

impl Store {
    pub async fn units(&self, county: &str) -> Result<Vec<Unit>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {UNIT_COLS} from units where county = $1 order by code"
        )))
        .bind(county)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row_to_unit).collect()
    }

    pub async fn unit(&self, county: &str, code: &str) -> Result<Option<Unit>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {UNIT_COLS} from units where county = $1 and code = $2"
        )))
        .bind(county)
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(row_to_unit).transpose()
    }

    pub async fn person(&self, county: &str, username: &str) -> Result<Option<PersonRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {PERSON_COLS} from people where county = $1 and username = $2"
        )))
        .bind(county)
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(row_to_person).transpose()
    }

    /// People of one unit (not its subunits), by name.
    pub async fn people_of_unit(&self, county: &str, unit: &str) -> Result<Vec<PersonRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {PERSON_COLS} from people where county = $1 and unit = $2 order by username"
        )))
        .bind(county)
        .bind(unit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row_to_person).collect()
    }

    /// People whose username or name contains `q` (all when empty), limited.
    pub async fn search_people(&self, county: &str, q: &str, limit: i64) -> Result<Vec<PersonRow>> {
        // Escape LIKE wildcards so usernames with '_' match literally.
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let like = format!("%{escaped}%");
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {PERSON_COLS} from people where county = $1 and (username like $2 escape '\\' or name like $2 escape '\\') \
             order by username limit $3"
        )))
        .bind(county)
        .bind(like)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row_to_person).collect()
    }

    pub async fn grants(&self, county: &str, username: &str) -> Result<Vec<RoleGrant>> {
        let rows = sqlx::query("select role, unit from role_grants where county = $1 and username = $2 order by role, unit")
            .bind(county)
            .bind(username)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get(0)?;
                Ok(RoleGrant {
                    role: RoleKind::parse(&role)
                        .ok_or_else(|| StoreError::Corrupt(format!("role '{role}'")))?,
                    unit: r.try_get(1)?,
                })
            })
            .collect()
    }

    /// Everyone holding `role` (any unit), as (username, unit).
    pub async fn holders_of(&self, county: &str, role: RoleKind) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query("select username, unit from role_grants where county = $1 and role = $2 order by username")
            .bind(county)
            .bind(role.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    pub async fn grids(&self, county: &str) -> Result<Vec<Grid>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {GRID_COLS} from grids where county = $1 order by code"
        )))
        .bind(county)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row_to_grid).collect()
    }

    pub async fn grids_of_village(&self, county: &str, village: &str) -> Result<Vec<Grid>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {GRID_COLS} from grids where county = $1 and village = $2 order by code"
        )))
        .bind(county)
        .bind(village)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row_to_grid).collect()
    }

    /// Row counts of the read models: (units, people, grids).
    pub async fn org_counts(&self, county: &str) -> Result<(i64, i64, i64)> {
        let mut out = [0i64; 3];
        for (i, t) in ["units", "people", "grids"].iter().enumerate() {
            out[i] = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "select count(*) from {t} where county = $1"
            )))
            .bind(county)
            .fetch_one(&self.pool)
            .await?;
        }
        Ok((out[0], out[1], out[2]))
    }

    /// A canonical text dump of every read-model row of the county, used to prove that
    /// `rebuild` reproduces the live state exactly.
    pub async fn dump_read_models(&self, county: &str) -> Result<String> {
        let mut out = String::new();
        let queries = [
            format!("select {UNIT_COLS}, seq from units where county = $1 order by code"),
            format!("select {PERSON_COLS}, seq from people where county = $1 order by username"),
            "select username, role, unit from role_grants where county = $1 order by username, role, unit".to_string(),
            format!("select {GRID_COLS}, min_lon, min_lat, max_lon, max_lat, seq from grids where county = $1 order by code"),
            "select version, effective_date, document_no, source, published_ms from list_versions where county = $1 order by version".to_string(),
            "select item_id, version_from, version_to, kind, number, domain, name, primary_units, supporting_units, data from list_items where county = $1 order by item_id, version_from".to_string(),
            "select id, status, applicant, unit, kind, item_id, data, seq from list_adjustments where county = $1 order by id".to_string(),
            "select * from events where county = $1 order by id".to_string(),
            "select * from assignments where county = $1 order by event_id, n".to_string(),
            "select * from accountability_cases where county = $1 order by event_id, n".to_string(),
            "select * from public_feedback where county = $1 order by event_id".to_string(),
            "select * from calendar_days where county = $1 order by day".to_string(),
            "select * from stat_events where county = $1 order by event_id".to_string(),
            "select * from stat_hops where county = $1 order by event_id, n".to_string(),
        ];
        for q in queries {
            let rows = sqlx::query(sqlx::AssertSqlSafe(&*q))
                .bind(county)
                .fetch_all(&self.pool)
                .await?;
            for r in rows {
                let mut cells = Vec::new();
                for i in 0..sqlx::Row::len(&r) {
                    let cell = if let Ok(v) = r.try_get::<Option<String>, _>(i) {
                        format!("{v:?}")
                    } else if let Ok(v) = r.try_get::<Option<i64>, _>(i) {
                        format!("{v:?}")
                    } else if let Ok(v) = r.try_get::<Option<f64>, _>(i) {
                        format!("{v:?}")
                    } else {
                        "?".to_string()
                    };
                    cells.push(cell);
                }
                out.push_str(&cells.join("|"));
                out.push('\n');
            }
            out.push_str("--\n");
        }
        Ok(out)
    }
}
