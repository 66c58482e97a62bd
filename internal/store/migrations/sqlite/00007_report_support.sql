-- +goose Up
-- project_support: one narrow row per (project, beneficiary) with what the
-- period report counts of a supported establishment, kept exact by the
-- triggers below, so the report reads these rows instead of joining
-- project, establishment, establishment_trade and project_output (issue 6).
--   year, commune_id  the project's plan year and at-time commune;
--   funded            project.state is one of store.FundedStates (the list
--                     is written out below: change both together; a test
--                     compares them);
--   kind              the establishment's kind;
--   flags             8 woman owner, 4 ethnic-minority owner, 2 the project
--                     delivered machines or lines (an output of that kind
--                     with a value above 0);
--   primary_trade_id  the establishment's primary trade (the lowest id if
--                     several are marked), 0 if none.
CREATE TABLE project_support (
    project_id        INTEGER NOT NULL,
    establishment_id  INTEGER NOT NULL,
    year              INTEGER NOT NULL,
    commune_id        INTEGER NOT NULL,
    funded            BOOLEAN NOT NULL,
    kind              TEXT    NOT NULL,
    flags             INTEGER NOT NULL,
    primary_trade_id  INTEGER NOT NULL,
    PRIMARY KEY (project_id, establishment_id)
);

INSERT INTO project_support (project_id, establishment_id, year, commune_id, funded, kind, flags, primary_trade_id)
SELECT b.project_id, b.establishment_id, p.year, p.commune_id,
    p.state IN ('approved', 'in_progress', 'accepted', 'settled', 'closed', 'carried_over'),
    e.kind,
    CASE WHEN e.women_owned THEN 8 ELSE 0 END + CASE WHEN e.ethnic_minority_owned THEN 4 ELSE 0 END
        + CASE WHEN EXISTS (SELECT 1 FROM project_output o WHERE o.project_id = p.id AND o.kind IN ('machines', 'lines') AND o.value > 0) THEN 2 ELSE 0 END,
    COALESCE((SELECT MIN(et.trade_id) FROM establishment_trade et WHERE et.establishment_id = e.id AND et.is_primary), 0)
FROM project_beneficiary b JOIN project p ON p.id = b.project_id JOIN establishment e ON e.id = b.establishment_id;

CREATE INDEX project_support_commune ON project_support (commune_id, year);
CREATE INDEX project_support_establishment ON project_support (establishment_id);

-- +goose StatementBegin
CREATE TRIGGER project_support_beneficiary_ai AFTER INSERT ON project_beneficiary BEGIN
    INSERT OR REPLACE INTO project_support (project_id, establishment_id, year, commune_id, funded, kind, flags, primary_trade_id)
    SELECT NEW.project_id, NEW.establishment_id, p.year, p.commune_id,
        p.state IN ('approved', 'in_progress', 'accepted', 'settled', 'closed', 'carried_over'),
        e.kind,
        CASE WHEN e.women_owned THEN 8 ELSE 0 END + CASE WHEN e.ethnic_minority_owned THEN 4 ELSE 0 END
            + CASE WHEN EXISTS (SELECT 1 FROM project_output o WHERE o.project_id = p.id AND o.kind IN ('machines', 'lines') AND o.value > 0) THEN 2 ELSE 0 END,
        COALESCE((SELECT MIN(et.trade_id) FROM establishment_trade et WHERE et.establishment_id = e.id AND et.is_primary), 0)
    FROM project p, establishment e WHERE p.id = NEW.project_id AND e.id = NEW.establishment_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER project_support_beneficiary_ad AFTER DELETE ON project_beneficiary BEGIN
    DELETE FROM project_support WHERE project_id = OLD.project_id AND establishment_id = OLD.establishment_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER project_support_beneficiary_au AFTER UPDATE ON project_beneficiary BEGIN
    DELETE FROM project_support WHERE project_id = OLD.project_id AND establishment_id = OLD.establishment_id;
    INSERT OR REPLACE INTO project_support (project_id, establishment_id, year, commune_id, funded, kind, flags, primary_trade_id)
    SELECT NEW.project_id, NEW.establishment_id, p.year, p.commune_id,
        p.state IN ('approved', 'in_progress', 'accepted', 'settled', 'closed', 'carried_over'),
        e.kind,
        CASE WHEN e.women_owned THEN 8 ELSE 0 END + CASE WHEN e.ethnic_minority_owned THEN 4 ELSE 0 END
            + CASE WHEN EXISTS (SELECT 1 FROM project_output o WHERE o.project_id = p.id AND o.kind IN ('machines', 'lines') AND o.value > 0) THEN 2 ELSE 0 END,
        COALESCE((SELECT MIN(et.trade_id) FROM establishment_trade et WHERE et.establishment_id = e.id AND et.is_primary), 0)
    FROM project p, establishment e WHERE p.id = NEW.project_id AND e.id = NEW.establishment_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER project_support_project_au AFTER UPDATE OF year, commune_id, state ON project
WHEN OLD.year IS NOT NEW.year OR OLD.commune_id IS NOT NEW.commune_id OR OLD.state IS NOT NEW.state BEGIN
    UPDATE project_support SET year = NEW.year, commune_id = NEW.commune_id,
        funded = NEW.state IN ('approved', 'in_progress', 'accepted', 'settled', 'closed', 'carried_over')
    WHERE project_id = NEW.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER project_support_project_ad AFTER DELETE ON project BEGIN
    DELETE FROM project_support WHERE project_id = OLD.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER project_support_establishment_au AFTER UPDATE OF kind, women_owned, ethnic_minority_owned ON establishment
WHEN OLD.kind IS NOT NEW.kind OR OLD.women_owned IS NOT NEW.women_owned OR OLD.ethnic_minority_owned IS NOT NEW.ethnic_minority_owned BEGIN
    UPDATE project_support SET kind = NEW.kind,
        flags = (flags & 2) + CASE WHEN NEW.women_owned THEN 8 ELSE 0 END + CASE WHEN NEW.ethnic_minority_owned THEN 4 ELSE 0 END
    WHERE establishment_id = NEW.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER project_support_trade_ai AFTER INSERT ON establishment_trade WHEN NEW.is_primary BEGIN
    UPDATE project_support SET primary_trade_id = COALESCE((SELECT MIN(et.trade_id) FROM establishment_trade et
        WHERE et.establishment_id = NEW.establishment_id AND et.is_primary), 0)
    WHERE establishment_id = NEW.establishment_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER project_support_trade_ad AFTER DELETE ON establishment_trade WHEN OLD.is_primary BEGIN
    UPDATE project_support SET primary_trade_id = COALESCE((SELECT MIN(et.trade_id) FROM establishment_trade et
        WHERE et.establishment_id = OLD.establishment_id AND et.is_primary), 0)
    WHERE establishment_id = OLD.establishment_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER project_support_trade_au AFTER UPDATE ON establishment_trade
WHEN OLD.is_primary OR NEW.is_primary BEGIN
    UPDATE project_support SET primary_trade_id = COALESCE((SELECT MIN(et.trade_id) FROM establishment_trade et
        WHERE et.establishment_id = project_support.establishment_id AND et.is_primary), 0)
    WHERE establishment_id IN (OLD.establishment_id, NEW.establishment_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER project_support_output_ai AFTER INSERT ON project_output
WHEN NEW.kind IN ('machines', 'lines') AND NEW.value > 0 BEGIN
    UPDATE project_support SET flags = flags | 2 WHERE project_id = NEW.project_id AND (flags & 2) = 0;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER project_support_output_ad AFTER DELETE ON project_output
WHEN OLD.kind IN ('machines', 'lines') AND OLD.value > 0 BEGIN
    UPDATE project_support SET flags = (flags & ~2) + CASE WHEN EXISTS (SELECT 1 FROM project_output o
        WHERE o.project_id = OLD.project_id AND o.kind IN ('machines', 'lines') AND o.value > 0) THEN 2 ELSE 0 END
    WHERE project_id = OLD.project_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER project_support_output_au AFTER UPDATE ON project_output
WHEN (OLD.kind IN ('machines', 'lines') AND OLD.value > 0) OR (NEW.kind IN ('machines', 'lines') AND NEW.value > 0) BEGIN
    UPDATE project_support SET flags = (flags & ~2) + CASE WHEN EXISTS (SELECT 1 FROM project_output o
        WHERE o.project_id = project_support.project_id AND o.kind IN ('machines', 'lines') AND o.value > 0) THEN 2 ELSE 0 END
    WHERE project_id IN (OLD.project_id, NEW.project_id);
END;
-- +goose StatementEnd

-- Planner statistics for the backfilled rows.
ANALYZE project_support;

-- +goose Down
DROP TRIGGER IF EXISTS project_support_output_au;
DROP TRIGGER IF EXISTS project_support_output_ad;
DROP TRIGGER IF EXISTS project_support_output_ai;
DROP TRIGGER IF EXISTS project_support_trade_au;
DROP TRIGGER IF EXISTS project_support_trade_ad;
DROP TRIGGER IF EXISTS project_support_trade_ai;
DROP TRIGGER IF EXISTS project_support_establishment_au;
DROP TRIGGER IF EXISTS project_support_project_ad;
DROP TRIGGER IF EXISTS project_support_project_au;
DROP TRIGGER IF EXISTS project_support_beneficiary_au;
DROP TRIGGER IF EXISTS project_support_beneficiary_ad;
DROP TRIGGER IF EXISTS project_support_beneficiary_ai;
DROP TABLE IF EXISTS project_support;
