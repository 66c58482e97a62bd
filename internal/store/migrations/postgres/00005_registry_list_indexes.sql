-- +goose Up
-- Registry list and search (docs/benchmarks.md §5). The names begin with
-- the kind ("Công ty …", "Cơ sở …", "HTX …", "Hộ …"), so a kind filter
-- picks one block of the name order: (kind, sort_key) reads the page of a
-- kind in order instead of scanning the name index up to that block.
-- establishment_commune_sort answers the page, the name search and the
-- kind and flag filters of a commune, district or province scope, and
-- their counts, from the index alone, and (sort_key, name_fold) lets a
-- common word be matched while the names are read in order.
-- (trade_id, establishment_id) gives the establishments of a trade without
-- a lookup per link (a trade in a province on SQLite: 500 ms to 30 ms).
-- Each replaces the one-column index it starts with. On PostgreSQL they carry the id as
-- well, for index-only scans (SQLite indexes hold the rowid anyway).
DROP INDEX establishment_sort;
DROP INDEX establishment_kind;
DROP INDEX establishment_commune;
DROP INDEX establishment_trade_trade;
CREATE INDEX establishment_sort_name ON establishment (sort_key, name_fold) INCLUDE (id);
CREATE INDEX establishment_kind_sort ON establishment (kind, sort_key) INCLUDE (id);
CREATE INDEX establishment_commune_sort ON establishment
    (commune_id, sort_key, name_fold, kind, traditional_craft, craft_village, women_owned, ethnic_minority_owned) INCLUDE (id);
CREATE INDEX establishment_trade_trade_est ON establishment_trade (trade_id, establishment_id);

-- +goose Down
DROP INDEX establishment_trade_trade_est;
DROP INDEX establishment_commune_sort;
DROP INDEX establishment_kind_sort;
DROP INDEX establishment_sort_name;
CREATE INDEX establishment_commune ON establishment (commune_id);
CREATE INDEX establishment_kind ON establishment (kind);
CREATE INDEX establishment_sort ON establishment (sort_key);
CREATE INDEX establishment_trade_trade ON establishment_trade (trade_id);
