-- +goose Up
-- Core schema: administrative units with history, accounts, sessions, audit,
-- the registry, schemes, projects, plans and outreach.

CREATE TABLE unit (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        TEXT    NOT NULL,
    level       TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    name_fold   TEXT    NOT NULL,
    parent_id   BIGINT REFERENCES unit (id),
    valid_from  DATE    NOT NULL,
    valid_to    DATE,
    note        TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX unit_code_level_from ON unit (code, level, valid_from);
CREATE INDEX unit_parent ON unit (parent_id);
CREATE INDEX unit_name_fold ON unit (name_fold);

CREATE TABLE unit_succession (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_unit_id  BIGINT NOT NULL REFERENCES unit (id),
    to_unit_id    BIGINT NOT NULL REFERENCES unit (id),
    scope         TEXT    NOT NULL,
    effective     DATE    NOT NULL,
    basis         TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX unit_succession_pair ON unit_succession (from_unit_id, to_unit_id);
CREATE INDEX unit_succession_to ON unit_succession (to_unit_id);

CREATE TABLE app_user (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username       TEXT      NOT NULL,
    display_name   TEXT      NOT NULL DEFAULT '',
    role           TEXT      NOT NULL,
    password_hash  TEXT      NOT NULL,
    disabled       BOOLEAN   NOT NULL DEFAULT FALSE,
    failed_logins  BIGINT   NOT NULL DEFAULT 0,
    locked_until   TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX app_user_username ON app_user (username);

CREATE TABLE user_scope (
    user_id  BIGINT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    unit_id  BIGINT NOT NULL REFERENCES unit (id),
    PRIMARY KEY (user_id, unit_id)
);

CREATE TABLE api_token (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       BIGINT   NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    name          TEXT      NOT NULL,
    prefix        TEXT      NOT NULL,
    token_hash    TEXT      NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ
);
CREATE UNIQUE INDEX api_token_hash ON api_token (token_hash);
CREATE INDEX api_token_user ON api_token (user_id);

CREATE TABLE sessions (
    token   TEXT      PRIMARY KEY,
    data    BYTEA      NOT NULL,
    expiry  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

CREATE TABLE audit (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL,
    actor_id     BIGINT,
    actor        TEXT      NOT NULL,
    action       TEXT      NOT NULL,
    entity       TEXT      NOT NULL,
    entity_id    BIGINT   NOT NULL DEFAULT 0,
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
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    name_fold    TEXT    NOT NULL,
    vsic_code    TEXT    NOT NULL DEFAULT '',
    traditional  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX trade_code ON trade (code);

CREATE TABLE establishment (
    id                     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind                   TEXT      NOT NULL,
    size_class             TEXT      NOT NULL DEFAULT '',
    name                   TEXT      NOT NULL,
    name_fold              TEXT      NOT NULL,
    sort_key               BYTEA      NOT NULL,
    commune_id             BIGINT   NOT NULL REFERENCES unit (id),
    village                TEXT      NOT NULL DEFAULT '',
    lat                    DOUBLE PRECISION,
    lon                    DOUBLE PRECISION,
    owner_name             TEXT      NOT NULL DEFAULT '',
    owner_gender           TEXT      NOT NULL DEFAULT '',
    owner_ethnicity        TEXT      NOT NULL DEFAULT '',
    owner_birth_year       BIGINT,
    phone_enc              BYTEA,
    phone_hash             TEXT      NOT NULL DEFAULT '',
    personal_id_enc        BYTEA,
    personal_id_hash       TEXT      NOT NULL DEFAULT '',
    women_owned            BOOLEAN   NOT NULL DEFAULT FALSE,
    ethnic_minority_owned  BOOLEAN   NOT NULL DEFAULT FALSE,
    founded_year           BIGINT,
    registration_no        TEXT      NOT NULL DEFAULT '',
    registration_date      DATE,
    traditional_craft      BOOLEAN   NOT NULL DEFAULT FALSE,
    craft_village          BOOLEAN   NOT NULL DEFAULT FALSE,
    artisan                TEXT      NOT NULL DEFAULT 'none',
    main_products          TEXT      NOT NULL DEFAULT '',
    notes                  TEXT      NOT NULL DEFAULT '',
    demo                   BOOLEAN   NOT NULL DEFAULT FALSE,
    version                BIGINT   NOT NULL DEFAULT 1,
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX establishment_commune ON establishment (commune_id);
CREATE INDEX establishment_sort ON establishment (sort_key);
CREATE INDEX establishment_personal_id ON establishment (personal_id_hash);
CREATE INDEX establishment_kind ON establishment (kind);

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX establishment_name_fold_trgm ON establishment USING gin (name_fold gin_trgm_ops);

CREATE TABLE establishment_trade (
    establishment_id  BIGINT NOT NULL REFERENCES establishment (id) ON DELETE CASCADE,
    trade_id          BIGINT NOT NULL REFERENCES trade (id),
    is_primary        BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (establishment_id, trade_id)
);
CREATE INDEX establishment_trade_trade ON establishment_trade (trade_id);

CREATE TABLE establishment_fact (
    id                       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    establishment_id         BIGINT NOT NULL REFERENCES establishment (id) ON DELETE CASCADE,
    year                     BIGINT NOT NULL,
    workers                  BIGINT NOT NULL DEFAULT 0,
    women_workers            BIGINT NOT NULL DEFAULT 0,
    ethnic_minority_workers  BIGINT NOT NULL DEFAULT 0,
    revenue                  BIGINT  NOT NULL DEFAULT 0,
    capital                  BIGINT  NOT NULL DEFAULT 0,
    avg_income               BIGINT  NOT NULL DEFAULT 0,
    source                   TEXT    NOT NULL DEFAULT 'survey'
);
CREATE UNIQUE INDEX establishment_fact_year ON establishment_fact (establishment_id, year);

CREATE TABLE artisan (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    establishment_id  BIGINT NOT NULL REFERENCES establishment (id) ON DELETE CASCADE,
    name              TEXT    NOT NULL,
    title             TEXT    NOT NULL,
    recognised_year   BIGINT
);
CREATE INDEX artisan_establishment ON artisan (establishment_id);

CREATE TABLE certificate (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    establishment_id  BIGINT NOT NULL REFERENCES establishment (id) ON DELETE CASCADE,
    kind              TEXT    NOT NULL,
    level             TEXT    NOT NULL DEFAULT '',
    stars             BIGINT,
    product           TEXT    NOT NULL DEFAULT '',
    number            TEXT    NOT NULL DEFAULT '',
    year              BIGINT NOT NULL,
    valid_until       DATE
);
CREATE INDEX certificate_establishment ON certificate (establishment_id);

CREATE TABLE licence (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    establishment_id  BIGINT NOT NULL REFERENCES establishment (id) ON DELETE CASCADE,
    kind              TEXT    NOT NULL,
    number            TEXT    NOT NULL DEFAULT '',
    issuer            TEXT    NOT NULL DEFAULT '',
    issued_on         DATE,
    valid_until       DATE
);
CREATE INDEX licence_establishment ON licence (establishment_id);

CREATE TABLE attachment (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity        TEXT      NOT NULL,
    entity_id     BIGINT   NOT NULL,
    file_name     TEXT      NOT NULL,
    content_type  TEXT      NOT NULL,
    size          BIGINT    NOT NULL,
    sha256        TEXT      NOT NULL,
    data          BYTEA      NOT NULL,
    created_by    BIGINT,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachment_entity ON attachment (entity, entity_id);

CREATE TABLE legal_basis (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code            TEXT NOT NULL,
    title           TEXT NOT NULL,
    signed_on       DATE,
    effective_from  DATE,
    effective_to    DATE,
    url             TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX legal_basis_code ON legal_basis (code);

CREATE TABLE content_area (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    basis       TEXT NOT NULL DEFAULT '',
    valid_from  DATE NOT NULL,
    valid_to    DATE
);
CREATE UNIQUE INDEX content_area_code ON content_area (code);

CREATE TABLE scheme (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code                TEXT      NOT NULL,
    version             BIGINT   NOT NULL DEFAULT 1,
    level               TEXT      NOT NULL,
    province_id         BIGINT   REFERENCES unit (id),
    content_area        TEXT      NOT NULL,
    name                TEXT      NOT NULL,
    legal_basis_id      BIGINT   REFERENCES legal_basis (id),
    effective_from      DATE      NOT NULL,
    effective_to        DATE,
    rate_bp             BIGINT,
    cap                 BIGINT,
    cap_unit            TEXT      NOT NULL DEFAULT '',
    uplift_bp           BIGINT,
    counterpart_min_bp  BIGINT,
    confirmed           BOOLEAN   NOT NULL DEFAULT FALSE,
    example             BOOLEAN   NOT NULL DEFAULT FALSE,
    note                TEXT      NOT NULL DEFAULT '',
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX scheme_code_version ON scheme (code, version);

CREATE TABLE criterion (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id  BIGINT NOT NULL REFERENCES scheme (id) ON DELETE CASCADE,
    group_no   BIGINT NOT NULL DEFAULT 1,
    position   BIGINT NOT NULL DEFAULT 0,
    kind       TEXT    NOT NULL DEFAULT 'eligibility',
    label      TEXT    NOT NULL,
    field      TEXT    NOT NULL DEFAULT '',
    op         TEXT    NOT NULL DEFAULT '',
    value      TEXT    NOT NULL DEFAULT '',
    formula    TEXT    NOT NULL DEFAULT '',
    points     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX criterion_scheme ON criterion (scheme_id);

CREATE TABLE project (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code              TEXT      NOT NULL,
    title             TEXT      NOT NULL,
    year              BIGINT   NOT NULL,
    level             TEXT      NOT NULL,
    scheme_id         BIGINT   REFERENCES scheme (id),
    content_area      TEXT      NOT NULL,
    implementing_org  TEXT      NOT NULL DEFAULT '',
    commune_id        BIGINT   NOT NULL REFERENCES unit (id),
    state             TEXT      NOT NULL,
    registered_on     DATE,
    appraised_on      DATE,
    decided_on        DATE,
    decision_no       TEXT      NOT NULL DEFAULT '',
    accepted_on       DATE,
    settled_on        DATE,
    reject_reason     TEXT      NOT NULL DEFAULT '',
    demo              BOOLEAN   NOT NULL DEFAULT FALSE,
    version           BIGINT   NOT NULL DEFAULT 1,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX project_code ON project (code);
CREATE INDEX project_commune ON project (commune_id);
CREATE INDEX project_year ON project (year);

CREATE TABLE project_beneficiary (
    project_id        BIGINT NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    establishment_id  BIGINT NOT NULL REFERENCES establishment (id),
    PRIMARY KEY (project_id, establishment_id)
);
CREATE INDEX project_beneficiary_establishment ON project_beneficiary (establishment_id);

CREATE TABLE project_cost_line (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    item        TEXT    NOT NULL,
    quantity    BIGINT  NOT NULL DEFAULT 1,
    unit_cost   BIGINT  NOT NULL DEFAULT 0,
    amount      BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX project_cost_line_project ON project_cost_line (project_id);

CREATE TABLE project_funding (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    source      TEXT    NOT NULL,
    planned     BIGINT  NOT NULL DEFAULT 0,
    approved    BIGINT  NOT NULL DEFAULT 0,
    advanced    BIGINT  NOT NULL DEFAULT 0,
    settled     BIGINT  NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX project_funding_source ON project_funding (project_id, source);

CREATE TABLE project_event (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id    BIGINT   NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    from_state    TEXT      NOT NULL DEFAULT '',
    to_state      TEXT      NOT NULL,
    at            TIMESTAMPTZ NOT NULL,
    actor_id      BIGINT,
    note          TEXT      NOT NULL DEFAULT '',
    document_ref  TEXT      NOT NULL DEFAULT ''
);
CREATE INDEX project_event_project ON project_event (project_id);

CREATE TABLE appraisal (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  BIGINT   NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    member_id   BIGINT   NOT NULL REFERENCES app_user (id),
    item        TEXT      NOT NULL,
    score       BIGINT   NOT NULL,
    comment     TEXT      NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX appraisal_project ON appraisal (project_id);

CREATE TABLE project_output (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    value       BIGINT  NOT NULL
);
CREATE INDEX project_output_project ON project_output (project_id);

CREATE TABLE plan (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year     BIGINT NOT NULL,
    unit_id  BIGINT NOT NULL REFERENCES unit (id)
);
CREATE UNIQUE INDEX plan_year_unit ON plan (year, unit_id);

CREATE TABLE plan_envelope (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id       BIGINT NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    source        TEXT    NOT NULL,
    content_area  TEXT    NOT NULL DEFAULT '',
    amount        BIGINT  NOT NULL
);
CREATE INDEX plan_envelope_plan ON plan_envelope (plan_id);

CREATE TABLE plan_candidate (
    plan_id     BIGINT NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    project_id  BIGINT NOT NULL REFERENCES project (id),
    pinned      TEXT    NOT NULL DEFAULT 'free',
    PRIMARY KEY (plan_id, project_id)
);

CREATE TABLE scenario (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id     BIGINT   NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    name        TEXT      NOT NULL,
    inputs      TEXT      NOT NULL,
    results     TEXT      NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX scenario_plan ON scenario (plan_id);

CREATE TABLE campaign (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title      TEXT      NOT NULL,
    unit_id    BIGINT   NOT NULL REFERENCES unit (id),
    starts_on  DATE,
    ends_on    DATE,
    budget     BIGINT    NOT NULL DEFAULT 0,
    demo       BOOLEAN   NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX campaign_unit ON campaign (unit_id);

CREATE TABLE outreach_session (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id  BIGINT   REFERENCES campaign (id),
    kind         TEXT      NOT NULL,
    commune_id   BIGINT   NOT NULL REFERENCES unit (id),
    village      TEXT      NOT NULL DEFAULT '',
    held_on      DATE      NOT NULL,
    attendees    BIGINT   NOT NULL DEFAULT 0,
    cost         BIGINT    NOT NULL DEFAULT 0,
    staff        TEXT      NOT NULL DEFAULT '',
    language     TEXT      NOT NULL DEFAULT 'vi',
    interpreter  BOOLEAN   NOT NULL DEFAULT FALSE,
    materials    TEXT      NOT NULL DEFAULT '',
    demo         BOOLEAN   NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX outreach_session_commune ON outreach_session (commune_id);
CREATE INDEX outreach_session_held ON outreach_session (held_on);

CREATE TABLE attendance (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id        BIGINT NOT NULL REFERENCES outreach_session (id) ON DELETE CASCADE,
    establishment_id  BIGINT REFERENCES establishment (id),
    name              TEXT    NOT NULL DEFAULT '',
    phone_enc         BYTEA,
    trade             TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX attendance_session ON attendance (session_id);

CREATE TABLE need_request (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tracking_code     TEXT      NOT NULL,
    name              TEXT      NOT NULL,
    phone_enc         BYTEA,
    commune_id        BIGINT   REFERENCES unit (id),
    trade             TEXT      NOT NULL DEFAULT '',
    need              TEXT      NOT NULL,
    status            TEXT      NOT NULL,
    establishment_id  BIGINT   REFERENCES establishment (id),
    answer            TEXT      NOT NULL DEFAULT '',
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX need_request_tracking ON need_request (tracking_code);

-- +goose Down
SELECT 1;
