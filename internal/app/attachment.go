package app

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/vi"
)

// Attachment is a file or photo attached to a record, as the store keeps
// it; the edges use this name so that they need not import the store.
type Attachment = store.Attachment

// MaxAttachmentSize caps one file attached to a record: 10 MB.
const MaxAttachmentSize = 10 << 20

// maxFileName caps the length of an attachment's file name, in characters.
const maxFileName = 200

// Media types of the office formats an attachment may have.
const (
	typeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	typeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

// attachmentType is an accepted kind of file: its media type, what
// http.DetectContentType says of its first bytes, and for the office
// formats (zip archives) a part that the archive must contain.
type attachmentType struct {
	contentType, sniffed, part string
}

// attachmentTypes maps each accepted extension (lower case) to its type:
// photos (JPEG, PNG, WebP), PDF, and XLSX and DOCX documents.
var attachmentTypes = map[string]attachmentType{
	".jpg":  {"image/jpeg", "image/jpeg", ""},
	".jpeg": {"image/jpeg", "image/jpeg", ""},
	".png":  {"image/png", "image/png", ""},
	".webp": {"image/webp", "image/webp", ""},
	".pdf":  {"application/pdf", "application/pdf", ""},
	".xlsx": {typeXLSX, "application/zip", "xl/workbook.xml"},
	".docx": {typeDOCX, "application/zip", "word/document.xml"},
}

// AttachmentExtensions lists the accepted file extensions, for the accept
// attribute of upload forms.
var AttachmentExtensions = []string{".jpg", ".jpeg", ".png", ".webp", ".pdf", ".xlsx", ".docx"}

// IsImage reports whether an attachment's media type is a photo that may
// be shown inline (as a thumbnail) rather than only downloaded.
func IsImage(contentType string) bool {
	switch contentType {
	case "image/jpeg", "image/png", "image/webp":
		return true
	}
	return false
}

// CleanFileName returns the last element of a file name as a browser sent
// it (with either slash), in NFC, without control characters and quotes,
// trimmed and cut to 200 characters keeping the extension.
func CleanFileName(name string) string {
	name = vi.NFC(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > maxFileName {
		ext := []rune(path.Ext(name))
		if len(ext) > 10 {
			ext = nil
		}
		name = string(r[:maxFileName-len(ext)]) + string(ext)
	}
	return name
}

// DetectAttachmentType returns the media type of a file to attach, judged
// by its extension and by its contents, which must agree: a photo (JPEG,
// PNG, WebP), a PDF, or an XLSX or DOCX document. Anything else is a field
// error on "file" saying what is accepted.
func DetectAttachmentType(name string, data []byte) (string, error) {
	ext := strings.ToLower(path.Ext(name))
	t, ok := attachmentTypes[ext]
	if !ok {
		shown := strings.TrimPrefix(ext, ".")
		if shown == "" {
			shown = "?"
		}
		return "", kc.FieldError("file", "record.file.type_not_allowed", shown)
	}
	sniffed, _, _ := strings.Cut(http.DetectContentType(data), ";")
	if sniffed != t.sniffed || (t.part != "" && !zipHas(data, t.part)) {
		return "", kc.FieldError("file", "record.file.content_mismatch", strings.ToUpper(strings.TrimPrefix(ext, ".")))
	}
	return t.contentType, nil
}

// zipHas reports whether data is a zip archive holding the OOXML content
// types part and the given part.
func zipHas(data []byte, part string) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	var types, found bool
	for _, f := range zr.File {
		switch f.Name {
		case "[Content_Types].xml":
			types = true
		case part:
			found = true
		}
	}
	return types && found
}

// attachmentAudit is what the audit log keeps of an attached file: its
// name, type, size and checksum, never its contents.
type attachmentAudit struct {
	ID          int64  `json:"id"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

func auditAttachment(a Attachment) attachmentAudit {
	return attachmentAudit{ID: a.ID, FileName: a.FileName, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256}
}

// entityFile is the audit entity of an establishment's files; like the
// yearly facts, its entries are keyed by the establishment's id.
const entityFile = "establishment_file"

// ListAttachments returns the files and photos of an establishment in the
// caller's scope, newest first, without their contents.
func (a *App) ListAttachments(ctx context.Context, id int64) ([]Attachment, error) {
	var out []Attachment
	err := a.readScoped(ctx, id, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListAttachments(ctx, store.AttachmentEstablishment, id)
		return err
	})
	return out, err
}

// GetAttachment returns one file of an establishment in the caller's
// scope with its contents; a file of another establishment, or any file
// outside the scope, is ENotFound.
func (a *App) GetAttachment(ctx context.Context, id, fileID int64) (Attachment, error) {
	var out Attachment
	err := a.readScoped(ctx, id, func(tx *store.Tx) error {
		var err error
		out, err = tx.GetAttachment(ctx, store.AttachmentEstablishment, id, fileID)
		return err
	})
	return out, err
}

// AddAttachment attaches a file or photo to an establishment in the
// caller's scope and audits it (name, type, size and SHA-256, not the
// contents). Outside the scope the answer is ENotFound and for a
// read-only role EForbidden, both before the file is looked at; then an
// empty file, one over MaxAttachmentSize, or one whose type is not
// accepted or whose contents do not match its extension is a field error
// on "file".
func (a *App) AddAttachment(ctx context.Context, id int64, name string, data []byte) (Attachment, error) {
	p, err := principal(ctx)
	if err != nil {
		return Attachment{}, err
	}
	if err := a.Store.View(ctx, func(tx *store.Tx) error {
		_, err := scopedEstablishment(ctx, tx, p, id, true)
		return err
	}); err != nil {
		return Attachment{}, err
	}
	name = CleanFileName(name)
	switch {
	case name == "":
		return Attachment{}, kc.FieldError("file", "record.file.required")
	case len(data) == 0:
		return Attachment{}, kc.FieldError("file", "record.file.empty")
	case len(data) > MaxAttachmentSize:
		return Attachment{}, kc.FieldError("file", "record.file.too_large", MaxAttachmentSize>>20)
	}
	ct, err := DetectAttachmentType(name, data)
	if err != nil {
		return Attachment{}, err
	}
	var out Attachment
	err = a.writeScoped(ctx, id, func(tx *store.Tx) error {
		var err error
		out, err = tx.CreateAttachment(ctx, Attachment{Entity: store.AttachmentEstablishment, EntityID: id,
			FileName: name, ContentType: ct, Data: data, CreatedBy: p.User.ID})
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionCreate, entityFile, id, nil, auditAttachment(out))
	})
	if err != nil {
		return Attachment{}, err
	}
	out.CreatedByName = p.User.DisplayName
	if out.CreatedByName == "" {
		out.CreatedByName = p.User.Username
	}
	return out, nil
}

// DeleteAttachment removes a file of an establishment in the caller's
// scope (ENotFound when it has no such file) and audits it.
func (a *App) DeleteAttachment(ctx context.Context, id, fileID int64) error {
	return a.writeScoped(ctx, id, func(tx *store.Tx) error {
		old, err := tx.DeleteAttachment(ctx, store.AttachmentEstablishment, id, fileID)
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, kc.ActionDelete, entityFile, id, auditAttachment(old), nil)
	})
}

// TrailEntry is one line of an establishment's history: who did what and
// when, and which fields changed, never their values.
type TrailEntry struct {
	ID     int64
	At     time.Time
	Actor  string
	Action string // kc.Action*
	// Entity is establishment, establishment_fact, establishment_file,
	// certificate, licence or artisan.
	Entity string
	// Fields are the names (as the audit log keys them, such as "Name",
	// "Phone", "Workers") of the values that were set, changed or
	// revealed.
	Fields []string
	// Year is the year of a yearly-facts entry.
	Year int
	// FileName names the file of an establishment_file entry.
	FileName string
}

// maxTrail caps the history entries one call returns.
const maxTrail = 200

// RecordTrail returns the newest audit entries (at most limit, 50 when
// limit ≤ 0) about an establishment in the caller's scope and its facts,
// certificates, licences, artisans and files, as TrailEntry values that
// name the changed fields without their values. Any role that may read
// the record may read its trail; the full audit log with values stays
// with PermViewAudit.
func (a *App) RecordTrail(ctx context.Context, id int64, limit int) ([]TrailEntry, error) {
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, maxTrail)
	if err := a.readScoped(ctx, id, func(*store.Tx) error { return nil }); err != nil {
		return nil, err
	}
	entries, err := a.Store.ListRecordAudit(ctx, id, limit)
	if err != nil {
		return nil, err
	}
	out := make([]TrailEntry, 0, len(entries))
	for _, e := range entries {
		out = append(out, trailEntry(e))
	}
	return out, nil
}

// trailSkip are audit keys that are bookkeeping, not fields of the record.
var trailSkip = []string{"ID", "id", "EstablishmentID", "Version", "PersonalChanged", "establishment", "sha256", "content_type", "size"}

// personalKeys maps the personal field labels of the audit log (reveals
// and PersonalChanged) to the keys of the establishment's audit values.
var personalKeys = map[string]string{fieldPhone: "Phone", fieldPersonalID: "PersonalID", fieldEthnicity: "OwnerEthnicity"}

// trailEntry summarises an audit entry: for an update the keys whose
// values differ, for a creation the keys set to a non-empty value, for a
// reveal the fields shown.
func trailEntry(e kc.AuditEntry) TrailEntry {
	t := TrailEntry{ID: e.ID, At: e.At, Actor: e.Actor, Action: e.Action, Entity: e.Entity}
	bKeys, before := jsonObject(e.Before)
	aKeys, after := jsonObject(e.After)
	add := func(k string) {
		if !slices.Contains(t.Fields, k) {
			t.Fields = append(t.Fields, k)
		}
	}
	switch e.Action {
	case kc.ActionReveal:
		var fields []string
		json.Unmarshal(after["fields"], &fields)
		for _, f := range fields {
			if k, ok := personalKeys[f]; ok {
				add(k)
			}
		}
	case kc.ActionUpdate:
		for _, k := range append(slices.Clone(bKeys), aKeys...) {
			if !slices.Contains(trailSkip, k) && !bytes.Equal(before[k], after[k]) {
				add(k)
			}
		}
	case kc.ActionCreate:
		if e.Entity != entityFile {
			for _, k := range aKeys {
				if !slices.Contains(trailSkip, k) && !emptyJSON(after[k]) {
					add(k)
				}
			}
		}
	}
	var changed []string
	json.Unmarshal(after["PersonalChanged"], &changed)
	for _, f := range changed {
		if k, ok := personalKeys[f]; ok {
			add(k)
		}
	}
	vals := after
	if vals == nil {
		vals = before
	}
	switch e.Entity {
	case "establishment_fact":
		json.Unmarshal(vals["Year"], &t.Year)
	case entityFile:
		json.Unmarshal(vals["file_name"], &t.FileName)
	}
	return t
}

// jsonObject decodes a JSON object into its keys, in document order, and
// their raw values; anything else gives nothing.
func jsonObject(s string) ([]string, map[string]json.RawMessage) {
	if s == "" {
		return nil, nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil
	}
	var keys []string
	vals := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil
		}
		keys = append(keys, k)
		vals[k] = v
	}
	return keys, vals
}

// emptyJSON reports whether a raw JSON value is empty: null, "", 0,
// false, [] or {}.
func emptyJSON(v json.RawMessage) bool {
	switch strings.TrimSpace(string(v)) {
	case "", "null", `""`, "0", "false", "[]", "{}", `"0001-01-01T00:00:00Z"`:
		return true
	}
	return false
}
