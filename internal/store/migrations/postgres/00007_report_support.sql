-- +goose Up
-- project_support: one narrow row per (project, beneficiary) with what the
-- period report counts of a supported establishment, kept exact by the
-- triggers below, so the report reads these rows instead of joining
-- project, establishment, establishment_trade and project_output (issue 6).
--   year, commune_id  the project's plan year and at-time commune;
--   funded            project.state is one of store.FundedStates (the list
--                     is written out below, in project_support_funded:
--                     change both together; a test compares them);
--   kind              the establishment's kind;
--   flags             8 woman owner, 4 ethnic-minority owner, 2 the project
--                     delivered machines or lines (an output of that kind
--                     with a value above 0);
--   primary_trade_id  the establishment's primary trade (the lowest id if
--                     several are marked), 0 if none.
CREATE TABLE project_support (
    project_id        BIGINT  NOT NULL,
    establishment_id  BIGINT  NOT NULL,
    year              INTEGER NOT NULL,
    commune_id        BIGINT  NOT NULL,
    funded            BOOLEAN NOT NULL,
    kind              TEXT    NOT NULL,
    flags             INTEGER NOT NULL,
    primary_trade_id  BIGINT  NOT NULL,
    PRIMARY KEY (project_id, establishment_id)
);

-- +goose StatementBegin
CREATE FUNCTION project_support_funded(state TEXT) RETURNS BOOLEAN LANGUAGE sql IMMUTABLE AS $$
    SELECT state IN ('approved', 'in_progress', 'accepted', 'settled', 'closed', 'carried_over')
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION project_support_machinery(pid BIGINT) RETURNS INTEGER LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN EXISTS (SELECT 1 FROM project_output o WHERE o.project_id = pid AND o.kind IN ('machines', 'lines') AND o.value > 0) THEN 2 ELSE 0 END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION project_support_primary(eid BIGINT) RETURNS BIGINT LANGUAGE sql STABLE AS $$
    SELECT COALESCE((SELECT MIN(et.trade_id) FROM establishment_trade et WHERE et.establishment_id = eid AND et.is_primary), 0)
$$;
-- +goose StatementEnd

INSERT INTO project_support (project_id, establishment_id, year, commune_id, funded, kind, flags, primary_trade_id)
SELECT b.project_id, b.establishment_id, p.year, p.commune_id, project_support_funded(p.state), e.kind,
    CASE WHEN e.women_owned THEN 8 ELSE 0 END + CASE WHEN e.ethnic_minority_owned THEN 4 ELSE 0 END
        + CASE WHEN m.project_id IS NOT NULL THEN 2 ELSE 0 END,
    COALESCE(pt.trade_id, 0)
FROM project_beneficiary b JOIN project p ON p.id = b.project_id JOIN establishment e ON e.id = b.establishment_id
LEFT JOIN (SELECT DISTINCT o.project_id FROM project_output o WHERE o.kind IN ('machines', 'lines') AND o.value > 0) m ON m.project_id = b.project_id
LEFT JOIN (SELECT et.establishment_id, MIN(et.trade_id) AS trade_id FROM establishment_trade et WHERE et.is_primary GROUP BY et.establishment_id) pt
    ON pt.establishment_id = b.establishment_id;

CREATE INDEX project_support_commune ON project_support (commune_id, year);
CREATE INDEX project_support_establishment ON project_support (establishment_id);

-- Inserts are statement-level triggers reading the inserted rows as a
-- transition table: the demo loader COPYs 300,000 beneficiaries and
-- 1,000,000 trades, where a row trigger costs 30–120 µs a row (see
-- 00004). Updates and deletes, one row at a time in the application,
-- are row triggers.
-- +goose StatementBegin
CREATE FUNCTION project_support_beneficiary_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO project_support (project_id, establishment_id, year, commune_id, funded, kind, flags, primary_trade_id)
    SELECT n.project_id, n.establishment_id, p.year, p.commune_id, project_support_funded(p.state), e.kind,
        CASE WHEN e.women_owned THEN 8 ELSE 0 END + CASE WHEN e.ethnic_minority_owned THEN 4 ELSE 0 END
            + project_support_machinery(n.project_id),
        project_support_primary(n.establishment_id)
    FROM inserted n JOIN project p ON p.id = n.project_id JOIN establishment e ON e.id = n.establishment_id
    ON CONFLICT (project_id, establishment_id) DO UPDATE SET year = excluded.year, commune_id = excluded.commune_id,
        funded = excluded.funded, kind = excluded.kind, flags = excluded.flags, primary_trade_id = excluded.primary_trade_id;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER project_support_beneficiary_ai AFTER INSERT ON project_beneficiary REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION project_support_beneficiary_insert();

-- +goose StatementBegin
CREATE FUNCTION project_support_beneficiary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM project_support WHERE project_id = OLD.project_id AND establishment_id = OLD.establishment_id;
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO project_support (project_id, establishment_id, year, commune_id, funded, kind, flags, primary_trade_id)
        SELECT NEW.project_id, NEW.establishment_id, p.year, p.commune_id, project_support_funded(p.state), e.kind,
            CASE WHEN e.women_owned THEN 8 ELSE 0 END + CASE WHEN e.ethnic_minority_owned THEN 4 ELSE 0 END
                + project_support_machinery(NEW.project_id),
            project_support_primary(NEW.establishment_id)
        FROM project p, establishment e WHERE p.id = NEW.project_id AND e.id = NEW.establishment_id
        ON CONFLICT (project_id, establishment_id) DO UPDATE SET year = excluded.year, commune_id = excluded.commune_id,
            funded = excluded.funded, kind = excluded.kind, flags = excluded.flags, primary_trade_id = excluded.primary_trade_id;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER project_support_beneficiary AFTER UPDATE OR DELETE ON project_beneficiary
    FOR EACH ROW EXECUTE FUNCTION project_support_beneficiary();

-- +goose StatementBegin
CREATE FUNCTION project_support_project() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM project_support WHERE project_id = OLD.id;
    ELSE
        UPDATE project_support SET year = NEW.year, commune_id = NEW.commune_id, funded = project_support_funded(NEW.state)
        WHERE project_id = NEW.id;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER project_support_project_au AFTER UPDATE OF year, commune_id, state ON project
    FOR EACH ROW WHEN (OLD.year IS DISTINCT FROM NEW.year OR OLD.commune_id IS DISTINCT FROM NEW.commune_id OR OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION project_support_project();
CREATE TRIGGER project_support_project_ad AFTER DELETE ON project
    FOR EACH ROW EXECUTE FUNCTION project_support_project();

-- +goose StatementBegin
CREATE FUNCTION project_support_establishment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE project_support SET kind = NEW.kind,
        flags = (flags & 2) + CASE WHEN NEW.women_owned THEN 8 ELSE 0 END + CASE WHEN NEW.ethnic_minority_owned THEN 4 ELSE 0 END
    WHERE establishment_id = NEW.id;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER project_support_establishment_au AFTER UPDATE OF kind, women_owned, ethnic_minority_owned ON establishment
    FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind OR OLD.women_owned IS DISTINCT FROM NEW.women_owned
        OR OLD.ethnic_minority_owned IS DISTINCT FROM NEW.ethnic_minority_owned)
    EXECUTE FUNCTION project_support_establishment();

-- +goose StatementBegin
CREATE FUNCTION project_support_trade() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE project_support SET primary_trade_id = project_support_primary(OLD.establishment_id)
    WHERE establishment_id = OLD.establishment_id;
    IF TG_OP = 'UPDATE' AND NEW.establishment_id <> OLD.establishment_id THEN
        UPDATE project_support SET primary_trade_id = project_support_primary(NEW.establishment_id)
        WHERE establishment_id = NEW.establishment_id;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION project_support_trade_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE project_support s SET primary_trade_id = project_support_primary(s.establishment_id)
    WHERE s.establishment_id IN (SELECT n.establishment_id FROM inserted n WHERE n.is_primary);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER project_support_trade_ai AFTER INSERT ON establishment_trade REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION project_support_trade_insert();
CREATE TRIGGER project_support_trade_ad AFTER DELETE ON establishment_trade
    FOR EACH ROW WHEN (OLD.is_primary) EXECUTE FUNCTION project_support_trade();
CREATE TRIGGER project_support_trade_au AFTER UPDATE ON establishment_trade
    FOR EACH ROW WHEN (OLD.is_primary OR NEW.is_primary) EXECUTE FUNCTION project_support_trade();

-- +goose StatementBegin
CREATE FUNCTION project_support_output() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE project_support SET flags = (flags & ~2) + project_support_machinery(OLD.project_id)
    WHERE project_id = OLD.project_id;
    IF TG_OP = 'UPDATE' AND NEW.project_id <> OLD.project_id THEN
        UPDATE project_support SET flags = (flags & ~2) + project_support_machinery(NEW.project_id)
        WHERE project_id = NEW.project_id;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION project_support_output_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE project_support s SET flags = (s.flags & ~2) + project_support_machinery(s.project_id)
    WHERE s.project_id IN (SELECT n.project_id FROM inserted n WHERE n.kind IN ('machines', 'lines') AND n.value > 0);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER project_support_output_ai AFTER INSERT ON project_output REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION project_support_output_insert();
CREATE TRIGGER project_support_output_ad AFTER DELETE ON project_output
    FOR EACH ROW WHEN (OLD.kind IN ('machines', 'lines') AND OLD.value > 0) EXECUTE FUNCTION project_support_output();
CREATE TRIGGER project_support_output_au AFTER UPDATE ON project_output
    FOR EACH ROW WHEN ((OLD.kind IN ('machines', 'lines') AND OLD.value > 0) OR (NEW.kind IN ('machines', 'lines') AND NEW.value > 0))
    EXECUTE FUNCTION project_support_output();

-- Planner statistics for the backfilled rows.
ANALYZE project_support;

-- +goose Down
DROP TRIGGER IF EXISTS project_support_output_au ON project_output;
DROP TRIGGER IF EXISTS project_support_output_ad ON project_output;
DROP TRIGGER IF EXISTS project_support_output_ai ON project_output;
DROP TRIGGER IF EXISTS project_support_trade_au ON establishment_trade;
DROP TRIGGER IF EXISTS project_support_trade_ad ON establishment_trade;
DROP TRIGGER IF EXISTS project_support_trade_ai ON establishment_trade;
DROP TRIGGER IF EXISTS project_support_establishment_au ON establishment;
DROP TRIGGER IF EXISTS project_support_project_ad ON project;
DROP TRIGGER IF EXISTS project_support_project_au ON project;
DROP TRIGGER IF EXISTS project_support_beneficiary ON project_beneficiary;
DROP TRIGGER IF EXISTS project_support_beneficiary_ai ON project_beneficiary;
DROP FUNCTION IF EXISTS project_support_output_insert();
DROP FUNCTION IF EXISTS project_support_output();
DROP FUNCTION IF EXISTS project_support_trade_insert();
DROP FUNCTION IF EXISTS project_support_trade();
DROP FUNCTION IF EXISTS project_support_establishment();
DROP FUNCTION IF EXISTS project_support_project();
DROP FUNCTION IF EXISTS project_support_beneficiary_insert();
DROP FUNCTION IF EXISTS project_support_beneficiary();
DROP FUNCTION IF EXISTS project_support_primary(BIGINT);
DROP FUNCTION IF EXISTS project_support_machinery(BIGINT);
DROP FUNCTION IF EXISTS project_support_funded(TEXT);
DROP TABLE IF EXISTS project_support;
