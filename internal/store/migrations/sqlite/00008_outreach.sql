-- +goose Up
-- Outreach campaigns and sessions (issue 7): a campaign's topic, the
-- schemes it promotes (scheme codes separated by commas), notes and the
-- planner's explanation when it was saved from a plan; a session's status
-- (planned | held | cancelled), the officers' time in half days and notes;
-- an attendance row for a new producer met (new_producer, kept true after
-- the producer is added to the registry and establishment_id is set); and
-- selfcheck_log, one row per public self-check answered (no personal data:
-- the commune and trade asked about, the day, and whether it came through
-- a leaflet's QR code), for the outreach funnel.
ALTER TABLE campaign ADD COLUMN topic TEXT NOT NULL DEFAULT '';
ALTER TABLE campaign ADD COLUMN schemes TEXT NOT NULL DEFAULT '';
ALTER TABLE campaign ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE campaign ADD COLUMN plan_note TEXT NOT NULL DEFAULT '';
ALTER TABLE campaign ADD COLUMN created_by INTEGER REFERENCES app_user (id);
ALTER TABLE campaign ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

ALTER TABLE outreach_session ADD COLUMN status TEXT NOT NULL DEFAULT 'held';
ALTER TABLE outreach_session ADD COLUMN staff_halfdays INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outreach_session ADD COLUMN notes TEXT NOT NULL DEFAULT '';
CREATE INDEX outreach_session_campaign ON outreach_session (campaign_id);

ALTER TABLE attendance ADD COLUMN new_producer BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX attendance_establishment ON attendance (establishment_id);

CREATE TABLE selfcheck_log (
    id          INTEGER PRIMARY KEY,
    commune_id  INTEGER REFERENCES unit (id),
    trade       TEXT    NOT NULL DEFAULT '',
    on_day      DATE    NOT NULL,
    via_qr      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX selfcheck_log_day ON selfcheck_log (on_day);

-- +goose Down
DROP TABLE selfcheck_log;
DROP INDEX attendance_establishment;
ALTER TABLE attendance DROP COLUMN new_producer;
DROP INDEX outreach_session_campaign;
ALTER TABLE outreach_session DROP COLUMN notes;
ALTER TABLE outreach_session DROP COLUMN staff_halfdays;
ALTER TABLE outreach_session DROP COLUMN status;
ALTER TABLE campaign DROP COLUMN version;
ALTER TABLE campaign DROP COLUMN created_by;
ALTER TABLE campaign DROP COLUMN plan_note;
ALTER TABLE campaign DROP COLUMN notes;
ALTER TABLE campaign DROP COLUMN schemes;
ALTER TABLE campaign DROP COLUMN topic;
