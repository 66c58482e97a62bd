-- +goose Up
-- Projects from registration to settlement (issue 5): schedule, group
-- projects, expected results and priority points used by the annual plan's
-- optimiser, cost-item keys for the double-funding check, monthly progress
-- reports, the appraisal score sheet, and plan bookkeeping.
ALTER TABLE project ADD COLUMN starts_on DATE;
ALTER TABLE project ADD COLUMN ends_on DATE;
ALTER TABLE project ADD COLUMN closed_on DATE;
ALTER TABLE project ADD COLUMN is_group BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE project ADD COLUMN expected_jobs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE project ADD COLUMN priority_points INTEGER NOT NULL DEFAULT 0;
-- search_key is the folded title (vi.SearchKey) the project list
-- searches, written with the title in the same statement.
ALTER TABLE project ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
ALTER TABLE project ADD COLUMN created_by BIGINT REFERENCES app_user (id);

-- item_key is the folded cost item (vi.SearchKey), compared across
-- projects of the same establishment to refuse double state funding.
ALTER TABLE project_cost_line ADD COLUMN item_key TEXT NOT NULL DEFAULT '';
CREATE INDEX project_cost_line_item ON project_cost_line (item_key);

-- Monthly progress report (TT 36 form 3b), due before the 25th.
CREATE TABLE project_report (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id    BIGINT    NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    period        TEXT      NOT NULL,
    submitted_on  DATE      NOT NULL,
    progress_pct  INTEGER   NOT NULL DEFAULT 0,
    spent         BIGINT    NOT NULL DEFAULT 0,
    note          TEXT      NOT NULL DEFAULT '',
    actor_id      BIGINT    REFERENCES app_user (id),
    created_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX project_report_period ON project_report (project_id, period);

-- The appraisal score sheet is data (TT 36 forms 4a/4b); items can be
-- added, relabelled or retired without a release.
CREATE TABLE score_item (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       TEXT    NOT NULL,
    label      TEXT    NOT NULL,
    max_score  INTEGER NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    active     BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE UNIQUE INDEX score_item_code ON score_item (code);
CREATE UNIQUE INDEX appraisal_member_item ON appraisal (project_id, member_id, item);

ALTER TABLE plan ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE plan ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE plan ADD COLUMN created_at TIMESTAMP;
ALTER TABLE plan ADD COLUMN updated_at TIMESTAMP;
CREATE UNIQUE INDEX plan_envelope_key ON plan_envelope (plan_id, source, content_area);
CREATE INDEX plan_candidate_project ON plan_candidate (project_id);

-- +goose Down
DROP INDEX plan_candidate_project;
DROP INDEX plan_envelope_key;
ALTER TABLE plan DROP COLUMN updated_at;
ALTER TABLE plan DROP COLUMN created_at;
ALTER TABLE plan DROP COLUMN version;
ALTER TABLE plan DROP COLUMN note;
DROP INDEX appraisal_member_item;
DROP INDEX score_item_code;
DROP TABLE score_item;
DROP INDEX project_report_period;
DROP TABLE project_report;
DROP INDEX project_cost_line_item;
ALTER TABLE project_cost_line DROP COLUMN item_key;
ALTER TABLE project DROP COLUMN created_by;
ALTER TABLE project DROP COLUMN search_key;
ALTER TABLE project DROP COLUMN priority_points;
ALTER TABLE project DROP COLUMN expected_jobs;
ALTER TABLE project DROP COLUMN is_group;
ALTER TABLE project DROP COLUMN closed_on;
ALTER TABLE project DROP COLUMN ends_on;
ALTER TABLE project DROP COLUMN starts_on;
