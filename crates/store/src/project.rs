//! Projection of transitions into the SQL read models. Pure function of (county, seq,
//! transition): live appends and `rebuild` call the same code, so they cannot drift apart.

use crate::Result;
use sqlx::AnyConnection;
use tiaokuai_core::org::validate_polygon;
use tiaokuai_core::Transition;

pub(crate) async fn project(
    tx: &mut AnyConnection,
    county: &str,
    seq: i64,
    t: &Transition,
) -> Result<()> {
    match t {
        Transition::UnitSaved { unit: u } => {
            sqlx::query(
                "insert into units (county, code, kind, parent, name, short_name, aliases, owner_department, township, seq) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 on conflict (county, code) do update set kind = excluded.kind, parent = excluded.parent, \
                 name = excluded.name, short_name = excluded.short_name, aliases = excluded.aliases, \
                 owner_department = excluded.owner_department, township = excluded.township, seq = excluded.seq",
            )
            .bind(county)
            .bind(&u.code)
            .bind(u.kind.as_str())
            .bind(u.parent.clone())
            .bind(&u.name)
            .bind(&u.short_name)
            .bind(u.aliases.join("、"))
            .bind(u.owner_department.clone())
            .bind(u.township.clone())
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        }
        Transition::PersonSaved { person: p } => {
            sqlx::query(
                "insert into people (county, username, name, phone, unit, active, password_hash, seq) \
                 values ($1, $2, $3, $4, $5, $6, null, $7) \
                 on conflict (county, username) do update set name = excluded.name, phone = excluded.phone, \
                 unit = excluded.unit, active = excluded.active, seq = excluded.seq",
            )
            .bind(county)
            .bind(&p.username)
            .bind(&p.name)
            .bind(&p.phone)
            .bind(&p.unit)
            .bind(p.active as i64)
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        }
        Transition::PasswordSet {
            username,
            password_hash,
        } => {
            sqlx::query("update people set password_hash = $1, seq = $2 where county = $3 and username = $4")
                .bind(password_hash)
                .bind(seq)
                .bind(county)
                .bind(username)
                .execute(&mut *tx)
                .await?;
        }
        Transition::PersonErased { username } => {
            let marker = tiaokuai_core::org::ERASED;
            sqlx::query(
                "update people set name = $1, phone = $2, password_hash = null, active = 0, seq = $3 \
                 where county = $4 and username = $5",
            )
            .bind(marker)
            .bind(marker)
            .bind(seq)
            .bind(county)
            .bind(username)
            .execute(&mut *tx)
            .await?;
            sqlx::query("delete from role_grants where county = $1 and username = $2")
                .bind(county)
                .bind(username)
                .execute(&mut *tx)
                .await?;
        }
        Transition::RolesSet { username, grants } => {
            sqlx::query("delete from role_grants where county = $1 and username = $2")
                .bind(county)
                .bind(username)
                .execute(&mut *tx)
                .await?;
            let mut seen = std::collections::BTreeSet::new();
            for g in grants {
                if !seen.insert(g) {
                    continue;
                }
                sqlx::query("insert into role_grants (county, username, role, unit) values ($1, $2, $3, $4)")
                    .bind(county)
                    .bind(username)
                    .bind(g.role.as_str())
                    .bind(&g.unit)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        Transition::GridSaved { grid: g } => {
            // The transition was checked before it was appended, so the polygon parses.
            let bbox =
                validate_polygon(&g.geometry)
                    .map(|(_, b)| b)
                    .unwrap_or(tiaokuai_core::org::BBox {
                        min_lon: 0.0,
                        min_lat: 0.0,
                        max_lon: 0.0,
                        max_lat: 0.0,
                    });
            sqlx::query(
                "insert into grids (county, code, name, kind, village, leader, workers, geometry, min_lon, min_lat, max_lon, max_lat, seq) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                 on conflict (county, code) do update set name = excluded.name, kind = excluded.kind, \
                 village = excluded.village, leader = excluded.leader, workers = excluded.workers, \
                 geometry = excluded.geometry, min_lon = excluded.min_lon, min_lat = excluded.min_lat, \
                 max_lon = excluded.max_lon, max_lat = excluded.max_lat, seq = excluded.seq",
            )
            .bind(county)
            .bind(&g.code)
            .bind(&g.name)
            .bind(g.kind.label_zh())
            .bind(&g.village)
            .bind(g.leader.clone())
            .bind(g.workers.join(";"))
            .bind(&g.geometry)
            .bind(bbox.min_lon)
            .bind(bbox.min_lat)
            .bind(bbox.max_lon)
            .bind(bbox.max_lat)
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        }
        other => crate::project_lists::project_list(tx, county, seq, other).await?,
    }
    Ok(())
}
