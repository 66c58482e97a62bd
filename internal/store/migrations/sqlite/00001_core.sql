-- +goose Up
-- Core schema: administrative units with history, accounts, sessions, audit,
-- the registry, schemes, projects, plans and outreach.

CREATE TABLE unit (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL,
    level       TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    name_fold   TEXT    NOT NULL,
    parent_id   INTEGER REFERENCES unit (id),
    valid_from  DATE    NOT NULL,
    valid_to    DATE,
    note        TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX unit_code_level_from ON unit (code, level, valid_from);
CREATE INDEX unit_parent ON unit (parent_id);
CREATE INDEX unit_name_fold ON unit (name_fold);

CREATE TABLE unit_succession (
    id            INTEGER PRIMARY KEY,
    from_unit_id  INTEGER NOT NULL REFERENCES unit (id),
    to_unit_id    INTEGER NOT NULL REFERENCES unit (id),
    scope         TEXT    NOT NULL,
    effective     DATE    NOT NULL,
    basis         TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX unit_succession_pair ON unit_succession (from_unit_id, to_unit_id);
CREATE INDEX unit_succession_to ON unit_succession (to_unit_id);

CREATE TABLE app_user (
    id             INTEGER PRIMARY KEY,
    username       TEXT      NOT NULL,
    display_name   TEXT      NOT NULL DEFAULT '',
    role           TEXT      NOT NULL,
    password_hash  TEXT      NOT NULL,
    disabled       BOOLEAN   NOT NULL DEFAULT FALSE,
    failed_logins  INTEGER   NOT NULL DEFAULT 0,
    locked_until   TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX app_user_username ON app_user (username);

CREATE TABLE user_scope (
    user_id  INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    unit_id  INTEGER NOT NULL REFERENCES unit (id),
    PRIMARY KEY (user_id, unit_id)
);

CREATE TABLE api_token (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER   NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    name          TEXT      NOT NULL,
    prefix        TEXT      NOT NULL,
    token_hash    TEXT      NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    last_used_at  TIMESTAMP,
    revoked_at    TIMESTAMP
);
CREATE UNIQUE INDEX api_token_hash ON api_token (token_hash);
CREATE INDEX api_token_user ON api_token (user_id);

CREATE TABLE sessions (
    token   TEXT      PRIMARY KEY,
    data    BLOB      NOT NULL,
    expiry  TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

CREATE TABLE audit (
    id           INTEGER PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    actor_id     INTEGER,
    actor        TEXT      NOT NULL,
    action       TEXT      NOT NULL,
    entity       TEXT      NOT NULL,
    entity_id    INTEGER   NOT NULL DEFAULT 0,
    before_data  TEXT      NOT NULL DEFAULT '',
    after_data   TEXT      NOT NULL DEFAULT '',
    prev_hash    TEXT      NOT NULL,
    hash         TEXT      NOT NULL
);
CREATE INDEX audit_entity ON audit (entity, entity_id);
CREATE INDEX audit_actor ON audit (actor_id);

CREATE TABLE setting (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

CREATE TABLE trade (
    id           INTEGER PRIMARY KEY,
    code         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    name_fold    TEXT    NOT NULL,
    vsic_code    TEXT    NOT NULL DEFAULT '',
    traditional  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX trade_code ON trade (code);

CREATE TABLE establishment (
    id                     INTEGER PRIMARY KEY,
    kind                   TEXT      NOT NULL,
    size_class             TEXT      NOT NULL DEFAULT '',
    name                   TEXT      NOT NULL,
    name_fold              TEXT      NOT NULL,
    sort_key               BLOB      NOT NULL,
    commune_id             INTEGER   NOT NULL REFERENCES unit (id),
    village                TEXT      NOT NULL DEFAULT '',
    lat                    DOUBLE PRECISION,
    lon                    DOUBLE PRECISION,
    owner_name             TEXT      NOT NULL DEFAULT '',
    owner_gender           TEXT      NOT NULL DEFAULT '',
    owner_ethnicity        TEXT      NOT NULL DEFAULT '',
    owner_birth_year       INTEGER,
    phone_enc              BLOB,
    phone_hash             TEXT      NOT NULL DEFAULT '',
    personal_id_enc        BLOB,
    personal_id_hash       TEXT      NOT NULL DEFAULT '',
    women_owned            BOOLEAN   NOT NULL DEFAULT FALSE,
    ethnic_minority_owned  BOOLEAN   NOT NULL DEFAULT FALSE,
    founded_year           INTEGER,
    registration_no        TEXT      NOT NULL DEFAULT '',
    registration_date      DATE,
    traditional_craft      BOOLEAN   NOT NULL DEFAULT FALSE,
    craft_village          BOOLEAN   NOT NULL DEFAULT FALSE,
    artisan                TEXT      NOT NULL DEFAULT 'none',
    main_products          TEXT      NOT NULL DEFAULT '',
    notes                  TEXT      NOT NULL DEFAULT '',
    demo                   BOOLEAN   NOT NULL DEFAULT FALSE,
    version                INTEGER   NOT NULL DEFAULT 1,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL
);
CREATE INDEX establishment_commune ON establishment (commune_id);
CREATE INDEX establishment_sort ON establishment (sort_key);
CREATE INDEX establishment_personal_id ON establishment (personal_id_hash);
CREATE INDEX establishment_kind ON establishment (kind);

CREATE VIRTUAL TABLE establishment_fts USING fts5(name_fold, content='establishment', content_rowid='id', tokenize='trigram');
-- +goose StatementBegin
CREATE TRIGGER establishment_fts_ai AFTER INSERT ON establishment BEGIN
    INSERT INTO establishment_fts (rowid, name_fold) VALUES (new.id, new.name_fold);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER establishment_fts_ad AFTER DELETE ON establishment BEGIN
    INSERT INTO establishment_fts (establishment_fts, rowid, name_fold) VALUES ('delete', old.id, old.name_fold);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER establishment_fts_au AFTER UPDATE OF name_fold ON establishment BEGIN
    INSERT INTO establishment_fts (establishment_fts, rowid, name_fold) VALUES ('delete', old.id, old.name_fold);
    INSERT INTO establishment_fts (rowid, name_fold) VALUES (new.id, new.name_fold);
END;
-- +goose StatementEnd

CREATE TABLE establishment_trade (
    establishment_id  INTEGER NOT NULL REFERENCES establishment (id) ON DELETE CASCADE,
    trade_id          INTEGER NOT NULL REFERENCES trade (id),
    is_primary        BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (establishment_id, trade_id)
);
CREATE INDEX establishment_trade_trade ON establishment_trade (trade_id);

CREATE TABLE establishment_fact (
    id                       INTEGER PRIMARY KEY,
    establishment_id         INTEGER NOT NULL REFERENCES establishment (id) ON DELETE CASCADE,
    year                     INTEGER NOT NULL,
    workers                  INTEGER NOT NULL DEFAULT 0,
    women_workers            INTEGER NOT NULL DEFAULT 0,
    ethnic_minority_workers  INTEGER NOT NULL DEFAULT 0,
    revenue                  BIGINT  NOT NULL DEFAULT 0,
    capital                  BIGINT  NOT NULL DEFAULT 0,
    avg_income               BIGINT  NOT NULL DEFAULT 0,
    source                   TEXT    NOT NULL DEFAULT 'survey'
);
CREATE UNIQUE INDEX establishment_fact_year ON establishment_fact (establishment_id, year);

CREATE TABLE artisan (
    id                INTEGER PRIMARY KEY,
    establishment_id  INTEGER NOT NULL REFERENCES establishment (id) ON DELETE CASCADE,
    name              TEXT    NOT NULL,
    title             TEXT    NOT NULL,
    recognised_year   INTEGER
);
CREATE INDEX artisan_establishment ON artisan (establishment_id);

CREATE TABLE certificate (
    id                INTEGER PRIMARY KEY,
    establishment_id  INTEGER NOT NULL REFERENCES establishment (id) ON DELETE CASCADE,
    kind              TEXT    NOT NULL,
    level             TEXT    NOT NULL DEFAULT '',
    stars             INTEGER,
    product           TEXT    NOT NULL DEFAULT '',
    number            TEXT    NOT NULL DEFAULT '',
    year              INTEGER NOT NULL,
    valid_until       DATE
);
CREATE INDEX certificate_establishment ON certificate (establishment_id);

CREATE TABLE licence (
    id                INTEGER PRIMARY KEY,
    establishment_id  INTEGER NOT NULL REFERENCES establishment (id) ON DELETE CASCADE,
    kind              TEXT    NOT NULL,
    number            TEXT    NOT NULL DEFAULT '',
    issuer            TEXT    NOT NULL DEFAULT '',
    issued_on         DATE,
    valid_until       DATE
);
CREATE INDEX licence_establishment ON licence (establishment_id);

CREATE TABLE attachment (
    id            INTEGER PRIMARY KEY,
    entity        TEXT      NOT NULL,
    entity_id     INTEGER   NOT NULL,
    file_name     TEXT      NOT NULL,
    content_type  TEXT      NOT NULL,
    size          BIGINT    NOT NULL,
    sha256        TEXT      NOT NULL,
    data          BLOB      NOT NULL,
    created_by    INTEGER,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX attachment_entity ON attachment (entity, entity_id);

CREATE TABLE legal_basis (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL,
    title           TEXT NOT NULL,
    signed_on       DATE,
    effective_from  DATE,
    effective_to    DATE,
    url             TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX legal_basis_code ON legal_basis (code);

CREATE TABLE content_area (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    basis       TEXT NOT NULL DEFAULT '',
    valid_from  DATE NOT NULL,
    valid_to    DATE
);
CREATE UNIQUE INDEX content_area_code ON content_area (code);

CREATE TABLE scheme (
    id                  INTEGER PRIMARY KEY,
    code                TEXT      NOT NULL,
    version             INTEGER   NOT NULL DEFAULT 1,
    level               TEXT      NOT NULL,
    province_id         INTEGER   REFERENCES unit (id),
    content_area        TEXT      NOT NULL,
    name                TEXT      NOT NULL,
    legal_basis_id      INTEGER   REFERENCES legal_basis (id),
    effective_from      DATE      NOT NULL,
    effective_to        DATE,
    rate_bp             INTEGER,
    cap                 BIGINT,
    cap_unit            TEXT      NOT NULL DEFAULT '',
    uplift_bp           INTEGER,
    counterpart_min_bp  INTEGER,
    confirmed           BOOLEAN   NOT NULL DEFAULT FALSE,
    example             BOOLEAN   NOT NULL DEFAULT FALSE,
    note                TEXT      NOT NULL DEFAULT '',
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX scheme_code_version ON scheme (code, version);

CREATE TABLE criterion (
    id         INTEGER PRIMARY KEY,
    scheme_id  INTEGER NOT NULL REFERENCES scheme (id) ON DELETE CASCADE,
    group_no   INTEGER NOT NULL DEFAULT 1,
    position   INTEGER NOT NULL DEFAULT 0,
    kind       TEXT    NOT NULL DEFAULT 'eligibility',
    label      TEXT    NOT NULL,
    field      TEXT    NOT NULL DEFAULT '',
    op         TEXT    NOT NULL DEFAULT '',
    value      TEXT    NOT NULL DEFAULT '',
    formula    TEXT    NOT NULL DEFAULT '',
    points     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX criterion_scheme ON criterion (scheme_id);

CREATE TABLE project (
    id                INTEGER PRIMARY KEY,
    code              TEXT      NOT NULL,
    title             TEXT      NOT NULL,
    year              INTEGER   NOT NULL,
    level             TEXT      NOT NULL,
    scheme_id         INTEGER   REFERENCES scheme (id),
    content_area      TEXT      NOT NULL,
    implementing_org  TEXT      NOT NULL DEFAULT '',
    commune_id        INTEGER   NOT NULL REFERENCES unit (id),
    state             TEXT      NOT NULL,
    registered_on     DATE,
    appraised_on      DATE,
    decided_on        DATE,
    decision_no       TEXT      NOT NULL DEFAULT '',
    accepted_on       DATE,
    settled_on        DATE,
    reject_reason     TEXT      NOT NULL DEFAULT '',
    demo              BOOLEAN   NOT NULL DEFAULT FALSE,
    version           INTEGER   NOT NULL DEFAULT 1,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX project_code ON project (code);
CREATE INDEX project_commune ON project (commune_id);
CREATE INDEX project_year ON project (year);

CREATE TABLE project_beneficiary (
    project_id        INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    establishment_id  INTEGER NOT NULL REFERENCES establishment (id),
    PRIMARY KEY (project_id, establishment_id)
);
CREATE INDEX project_beneficiary_establishment ON project_beneficiary (establishment_id);

CREATE TABLE project_cost_line (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    item        TEXT    NOT NULL,
    quantity    BIGINT  NOT NULL DEFAULT 1,
    unit_cost   BIGINT  NOT NULL DEFAULT 0,
    amount      BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX project_cost_line_project ON project_cost_line (project_id);

CREATE TABLE project_funding (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    source      TEXT    NOT NULL,
    planned     BIGINT  NOT NULL DEFAULT 0,
    approved    BIGINT  NOT NULL DEFAULT 0,
    advanced    BIGINT  NOT NULL DEFAULT 0,
    settled     BIGINT  NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX project_funding_source ON project_funding (project_id, source);

CREATE TABLE project_event (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER   NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    from_state    TEXT      NOT NULL DEFAULT '',
    to_state      TEXT      NOT NULL,
    at            TIMESTAMP NOT NULL,
    actor_id      INTEGER,
    note          TEXT      NOT NULL DEFAULT '',
    document_ref  TEXT      NOT NULL DEFAULT ''
);
CREATE INDEX project_event_project ON project_event (project_id);

CREATE TABLE appraisal (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER   NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    member_id   INTEGER   NOT NULL REFERENCES app_user (id),
    item        TEXT      NOT NULL,
    score       INTEGER   NOT NULL,
    comment     TEXT      NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX appraisal_project ON appraisal (project_id);

CREATE TABLE project_output (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    value       BIGINT  NOT NULL
);
CREATE INDEX project_output_project ON project_output (project_id);

CREATE TABLE plan (
    id       INTEGER PRIMARY KEY,
    year     INTEGER NOT NULL,
    unit_id  INTEGER NOT NULL REFERENCES unit (id)
);
CREATE UNIQUE INDEX plan_year_unit ON plan (year, unit_id);

CREATE TABLE plan_envelope (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    source        TEXT    NOT NULL,
    content_area  TEXT    NOT NULL DEFAULT '',
    amount        BIGINT  NOT NULL
);
CREATE INDEX plan_envelope_plan ON plan_envelope (plan_id);

CREATE TABLE plan_candidate (
    plan_id     INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    project_id  INTEGER NOT NULL REFERENCES project (id),
    pinned      TEXT    NOT NULL DEFAULT 'free',
    PRIMARY KEY (plan_id, project_id)
);

CREATE TABLE scenario (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER   NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    name        TEXT      NOT NULL,
    inputs      TEXT      NOT NULL,
    results     TEXT      NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX scenario_plan ON scenario (plan_id);

CREATE TABLE campaign (
    id         INTEGER PRIMARY KEY,
    title      TEXT      NOT NULL,
    unit_id    INTEGER   NOT NULL REFERENCES unit (id),
    starts_on  DATE,
    ends_on    DATE,
    budget     BIGINT    NOT NULL DEFAULT 0,
    demo       BOOLEAN   NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX campaign_unit ON campaign (unit_id);

CREATE TABLE outreach_session (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER   REFERENCES campaign (id),
    kind         TEXT      NOT NULL,
    commune_id   INTEGER   NOT NULL REFERENCES unit (id),
    village      TEXT      NOT NULL DEFAULT '',
    held_on      DATE      NOT NULL,
    attendees    INTEGER   NOT NULL DEFAULT 0,
    cost         BIGINT    NOT NULL DEFAULT 0,
    staff        TEXT      NOT NULL DEFAULT '',
    language     TEXT      NOT NULL DEFAULT 'vi',
    interpreter  BOOLEAN   NOT NULL DEFAULT FALSE,
    materials    TEXT      NOT NULL DEFAULT '',
    demo         BOOLEAN   NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX outreach_session_commune ON outreach_session (commune_id);
CREATE INDEX outreach_session_held ON outreach_session (held_on);

CREATE TABLE attendance (
    id                INTEGER PRIMARY KEY,
    session_id        INTEGER NOT NULL REFERENCES outreach_session (id) ON DELETE CASCADE,
    establishment_id  INTEGER REFERENCES establishment (id),
    name              TEXT    NOT NULL DEFAULT '',
    phone_enc         BLOB,
    trade             TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX attendance_session ON attendance (session_id);

CREATE TABLE need_request (
    id                INTEGER PRIMARY KEY,
    tracking_code     TEXT      NOT NULL,
    name              TEXT      NOT NULL,
    phone_enc         BLOB,
    commune_id        INTEGER   REFERENCES unit (id),
    trade             TEXT      NOT NULL DEFAULT '',
    need              TEXT      NOT NULL,
    status            TEXT      NOT NULL,
    establishment_id  INTEGER   REFERENCES establishment (id),
    answer            TEXT      NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX need_request_tracking ON need_request (tracking_code);

-- +goose Down
SELECT 1;
