package app

import (
	"context"
	"errors"
	"strings"
	"unicode"

	"khuyencong/internal/auth"
	"khuyencong/internal/crypto"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Field labels under which personal values are sealed and hashed; they
// also name the fields in audit entries.
const (
	fieldPhone      = "phone"
	fieldPersonalID = "personal_id"
	fieldEthnicity  = "owner_ethnicity"
)

// MaskedText replaces a sensitive text value (the owner's ethnicity, or a
// personal value that cannot be opened) for callers who see it masked.
const MaskedText = "xxx"

// maxReason caps the length of a reveal reason, in characters.
const maxReason = 500

// SetSecret installs the master secret that seals personal data (phone,
// personal ID). Without one the app refuses to store personal values,
// with a field error naming the missing KHUYENCONG_SECRET, and masks
// whatever it cannot open; tests and the CLI set one.
func (a *App) SetSecret(secret []byte) error {
	k, err := crypto.New(secret)
	if err != nil {
		if errors.Is(err, crypto.ErrShortSecret) {
			return kc.Errorf(kc.EInvalid, "personal.secret_short", crypto.MinSecret).Wrap(err)
		}
		return err
	}
	a.keys = k
	return nil
}

// HasSecret reports whether personal data can be sealed and opened.
func (a *App) HasSecret() bool { return a.keys != nil }

// NormalizePhone returns a Vietnamese phone number as 0 followed by 9
// digits (mobile) or 10 digits (landline, 02…), accepting spaces, dots,
// dashes, parentheses and a +84 or 84 prefix. ok is false for anything
// else, letters included.
func NormalizePhone(s string) (string, bool) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	p := b.String()
	if strings.HasPrefix(p, "84") && (len(p) == 11 || len(p) == 12) {
		p = "0" + p[2:]
	}
	switch {
	case len(p) == 10 && p[0] == '0' && strings.ContainsRune("35789", rune(p[1])):
		return p, true
	case len(p) == 11 && strings.HasPrefix(p, "02"):
		return p, true
	}
	return "", false
}

// NormalizePersonalID returns a personal identification number (số định
// danh cá nhân, CCCD) without spaces; ok is false unless it is exactly 12
// digits.
func NormalizePersonalID(s string) (string, bool) {
	p := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	if len(p) != 12 {
		return "", false
	}
	for _, r := range p {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	return p, true
}

// MaskPhone shows the first two and the last three digits: "09xx xxx 678".
func MaskPhone(p string) string {
	if p == "" {
		return ""
	}
	if len(p) < 6 {
		return MaskedText
	}
	return p[:2] + "xx xxx " + p[len(p)-3:]
}

// MaskPersonalID shows the last four digits: "xxxxxxxx7890".
func MaskPersonalID(id string) string {
	if id == "" {
		return ""
	}
	if len(id) < 8 {
		return MaskedText
	}
	return strings.Repeat("x", len(id)-4) + id[len(id)-4:]
}

// maskText masks a sensitive text value.
func maskText(s string) string {
	if s == "" {
		return ""
	}
	return MaskedText
}

// seal turns a normalised personal value into what the database keeps.
// Without a secret a non-empty value is refused as a field error.
func (a *App) seal(field, value string) (kc.Sealed, error) {
	if value == "" {
		return kc.Sealed{}, nil
	}
	if a.keys == nil {
		return kc.Sealed{}, kc.FieldError(field, "personal.no_secret")
	}
	enc, err := a.keys.Seal(field, value)
	if err != nil {
		return kc.Sealed{}, err
	}
	return kc.Sealed{Enc: enc, Hash: a.keys.Hash(field, value)}, nil
}

// open decrypts a sealed value; ok is false when there is a value that
// this app cannot open (no secret, another key, or damage).
func (a *App) open(field string, s kc.Sealed) (string, bool) {
	if len(s.Enc) == 0 {
		return "", true
	}
	if a.keys == nil {
		return "", false
	}
	v, err := a.keys.Open(field, s.Enc)
	if err != nil {
		return "", false
	}
	return v, true
}

// mask fills the masked personal values of e from its sealed ones and
// drops the ciphertexts: what every read of the registry returns.
func (a *App) mask(e *kc.Establishment) {
	e.Phone, e.PersonalID = "", ""
	if !e.PhoneSealed.IsZero() {
		if v, ok := a.open(fieldPhone, e.PhoneSealed); ok {
			e.Phone = MaskPhone(v)
		} else {
			e.Phone = MaskedText
		}
	}
	if !e.PersonalIDSealed.IsZero() {
		if v, ok := a.open(fieldPersonalID, e.PersonalIDSealed); ok {
			e.PersonalID = MaskPersonalID(v)
		} else {
			e.PersonalID = MaskedText
		}
	}
	e.OwnerEthnicity = maskText(e.OwnerEthnicity)
	e.PhoneSealed, e.PersonalIDSealed = kc.Sealed{}, kc.Sealed{}
	e.PersonalMasked = true
}

// PersonalData is the unmasked personal data of an establishment's owner.
type PersonalData struct {
	Phone          string
	PersonalID     string
	OwnerEthnicity string
}

// revealAudit is what the audit log keeps of a reveal: which fields were
// shown and why, never the values.
type revealAudit struct {
	Fields []string `json:"fields"`
	Reason string   `json:"reason"`
}

// RevealPersonal returns the clear phone, personal ID and ethnicity of an
// establishment's owner to a caller whose role may reveal personal data
// (auth.PermRevealPersonal) and whose scope holds the establishment, and
// records the read in the audit log with the reason, in one transaction.
// Outside the scope the answer is ENotFound; without the permission
// EForbidden; without a reason a field error.
func (a *App) RevealPersonal(ctx context.Context, id int64, reason string) (PersonalData, error) {
	p, err := principal(ctx)
	if err != nil {
		return PersonalData{}, err
	}
	var out PersonalData
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.GetEstablishment(ctx, id)
		if err != nil {
			return err
		}
		if !p.InScope(e.CommuneID) {
			return notFound()
		}
		if !auth.Can(p.User.Role, auth.PermRevealPersonal) {
			return kc.Errorf(kc.EForbidden, "personal.reveal_forbidden")
		}
		reason = strings.TrimSpace(vi.NFC(reason))
		switch {
		case reason == "":
			return kc.FieldError("reason", "personal.reason_required")
		case len([]rune(reason)) > maxReason:
			return kc.FieldError("reason", "field.too_long", maxReason)
		}
		var ok bool
		if out.Phone, ok = a.open(fieldPhone, e.PhoneSealed); !ok {
			return kc.Errorf(kc.EInternal, "personal.cannot_open")
		}
		if out.PersonalID, ok = a.open(fieldPersonalID, e.PersonalIDSealed); !ok {
			return kc.Errorf(kc.EInternal, "personal.cannot_open")
		}
		out.OwnerEthnicity = e.OwnerEthnicity
		return a.audit(ctx, tx, kc.ActionReveal, "establishment", id, nil,
			revealAudit{Fields: []string{fieldPhone, fieldPersonalID, fieldEthnicity}, Reason: reason})
	})
	if err != nil {
		return PersonalData{}, err
	}
	return out, nil
}
