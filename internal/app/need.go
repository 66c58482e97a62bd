package app

import (
	"context"
	"crypto/hmac"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"khuyencong/internal/auth"
	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Limits of the public need form.
const (
	// MaxNeedText caps the need's text, in characters.
	MaxNeedText = 1000
	// MaxNeedAnswer caps an officer's answer, in characters.
	MaxNeedAnswer = 2000
	// needCodeLen is the number of random characters of a tracking code
	// handed out by the need form (40 bits).
	needCodeLen = 8
	// needDuplicateWindow is how far back a repeated request (same phone,
	// commune and need) is recognised and given the same code.
	needDuplicateWindow = 24 * time.Hour
	// Form tokens: a post faster than NeedFormMinAge after the form was
	// served is a robot's, one older than NeedFormMaxAge is stale.
	NeedFormMinAge = 3 * time.Second
	NeedFormMaxAge = 4 * time.Hour
	// formTokenField is the key purpose of the form token's MAC.
	formTokenField = "need_form_token"
)

// Statuses of a need request (see store.NeedNew …).
const (
	NeedNew      = store.NeedNew
	NeedHandling = store.NeedHandling
	NeedAnswered = store.NeedAnswered
	NeedClosed   = store.NeedClosed
)

// NeedStatuses lists the statuses of a need request in order.
var NeedStatuses = []string{store.NeedNew, store.NeedHandling, store.NeedAnswered, store.NeedClosed}

// needTransitions are the status changes an officer may make.
var needTransitions = map[string][]string{
	store.NeedNew:      {store.NeedHandling, store.NeedAnswered, store.NeedClosed},
	store.NeedHandling: {store.NeedAnswered, store.NeedClosed},
	store.NeedAnswered: {store.NeedHandling, store.NeedClosed},
	store.NeedClosed:   {store.NeedHandling},
}

// NeedInput is a need registered by a member of the public.
type NeedInput struct {
	Name, Phone string
	CommuneCode string
	TradeCode   string // optional, from the trade catalogue
	Need        string
	Consent     bool
}

// NeedReceipt is what the person gets back: the tracking code, and
// Repeated when the same request was already registered (same code).
type NeedReceipt struct {
	TrackingCode string
	CommuneName  string
	CreatedAt    time.Time
	Repeated     bool
}

// NeedStatus is the public view of a request, found by its tracking code:
// never the name or the phone.
type NeedStatus struct {
	TrackingCode string
	CommuneName  string
	Trade        string
	Status       string
	Answer       string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Need is a request as the commune officer sees it: the phone masked.
type Need struct {
	ID                int64
	TrackingCode      string
	Name              string
	Phone             string // masked
	CommuneID         int64
	CommuneName       string
	Trade             string
	Need              string
	Status            string
	EstablishmentID   int64
	EstablishmentName string
	Answer            string
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// NeedUpdate is an officer's change to a request; nil fields are kept,
// an EstablishmentID of 0 removes the link.
type NeedUpdate struct {
	Status          *string
	Answer          *string
	EstablishmentID *int64
}

// needAudit is what the audit log keeps of a request's state: never the
// name or the phone.
type needAudit struct {
	TrackingCode    string `json:"tracking_code"`
	CommuneID       int64  `json:"commune_id,omitempty"`
	Trade           string `json:"trade,omitempty"`
	Status          string `json:"status"`
	EstablishmentID int64  `json:"establishment_id,omitempty"`
	Answer          string `json:"answer,omitempty"`
}

func auditOfNeed(n store.NeedRow) needAudit {
	return needAudit{TrackingCode: n.TrackingCode, CommuneID: n.CommuneID, Trade: n.Trade, Status: n.Status,
		EstablishmentID: n.EstablishmentID, Answer: n.Answer}
}

// NeedFormToken returns a token for a need form served now: the time and
// a MAC of it under the app's secret. It is "" without a secret.
func (a *App) NeedFormToken() string { return a.NeedFormTokenAt(a.Now()) }

// NeedFormTokenAt returns the token of a need form served at t.
func (a *App) NeedFormTokenAt(t time.Time) string {
	if a.keys == nil {
		return ""
	}
	ts := strconv.FormatInt(t.Unix(), 10)
	return ts + "." + a.keys.Hash(formTokenField, ts)
}

// CheckNeedFormToken checks a need form's token: genuine, not posted
// faster than NeedFormMinAge nor later than NeedFormMaxAge. The error is
// EInvalid with a key saying which.
func (a *App) CheckNeedFormToken(tok string) error {
	ts, mac, ok := strings.Cut(tok, ".")
	if !ok || a.keys == nil || !hmac.Equal([]byte(mac), []byte(a.keys.Hash(formTokenField, ts))) {
		return kc.Errorf(kc.EInvalid, "need.token_bad")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return kc.Errorf(kc.EInvalid, "need.token_bad")
	}
	age := a.Now().Sub(time.Unix(sec, 0))
	switch {
	case age < NeedFormMinAge:
		return kc.Errorf(kc.EInvalid, "need.token_fast")
	case age > NeedFormMaxAge:
		return kc.Errorf(kc.EInvalid, "need.token_stale")
	}
	return nil
}

// NormalizeTrackingCode returns a typed tracking code in its stored form:
// capitals, without spaces, with the "NC-" prefix.
func NormalizeTrackingCode(code string) string {
	code = strings.ToUpper(strings.Join(strings.Fields(code), ""))
	code = strings.TrimPrefix(strings.TrimPrefix(code, "NC-"), "NC")
	return "NC-" + strings.TrimPrefix(code, "-")
}

// RegisterNeed records a need registered from the public form (đăng ký
// nhu cầu hỗ trợ), no login needed: consent, a name, a Vietnamese phone
// (sealed), a current commune, an optional trade of the catalogue and the
// need's text (at most MaxNeedText characters). The same phone, commune
// and need within a day gives back the first request's code (Repeated)
// and writes nothing. The request is audited without the name or phone;
// the caller rate-limits and checks the form token.
func (a *App) RegisterNeed(ctx context.Context, in NeedInput) (NeedReceipt, error) {
	name, phone, errs := checkContact(in.Name, in.Phone, in.Consent)
	var commune kc.Unit
	if code := strings.TrimSpace(in.CommuneCode); code == "" {
		errs = append(errs, kc.FieldError("commune", "field.required"))
	} else {
		u, err := a.Store.FindUnit(ctx, code, a.today())
		switch {
		case kc.ErrorCode(err) == kc.ENotFound || (err == nil && u.Level != kc.LevelCommune):
			errs = append(errs, kc.FieldError("commune", "selfcheck.commune_unknown", code))
		case err != nil:
			return NeedReceipt{}, err
		default:
			commune = u
		}
	}
	trade := strings.ToUpper(strings.TrimSpace(in.TradeCode))
	if trade != "" {
		trades, err := a.Trades(ctx)
		if err != nil {
			return NeedReceipt{}, err
		}
		found := false
		for _, t := range trades {
			found = found || strings.EqualFold(t.Code, trade)
		}
		if !found {
			errs = append(errs, kc.FieldError("trade", "est.trade_code_unknown", trade))
		}
	}
	need := strings.TrimSpace(vi.NFCLines(in.Need))
	switch {
	case need == "":
		errs = append(errs, kc.FieldError("need", "field.required"))
	case utf8.RuneCountInString(need) > MaxNeedText:
		errs = append(errs, kc.FieldError("need", "field.too_long", MaxNeedText))
	}
	if err := oneOrAll(errs); err != nil {
		return NeedReceipt{}, err
	}
	sealed, err := a.seal(fieldPhone, phone)
	if err != nil {
		return NeedReceipt{}, err
	}
	actx := WithPrincipal(ctx, publicPrincipal)
	out := NeedReceipt{CommuneName: commune.Name}
	err = a.Store.InTx(actx, func(tx *store.Tx) error {
		recent, err := tx.RecentNeedRequests(actx, commune.ID, a.Now().Add(-needDuplicateWindow))
		if err != nil {
			return err
		}
		for _, r := range recent {
			if p, ok := a.open(fieldPhone, r.PhoneSealed); ok && p == phone && r.Need == need {
				out.TrackingCode, out.CreatedAt, out.Repeated = r.TrackingCode, r.CreatedAt, true
				return nil
			}
		}
		saved, err := tx.CreateNeedRequest(actx, store.NeedRequest{TrackingCode: trackingCode(needCodeLen), Name: name,
			PhoneSealed: sealed, CommuneID: commune.ID, Trade: trade, Need: need, Status: store.NeedNew})
		if err != nil {
			return err
		}
		out.TrackingCode, out.CreatedAt = saved.TrackingCode, saved.CreatedAt
		return a.audit(actx, tx, kc.ActionCreate, "need_request", saved.ID, nil,
			needAudit{TrackingCode: saved.TrackingCode, CommuneID: commune.ID, Trade: trade, Status: store.NeedNew})
	})
	if err != nil {
		return NeedReceipt{}, err
	}
	return out, nil
}

// TrackNeed returns the public status of the request with a tracking
// code (typed loosely, see NormalizeTrackingCode): never the name or the
// phone. An unknown code is ENotFound with its own message; the caller
// rate-limits lookups.
func (a *App) TrackNeed(ctx context.Context, code string) (NeedStatus, error) {
	code = NormalizeTrackingCode(code)
	if len(code) > 20 || len(code) < 5 {
		return NeedStatus{}, kc.Errorf(kc.ENotFound, "need.code_unknown")
	}
	n, err := a.Store.GetNeedRowByCode(ctx, code)
	if kc.ErrorCode(err) == kc.ENotFound {
		return NeedStatus{}, kc.Errorf(kc.ENotFound, "need.code_unknown")
	}
	if err != nil {
		return NeedStatus{}, err
	}
	st := NeedStatus{TrackingCode: n.TrackingCode, Trade: n.Trade, Status: n.Status, Answer: n.Answer,
		CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt}
	if n.CommuneID != 0 {
		if u, err := a.Store.GetUnit(ctx, n.CommuneID); err == nil {
			st.CommuneName = u.Name
		}
	}
	return st, nil
}

// needView turns a stored request into the officer's view, phone masked.
func (a *App) needView(ctx context.Context, tx *store.Tx, n store.NeedRow) (Need, error) {
	v := Need{ID: n.ID, TrackingCode: n.TrackingCode, Name: n.Name, CommuneID: n.CommuneID, Trade: n.Trade, Need: n.Need,
		Status: n.Status, EstablishmentID: n.EstablishmentID, Answer: n.Answer, CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt}
	if !n.PhoneSealed.IsZero() {
		if p, ok := a.open(fieldPhone, n.PhoneSealed); ok {
			v.Phone = MaskPhone(p)
		} else {
			v.Phone = MaskedText
		}
	}
	if n.CommuneID != 0 {
		u, err := tx.GetUnit(ctx, n.CommuneID)
		if err != nil {
			return v, err
		}
		v.CommuneName = u.Name
	}
	if n.EstablishmentID != 0 {
		e, err := tx.GetEstablishment(ctx, n.EstablishmentID)
		if err != nil {
			return v, err
		}
		v.EstablishmentName = e.Name
	}
	return v, nil
}

// ListNeeds lists the requests in the caller's scope, newest first,
// optionally of one status, with the total. Phones are masked.
func (a *App) ListNeeds(ctx context.Context, status string, limit, offset int) ([]Need, int, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, 0, err
	}
	if status != "" && needTransitions[status] == nil {
		return nil, 0, kc.FieldError("status", "need.status_unknown", status)
	}
	rows, total, err := a.Store.ListNeedRequests(ctx, store.NeedFilter{Communes: p.ScopeFilter(), Status: status, Limit: limit, Offset: offset})
	if err != nil {
		return nil, 0, err
	}
	out := make([]Need, 0, len(rows))
	err = a.Store.View(ctx, func(tx *store.Tx) error {
		for _, n := range rows {
			v, err := a.needView(ctx, tx, n)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, total, err
}

// scopedNeed reads a request in the caller's scope; outside it (or a
// request without a commune, for anyone but the whole country) ENotFound.
func scopedNeed(ctx context.Context, tx *store.Tx, p *Principal, id int64) (store.NeedRow, error) {
	n, err := tx.GetNeedRow(ctx, id)
	if err != nil {
		return n, err
	}
	if !p.All && (n.CommuneID == 0 || !p.InScope(n.CommuneID)) {
		return n, notFound()
	}
	return n, nil
}

// GetNeed returns one request in the caller's scope, phone masked;
// ENotFound outside it.
func (a *App) GetNeed(ctx context.Context, id int64) (Need, error) {
	p, err := principal(ctx)
	if err != nil {
		return Need{}, err
	}
	var v Need
	err = a.Store.View(ctx, func(tx *store.Tx) error {
		n, err := scopedNeed(ctx, tx, p, id)
		if err != nil {
			return err
		}
		v, err = a.needView(ctx, tx, n)
		return err
	})
	return v, err
}

// UpdateNeed changes a request in the caller's scope: its status (along
// needTransitions), its answer (shown to the public lookup; writing one on
// a new or handled request whose status is not changed marks it
// answered) and its linked
// establishment (in the scope). A role that may not write gets
// EForbidden; every change is audited (before and after, without the name
// or phone).
func (a *App) UpdateNeed(ctx context.Context, id int64, u NeedUpdate) (Need, error) {
	p, err := principal(ctx)
	if err != nil {
		return Need{}, err
	}
	if !p.CanWrite() {
		return Need{}, kc.Errorf(kc.EForbidden, "error.forbidden")
	}
	var v Need
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		n, err := scopedNeed(ctx, tx, p, id)
		if err != nil {
			return err
		}
		before := n
		var errs kc.Errors
		if u.Answer != nil {
			ans := strings.TrimSpace(vi.NFCLines(*u.Answer))
			if utf8.RuneCountInString(ans) > MaxNeedAnswer {
				errs = append(errs, kc.FieldError("answer", "field.too_long", MaxNeedAnswer))
			}
			if ans != n.Answer && ans != "" && (u.Status == nil || *u.Status == n.Status) && (n.Status == store.NeedNew || n.Status == store.NeedHandling) {
				st := store.NeedAnswered
				u.Status = &st
			}
			n.Answer = ans
		}
		if u.Status != nil && *u.Status != n.Status {
			switch {
			case needTransitions[*u.Status] == nil:
				errs = append(errs, kc.FieldError("status", "need.status_unknown", *u.Status))
			case !slices.Contains(needTransitions[n.Status], *u.Status):
				errs = append(errs, kc.FieldError("status", "need.status_move", n.Status, *u.Status))
			default:
				n.Status = *u.Status
			}
		}
		if n.Status == store.NeedAnswered && n.Answer == "" {
			errs = append(errs, kc.FieldError("answer", "need.answer_required"))
		}
		if u.EstablishmentID != nil && *u.EstablishmentID != n.EstablishmentID {
			if *u.EstablishmentID != 0 {
				e, err := tx.GetEstablishment(ctx, *u.EstablishmentID)
				switch {
				case kc.ErrorCode(err) == kc.ENotFound || (err == nil && !p.InScope(e.CommuneID)):
					errs = append(errs, kc.FieldError("establishment_id", "need.establishment_unknown"))
				case err != nil:
					return err
				}
			}
			n.EstablishmentID = *u.EstablishmentID
		}
		if err := oneOrAll(errs); err != nil {
			return err
		}
		if err := tx.UpdateNeedRequest(ctx, id, n.Status, n.Answer, n.EstablishmentID); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, kc.ActionUpdate, "need_request", id, auditOfNeed(before), auditOfNeed(n)); err != nil {
			return err
		}
		if n, err = tx.GetNeedRow(ctx, id); err != nil {
			return err
		}
		v, err = a.needView(ctx, tx, n)
		return err
	})
	return v, err
}

// RevealNeedPhone returns the clear phone of a request in the caller's
// scope to a role that may reveal personal data, and audits the read with
// the reason (required), like RevealPersonal.
func (a *App) RevealNeedPhone(ctx context.Context, id int64, reason string) (string, error) {
	p, err := principal(ctx)
	if err != nil {
		return "", err
	}
	var phone string
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		n, err := scopedNeed(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !auth.Can(p.User.Role, auth.PermRevealPersonal) {
			return kc.Errorf(kc.EForbidden, "personal.reveal_forbidden")
		}
		reason = strings.TrimSpace(vi.NFC(reason))
		switch {
		case reason == "":
			return kc.FieldError("reason", "personal.reason_required")
		case utf8.RuneCountInString(reason) > maxReason:
			return kc.FieldError("reason", "field.too_long", maxReason)
		}
		var ok bool
		if phone, ok = a.open(fieldPhone, n.PhoneSealed); !ok {
			return kc.Errorf(kc.EInternal, "personal.cannot_open")
		}
		return a.audit(ctx, tx, kc.ActionReveal, "need_request", id, nil, revealAudit{Fields: []string{fieldPhone}, Reason: reason})
	})
	return phone, err
}

// CreateEstablishmentFromNeed registers a household establishment from a
// request in the caller's scope — the requester as owner, the commune,
// the phone and the trade — and links the request to it. The creation is
// audited like CreateEstablishment and the link like UpdateNeed.
func (a *App) CreateEstablishmentFromNeed(ctx context.Context, id int64) (kc.Establishment, error) {
	p, err := principal(ctx)
	if err != nil {
		return kc.Establishment{}, err
	}
	if !p.CanWrite() {
		return kc.Establishment{}, forbidden()
	}
	var n store.NeedRow
	err = a.Store.View(ctx, func(tx *store.Tx) error {
		n, err = scopedNeed(ctx, tx, p, id)
		return err
	})
	if err != nil {
		return kc.Establishment{}, err
	}
	phone, ok := a.open(fieldPhone, n.PhoneSealed)
	if !ok {
		return kc.Establishment{}, kc.Errorf(kc.EInternal, "personal.cannot_open")
	}
	e := kc.Establishment{Kind: kc.KindHousehold, Name: n.Name, OwnerName: n.Name, CommuneID: n.CommuneID, Phone: phone,
		Notes: n.TrackingCode + ": " + n.Need}
	if n.Trade != "" {
		trades, err := a.Trades(ctx)
		if err != nil {
			return kc.Establishment{}, err
		}
		for _, t := range trades {
			if strings.EqualFold(t.Code, n.Trade) {
				e.TradeIDs = []int64{t.ID}
			}
		}
	}
	rec, err := a.newEstablishmentRecord(ctx, p, e)
	if err != nil {
		return kc.Establishment{}, err
	}
	// The establishment and the link are one change: both or neither.
	var created kc.Establishment
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		cur, err := scopedNeed(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if cur.EstablishmentID != 0 {
			return kc.FieldError("establishment_id", "need.already_linked")
		}
		if created, err = a.insertEstablishment(ctx, tx, rec); err != nil {
			return err
		}
		if err := tx.UpdateNeedRequest(ctx, id, cur.Status, cur.Answer, created.ID); err != nil {
			return err
		}
		linked := cur
		linked.EstablishmentID = created.ID
		return a.audit(ctx, tx, kc.ActionUpdate, "need_request", id, auditOfNeed(cur), auditOfNeed(linked))
	})
	if err != nil {
		return kc.Establishment{}, err
	}
	a.mask(&created)
	return created, nil
}
