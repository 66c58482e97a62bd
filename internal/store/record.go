package store

import (
	"context"
	"database/sql"
	"fmt"

	"khuyencong/internal/kc"
	"khuyencong/internal/vi"
)

// DeleteEstablishment removes an establishment with its trades, facts,
// certificates, licences, artisans and attachments. An establishment that
// benefits from a project is kept: the answer is EConflict. Outreach
// attendance and need requests that named it keep their rows, unlinked.
func (s *Store) DeleteEstablishment(ctx context.Context, id int64) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.DeleteEstablishment(ctx, id) })
}

// DeleteEstablishment is DeleteEstablishment inside tx.
func (tx *Tx) DeleteEstablishment(ctx context.Context, id int64) error {
	n, err := tx.count(ctx, "SELECT COUNT(*) FROM project_beneficiary WHERE establishment_id = $1", id)
	if err != nil {
		return fmt.Errorf("store: delete establishment %d: %w", id, err)
	}
	if n > 0 {
		return &kc.Error{Code: kc.EConflict, Key: "est.delete_beneficiary", Args: []any{n}, Err: fmt.Errorf("store: establishment %d benefits from %d projects", id, n)}
	}
	for _, q := range []string{
		"UPDATE attendance SET establishment_id = NULL WHERE establishment_id = $1",
		"UPDATE need_request SET establishment_id = NULL WHERE establishment_id = $1",
		"DELETE FROM attachment WHERE entity = 'establishment' AND entity_id = $1",
	} {
		if _, err := tx.exec(ctx, q, id); err != nil {
			return fmt.Errorf("store: delete establishment %d: %w", id, err)
		}
	}
	res, err := tx.exec(ctx, "DELETE FROM establishment WHERE id = $1", id)
	if err != nil {
		return fmt.Errorf("store: delete establishment %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &kc.Error{Code: kc.ENotFound, Key: "error.not_found", Err: fmt.Errorf("store: no establishment %d", id)}
	}
	return nil
}

// FindDuplicates returns the establishments, other than exceptID (0 for
// none), that look like the same producer: the same folded name in the
// same commune, the same phone hash or the same personal ID hash. Empty
// hashes match nothing.
func (s *Store) FindDuplicates(ctx context.Context, name string, communeID int64, phoneHash, personalIDHash string, exceptID int64) (kc.Duplicates, error) {
	return viewValue(ctx, s, func(tx *Tx) (kc.Duplicates, error) {
		return tx.FindDuplicates(ctx, name, communeID, phoneHash, personalIDHash, exceptID)
	})
}

// FindDuplicates is FindDuplicates inside tx.
func (tx *Tx) FindDuplicates(ctx context.Context, name string, communeID int64, phoneHash, personalIDHash string, exceptID int64) (kc.Duplicates, error) {
	var d kc.Duplicates
	var err error
	if key := vi.SearchKey(vi.NFC(name)); key != "" && communeID != 0 {
		if d.SameName, err = tx.ids(ctx, "SELECT id FROM establishment WHERE commune_id = $1 AND name_fold = $2 AND id <> $3 ORDER BY id", communeID, key, exceptID); err != nil {
			return d, fmt.Errorf("store: duplicates by name: %w", err)
		}
	}
	if phoneHash != "" {
		if d.SamePhone, err = tx.ids(ctx, "SELECT id FROM establishment WHERE phone_hash = $1 AND id <> $2 ORDER BY id", phoneHash, exceptID); err != nil {
			return d, fmt.Errorf("store: duplicates by phone: %w", err)
		}
	}
	if personalIDHash != "" {
		if d.SamePersonalID, err = tx.ids(ctx, "SELECT id FROM establishment WHERE personal_id_hash = $1 AND id <> $2 ORDER BY id", personalIDHash, exceptID); err != nil {
			return d, fmt.Errorf("store: duplicates by personal id: %w", err)
		}
	}
	return d, nil
}

// nullDate maps the zero date to NULL.
func nullDate(d kc.Date) any {
	if d.IsZero() {
		return nil
	}
	return d
}

// ListCertificates returns the certificates of an establishment, newest first.
func (s *Store) ListCertificates(ctx context.Context, establishmentID int64) ([]kc.Certificate, error) {
	var out []kc.Certificate
	err := s.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT id, establishment_id, kind, level, stars, product, number, year, valid_until
			FROM certificate WHERE establishment_id = $1 ORDER BY year DESC, id`, establishmentID)
		if err != nil {
			return fmt.Errorf("store: list certificates %d: %w", establishmentID, err)
		}
		out, err = collectRows(rows, func(r rowScanner, c *kc.Certificate) error {
			var stars sql.NullInt64
			var valid kc.Date
			if err := r.Scan(&c.ID, &c.EstablishmentID, &c.Kind, &c.Level, &stars, &c.Product, &c.Number, &c.Year, &valid); err != nil {
				return fmt.Errorf("store: list certificates %d: %w", establishmentID, err)
			}
			c.Stars, c.ValidUntil = int(stars.Int64), valid
			return nil
		})
		return err
	})
	return out, err
}

// CreateCertificate adds a certificate to an establishment and returns it
// with its id.
func (s *Store) CreateCertificate(ctx context.Context, c kc.Certificate) (kc.Certificate, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		c, err = tx.CreateCertificate(ctx, c)
		return err
	})
	return c, err
}

// CreateCertificate is CreateCertificate inside tx.
func (tx *Tx) CreateCertificate(ctx context.Context, c kc.Certificate) (kc.Certificate, error) {
	c.Product, c.Number, c.Level = vi.NFC(c.Product), vi.NFC(c.Number), vi.NFC(c.Level)
	id, err := tx.insert(ctx, `INSERT INTO certificate (establishment_id, kind, level, stars, product, number, year, valid_until)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, c.EstablishmentID, c.Kind, c.Level, nullInt(c.Stars), c.Product, c.Number, c.Year, nullDate(c.ValidUntil))
	if err != nil {
		return c, fmt.Errorf("store: create certificate: %w", err)
	}
	c.ID = id
	return c, nil
}

// DeleteCertificate removes certificate id of an establishment, or
// answers ENotFound.
func (s *Store) DeleteCertificate(ctx context.Context, establishmentID, id int64) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.DeleteCertificate(ctx, establishmentID, id) })
}

// DeleteCertificate is DeleteCertificate inside tx.
func (tx *Tx) DeleteCertificate(ctx context.Context, establishmentID, id int64) error {
	return tx.deleteChild(ctx, "certificate", establishmentID, id)
}

// ListLicences returns the licences of an establishment, newest first.
func (s *Store) ListLicences(ctx context.Context, establishmentID int64) ([]kc.Licence, error) {
	var out []kc.Licence
	err := s.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT id, establishment_id, kind, number, issuer, issued_on, valid_until
			FROM licence WHERE establishment_id = $1 ORDER BY issued_on DESC, id`, establishmentID)
		if err != nil {
			return fmt.Errorf("store: list licences %d: %w", establishmentID, err)
		}
		out, err = collectRows(rows, func(r rowScanner, l *kc.Licence) error {
			if err := r.Scan(&l.ID, &l.EstablishmentID, &l.Kind, &l.Number, &l.Issuer, &l.IssuedOn, &l.ValidUntil); err != nil {
				return fmt.Errorf("store: list licences %d: %w", establishmentID, err)
			}
			return nil
		})
		return err
	})
	return out, err
}

// CreateLicence adds a licence to an establishment and returns it with its id.
func (s *Store) CreateLicence(ctx context.Context, l kc.Licence) (kc.Licence, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		l, err = tx.CreateLicence(ctx, l)
		return err
	})
	return l, err
}

// CreateLicence is CreateLicence inside tx.
func (tx *Tx) CreateLicence(ctx context.Context, l kc.Licence) (kc.Licence, error) {
	l.Kind, l.Number, l.Issuer = vi.NFC(l.Kind), vi.NFC(l.Number), vi.NFC(l.Issuer)
	id, err := tx.insert(ctx, `INSERT INTO licence (establishment_id, kind, number, issuer, issued_on, valid_until)
		VALUES ($1, $2, $3, $4, $5, $6)`, l.EstablishmentID, l.Kind, l.Number, l.Issuer, nullDate(l.IssuedOn), nullDate(l.ValidUntil))
	if err != nil {
		return l, fmt.Errorf("store: create licence: %w", err)
	}
	l.ID = id
	return l, nil
}

// DeleteLicence removes licence id of an establishment, or answers ENotFound.
func (s *Store) DeleteLicence(ctx context.Context, establishmentID, id int64) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.DeleteLicence(ctx, establishmentID, id) })
}

// DeleteLicence is DeleteLicence inside tx.
func (tx *Tx) DeleteLicence(ctx context.Context, establishmentID, id int64) error {
	return tx.deleteChild(ctx, "licence", establishmentID, id)
}

// ListArtisans returns the artisans of an establishment in name order.
func (s *Store) ListArtisans(ctx context.Context, establishmentID int64) ([]kc.ArtisanRecord, error) {
	var out []kc.ArtisanRecord
	err := s.View(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT id, establishment_id, name, title, recognised_year
			FROM artisan WHERE establishment_id = $1 ORDER BY name, id`, establishmentID)
		if err != nil {
			return fmt.Errorf("store: list artisans %d: %w", establishmentID, err)
		}
		out, err = collectRows(rows, func(r rowScanner, a *kc.ArtisanRecord) error {
			var year sql.NullInt64
			if err := r.Scan(&a.ID, &a.EstablishmentID, &a.Name, &a.Title, &year); err != nil {
				return fmt.Errorf("store: list artisans %d: %w", establishmentID, err)
			}
			a.RecognisedYear = int(year.Int64)
			return nil
		})
		return err
	})
	return out, err
}

// CreateArtisan adds an artisan to an establishment and returns it with its id.
func (s *Store) CreateArtisan(ctx context.Context, a kc.ArtisanRecord) (kc.ArtisanRecord, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		a, err = tx.CreateArtisan(ctx, a)
		return err
	})
	return a, err
}

// CreateArtisan is CreateArtisan inside tx.
func (tx *Tx) CreateArtisan(ctx context.Context, a kc.ArtisanRecord) (kc.ArtisanRecord, error) {
	a.Name = vi.NFC(a.Name)
	id, err := tx.insert(ctx, `INSERT INTO artisan (establishment_id, name, title, recognised_year) VALUES ($1, $2, $3, $4)`,
		a.EstablishmentID, a.Name, a.Title, nullInt(a.RecognisedYear))
	if err != nil {
		return a, fmt.Errorf("store: create artisan: %w", err)
	}
	a.ID = id
	return a, nil
}

// DeleteArtisan removes artisan id of an establishment, or answers ENotFound.
func (s *Store) DeleteArtisan(ctx context.Context, establishmentID, id int64) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.DeleteArtisan(ctx, establishmentID, id) })
}

// DeleteArtisan is DeleteArtisan inside tx.
func (tx *Tx) DeleteArtisan(ctx context.Context, establishmentID, id int64) error {
	return tx.deleteChild(ctx, "artisan", establishmentID, id)
}

// deleteChild deletes row id of table (one of the allow-listed child
// tables) if it belongs to the establishment, or answers ENotFound.
func (tx *Tx) deleteChild(ctx context.Context, table string, establishmentID, id int64) error {
	switch table {
	case "certificate", "licence", "artisan":
	default:
		return fmt.Errorf("store: delete from %q is not allowed", table)
	}
	res, err := tx.exec(ctx, "DELETE FROM "+table+" WHERE id = $1 AND establishment_id = $2", id, establishmentID)
	if err != nil {
		return fmt.Errorf("store: delete %s %d: %w", table, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &kc.Error{Code: kc.ENotFound, Key: "error.not_found", Err: fmt.Errorf("store: no %s %d of establishment %d", table, id, establishmentID)}
	}
	return nil
}
