package app

import (
	"context"
	"slices"
	"strings"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Limits of the editable establishment fields, in characters.
const (
	maxEstablishmentName = 200
	maxVillage           = 200
	maxMainProducts      = 500
	maxNotes             = 4000
	maxOwnerName         = 200
	maxEthnicity         = 50
	maxRegistrationNo    = 50
)

// Year bounds of the registry: owners are born from minBirthYear on, and
// establishments founded from minFoundedYear on (old craft houses).
const (
	minBirthYear   = 1900
	minFoundedYear = 1800
)

// establishmentAudit is what the audit log keeps of an establishment:
// every registry field, with the personal values (phone, personal ID,
// ethnicity) masked, never in clear text, and the names of the personal
// fields that changed.
type establishmentAudit struct {
	Kind, SizeClass, Name      string
	CommuneID                  int64
	Village, OwnerName         string
	OwnerGender                string `json:",omitempty"`
	OwnerBirthYear             int    `json:",omitempty"`
	OwnerEthnicity             string `json:",omitempty"`
	Phone                      string `json:",omitempty"`
	PersonalID                 string `json:",omitempty"`
	HasLocation                bool   `json:",omitempty"`
	FoundedYear                int    `json:",omitempty"`
	RegistrationNo             string `json:",omitempty"`
	RegistrationDate           string `json:",omitempty"`
	Artisan                    string `json:",omitempty"`
	MainProducts, Notes        string
	TraditionalCraft           bool
	CraftVillage               bool
	WomenOwned, EthnicMinority bool
	TradeIDs                   []int64
	Version                    int
	PersonalChanged            []string `json:",omitempty"`
}

func auditEstablishment(e kc.Establishment) establishmentAudit {
	out := establishmentAudit{Kind: e.Kind, SizeClass: e.SizeClass, Name: e.Name, CommuneID: e.CommuneID, Village: e.Village, OwnerName: e.OwnerName,
		MainProducts: e.MainProducts, Notes: e.Notes, TraditionalCraft: e.TraditionalCraft, CraftVillage: e.CraftVillage, WomenOwned: e.WomenOwned,
		EthnicMinority: e.EthnicMinorityOwned, TradeIDs: e.TradeIDs, Version: e.Version,
		OwnerGender: e.OwnerGender, OwnerBirthYear: e.OwnerBirthYear, HasLocation: e.HasLocation, FoundedYear: e.FoundedYear,
		RegistrationNo: e.RegistrationNo, Artisan: e.Artisan}
	if !e.RegistrationDate.IsZero() {
		out.RegistrationDate = e.RegistrationDate.String()
	}
	return out
}

// auditPair returns the audit values of an establishment before and after
// a change, with personal values masked; the caller passes the records as
// the store returned them (sealed values present).
func (a *App) auditPair(before, after *kc.Establishment) (b, af any) {
	view := func(e *kc.Establishment) *establishmentAudit {
		if e == nil {
			return nil
		}
		m := *e
		m.TradeIDs = slices.Clone(e.TradeIDs)
		a.mask(&m)
		v := auditEstablishment(m)
		v.Phone, v.PersonalID, v.OwnerEthnicity = m.Phone, m.PersonalID, m.OwnerEthnicity
		return &v
	}
	bv, av := view(before), view(after)
	if bv != nil && av != nil {
		if before.PhoneSealed.Hash != after.PhoneSealed.Hash {
			av.PersonalChanged = append(av.PersonalChanged, fieldPhone)
		}
		if before.PersonalIDSealed.Hash != after.PersonalIDSealed.Hash {
			av.PersonalChanged = append(av.PersonalChanged, fieldPersonalID)
		}
		if before.OwnerEthnicity != after.OwnerEthnicity {
			av.PersonalChanged = append(av.PersonalChanged, fieldEthnicity)
		}
	}
	if bv != nil {
		b = bv
	}
	if av != nil {
		af = av
	}
	return b, af
}

// notFound is the answer for records outside the caller's scope, so that a
// caller cannot tell them from records that do not exist.
func notFound() error { return kc.Errorf(kc.ENotFound, "error.not_found") }

// forbidden is the answer for a role that may not do what it asked.
func forbidden() error { return kc.Errorf(kc.EForbidden, "error.forbidden") }

// GetEstablishment returns one establishment in the caller's scope, with
// the phone and personal ID masked ("09xx xxx 678", "xxxxxxxx7890") and the
// owner's ethnicity (sensitive data) replaced by MaskedText, whatever the
// role: unmasked values come only from RevealPersonal, which is audited.
// Outside the scope it answers ENotFound, never forbidden, so that the
// existence of other communes' records does not leak.
func (a *App) GetEstablishment(ctx context.Context, id int64) (kc.Establishment, error) {
	p, err := principal(ctx)
	if err != nil {
		return kc.Establishment{}, err
	}
	e, err := a.Store.GetEstablishment(ctx, id)
	if err != nil {
		return kc.Establishment{}, err
	}
	if !p.InScope(e.CommuneID) {
		return kc.Establishment{}, notFound()
	}
	a.mask(&e)
	return e, nil
}

// validateEstablishmentUpdate normalises upd in place and returns every
// field error at once; kind is the establishment's kind after the update
// (for the size-class rule) and thisYear bounds the years.
func validateEstablishmentUpdate(upd *kc.EstablishmentUpdate, kind string, thisYear int) error {
	var errs kc.Errors
	text := func(field string, v **string, max int, required bool) {
		if *v == nil {
			return
		}
		s := vi.NFC(**v)
		if field == "notes" {
			s = vi.NFCLines(**v)
		}
		*v = &s
		switch {
		case required && s == "":
			errs = append(errs, kc.FieldError(field, "field.required"))
		case len([]rune(s)) > max:
			errs = append(errs, kc.FieldError(field, "field.too_long", max))
		}
	}
	year := func(field string, v *int, lo int) {
		if v != nil && *v != 0 && (*v < lo || *v > thisYear) {
			errs = append(errs, kc.FieldError(field, "est.year_range", lo, thisYear))
		}
	}
	text("name", &upd.Name, maxEstablishmentName, true)
	text("village", &upd.Village, maxVillage, false)
	text("main_products", &upd.MainProducts, maxMainProducts, false)
	text("notes", &upd.Notes, maxNotes, false)
	text("owner_name", &upd.OwnerName, maxOwnerName, false)
	text("owner_ethnicity", &upd.OwnerEthnicity, maxEthnicity, false)
	text("registration_no", &upd.RegistrationNo, maxRegistrationNo, false)
	if upd.Kind != nil {
		switch {
		case *upd.Kind == "":
			errs = append(errs, kc.FieldError("kind", "field.required"))
		case !slices.Contains(kc.EstablishmentKinds, *upd.Kind):
			errs = append(errs, kc.FieldError("kind", "field.invalid_choice", *upd.Kind))
		}
	}
	if upd.SizeClass != nil && *upd.SizeClass != "" {
		switch {
		case kind != kc.KindEnterprise && slices.Contains(kc.EstablishmentKinds, kind):
			errs = append(errs, kc.FieldError("size_class", "est.size_class_enterprise_only"))
		case !slices.Contains([]string{kc.SizeMicro, kc.SizeSmall, kc.SizeMedium}, *upd.SizeClass):
			errs = append(errs, kc.FieldError("size_class", "field.invalid_choice", *upd.SizeClass))
		}
	}
	if upd.OwnerGender != nil && !slices.Contains([]string{"", "female", "male"}, *upd.OwnerGender) {
		errs = append(errs, kc.FieldError("owner_gender", "field.invalid_choice", *upd.OwnerGender))
	}
	year("owner_birth_year", upd.OwnerBirthYear, minBirthYear)
	year("founded_year", upd.FoundedYear, minFoundedYear)
	if upd.Phone != nil {
		if s := strings.TrimSpace(*upd.Phone); s != "" {
			if p, ok := NormalizePhone(s); ok {
				upd.Phone = &p
			} else {
				errs = append(errs, kc.FieldError("phone", "personal.phone_invalid"))
			}
		} else {
			upd.Phone = &s
		}
	}
	if upd.PersonalID != nil {
		if s := strings.TrimSpace(*upd.PersonalID); s != "" {
			if p, ok := NormalizePersonalID(s); ok {
				upd.PersonalID = &p
			} else {
				errs = append(errs, kc.FieldError("personal_id", "personal.id_invalid"))
			}
		} else {
			upd.PersonalID = &s
		}
	}
	if upd.RegistrationDate != nil && !upd.RegistrationDate.IsZero() && upd.RegistrationDate.Year() > thisYear {
		errs = append(errs, kc.FieldError("registration_date", "est.date_future"))
	}
	if upd.Artisan != nil && *upd.Artisan != "" && !slices.Contains(kc.ArtisanTitles, *upd.Artisan) {
		errs = append(errs, kc.FieldError("artisan", "field.invalid_choice", *upd.Artisan))
	}
	if l := upd.Location; l != nil && l.Set {
		if l.Lat < -90 || l.Lat > 90 {
			errs = append(errs, kc.FieldError("lat", "est.lat_range"))
		}
		if l.Lon < -180 || l.Lon > 180 {
			errs = append(errs, kc.FieldError("lon", "est.lon_range"))
		}
	}
	if upd.Version < 0 {
		errs = append(errs, kc.FieldError("version", "field.invalid_choice", upd.Version))
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errs.Err()
}

// checkCommune verifies that communeID is a commune in force and in the
// caller's scope: a former or unknown unit is a field error, a commune
// outside the scope is EForbidden on the commune field.
func (a *App) checkCommune(ctx context.Context, p *Principal, communeID int64) error {
	if communeID == 0 {
		return kc.FieldError("commune_id", "field.required")
	}
	ids, err := a.Store.CurrentCommunesUnder(ctx, []int64{communeID})
	if kc.ErrorCode(err) == kc.ENotFound || (err == nil && !slices.Equal(ids, []int64{communeID})) {
		return kc.FieldError("commune_id", "est.commune_not_current")
	}
	if err != nil {
		return err
	}
	if !p.InScope(communeID) {
		return &kc.Error{Code: kc.EForbidden, Key: "est.commune_out_of_scope", Field: "commune_id"}
	}
	return nil
}

// checkTrades verifies that every trade id is in the catalogue.
func (a *App) checkTrades(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	trades, err := a.Store.ListTrades(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !slices.ContainsFunc(trades, func(t kc.Trade) bool { return t.ID == id }) {
			return kc.FieldError("trade_ids", "est.trade_unknown", id)
		}
	}
	return nil
}

// sealUpdate turns the clear phone and personal ID of upd into sealed
// values ("" clears one) and empties the clear fields, so the store never
// sees them.
func (a *App) sealUpdate(upd *kc.EstablishmentUpdate) error {
	for _, f := range []struct {
		field string
		v     **string
		dst   **kc.Sealed
	}{{fieldPhone, &upd.Phone, &upd.PhoneSealed}, {fieldPersonalID, &upd.PersonalID, &upd.PersonalIDSealed}} {
		if *f.v == nil {
			continue
		}
		s, err := a.seal(f.field, **f.v)
		if err != nil {
			return err
		}
		*f.v, *f.dst = nil, &s
	}
	return nil
}

// dropMaskedInput leaves unchanged the personal values that the caller
// sent back in the masked form it read (a form or a PUT body returned
// as received), instead of refusing them as invalid.
func (a *App) dropMaskedInput(upd *kc.EstablishmentUpdate, before kc.Establishment) {
	same := func(field string, in *string, cur kc.Sealed, maskFn func(string) string) bool {
		if in == nil || cur.IsZero() {
			return false
		}
		clear, ok := a.open(field, cur)
		return (ok && *in == maskFn(clear)) || (!ok && *in == MaskedText)
	}
	if same(fieldPhone, upd.Phone, before.PhoneSealed, MaskPhone) {
		upd.Phone = nil
	}
	if same(fieldPersonalID, upd.PersonalID, before.PersonalIDSealed, MaskPersonalID) {
		upd.PersonalID = nil
	}
	if upd.OwnerEthnicity != nil && *upd.OwnerEthnicity == MaskedText && before.OwnerEthnicity != "" {
		upd.OwnerEthnicity = nil
	}
}

// UpdateEstablishment changes editable fields of an establishment in the
// caller's scope and writes an audit entry with the values before and
// after (personal values masked), in one transaction. Outside the scope it
// answers ENotFound; a role that may not write gets EForbidden; bad input
// gets field errors; moving the establishment to a commune outside the
// caller's scope gets EForbidden; a stale upd.Version gets EConflict.
// Phone and personal ID sent back in their masked form stay unchanged.
func (a *App) UpdateEstablishment(ctx context.Context, id int64, upd kc.EstablishmentUpdate) (kc.Establishment, error) {
	p, err := principal(ctx)
	if err != nil {
		return kc.Establishment{}, err
	}
	current, err := a.Store.GetEstablishment(ctx, id)
	if err != nil {
		return kc.Establishment{}, err
	}
	// Scope first: a caller who may not see the record learns nothing,
	// not even that it exists and is read-only to them.
	if !p.InScope(current.CommuneID) {
		return kc.Establishment{}, notFound()
	}
	if !p.CanWrite() {
		return kc.Establishment{}, forbidden()
	}
	kind := current.Kind
	if upd.Kind != nil {
		kind = *upd.Kind
	}
	a.dropMaskedInput(&upd, current)
	if err := validateEstablishmentUpdate(&upd, kind, a.Now().Year()); err != nil {
		return kc.Establishment{}, err
	}
	if upd.CommuneID != nil && *upd.CommuneID != current.CommuneID {
		if err := a.checkCommune(ctx, p, *upd.CommuneID); err != nil {
			return kc.Establishment{}, err
		}
	}
	if upd.TradeIDs != nil {
		if err := a.checkTrades(ctx, *upd.TradeIDs); err != nil {
			return kc.Establishment{}, err
		}
	}
	if err := a.sealUpdate(&upd); err != nil {
		return kc.Establishment{}, err
	}
	var after kc.Establishment
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.GetEstablishment(ctx, id)
		if err != nil {
			return err
		}
		if !p.InScope(before.CommuneID) {
			return notFound()
		}
		if after, err = tx.UpdateEstablishment(ctx, id, upd); err != nil {
			return err
		}
		b, af := a.auditPair(&before, &after)
		return a.audit(ctx, tx, kc.ActionUpdate, "establishment", id, b, af)
	})
	if err != nil {
		return kc.Establishment{}, err
	}
	a.mask(&after)
	return after, nil
}

// fullUpdate turns a whole record into an update that sets every
// editable field, so create and replace share one validation.
func fullUpdate(e kc.Establishment) kc.EstablishmentUpdate {
	trades := slices.Clone(e.TradeIDs)
	loc := kc.Location{Set: e.HasLocation, Lat: e.Lat, Lon: e.Lon}
	return kc.EstablishmentUpdate{
		Version: e.Version, Name: &e.Name, Village: &e.Village, Kind: &e.Kind, MainProducts: &e.MainProducts, Notes: &e.Notes,
		SizeClass: &e.SizeClass, CommuneID: &e.CommuneID, Location: &loc, OwnerName: &e.OwnerName, OwnerGender: &e.OwnerGender,
		OwnerEthnicity: &e.OwnerEthnicity, OwnerBirthYear: &e.OwnerBirthYear, Phone: &e.Phone, PersonalID: &e.PersonalID,
		WomenOwned: &e.WomenOwned, EthnicMinorityOwned: &e.EthnicMinorityOwned, FoundedYear: &e.FoundedYear,
		RegistrationNo: &e.RegistrationNo, RegistrationDate: &e.RegistrationDate, TraditionalCraft: &e.TraditionalCraft,
		CraftVillage: &e.CraftVillage, Artisan: &e.Artisan, TradeIDs: &trades,
	}
}

// ReplaceUpdate returns the update that replaces every editable field of
// an establishment with those of e (PUT semantics): e.Version, when not
// zero, is checked as in UpdateEstablishment. The phone, personal ID and
// ethnicity are left unchanged when the matching keep flag is set (the
// caller did not send them).
func ReplaceUpdate(e kc.Establishment, keepPhone, keepPersonalID, keepEthnicity bool) kc.EstablishmentUpdate {
	upd := fullUpdate(e)
	if keepPhone {
		upd.Phone = nil
	}
	if keepPersonalID {
		upd.PersonalID = nil
	}
	if keepEthnicity {
		upd.OwnerEthnicity = nil
	}
	return upd
}

// CreateEstablishment registers an establishment in a commune of the
// caller's scope, with its phone and personal ID sealed, and audits the
// creation (personal values masked). A role that may not write gets
// EForbidden, a commune outside the scope EForbidden on commune_id, and
// bad input field errors. The answer carries masked personal values.
func (a *App) CreateEstablishment(ctx context.Context, e kc.Establishment) (kc.Establishment, error) {
	p, err := principal(ctx)
	if err != nil {
		return kc.Establishment{}, err
	}
	if !p.CanWrite() {
		return kc.Establishment{}, forbidden()
	}
	rec, err := a.newEstablishmentRecord(ctx, p, e)
	if err != nil {
		return kc.Establishment{}, err
	}
	var created kc.Establishment
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		created, err = a.insertEstablishment(ctx, tx, rec)
		return err
	})
	if err != nil {
		return kc.Establishment{}, err
	}
	a.mask(&created)
	return created, nil
}

// newEstablishmentRecord checks a new establishment as entered (fields,
// a commune in p's scope, known trades) and returns the record to insert,
// its personal data sealed.
func (a *App) newEstablishmentRecord(ctx context.Context, p *Principal, e kc.Establishment) (kc.Establishment, error) {
	upd := fullUpdate(e)
	upd.Version = 0
	if err := validateEstablishmentUpdate(&upd, e.Kind, a.Now().Year()); err != nil {
		return kc.Establishment{}, err
	}
	if err := a.checkCommune(ctx, p, e.CommuneID); err != nil {
		return kc.Establishment{}, err
	}
	if err := a.checkTrades(ctx, *upd.TradeIDs); err != nil {
		return kc.Establishment{}, err
	}
	var err error
	rec := kc.Establishment{
		Kind: *upd.Kind, SizeClass: *upd.SizeClass, Name: *upd.Name, CommuneID: e.CommuneID, Village: *upd.Village,
		Lat: e.Lat, Lon: e.Lon, HasLocation: e.HasLocation, OwnerName: *upd.OwnerName, OwnerGender: *upd.OwnerGender,
		OwnerEthnicity: *upd.OwnerEthnicity, OwnerBirthYear: e.OwnerBirthYear, WomenOwned: e.WomenOwned,
		EthnicMinorityOwned: e.EthnicMinorityOwned, FoundedYear: e.FoundedYear, RegistrationNo: *upd.RegistrationNo,
		RegistrationDate: e.RegistrationDate, TraditionalCraft: e.TraditionalCraft, CraftVillage: e.CraftVillage,
		Artisan: e.Artisan, MainProducts: *upd.MainProducts, Notes: *upd.Notes, TradeIDs: *upd.TradeIDs,
	}
	if rec.PhoneSealed, err = a.seal(fieldPhone, *upd.Phone); err != nil {
		return kc.Establishment{}, err
	}
	if rec.PersonalIDSealed, err = a.seal(fieldPersonalID, *upd.PersonalID); err != nil {
		return kc.Establishment{}, err
	}
	return rec, nil
}

// insertEstablishment writes a checked, sealed record in tx with its
// audit entry and returns it as stored (unmasked: callers mask it).
func (a *App) insertEstablishment(ctx context.Context, tx *store.Tx, rec kc.Establishment) (kc.Establishment, error) {
	c, err := tx.CreateEstablishment(ctx, rec)
	if err != nil {
		return kc.Establishment{}, err
	}
	created, err := tx.GetEstablishment(ctx, c.ID)
	if err != nil {
		return kc.Establishment{}, err
	}
	_, af := a.auditPair(nil, &created)
	return created, a.audit(ctx, tx, kc.ActionCreate, "establishment", c.ID, nil, af)
}

// DeleteEstablishment removes an establishment of the caller's scope with
// its facts and records, and audits the deletion. Outside the scope it
// answers ENotFound, without write permission EForbidden, and for a
// project beneficiary EConflict.
func (a *App) DeleteEstablishment(ctx context.Context, id int64) error {
	p, err := principal(ctx)
	if err != nil {
		return err
	}
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.GetEstablishment(ctx, id)
		if err != nil {
			return err
		}
		if !p.InScope(before.CommuneID) {
			return notFound()
		}
		if !p.CanWrite() {
			return forbidden()
		}
		if err := tx.DeleteEstablishment(ctx, id); err != nil {
			return err
		}
		b, _ := a.auditPair(&before, nil)
		return a.audit(ctx, tx, kc.ActionDelete, "establishment", id, b, nil)
	})
}

// FindDuplicates returns the establishments in the caller's scope that
// look like e: the same folded name in the same commune, the same phone
// or the same personal ID (compared by keyed hash). e.ID, when set, is
// left out. Invalid phone or ID values are ignored here; validation
// reports them.
func (a *App) FindDuplicates(ctx context.Context, e kc.Establishment) (kc.Duplicates, error) {
	p, err := principal(ctx)
	if err != nil {
		return kc.Duplicates{}, err
	}
	var phoneHash, idHash string
	if a.keys != nil {
		if v, ok := NormalizePhone(e.Phone); ok {
			phoneHash = a.keys.Hash(fieldPhone, v)
		}
		if v, ok := NormalizePersonalID(e.PersonalID); ok {
			idHash = a.keys.Hash(fieldPersonalID, v)
		}
	}
	d, err := a.Store.FindDuplicates(ctx, e.Name, e.CommuneID, phoneHash, idHash, e.ID)
	if err != nil || p.All {
		return d, err
	}
	keep := func(ids []int64) ([]int64, error) {
		var out []int64
		for _, id := range ids {
			x, err := a.Store.GetEstablishment(ctx, id)
			if err != nil {
				return nil, err
			}
			if p.InScope(x.CommuneID) {
				out = append(out, id)
			}
		}
		return out, nil
	}
	if d.SameName, err = keep(d.SameName); err != nil {
		return d, err
	}
	if d.SamePhone, err = keep(d.SamePhone); err != nil {
		return d, err
	}
	d.SamePersonalID, err = keep(d.SamePersonalID)
	return d, err
}

// ListEstablishments lists establishments in the caller's scope, whatever
// communes the filter asks for: a filter on communes is narrowed to the
// scope, never widened. The list carries no phone or personal ID, and the
// owner's ethnicity masked.
func (a *App) ListEstablishments(ctx context.Context, f kc.EstablishmentFilter) ([]kc.Establishment, int, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, 0, err
	}
	f.CommuneIDs = p.Narrow(f.CommuneIDs)
	f.Query = vi.NFC(f.Query)
	list, total, err := a.Store.ListEstablishments(ctx, f)
	for i := range list {
		a.mask(&list[i])
	}
	return list, total, err
}

// CommunesUnderCode returns the current communes that the unit code
// covers, for a list filter: a current commune itself, a former commune
// or district (pre-2025 included) the successor area, a province its
// communes. Every unit that carried the code counts. An unknown code is a
// field error on "unit".
func (a *App) CommunesUnderCode(ctx context.Context, code string) ([]int64, error) {
	if _, err := principal(ctx); err != nil {
		return nil, err
	}
	units, err := a.UnitHistory(ctx, code)
	if kc.ErrorCode(err) == kc.EInvalid || (err == nil && len(units) == 0) {
		return nil, kc.FieldError("unit", "est.unit_unknown", strings.TrimSpace(code))
	}
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	communes, err := a.Store.CurrentCommunesUnder(ctx, ids)
	if err != nil {
		return nil, err
	}
	if communes == nil {
		communes = []int64{}
	}
	return communes, nil
}

// TradeByCode returns the id of the trade with code (or id) in the
// catalogue, or a field error on "trade".
func (a *App) TradeByCode(ctx context.Context, code string) (int64, error) {
	return a.resolveTrade(ctx, strings.TrimSpace(code))
}
