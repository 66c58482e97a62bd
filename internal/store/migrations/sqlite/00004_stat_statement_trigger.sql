-- +goose Up
-- PostgreSQL replaces its row trigger on establishment inserts by a
-- statement trigger (see the postgres migration); SQLite updates
-- commune_stat in place, so its row trigger stays.
SELECT 1;

-- +goose Down
SELECT 1;
