-- +goose Up
-- Dashboard support for a million establishments.
--
-- The latest yearly facts of each establishment are kept on its row by the
-- store whenever a fact is written (latest_year, latest_workers), and
-- commune_stat keeps, per commune, the number of establishments and the sum
-- of their latest workers. Triggers maintain commune_stat on every insert,
-- delete, move or latest-workers change of an establishment, so every write
-- path (bulk loads included) keeps it exact, and dashboards read at most
-- one row per commune instead of counting establishments.
ALTER TABLE establishment ADD COLUMN latest_year INTEGER;
ALTER TABLE establishment ADD COLUMN latest_workers INTEGER NOT NULL DEFAULT 0;
-- Covering indexes for the dashboard counts (index-only scans).
CREATE INDEX project_scope ON project (commune_id, year, state);
CREATE INDEX project_funding_approved ON project_funding (project_id, source, approved);
CREATE INDEX outreach_session_held_commune ON outreach_session (held_on, commune_id);
CREATE INDEX unit_current_level ON unit (level, id) WHERE valid_to IS NULL;

CREATE TABLE commune_stat (
    commune_id      INTEGER PRIMARY KEY REFERENCES unit (id),
    establishments  INTEGER NOT NULL DEFAULT 0,
    workers         INTEGER NOT NULL DEFAULT 0
);
INSERT INTO commune_stat (commune_id, establishments, workers)
    SELECT commune_id, COUNT(*), SUM(latest_workers) FROM establishment GROUP BY commune_id;

-- +goose StatementBegin
CREATE TRIGGER establishment_stat_ai AFTER INSERT ON establishment BEGIN
    INSERT INTO commune_stat (commune_id, establishments, workers) VALUES (new.commune_id, 1, new.latest_workers)
    ON CONFLICT (commune_id) DO UPDATE SET establishments = establishments + 1, workers = workers + excluded.workers;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER establishment_stat_ad AFTER DELETE ON establishment BEGIN
    UPDATE commune_stat SET establishments = establishments - 1, workers = workers - old.latest_workers WHERE commune_id = old.commune_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER establishment_stat_au AFTER UPDATE OF commune_id, latest_workers ON establishment BEGIN
    UPDATE commune_stat SET establishments = establishments - 1, workers = workers - old.latest_workers WHERE commune_id = old.commune_id;
    INSERT INTO commune_stat (commune_id, establishments, workers) VALUES (new.commune_id, 1, new.latest_workers)
    ON CONFLICT (commune_id) DO UPDATE SET establishments = establishments + 1, workers = workers + excluded.workers;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER establishment_stat_au;
DROP TRIGGER establishment_stat_ad;
DROP TRIGGER establishment_stat_ai;
DROP TABLE commune_stat;
DROP INDEX outreach_session_held_commune;
DROP INDEX unit_current_level;
DROP INDEX project_funding_approved;
DROP INDEX project_scope;
ALTER TABLE establishment DROP COLUMN latest_workers;
ALTER TABLE establishment DROP COLUMN latest_year;
