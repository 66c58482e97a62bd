-- +goose Up
-- Duplicate checks look establishments up by the keyed hash of the phone
-- (the personal ID hash has its index since 00001) and by the folded name
-- within a commune.
CREATE INDEX establishment_phone ON establishment (phone_hash);
CREATE INDEX establishment_commune_name ON establishment (commune_id, name_fold);

-- +goose Down
DROP INDEX establishment_commune_name;
DROP INDEX establishment_phone;
