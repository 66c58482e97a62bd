-- +goose Up
-- Dashboard support for a million establishments.
--
-- The latest yearly facts of each establishment are kept on its row by the
-- store whenever a fact is written (latest_year, latest_workers), and
-- commune_stat keeps, per commune, the number of establishments and the sum
-- of their latest workers. Triggers maintain commune_stat on every insert,
-- delete, move or latest-workers change of an establishment, so every write
-- path (COPY included) keeps it exact, and dashboards read at most one row
-- per commune instead of counting establishments.
ALTER TABLE establishment ADD COLUMN latest_year BIGINT;
ALTER TABLE establishment ADD COLUMN latest_workers BIGINT NOT NULL DEFAULT 0;
-- Covering indexes for the dashboard counts (index-only scans).
CREATE INDEX project_scope ON project (commune_id, year, state);
CREATE INDEX project_funding_approved ON project_funding (project_id, source, approved);
CREATE INDEX outreach_session_held_commune ON outreach_session (held_on, commune_id);
CREATE INDEX unit_current_level ON unit (level, id) WHERE valid_to IS NULL;

CREATE TABLE commune_stat (
    commune_id      BIGINT PRIMARY KEY REFERENCES unit (id),
    establishments  BIGINT NOT NULL DEFAULT 0,
    workers         BIGINT NOT NULL DEFAULT 0
);
INSERT INTO commune_stat (commune_id, establishments, workers)
    SELECT commune_id, COUNT(*), SUM(latest_workers) FROM establishment GROUP BY commune_id;

-- +goose StatementBegin
CREATE FUNCTION establishment_stat() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE commune_stat SET establishments = establishments - 1, workers = workers - OLD.latest_workers WHERE commune_id = OLD.commune_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO commune_stat (commune_id, establishments, workers) VALUES (NEW.commune_id, 1, NEW.latest_workers)
        ON CONFLICT (commune_id) DO UPDATE SET establishments = commune_stat.establishments + 1, workers = commune_stat.workers + excluded.workers;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER establishment_stat_ai AFTER INSERT ON establishment FOR EACH ROW EXECUTE FUNCTION establishment_stat();
CREATE TRIGGER establishment_stat_ad AFTER DELETE ON establishment FOR EACH ROW EXECUTE FUNCTION establishment_stat();
CREATE TRIGGER establishment_stat_au AFTER UPDATE OF commune_id, latest_workers ON establishment FOR EACH ROW
    WHEN (OLD.commune_id IS DISTINCT FROM NEW.commune_id OR OLD.latest_workers IS DISTINCT FROM NEW.latest_workers)
    EXECUTE FUNCTION establishment_stat();

-- +goose Down
DROP TRIGGER IF EXISTS establishment_stat_au ON establishment;
DROP TRIGGER IF EXISTS establishment_stat_ad ON establishment;
DROP TRIGGER IF EXISTS establishment_stat_ai ON establishment;
DROP FUNCTION IF EXISTS establishment_stat();
DROP TABLE IF EXISTS commune_stat;
DROP INDEX IF EXISTS outreach_session_held_commune;
DROP INDEX IF EXISTS unit_current_level;
DROP INDEX IF EXISTS project_funding_approved;
DROP INDEX IF EXISTS project_scope;
ALTER TABLE establishment DROP COLUMN latest_workers;
ALTER TABLE establishment DROP COLUMN latest_year;
