package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"testing"

	"khuyencong/internal/kc"
	"khuyencong/internal/store"
	"khuyencong/internal/store/storetest"
)

func TestAttachments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := addRegistryUnits(t, s)
		a, err := s.CreateEstablishment(ctx, kc.Establishment{Name: "Hộ dệt A", CommuneID: u.A, Kind: kc.KindHousehold})
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.CreateEstablishment(ctx, kc.Establishment{Name: "Hộ dệt B", CommuneID: u.B, Kind: kc.KindHousehold})
		if err != nil {
			t.Fatal(err)
		}
		user, err := s.CreateUser(ctx, kc.User{Username: "canbo", DisplayName: "Cán bộ xã", Role: kc.RoleCommuneOfficer, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		// Every byte value, so a driver that treats the data as text fails.
		data := make([]byte, 300_000)
		for i := range data {
			data[i] = byte(i * 7)
		}
		sum := sha256.Sum256(data)
		photo, err := s.CreateAttachment(ctx, store.Attachment{Entity: store.AttachmentEstablishment, EntityID: a.ID,
			FileName: "Ảnh xưởng dệt.jpg", ContentType: "image/jpeg", Data: data, CreatedBy: user.ID})
		if err != nil {
			t.Fatal(err)
		}
		if photo.ID == 0 || photo.Size != int64(len(data)) || photo.SHA256 != hex.EncodeToString(sum[:]) || !photo.CreatedAt.Equal(storetest.Clock) {
			t.Errorf("created %+v", photo)
		}
		doc, err := s.CreateAttachment(ctx, store.Attachment{Entity: store.AttachmentEstablishment, EntityID: a.ID,
			FileName: "hop-dong.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4\n")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateAttachment(ctx, store.Attachment{Entity: store.AttachmentEstablishment, EntityID: b.ID,
			FileName: "b.png", ContentType: "image/png", Data: []byte("png")}); err != nil {
			t.Fatal(err)
		}

		t.Run("list without contents, newest first", func(t *testing.T) {
			list, err := s.ListAttachments(ctx, store.AttachmentEstablishment, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, f := range list {
				ids = append(ids, f.ID)
				if f.Data != nil {
					t.Errorf("list loaded the contents of %d", f.ID)
				}
			}
			if !slices.Equal(ids, []int64{doc.ID, photo.ID}) {
				t.Fatalf("ids = %v, want %v", ids, []int64{doc.ID, photo.ID})
			}
			if got := list[1]; got.FileName != "Ảnh xưởng dệt.jpg" || got.CreatedBy != user.ID || got.CreatedByName != "Cán bộ xã" || got.Size != int64(len(data)) {
				t.Errorf("photo row %+v", got)
			}
			if got := list[0]; got.CreatedBy != 0 || got.CreatedByName != "" {
				t.Errorf("system upload row %+v", got)
			}
		})
		t.Run("get with contents", func(t *testing.T) {
			got, err := s.GetAttachment(ctx, store.AttachmentEstablishment, a.ID, photo.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Data, data) || got.ContentType != "image/jpeg" || got.SHA256 != photo.SHA256 {
				t.Errorf("got %d bytes, type %q", len(got.Data), got.ContentType)
			}
		})
		t.Run("another record's file is not found", func(t *testing.T) {
			if _, err := s.GetAttachment(ctx, store.AttachmentEstablishment, b.ID, photo.ID); kc.ErrorCode(err) != kc.ENotFound {
				t.Errorf("get through B: %v", err)
			}
			if _, err := s.DeleteAttachment(ctx, store.AttachmentEstablishment, b.ID, photo.ID); kc.ErrorCode(err) != kc.ENotFound {
				t.Errorf("delete through B: %v", err)
			}
		})
		t.Run("delete", func(t *testing.T) {
			old, err := s.DeleteAttachment(ctx, store.AttachmentEstablishment, a.ID, doc.ID)
			if err != nil || old.FileName != "hop-dong.pdf" || old.SHA256 != doc.SHA256 {
				t.Fatalf("delete: %+v %v", old, err)
			}
			if _, err := s.GetAttachment(ctx, store.AttachmentEstablishment, a.ID, doc.ID); kc.ErrorCode(err) != kc.ENotFound {
				t.Errorf("get after delete: %v", err)
			}
			if _, err := s.DeleteAttachment(ctx, store.AttachmentEstablishment, a.ID, doc.ID); kc.ErrorCode(err) != kc.ENotFound {
				t.Errorf("second delete: %v", err)
			}
		})
		t.Run("deleting the establishment deletes its files", func(t *testing.T) {
			if err := s.DeleteEstablishment(ctx, a.ID); err != nil {
				t.Fatal(err)
			}
			if list, err := s.ListAttachments(ctx, store.AttachmentEstablishment, a.ID); err != nil || len(list) != 0 {
				t.Errorf("files left: %v %v", list, err)
			}
			if list, _ := s.ListAttachments(ctx, store.AttachmentEstablishment, b.ID); len(list) != 1 {
				t.Errorf("B's files: %v", list)
			}
		})
	})
}

func TestListRecordAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		u := addRegistryUnits(t, s)
		a, err := s.CreateEstablishment(ctx, kc.Establishment{Name: "Hộ A", CommuneID: u.A, Kind: kc.KindHousehold})
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.CreateEstablishment(ctx, kc.Establishment{Name: "Hộ B", CommuneID: u.B, Kind: kc.KindHousehold})
		if err != nil {
			t.Fatal(err)
		}
		certA, err := s.CreateCertificate(ctx, kc.Certificate{EstablishmentID: a.ID, Kind: kc.CertOCOP, Stars: 3, Year: 2024})
		if err != nil {
			t.Fatal(err)
		}
		certB, err := s.CreateCertificate(ctx, kc.Certificate{EstablishmentID: b.ID, Kind: kc.CertOCOP, Stars: 4, Year: 2024})
		if err != nil {
			t.Fatal(err)
		}
		gone := certB.ID + 100 // a certificate of A deleted since
		appendAudit := func(action, entity string, id int64, before, after string) int64 {
			t.Helper()
			var e kc.AuditEntry
			err := s.InTx(ctx, func(tx *store.Tx) error {
				var err error
				e, err = tx.AppendAudit(ctx, kc.AuditEntry{Actor: "canbo", Action: action, Entity: entity, EntityID: id, Before: before, After: after})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return e.ID
		}
		certJSON := func(id, est int64) string {
			return fmt.Sprintf(`{"ID":%d,"EstablishmentID":%d,"Kind":"ocop"}`, id, est)
		}
		delJSON := func(est int64) string { return fmt.Sprintf(`{"establishment":%d}`, est) }
		want := []int64{
			appendAudit(kc.ActionCreate, "establishment", a.ID, "", `{"Name":"Hộ A"}`),
			appendAudit(kc.ActionUpdate, "establishment_fact", a.ID, `{"Year":2024}`, `{"Year":2024,"Workers":3}`),
			appendAudit(kc.ActionCreate, "establishment_file", a.ID, "", `{"file_name":"a.jpg"}`),
			appendAudit(kc.ActionCreate, "certificate", certA.ID, "", certJSON(certA.ID, a.ID)),
			appendAudit(kc.ActionCreate, "certificate", gone, "", certJSON(gone, a.ID)),
			appendAudit(kc.ActionDelete, "certificate", gone, delJSON(a.ID), ""),
			appendAudit(kc.ActionReveal, "establishment", a.ID, "", `{"fields":["phone"],"reason":"x"}`),
		}
		// Entries of B, including one whose certificate id A's old entries
		// used (SQLite may reuse a deleted row's id), and of other entities.
		appendAudit(kc.ActionCreate, "establishment", b.ID, "", `{"Name":"Hộ B"}`)
		appendAudit(kc.ActionCreate, "certificate", certB.ID, "", certJSON(certB.ID, b.ID))
		appendAudit(kc.ActionCreate, "certificate", gone, "", certJSON(gone, b.ID))
		appendAudit(kc.ActionCreate, "licence", certA.ID, "", fmt.Sprintf(`{"ID":%d,"EstablishmentID":%d}`, certA.ID, b.ID))
		appendAudit(kc.ActionUpdate, "user", a.ID, "", "{}")
		slices.Reverse(want)

		got, err := s.ListRecordAudit(ctx, a.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, e := range got {
			ids = append(ids, e.ID)
		}
		if !slices.Equal(ids, want) {
			t.Errorf("entries %v, want %v", ids, want)
		}
		if got[0].Actor != "canbo" || got[0].Action != kc.ActionReveal || got[0].At.IsZero() || got[0].Hash == "" {
			t.Errorf("newest entry %+v", got[0])
		}
		if got, _ := s.ListRecordAudit(ctx, a.ID, 2); len(got) != 2 || got[0].ID != want[0] {
			t.Errorf("limit 2: %+v", got)
		}
	})
}
